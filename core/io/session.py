"""Sessions: one ``.bpsession`` file that reopens a training run exactly where it was.

The file is an ``.npz`` (zip) archive (see ``core.io.archive``) whose JSON description
holds the format version, the dataset definition (generator name and seed, or the CSV's path
and the sha256 of its bytes; data the app cannot rebuild, such as drawn points, is embedded),
a fingerprint of the data, the ``TrainConfig``, the network's sizes and activations, the input
pipeline, the GUI's opaque ``ui_state`` and the trainer's ``state_dict()``; the arrays of that
state (weights, optimizer buffers, batch order, history) are ``.npy`` members. Optional
members (``core.io.session_records``) keep the gradient-norm history and the timeline of
kept states; files without them still open (``open_session`` then returns None for them).

Opening rebuilds the dataset, builds a ``Trainer`` from the saved config and restores the
state: continuing to train gives bit-identical weights and history to never having stopped.
Every problem with the file (damaged, newer format, dataset file moved or changed) raises a
``UserInputError`` naming the path.
"""

import datetime
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import UserInputError
from core.io.archive import join_arrays, read_archive, split_arrays, write_archive
from core.io.schema import check_session_document
from core.io.session_records import (
    check_record_headers,
    norms_document,
    read_norms,
    read_timeline,
    timeline_document,
)

FORMAT_TAG = "backprop-studio-session"
#: Version written; files of versions 1..FORMAT_VERSION are read.
FORMAT_VERSION = 1
SUFFIX = ".bpsession"
_REBUILDABLE = ("generator", "builtin", "csv")
_DATA_PARTS = ("X_train", "y_train", "X_test", "y_test")
#: Exceptions a malformed description can cause while the run is rebuilt.
_MALFORMED = (KeyError, TypeError, ValueError, IndexError, AttributeError, OverflowError)


