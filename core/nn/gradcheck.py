"""Gradient checking: compare backpropagation with central finite differences.

For every parameter ``p`` the numerical derivative is ``(L(p + eps) - L(p - eps)) / (2 eps)``.
Each layer is summarised by the norm ratio ``|g - n| / (|g| + |n|)`` over its weights and bias
together (about 1e-9 when backprop is right; elementwise maxima would spike at ReLU kinks).

The check runs in float64 (on a float64 copy when the network is float32: finite differences
in float32 cannot resolve 1e-7). With ``training=True`` every evaluation replays the same
dropout masks by restoring the dropout generator's state, so the function being
differentiated is fixed.
"""

import numpy as np

from core.nn.network import loss_and_gradients, loss_value


def numerical_gradients(network, loss, X, y, eps=1e-6, *, l1=0.0, l2=0.0, training=False):
    """Central-difference gradients of the objective for every parameter.

    Parameters
    ----------
    network : Network
        Its parameters are perturbed in place and restored exactly; its caches are
        overwritten. Should be float64 (see ``gradient_check``).
    loss : Loss or str
    X : ndarray, shape (n, n_in)
    y : ndarray, shape (n, n_out)
    eps : float
        Half the finite-difference step.
    l1, l2 : float
        Weight penalties included in the objective.
    training : bool
        Include dropout (same masks for every evaluation).

    Returns
    -------
    list of ndarray
        ``[nW0, nb0, nW1, nb1, ...]``, shapes as ``network.params()``.
    """
    state = network.rng.bit_generator.state

    def objective():
        network.rng.bit_generator.state = state
        return loss_value(network, loss, X, y, l1=l1, l2=l2, training=training)

    grads = []
    for p in network.params():
        g = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            original = p[idx]
            p[idx] = original + eps
            plus = objective()
            p[idx] = original - eps
            minus = objective()
            p[idx] = original
            g[idx] = (plus - minus) / (2.0 * eps)
        grads.append(g)
    network.rng.bit_generator.state = state
    return grads


def analytic_gradients(network, loss, X, y, *, l1=0.0, l2=0.0, training=False):
    """Backprop gradients ``[dW0, db0, ...]`` (copies), replaying the same dropout masks as
    ``numerical_gradients`` for the same generator state."""
    state = network.rng.bit_generator.state
    _, grads = loss_and_gradients(network, loss, X, y, l1=l1, l2=l2, training=training)
    network.rng.bit_generator.state = state
    return [g.copy() for g in grads]


def relative_error(analytic, numerical):
    """Norm ratio ``|a - n| / (|a| + |n|)`` over a list of arrays; 0.0 when both are zero."""
    a = np.concatenate([g.ravel() for g in analytic])
    n = np.concatenate([g.ravel() for g in numerical])
    denominator = np.linalg.norm(a) + np.linalg.norm(n)
    if denominator == 0.0:
        return 0.0
    return float(np.linalg.norm(a - n) / denominator)


def gradient_check(network, loss, X, y, eps=1e-6, *, l1=0.0, l2=0.0, training=False):
    """Relative error between backprop and finite differences, per layer.

    Same parameters as ``numerical_gradients``; a float32 network is checked through a
    float64 copy, so the network passed in is never modified.

    Returns
    -------
    list of float
        One norm ratio per layer (weights and bias together), input side first.
    """
    checked = network.copy(dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    analytic = analytic_gradients(checked, loss, X, y, l1=l1, l2=l2, training=training)
    numerical = numerical_gradients(checked, loss, X, y, eps, l1=l1, l2=l2, training=training)
    return [
        relative_error(analytic[i : i + 2], numerical[i : i + 2])
        for i in range(0, len(analytic), 2)
    ]
