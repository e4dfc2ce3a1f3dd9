"""Edit a network by hand and edit its training data, then keep training.

Weights and biases: ``set_weight`` / ``set_bias`` write one number into the live parameter
arrays. The optimizer's state (momentum, Adam moments, step count) is deliberately left as it
is: the next step simply continues from the edited weights, as if training had arrived there.

Training points of 2-D classification data (what the window's point editor draws):
``add_point``, ``remove_row``, ``cleared`` and ``blank_dataset`` return a new ``Dataset``
with the training set edited and the test set kept; ``nearest_row`` finds the point under
the pointer. The edited data may be a *draft* that cannot be trained on yet (fewer than two
classes among its training points: ``is_trainable``, ``need_text``). Every edited dataset's
``spec`` is ``{"source": "arrays", "edited_from": <the spec of the data it started from>}``
(one level, however many edits); a blank canvas's spec also carries ``"frame": [xmin, xmax,
ymin, ymax]``, the plane it spans (kept through edits).

``with_dataset`` builds a new ``Trainer`` on edited data that keeps the network and the run:

- kept: weights and biases, optimizer state, step and epoch counters, history, the
  shuffling/dropout generator state, early-stopping bookkeeping, live settings (lr, L1/L2,
  ...), and the input pipeline (so the network sees raw points exactly as before: a
  standardising pipeline is *not* refitted on the new points);
- reset: the position in the epoch. A new epoch starts at the next step, shuffling the new
  rows (the old epoch's row order refers to rows that changed).
"""

import dataclasses
import math
import numbers

import numpy as np

from core.data import Dataset, encode_labels
from core.errors import UserInputError

#: A blank canvas spans this square of raw inputs (TensorFlow Playground's -6..6).
BLANK_FRAME = (-6.0, 6.0, -6.0, 6.0)
BLANK_NAME = "my points"
NEED_BOTH_TEXT = "Add points of both classes to start training"


# ---- weights ---------------------------------------------------------------------------
def _check_index(value, size, what, hint):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) \
            or not 0 <= value < size:
        raise UserInputError(f"{what} {value!r} is out of range: {hint} from 0 to {size - 1}.")
    return int(value)


def _check_value(value, what):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) \
            or not math.isfinite(value):
        raise UserInputError(f"The new {what} must be a finite number, got {value!r}.")
    return float(value)


def _layer(trainer, layer):
    layers = trainer.network.layers
    i = _check_index(layer, len(layers), "Layer", "choose a layer")
    return layers[i]


def set_weight(trainer, layer, i, j, value):
    """Set ``W[i, j]`` of layer ``layer``: the weight from input/unit ``i`` to unit ``j``.

    Parameters
    ----------
    trainer : Trainer
    layer : int
        0-based layer index (the output layer is the last).
    i, j : int
        Row (incoming unit, ``< fan_in``) and column (this layer's unit, ``< fan_out``).
    value : float
        Finite; stored in the network's dtype.

    Raises
    ------
    UserInputError
        An index out of range or a value that is not a finite number.
    """
    lay = _layer(trainer, layer)
    i = _check_index(i, lay.fan_in, "Input index", "choose an incoming unit")
    j = _check_index(j, lay.fan_out, "Unit index", f"layer {layer} has units numbered")
    lay.W[i, j] = _check_value(value, "weight")
    trainer.weights_changed()  # the divergence guard re-measures the weights


def set_bias(trainer, layer, j, value):
    """Set ``b[j]`` of layer ``layer`` (same checks as ``set_weight``)."""
    lay = _layer(trainer, layer)
    j = _check_index(j, lay.fan_out, "Unit index", f"layer {layer} has units numbered")
    lay.b[j] = _check_value(value, "bias")
    trainer.weights_changed()


# ---- the record after an edit ----------------------------------------------------------
def record_evaluation(trainer, position=None):
    """Append one ``history`` row: the exact losses and metrics at the current weights.

    After an edit (a weight typed in, weights loaded, training points changed) the last
    epoch's row no longer describes the network; this row does, so the loss curves, the
    summary and the metrics show the edited network at once. Its ``epoch`` is where the
    edit happened, ``position`` (default ``trainer.epoch_position``): fractional mid-epoch,
    equal to the last row's at an epoch's end (the curves then jump straight up or down).

    Returns
    -------
    dict
        ``trainer.evaluate()``.
    """
    values = trainer.evaluate()
    where = trainer.epoch_position if position is None else float(position)
    trainer.history.append(where, values["train_loss"], values["test_loss"],
                           values["train_metric"], values["test_metric"], float(trainer.lr))
    return values


# ---- training points -------------------------------------------------------------------
def is_editable(dataset):
    """2-D binary or multi-class data (what points can be drawn on)."""
    return dataset is not None and dataset.is_2d and dataset.is_classification


def classes_present(dataset):
    """How many different classes the training points hold."""
    return int(np.unique(dataset.labels_train).size)


def is_trainable(dataset):
    """At least one training point in each of two classes."""
    return dataset.n_train > 0 and classes_present(dataset) >= 2