def data_fingerprint(dataset):
    """sha256 (hex) of the dataset's four arrays as float64, with their shapes."""
    h = hashlib.sha256()
    for name in _DATA_PARTS:
        a = np.ascontiguousarray(getattr(dataset, name), dtype=np.float64)
        h.update(f"{name}{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def _app_version():
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("backprop-studio")
    except PackageNotFoundError:
        return None


def _dataset_description(dataset, arrays):
    spec = dict(dataset.spec)
    embedded = spec.get("source") not in _REBUILDABLE
    if embedded:
        for name in _DATA_PARTS:
            arrays[f"data.{name}"] = getattr(dataset, name)
    return {"name": dataset.name, "task": dataset.task, "spec": spec,
            "input_names": list(dataset.input_names),
            "target_names": list(dataset.target_names),
            "fingerprint": data_fingerprint(dataset), "embedded": embedded}


def _check_ui_state(ui_state):
    if ui_state is None:
        return {}
    if not isinstance(ui_state, dict):
        raise TypeError(f"ui_state must be a dict, got {type(ui_state).__name__}")
    try:
        json.dumps(ui_state, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise TypeError(f"ui_state must be plain JSON data (str keys, finite numbers): {e}") \
            from None
    return ui_state


@dataclass(frozen=True)
class SessionRun:
    """What ``open_session`` reopens.

    Attributes
    ----------
    trainer : Trainer
        At the saved step, with weights, optimizer state, RNG state, batch order, history.
    ui_state : dict
        What the GUI passed when saving (``{}`` if nothing).
    norms : NormHistory or None
        The gradient-norm history, when the file has one.
    timeline : Timeline or None
        The kept trainer states, when the file has them.
    timeline_head : int or None
        The newest step the timeline's run had reached (past ``trainer``'s step when the
        session was saved after scrubbing back).
    """

    trainer: object
    ui_state: dict
    norms: object = None
    timeline: object = None
    timeline_head: int | None = None


def save_session(path, trainer, ui_state=None, norms=None, timeline=None, timeline_head=None):
    """Save everything needed to reopen ``trainer`` and continue bit-identically.

    Parameters
    ----------
    path : str or Path
        Target file, conventionally ``*.bpsession``; written atomically.
    trainer : Trainer
    ui_state : dict, optional
        Opaque GUI state (selected views, ...): JSON data, returned as is by ``load_session``.
    norms : NormHistory, optional
        The run's per-layer gradient and weight norms (``core.watch.norms``).
    timeline : Timeline, optional
        The run's kept trainer states (``core.watch.timeline``), reached up to step
        ``timeline_head`` (default: its newest kept step).

    Returns
    -------
    Path

    Raises
    ------
    UserInputError
        The file cannot be written (the message says why; a previous file stays intact).
    TypeError
        ``ui_state`` is not JSON data.
    """
    ui_state = _check_ui_state(ui_state)
    arrays = {}
    net = trainer.network
    document = {
        "format": FORMAT_TAG,
        "format_version": FORMAT_VERSION,
        "app_version": _app_version(),
        "saved_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "dataset": _dataset_description(trainer.dataset, arrays),
        "config": trainer.config.to_dict(),
        "network": {"sizes": list(net.sizes), "activations": list(net.activation_names),
                    "dtype": net.dtype.name},
        "pipeline": trainer.pipeline.to_dict(),
        "state": split_arrays(trainer.state_dict(), "state", arrays),
        "ui_state": ui_state,
    }
    if norms is not None:
        document["norms"] = norms_document(norms, arrays)
    if timeline is not None:
        document["timeline"] = timeline_document(timeline, timeline_head, arrays)
    return write_archive(path, document, arrays)


def load_session(path):
    """Reopen a session saved by ``save_session``: ``(trainer, ui_state)`` of
    :func:`open_session` (see there)."""
    run = open_session(path)
    return run.trainer, run.ui_state


def open_session(path):
    """Reopen a session saved by ``save_session``, with its records.

    Returns
    -------
    SessionRun

    Raises
    ------
    UserInputError
        Missing, damaged or foreign file; a session from a newer Backprop Studio; the
        dataset's CSV file missing or changed; data that no longer matches the session.
    """
    path = Path(path)
    document, arrays = read_archive(path, "session", _check_before_reading(path))
    try:
        return _rebuild(path, document, arrays)
    except UserInputError as e:
        text = str(e)
        raise UserInputError(text if str(path) in text else f"{path}: {text}") from None
    except _MALFORMED as e:
        raise UserInputError(
            f"{path}: the session file is damaged ({type(e).__name__}: {e}). Save it again."
        ) from None


def _check_before_reading(path):
    """``read_archive``'s check: the description, then every member's declared shape."""

    def check(document, archive):
        _check_version(path, document)
        check_session_document(path, document)
        sizes = document["network"]["sizes"]
        _check_state_headers(sizes, archive)
        check_record_headers(document, archive, sizes,
                             f"for the session's {'-'.join(map(str, sizes))} network")

    return check


def _check_state_headers(sizes, archive):
    """Weights and optimizer buffers must declare the shapes of the saved network."""
    shapes = [s for a, b in zip(sizes[:-1], sizes[1:], strict=True) for s in ((a, b), (b,))]
    why = f"for the session's {'-'.join(map(str, sizes))} network"
    for i, shape in enumerate(shapes):
        archive.require_shape(f"state.params.{i}", shape, why)
    buffers = "state.optimizer.buffers."
    n_params = sum(math.prod(shape) for shape in shapes)
    for key in archive.headers:
        if not key.startswith(buffers):
            continue
        index = key.rsplit(".", 1)[-1]
        if index.isdigit() and int(index) < len(shapes):
            archive.require_shape(key, shapes[int(index)], why)
        else:
            archive.require_at_most(key, n_params, why)


def _check_version(path, document):
    if document.get("format") != FORMAT_TAG:
        raise UserInputError(f"{path} is not a Backprop Studio session file.")
    version = document.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise UserInputError(f"{path}: invalid session format version {version!r}.")
    if version > FORMAT_VERSION:
        raise UserInputError(
            f"{path}: this session was saved by a newer Backprop Studio (format {version}, "
            f"this app reads up to {FORMAT_VERSION}). Update Backprop Studio to open it."
        )


def _rebuild(path, document, arrays):
    from core.data import InputPipeline
    from core.io.weights_files import check_pipeline_fits
    from core.train.config import TrainConfig
    from core.train.trainer import Trainer

    dataset = _rebuild_dataset(path, document["dataset"], arrays)
    config = TrainConfig.from_dict(document["config"])
    config.validate(dataset)
    state = join_arrays(document["state"], arrays, path)
    # Checked before the trainer allocates anything: the saved arrays bound its size.
    _check_params(path, state["params"], _param_shapes(dataset, config))
    _check_progress(path, state, dataset.n_train)
    trainer = Trainer(dataset, config)
    trainer.load_state_dict(state)
    pipeline = document.get("pipeline")
    if pipeline is not None and pipeline != trainer.pipeline.to_dict():
        # Weights loaded from a file trained with other input scaling brought it along.
        adopted = InputPipeline.from_dict(pipeline)
        check_pipeline_fits(path, adopted, trainer)
        trainer.set_pipeline(adopted)
    ui_state = _saved_ui_state(path, document.get("ui_state"))
    norms = read_norms(path, document.get("norms"), arrays, len(trainer.network.layers))
    saved_timeline = document.get("timeline")
    scratch = None if saved_timeline is None else _scratch(trainer, dataset, config)
    timeline, head = read_timeline(path, saved_timeline, arrays, scratch)
    return SessionRun(trainer, ui_state, norms, timeline, head)


def _scratch(trainer, dataset, config):
    """A trainer like ``trainer`` (same data, network and input scaling) to test states on."""
    from core.train.trainer import Trainer

    scratch = Trainer(dataset, config, network=trainer.network.copy())
    if scratch.pipeline.to_dict() != trainer.pipeline.to_dict():
        scratch.set_pipeline(trainer.pipeline)
    return scratch


def _saved_ui_state(path, ui_state):
    """The file's window state: an object of plain JSON data, as ``save_session`` writes.

    Its values are the GUI's to check (``gui.export.ui_state.check_ui_state``); NaN or
    infinity, which ``save_session`` never writes, mark a damaged or forged file.
    """
    ui_state = ui_state or {}
    if not isinstance(ui_state, dict):
        raise UserInputError(f"{path}: the saved window state is not a JSON object.")
    try:
        _check_ui_state(ui_state)
    except TypeError:
        raise UserInputError(
            f"{path}: the saved window state holds NaN or infinite numbers, which Backprop "
            "Studio never saves. The file is damaged: save the session again.") from None
    return ui_state


def _param_shapes(dataset, config):
    """``[W0.shape, b0.shape, ...]`` of the network ``config`` builds for ``dataset``."""
    from core.data import canonical_features

    n_in = dataset.n_inputs + len(canonical_features(config.features))
    sizes = [n_in, *config.hidden, dataset.n_outputs]
    return [s for a, b in zip(sizes[:-1], sizes[1:], strict=True) for s in ((a, b), (b,))]


def _check_params(path, params, shapes):
    if not isinstance(params, list) or len(params) != len(shapes):
        raise UserInputError(f"{path}: the saved weights do not fit the saved network.")
    for i, (p, shape) in enumerate(zip(params, shapes, strict=True)):
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f" or not np.isfinite(p).all():
            raise UserInputError(
                f"{path}: saved parameter {i} is not an array of finite numbers."
            )
        if p.shape != shape:
            raise UserInputError(
                f"{path}: saved parameter {i} has shape {p.shape}; the saved network needs "
                f"{shape}."
            )


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_progress(path, state, n_train):
    """Counters, batch position and order, losses: the types training relies on."""
    order, pos, best = state["order"], state["pos"], state["best"]
    ok = (all(_is_count(state[k]) for k in ("step_count", "epoch", "pos"))
          and pos < n_train
          and isinstance(state["last_loss"], float | int)
          and isinstance(best, list) and len(best) == 2
          and isinstance(best[0], float | int) and _is_count(best[1])
          and isinstance(state["stopped_early"], bool)
          and (state["stop_reason"] is None or isinstance(state["stop_reason"], str)))
    if ok and order is not None:
        ok = (isinstance(order, np.ndarray) and order.dtype.kind in "iu"
              and order.shape == (n_train,)
              and np.array_equal(np.sort(order), np.arange(n_train)))
    if not ok:
        raise UserInputError(f"{path}: the saved training progress is damaged. Save it again.")


def _rebuild_dataset(path, desc, arrays):
    from core.data import Dataset, dataset_from_spec

    spec = desc["spec"]
    if desc.get("embedded"):
        parts = [_data_array(path, arrays, name) for name in _DATA_PARTS]
        dataset = Dataset(str(desc["name"]), desc["task"], *parts, list(desc["input_names"]),
                          list(desc["target_names"]), dict(spec))
    else:
        if spec.get("source") == "csv":
            _check_csv(spec)
        dataset = dataset_from_spec(spec)
    if data_fingerprint(dataset) != desc["fingerprint"]:
        raise UserInputError(
            f"{path}: the dataset {desc['name']!r} rebuilt from its definition differs from "
            "the data this session was trained on, so training could not continue exactly."
        )
    return dataset


def _data_array(path, arrays, name):
    a = arrays.get(f"data.{name}")
    if a is None or a.dtype.kind != "f" or a.ndim != 2 or not np.isfinite(a).all():
        raise UserInputError(f"{path}: the embedded dataset array {name} is missing or invalid.")
    return a


def _check_csv(spec):
    """Clear errors naming the CSV file when it is missing or its content changed."""
    csv_path = Path(spec["path"])
    if not csv_path.is_file():
        raise UserInputError(
            f"The session's dataset file {csv_path} is missing. Put the CSV file back at that "
            "path, or open the CSV again and start a new run."
        )
    expected = spec.get("sha256")
    if expected and _sha256(csv_path) != expected:
        raise UserInputError(
            f"The session's dataset file {csv_path} has changed since the session was saved "
            "(its sha256 differs). Restore the original file, or open it again and retrain."
        )


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
