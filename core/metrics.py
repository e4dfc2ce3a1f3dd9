"""Evaluation metrics: accuracy for classification, R² for regression, and the data loss.

These run once per epoch on whole train/test sets (never per step). Every function returns a
Python float, NaN when there are no rows to evaluate.
"""

import math

import numpy as np


def accuracy(a, labels, task):
    """Fraction of rows classified correctly.

    Parameters
    ----------
    a : ndarray, shape (n, k)
        Network outputs: binary ``k = 1`` (class 1 when ``a > 0.5``, the sigmoid threshold);
        multi-class ``k = C`` (the class with the largest output).
    labels : ndarray of int, shape (n,)
        True class indices.
    task : {"binary", "multiclass"}

    Returns
    -------
    float in [0, 1], NaN for n = 0
    """
    if len(labels) == 0:
        return math.nan
    predicted = a[:, 0] > 0.5 if task == "binary" else np.argmax(a, axis=1)
    return float(np.count_nonzero(predicted == labels)) / len(labels)


def r2_score(a, y):
    """Coefficient of determination, averaged over output columns (as scikit-learn).

    Parameters
    ----------
    a, y : ndarray, shape (n, k)
        Predictions and targets.

    Returns
    -------
    float
        ``1 - SS_res / SS_tot`` per column, then the mean; a constant column scores 1.0 when
        predicted exactly and 0.0 otherwise; NaN for n = 0.
    """
    if len(y) == 0:
        return math.nan
    y = y.astype(np.float64, copy=False)
    ss_res = ((y - a) ** 2).sum(axis=0)
    ss_tot = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
    scores = [
        1.0 - r / t if t > 0 else (1.0 if r == 0 else 0.0)
        for r, t in zip(ss_res.tolist(), ss_tot.tolist(), strict=True)
    ]
    return float(sum(scores) / len(scores))


def outputs(network, X):
    """Output-layer logits and activations for ``X`` without touching the training caches.

    Parameters
    ----------
    network : Network
    X : ndarray, shape (n, n_in)

    Returns
    -------
    z, a : ndarray, shape (n, n_out) each
    """
    a = X
    for layer in network.layers[:-1]:
        z = a @ layer.W
        z += layer.b
        a = layer.activation.forward(z)
    last = network.layers[-1]
    z = a @ last.W
    z += last.b
    return z, last.activation.forward(z)


def data_loss(loss, output_activation, z, a, y):
    """Mean data loss (no penalty), fused from the logits when ``loss.link`` is the output.

    Parameters
    ----------
    loss : Loss
    output_activation : str
    z, a, y : ndarray, shape (n, k)

    Returns
    -------
    float, NaN for n = 0
    """
    if len(y) == 0:
        return math.nan
    if loss.link is not None and loss.link == output_activation:
        return loss.value_from_logits(z, y)
    return loss.value(a, y)