def need_text(dataset):
    """What the user must add before training can start on ``dataset``."""
    if dataset.n_classes == 2:
        return NEED_BOTH_TEXT
    return "Add points of at least two classes to start training"


def _check_2d_classification(dataset):
    if not dataset.is_2d or not dataset.is_classification:
        raise UserInputError(
            f"Points can only be added to 2-D classification data; {dataset.name!r} is "
            f"{dataset.task} with {dataset.n_inputs} inputs."
        )


def _check_label(dataset, label):
    C = dataset.n_classes
    names = ", ".join(f"{k} ({n})" for k, n in enumerate(dataset.target_names))
    if isinstance(label, bool) or not isinstance(label, numbers.Integral) or not 0 <= label < C:
        raise UserInputError(f"Class {label!r} does not exist: choose one of {names}.")
    return int(label)


def _edited_spec(dataset):
    spec = dataset.spec
    origin = spec.get("edited_from", spec) if spec.get("source") == "arrays" else spec
    edited = {"source": "arrays", "edited_from": dict(origin)}
    if "frame" in spec:
        edited["frame"] = list(spec["frame"])
    return edited


def _with_train(dataset, X_train, y_train):
    # edited rows no longer come from the source in ``row_order``
    return dataclasses.replace(dataset, X_train=X_train, y_train=y_train,
                               spec=_edited_spec(dataset), row_order=None)


def add_point(dataset, x, y, label):
    """A new ``Dataset`` with the training point ``(x, y)`` of class ``label`` appended.

    Parameters
    ----------
    dataset : Dataset
        2-D binary or multi-class data; not modified.
    x, y : float
        Raw input coordinates (finite).
    label : int
        Class index, ``0 <= label < n_classes``.

    Returns
    -------
    Dataset
        Train set one row longer; test set, names and task unchanged.
    """
    _check_2d_classification(dataset)
    row = np.array([[_check_value(x, "x"), _check_value(y, "y")]])
    target = encode_labels([_check_label(dataset, label)], dataset.n_classes)
    return _with_train(dataset, np.vstack([dataset.X_train, row]),
                       np.vstack([dataset.y_train, target]))


def remove_row(dataset, k):
    """A new ``Dataset`` without training row ``k`` (it may leave no rows: a draft).

    Raises
    ------
    UserInputError
        ``k`` is not a training row of ``dataset``.
    """
    k = _check_index(k, dataset.n_train, "Row", "choose a training row")
    keep = np.arange(dataset.n_train) != k
    return _with_train(dataset, dataset.X_train[keep], dataset.y_train[keep])


def cleared(dataset):
    """``dataset`` with no training points (test points, classes and names kept)."""
    return _with_train(dataset, dataset.X_train[:0], dataset.y_train[:0])


def nearest_row(points, pos, radius):
    """Index of the row of ``points (n, 2)`` nearest ``pos (2,)`` if within ``radius``, else
    None. The window passes screen pixels, so a hit feels the same at any zoom or aspect."""
    if len(points) == 0:
        return None
    dist = np.hypot(*(np.asarray(points, dtype=np.float64) - np.asarray(pos)).T)
    k = int(np.argmin(dist))
    return k if dist[k] <= radius else None


def blank_dataset(target_names=("0", "1")):
    """An empty 2-D classification dataset (binary for two names, else multi-class)."""
    names = [str(n) for n in target_names]
    k = 1 if len(names) == 2 else len(names)
    empty_x, empty_y = np.zeros((0, 2)), np.zeros((0, k))
    task = "binary" if len(names) == 2 else "multiclass"
    spec = {"source": "arrays", "blank": True, "frame": list(BLANK_FRAME)}
    return Dataset(BLANK_NAME, task, empty_x, empty_y, empty_x.copy(), empty_y.copy(),
                   ["x1", "x2"], names, spec)


def with_dataset(trainer, dataset):
    """A new ``Trainer`` on ``dataset`` that keeps ``trainer``'s network and run (see above).

    Parameters
    ----------
    trainer : Trainer
        Not modified.
    dataset : Dataset
        Same inputs and outputs as the trainer's data (e.g. from ``add_point``).

    Returns
    -------
    Trainer
    """
    from core.train.trainer import Trainer

    old = trainer.dataset
    if dataset.n_inputs != old.n_inputs or dataset.n_outputs != old.n_outputs \
            or dataset.task != old.task:
        raise UserInputError(
            f"The new data ({dataset.task}, {dataset.n_inputs} inputs, {dataset.n_outputs} "
            f"outputs) does not fit the network ({old.task}, {old.n_inputs} inputs, "
            f"{old.n_outputs} outputs)."
        )
    new = Trainer(dataset, trainer.config, network=trainer.network.copy())
    if new.pipeline != trainer.pipeline:
        # Keep the network's view of raw inputs: re-transform with the old pipeline.
        new.set_pipeline(trainer.pipeline)
    state = trainer.state_dict()
    # A fresh epoch on the new rows (its running training metrics restart too).
    state.update(n_train=dataset.n_train, order=None, pos=0, running=None)
    new.load_state_dict(state)
    return new
