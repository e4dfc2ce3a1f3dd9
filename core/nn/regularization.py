"""L1 and L2 weight penalties, added to the data loss during training.

The penalty is ``l1 * sum|W| + l2 * 0.5 * sum(W^2)`` over every layer's weight matrix; biases
are never penalised (they shift a unit, they do not make the function more complex). Its
gradient with respect to ``W`` is ``l1 * sign(W) + l2 * W``.
"""

import numpy as np


def penalty(weights, l1=0.0, l2=0.0):
    """The regularisation term as a Python float.

    Parameters
    ----------
    weights : list of ndarray
        Weight matrices ``W`` (fan_in, fan_out), one per layer (no biases).
    l1, l2 : float
        Strengths of the L1 and L2 terms (0 disables a term).

    Returns
    -------
    float
        ``l1 * sum|W| + l2 * 0.5 * sum(W^2)`` summed over all matrices.
    """
    total = 0.0
    if l1:
        total += float(l1) * sum(float(np.abs(W).sum()) for W in weights)
    if l2:
        total += 0.5 * float(l2) * sum(float(np.vdot(W, W)) for W in weights)
    return total


def add_gradients(weights, weight_grads, l1=0.0, l2=0.0):
    """Add the penalty's gradient ``l1 * sign(W) + l2 * W`` to each weight gradient, in place.

    Parameters
    ----------
    weights : list of ndarray
        Weight matrices ``W`` (fan_in, fan_out).
    weight_grads : list of ndarray
        ``dL/dW`` of the same shapes; modified in place (dtype kept).
    l1, l2 : float
        Strengths of the L1 and L2 terms.
    """
    # Python floats keep a float32 gradient in float32 (a NumPy float64 scalar would not).
    l1 = float(l1)
    l2 = float(l2)
    for W, g in zip(weights, weight_grads, strict=True):
        if l1:
            g += l1 * np.sign(W)
        if l2:
            g += l2 * W
