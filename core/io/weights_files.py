"""Weights files of either format (``.npz`` or ``.json``): read, save, load into, rebuild from.

``load_into`` checks everything before it changes anything, so a failed load leaves the
target network exactly as it was. A file made for another architecture raises
``WeightsMismatch`` (a ``UserInputError`` carrying the file), so the GUI can offer to rebuild
the network from the file with ``network_from_weights`` / ``config_from_weights``.
"""

import dataclasses
from pathlib import Path

import numpy as np

from core.errors import UserInputError
from core.io.archive import DAMAGED_FILE_ERRORS, damaged_npz_error
from core.io.weights_json import load_weights_json, save_weights_json
from core.io.weights_npz import WeightsFile, _target_parts, load_weights, save_weights

_DTYPES = ("float32", "float64")


class WeightsMismatch(UserInputError):
    """The file's network (layer sizes or activations) differs from the target's.

    Attributes
    ----------
    weights_file : WeightsFile
        What the file holds (enough to rebuild: ``network_from_weights(weights_file)``).
    """

    def __init__(self, message, weights_file):
        super().__init__(message)
        self.weights_file = weights_file


def is_json_file(path):
    """True when ``path`` holds JSON text (its first non-blank byte is ``{``)."""
    try:
        with open(path, "rb") as f:
            head = f.read(64)
    except OSError:
        return Path(path).suffix.lower() == ".json"
    return head.lstrip().startswith(b"{")


def read_weights(path):
    """Read and validate a weights file of either format.

    Returns
    -------
    WeightsFile

    Raises
    ------
    UserInputError
        For anything wrong with the file (see ``load_weights`` and ``load_weights_json``).
    """
    if is_json_file(path):
        return load_weights_json(path)
    try:
        return load_weights(path)
    except UserInputError:
        raise
    except DAMAGED_FILE_ERRORS as e:  # a damaged zip can fail in more ways than npz expects
        raise damaged_npz_error(path, "weights", e) from None


def save_weights_file(path, target):
    """Save as JSON when ``path`` ends in ``.json``, else as ``.npz``; returns the path."""
    if Path(path).suffix.lower() == ".json":
        return save_weights_json(path, target)
    return save_weights(path, target)


def _arch(sizes):
    return "-".join(str(s) for s in sizes)


def check_fits(target, weights_file, path="the weights file"):
    """Raise unless ``weights_file`` can be copied into ``target`` (a Trainer or Network).

    Raises
    ------
    WeightsMismatch
        Different layer sizes or activations.
    UserInputError
        For a Trainer: the file was trained on other network inputs.
    """
    network, trainer = _target_parts(target)
    wf = weights_file
    if list(network.sizes) != wf.sizes:
        raise WeightsMismatch(
            f"{path} holds a {_arch(wf.sizes)} network but this one is "
            f"{_arch(network.sizes)}: expected layer sizes {list(network.sizes)}, found "
            f"{wf.sizes}. Rebuild the network from the file, or change the hidden layers (or "
            "the data/features) to match.", wf)
    if list(network.activation_names) != list(wf.meta["activations"]):
        raise WeightsMismatch(
            f"{path} uses activations {wf.meta['activations']}; this network uses "
            f"{list(network.activation_names)}. Rebuild the network from the file or change "
            "the activations.", wf)
    features = wf.meta.get("input_features")
    if trainer is not None and features is not None:
        mine = trainer.pipeline.feature_names(trainer.dataset.input_names)
        if list(features) != mine:
            raise UserInputError(
                f"{path} was trained on inputs {features}; this network's inputs are {mine}."
            )
    file_pipeline(target, wf, path)


def file_pipeline(target, weights_file, path="the weights file"):
    """The input pipeline to adopt with the weights, or None to keep the trainer's.

    Weights only make sense with inputs scaled as during their training, so when a file
    records an input scaling (``meta["input_scaling"]``) that differs from a Trainer's
    (standardisation on/off, or other mean and std), the file's pipeline is returned: the
    trainer adopts it (``Trainer.set_pipeline``). Its derived features must match.

    Raises
    ------
    UserInputError
        The file's pipeline uses other derived features or another input count.
    """
    from core.data import InputPipeline

    _, trainer = _target_parts(target)
    scaling = weights_file.meta.get("input_scaling")
    if trainer is None or scaling is None:
        return None
    pipeline = InputPipeline.from_dict(scaling)
    mine = trainer.pipeline
    if pipeline.features != mine.features or pipeline.n_inputs not in (None, mine.n_inputs):
        raise UserInputError(
            f"{path} was trained with inputs {_input_text(pipeline)}; this network's inputs "
            f"are {_input_text(mine)}. Choose the same derived features."
        )
    same = ({k: v for k, v in pipeline.to_dict().items() if k != "n_inputs"}
            == {k: v for k, v in mine.to_dict().items() if k != "n_inputs"})
    if same:
        return None
    check_pipeline_fits(path, pipeline, trainer)
    return pipeline


#: Scaled inputs larger than this mean a scaling made for other data (a network saturates
#: long before): e.g. a std of 1e-12 for inputs of size 1 turns them into 1e12.
MAX_SCALED_INPUT = 1e6


