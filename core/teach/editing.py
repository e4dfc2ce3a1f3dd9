"""Edit a network by hand and edit its training data, then keep training.

Weights and biases: ``set_weight`` / ``set_bias`` write one number into the live parameter
arrays. The optimizer's state (momentum, Adam moments, step count) is deliberately left as it
is: the next step simply continues from the edited weights, as if training had arrived there.

Training data: ``add_point`` / ``remove_nearest_point`` return a new ``Dataset`` with the
training set edited and the test set kept; ``with_training_points`` / ``with_dataset`` build
a new ``Trainer`` on edited data that keeps the network and the run:

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

from core.data import Dataset, encode_labels, make_dataset_from_arrays
from core.errors import UserInputError


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


def _with_train(dataset, X_train, y_train):
    spec = {"source": "arrays", "edited_from": dict(dataset.spec)}
    return dataclasses.replace(dataset, X_train=X_train, y_train=y_train, spec=spec)


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


def remove_nearest_point(dataset, x, y, radius):
    """A new ``Dataset`` without the training point nearest ``(x, y)``, if within ``radius``.

    Parameters
    ----------
    dataset : Dataset
        2-D classification data; not modified.
    x, y, radius : float
        Raw input coordinates and the largest distance (raw units) that counts as a hit.

    Returns
    -------
    Dataset
        ``dataset`` itself (the same object) when no training point is within ``radius``.

    Raises
    ------
    UserInputError
        Removing the point would leave no training rows.
    """
    _check_2d_classification(dataset)
    p = np.array([_check_value(x, "x"), _check_value(y, "y")])
    radius = _check_value(radius, "radius")
    if dataset.n_train == 0:
        return dataset
    dist = np.hypot(*(dataset.X_train - p).T)
    k = int(np.argmin(dist))
    if dist[k] > radius:
        return dataset
    if dataset.n_train == 1:
        raise UserInputError("This is the last training point: add another before removing it.")
    keep = np.arange(dataset.n_train) != k
    return _with_train(dataset, dataset.X_train[keep], dataset.y_train[keep])


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


def with_training_points(trainer, X_raw, labels):
    """A new ``Trainer`` whose training set is exactly ``X_raw``/``labels`` (test set kept).

    The data is built with ``make_dataset_from_arrays`` (every row in training, classes and
    their names taken from the trainer's data); the network and run are kept as in
    ``with_dataset``.

    Parameters
    ----------
    trainer : Trainer
        On 2-D binary or multi-class data.
    X_raw : array_like, shape (n, 2)
        Raw training inputs.
    labels : array_like of int, shape (n,)
        Class indices in ``[0, n_classes)``.

    Returns
    -------
    Trainer
    """
    old = trainer.dataset
    _check_2d_classification(old)
    labels = np.asarray(labels).reshape(-1)
    if labels.dtype.kind == "f" and np.all(np.isfinite(labels)) \
            and np.array_equal(labels, np.round(labels)):
        labels = labels.astype(np.int64)  # 0.0/1.0 from a float array are fine
    for label in np.unique(labels).tolist():
        _check_label(old, label)
    if len(labels) == 0:
        raise UserInputError("Add at least one training point.")
    built = make_dataset_from_arrays(X_raw, labels, old.task, name=old.name,
                                     input_names=list(old.input_names),
                                     target_names=list(old.target_names), train_ratio=1.0)
    edited = Dataset(old.name, old.task, built.X_train, built.y_train, old.X_test, old.y_test,
                     list(old.input_names), list(old.target_names),
                     {"source": "arrays", "edited_from": dict(old.spec)})
    return with_dataset(trainer, edited)
