"""Edits of a 2-D classification training set, as new ``Dataset`` objects (no Qt).

The editor keeps the data the user sees, even when it cannot be trained on yet: a *draft*
has fewer than two classes among its training points (a cleared or blank canvas). The test
set is never edited. Every edited dataset's ``spec`` is ``{"source": "arrays",
"edited_from": <the spec of the data it started from>}`` (one level, however many edits).
A blank canvas's spec also carries ``"frame": [xmin, xmax, ymin, ymax]``, the plane it
spans (kept through edits).
"""

import dataclasses

import numpy as np

from core.data import Dataset
from core.teach.editing import add_point

#: A blank canvas spans this square of raw inputs (TensorFlow Playground's -6..6).
BLANK_FRAME = (-6.0, 6.0, -6.0, 6.0)
BLANK_NAME = "my points"
NEED_BOTH_TEXT = "Add points of both classes to start training"


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


def _edited_spec(dataset):
    spec = dataset.spec
    origin = spec.get("edited_from", spec) if spec.get("source") == "arrays" else spec
    edited = {"source": "arrays", "edited_from": dict(origin)}
    if "frame" in spec:
        edited["frame"] = list(spec["frame"])
    return edited


def _with_train(dataset, X_train, y_train):
    return dataclasses.replace(dataset, X_train=X_train, y_train=y_train,
                               spec=_edited_spec(dataset))


def with_point(dataset, x, y, label):
    """``dataset`` plus the training point ``(x, y)`` of class ``label``."""
    added = add_point(dataset, x, y, label)
    return dataclasses.replace(added, spec=_edited_spec(dataset))


def without_row(dataset, k):
    """``dataset`` without training row ``k`` (may leave no rows: a draft)."""
    keep = np.arange(dataset.n_train) != k
    return _with_train(dataset, dataset.X_train[keep], dataset.y_train[keep])


def cleared(dataset):
    """``dataset`` with no training points (test points, classes and names kept)."""
    return _with_train(dataset, dataset.X_train[:0], dataset.y_train[:0])


def nearest_row(pixels, pos, radius):
    """Index of the row of ``pixels (n, 2)`` nearest ``pos (2,)`` if within ``radius``, else
    None. Distances in screen pixels, so a hit feels the same at any zoom or aspect."""
    if len(pixels) == 0:
        return None
    dist = np.hypot(*(np.asarray(pixels, dtype=np.float64) - np.asarray(pos)).T)
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
