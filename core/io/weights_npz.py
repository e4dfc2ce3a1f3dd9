"""The weights file: a ``.npz`` archive any NumPy user can read.

Keys
----
``layers.{i}.weight``
    ``W`` of layer i, shape (fan_in, fan_out).
``layers.{i}.bias``
    ``b`` of layer i, shape (fan_out,).
``meta``
    A JSON string: ``format_version``, ``sizes`` (layer sizes incl. input and output),
    ``activations`` (one per layer), ``loss``, ``dtype``, ``input_features`` (network input
    names), ``input_scaling`` (``InputPipeline.to_dict()`` or null), ``dataset`` (name and
    ``spec``), ``epoch``, ``step``, ``seed`` and ``config`` (``TrainConfig.to_dict()``);
    the last few are null when a bare network is saved.

Files are written to a temporary file in the target folder and renamed over the target, so a
reader never sees a half-written file. Loading validates everything and raises
``UserInputError`` with a message naming the file and the problem.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import UserInputError
from core.io.archive import open_npz, read_member
from core.io.atomic import atomic_write
from core.io.schema import check_weights_meta

FORMAT_VERSION = 1


@dataclass(frozen=True)
class WeightsFile:
    """The validated contents of a weights file.

    Attributes
    ----------
    weights, biases : list of ndarray
        ``W`` (fan_in, fan_out) and ``b`` (fan_out,) per layer, float64 or float32 as saved.
    meta : dict
        The decoded ``meta`` JSON (see the module docstring).
    """

    weights: list
    biases: list
    meta: dict

    @property
    def sizes(self):
        return list(self.meta["sizes"])

    def __repr__(self):
        return f"WeightsFile(sizes={self.sizes}, activations={self.meta['activations']})"


def atomic_savez(path, arrays):
    """Write ``arrays`` (dict name -> array) to ``path`` as ``.npz``, all or nothing.

    Goes through :func:`core.io.atomic.atomic_write`: a temporary file in the same folder,
    renamed over ``path`` only once it is complete.
    """
    return atomic_write(path, lambda f: np.savez(f, **arrays))


def _target_parts(target):
    """``(network, trainer or None)`` for a Trainer or a Network."""
    network = getattr(target, "network", None)
    return (network, target) if network is not None else (target, None)


def build_meta(target):
    """The ``meta`` dict for a Trainer (everything) or a bare Network (architecture only)."""
    network, trainer = _target_parts(target)
    meta = {
        "format_version": FORMAT_VERSION,
        "sizes": [int(s) for s in network.sizes],
        "activations": list(network.activation_names),
        "dtype": network.dtype.name,
        "loss": None, "input_features": None, "input_scaling": None, "dataset": None,
        "epoch": None, "step": None, "seed": None, "config": None,
    }
    if trainer is not None:
        ds = trainer.dataset
        meta.update(
            loss=trainer.config.loss,
            input_features=trainer.pipeline.feature_names(ds.input_names),
            input_scaling=trainer.pipeline.to_dict(),
            dataset={"name": ds.name, "task": ds.task, "spec": ds.spec,
                     "target_names": list(ds.target_names)},
            epoch=trainer.epoch, step=trainer.step_count, seed=trainer.config.seed,
            config=trainer.config.to_dict(),
        )
    return meta


def save_weights(path, target):
    """Save a Trainer's (or a bare Network's) weights and description to ``path``.

    Parameters
    ----------
    path : str or Path
        Target file, conventionally ``*.npz`` (written exactly there).
    target : Trainer or Network

    Returns
    -------
    Path
    """
    network, _ = _target_parts(target)
    arrays = {"meta": np.array(json.dumps(build_meta(target)))}
    for i, layer in enumerate(network.layers):
        arrays[f"layers.{i}.weight"] = layer.W
        arrays[f"layers.{i}.bias"] = layer.b
    return atomic_savez(path, arrays)


def load_weights(path):
    """Read and validate a weights file.

    The ``meta`` entry is read and checked first; every layer's declared shape is then
    compared with it before the layer's data are read, so a file cannot make the loader
    allocate more than the network its ``meta`` describes (itself capped at the largest
    network the app builds).

    Returns
    -------
    WeightsFile

    Raises
    ------
    UserInputError
        Missing file, not an ``.npz`` archive, corrupted or truncated, oversized members,
        missing keys, wrong shapes, non-finite values, or an unsupported format version.
    """
    path = Path(path)
    with open_npz(path, "weights", text_keys=("meta",)) as archive:
        if "meta" not in archive.headers:
            raise UserInputError(
                f"{path} has no 'meta' entry: it is not a Backprop Studio weights file.")
        meta = _parse_meta(path, read_member(archive, "meta"))
        sizes = meta["sizes"]
        shapes = _layer_shapes(sizes)
        unexpected = set(archive.headers) - set(shapes) - {"meta"}
        if unexpected:
            raise UserInputError(f"{path}: unexpected entries {sorted(unexpected)} for layer "
                                 f"sizes {_arch(sizes)}.")
        for key, shape in shapes.items():
            archive.require_shape(key, shape, f"for layer sizes {_arch(sizes)}")
        arrays = {key: read_member(archive, key) for key in archive.headers if key != "meta"}
    weights, biases = _layer_arrays(path, arrays, sizes)
    return WeightsFile(weights=weights, biases=biases, meta=meta)


def _layer_shapes(sizes):
    """``{"layers.{i}.weight": (fan_in, fan_out), "layers.{i}.bias": (fan_out,)}``."""
    shapes = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        shapes[f"layers.{i}.weight"] = (fan_in, fan_out)
        shapes[f"layers.{i}.bias"] = (fan_out,)
    return shapes


def _parse_meta(path, raw):
    try:
        meta = json.loads(str(raw[()]))
    except (ValueError, TypeError, IndexError, RecursionError) as e:
        raise UserInputError(f"{path}: the 'meta' entry is not valid JSON ({e}).") from None
    if not isinstance(meta, dict):
        raise UserInputError(f"{path}: the 'meta' entry must be a JSON object.")
    version = meta.get("format_version")
    if isinstance(version, bool) or version != FORMAT_VERSION:
        raise UserInputError(
            f"{path}: weights format version {version!r} is not supported (this program reads "
            f"version {FORMAT_VERSION})."
        )
    check_weights_meta(path, meta)
    return meta


def _layer_arrays(path, arrays, sizes):
    weights, biases = [], []
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        for kind, shape, out in (("weight", (fan_in, fan_out), weights),
                                 ("bias", (fan_out,), biases)):
            key = f"layers.{i}.{kind}"
            if key not in arrays:
                raise UserInputError(f"{path}: missing {key!r} (layer sizes {sizes}).")
            a = arrays.pop(key)
            if a.shape != shape:
                raise UserInputError(
                    f"{path}: {key!r} has shape {a.shape}, expected {shape} for layer sizes "
                    f"{_arch(sizes)}."
                )
            if a.dtype.kind != "f":
                raise UserInputError(f"{path}: {key!r} has dtype {a.dtype}, expected floats.")
            if not np.isfinite(a).all():
                raise UserInputError(f"{path}: {key!r} contains NaN or infinite values.")
            out.append(a)
    if arrays:
        raise UserInputError(
            f"{path}: unexpected entries {sorted(arrays)} for layer sizes {_arch(sizes)}."
        )
    return weights, biases


def _arch(sizes):
    return "-".join(str(s) for s in sizes)