def check_pipeline_fits(path, pipeline, trainer):
    """Refuse a file's input ``pipeline`` that turns ``trainer``'s data into absurd numbers.

    The training and test inputs (n, d) are transformed with ``pipeline``; every network
    input must stay finite and within ``MAX_SCALED_INPUT`` in size.

    Raises
    ------
    UserInputError
        Naming the input, the size it reaches and the file's mean and std for it.
    """
    if not pipeline.standardize:
        return
    ds = trainer.dataset
    X_raw = np.vstack([ds.X_train, ds.X_test])
    if pipeline.n_inputs not in (None, X_raw.shape[1]) or not len(X_raw):
        return  # another input count is refused by the caller with its own message
    with np.errstate(all="ignore"):
        size = np.abs(pipeline.transform(X_raw)).max(axis=0)
    size[~np.isfinite(size)] = np.inf
    j = int(np.argmax(size))
    if size[j] > MAX_SCALED_INPUT:
        name = pipeline.feature_names(ds.input_names)[j]
        raise UserInputError(
            f"{path}: its input scaling turns this data's input {name!r} into values up to "
            f"{size[j]:.3g} (mean {pipeline.mean[j]:.6g}, std {pipeline.std[j]:.3g} in the "
            f"file), more than {MAX_SCALED_INPUT:g}: the scaling was made for other data, and "
            "training with it would silently fail. Load weights trained on this data, or "
            "retrain."
        )


def _input_text(pipeline):
    n = "?" if pipeline.n_inputs is None else pipeline.n_inputs
    return f"{n} raw + derived features {list(pipeline.features)}"


def apply_weights(target, weights_file, path="the weights file"):
    """Copy an already read ``weights_file`` into ``target`` (a Trainer or Network).

    Checks first (``check_fits``; on error nothing changes); for a Trainer whose input
    scaling differs from the file's, the file's is adopted (see ``file_pipeline``).
    """
    check_fits(target, weights_file, path)
    network, trainer = _target_parts(target)
    pipeline = file_pipeline(target, weights_file, path)
    if pipeline is not None:
        trainer.set_pipeline(pipeline)  # validates before it changes anything
    for layer, W, b in zip(network.layers, weights_file.weights, weights_file.biases,
                           strict=True):
        np.copyto(layer.W, W, casting="same_kind")
        np.copyto(layer.b, b, casting="same_kind")
    if trainer is not None:
        trainer.weights_changed()
    return weights_file


def load_into(target, path):
    """Copy the weights in ``path`` (npz or JSON) into a Trainer or Network, in place.

    Everything is checked first: on any error the target is unchanged. Values are cast to
    the target's dtype. A Trainer adopts the file's input scaling when it differs from its
    own (see ``file_pipeline``). This is the one weights loader (``--load-weights`` and
    ``load_weights_into`` is this function).

    Returns
    -------
    WeightsFile
    """
    return apply_weights(target, read_weights(path), path)


def _as_weights_file(weights_file):
    if isinstance(weights_file, WeightsFile):
        return weights_file
    return read_weights(weights_file)


def _dtype_of(wf):
    dtype = wf.meta.get("dtype") or "float64"
    if dtype not in _DTYPES:
        raise UserInputError(f"Weights dtype {dtype!r} is not supported; expected "
                             f"{' or '.join(_DTYPES)}.")
    return dtype


def _check_activation_names(wf):
    names = wf.meta["activations"]
    if not all(isinstance(n, str) for n in names):
        raise UserInputError(f"Activations {names!r} in the weights file are not names.")


def network_from_weights(weights_file):
    """A new ``Network`` with the file's sizes, activations, dtype and weights.

    Parameters
    ----------
    weights_file : WeightsFile, str or Path
        A file already read with ``read_weights``, or a path to read.

    Returns
    -------
    Network
        Dropout 0 (set ``network.dropout`` before training with dropout).
    """
    from core.nn.network import Network

    wf = _as_weights_file(weights_file)
    _check_activation_names(wf)
    net = Network(wf.sizes, wf.meta["activations"], init="zeros", dtype=_dtype_of(wf))
    for layer, W, b in zip(net.layers, wf.weights, wf.biases, strict=True):
        np.copyto(layer.W, W, casting="same_kind")
        np.copyto(layer.b, b, casting="same_kind")
    return net


def config_from_weights(weights_file, base):
    """``base`` (a ``TrainConfig``) changed to the file's architecture, to rebuild a trainer.

    Hidden sizes, hidden and output activations, loss and dtype come from the file (a file
    without a loss gets the one "Auto" gives its output); when it recorded them, so do the
    derived input features. Use with ``network_from_weights``:
    ``Trainer(dataset, config_from_weights(wf, cfg), network=network_from_weights(wf))``.
    """
    wf = _as_weights_file(weights_file)
    _check_activation_names(wf)
    acts = list(wf.meta["activations"])
    from core.nn.losses import LOSSES

    loss = wf.meta.get("loss")
    changes = {"hidden": tuple(wf.sizes[1:-1]), "activation": tuple(acts[:-1]),
               "output_activation": acts[-1], "dtype": _dtype_of(wf),
               "loss": loss if isinstance(loss, str) and loss in LOSSES else None}
    saved = wf.meta.get("config")
    if isinstance(saved, dict) and isinstance(saved.get("features"), list):
        changes["features"] = tuple(saved["features"])
    return dataclasses.replace(base, **changes)


#: ``from core import load_weights_into``: the same one loader.
load_weights_into = load_into
