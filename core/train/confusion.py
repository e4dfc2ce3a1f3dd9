"""Confusion matrix and per-class accuracy of a classifier's test predictions.

Rows are the true class, columns the predicted class, as scikit-learn's
``confusion_matrix``. Binary outputs ``(n, 1)`` predict class 1 when P(class 1) > 0.5;
multi-class outputs ``(n, C)`` predict the largest.
"""

import numpy as np


def predicted_labels(probs):
    """Class index per row, ``(n,)`` int64, of network outputs ``probs (n, 1 or C)``."""
    probs = np.asarray(probs)
    if probs.shape[1] == 1:
        return (probs[:, 0] > 0.5).astype(np.int64)
    return np.argmax(probs, axis=1).astype(np.int64)


def confusion_matrix(true, pred, n_classes):
    """``(C, C)`` int64 counts: ``[t, p]`` rows of true class t predicted as p.

    ``true`` and ``pred`` are ``(n,)`` class indices in ``[0, n_classes)``."""
    true = np.asarray(true, dtype=np.int64)
    pred = np.asarray(pred, dtype=np.int64)
    flat = np.bincount(true * n_classes + pred, minlength=n_classes * n_classes)
    return flat.reshape(n_classes, n_classes)


def per_class_accuracy(counts):
    """``(C,)`` float64 share of each true class predicted right (recall); NaN for a class
    with no rows."""
    counts = np.asarray(counts)
    totals = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(counts) / np.maximum(totals, 1), np.nan)


def rows_in_cell(true, pred, true_class, predicted_class):
    """``(k,)`` int64 indices of the rows of true class ``true_class`` predicted as
    ``predicted_class``, in row order."""
    mask = (np.asarray(true) == true_class) & (np.asarray(pred) == predicted_class)
    return np.flatnonzero(mask)
