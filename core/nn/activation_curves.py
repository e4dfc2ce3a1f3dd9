"""The curves of an activation function and its derivative, and where a layer's ``z`` falls.

``curves(name, z)`` evaluates ``f`` and ``f′`` of a registered activation on a grid through
the registry's own ``forward`` and ``derivative`` (so the picture is exactly what training
uses). Softmax is not elementwise: each output depends on the whole row of logits. It is
drawn *per class*: class k's probability as its own logit ``z`` varies while the other
``C − 1`` logits stay at 0, ``s(z) = e^z / (e^z + C − 1)``, and its slope ``∂s_k/∂z_k =
s(1 − s)`` (the diagonal of the Jacobian, computed by the registry's ``backward``).
"""

import math

import numpy as np

from core.nn.activations import ACTIVATIONS

#: Half-widths the z axis snaps to, so it changes rarely as a layer's z spreads.
Z_SPANS = (3.0, 5.0, 7.0, 10.0, 15.0, 20.0, 30.0, 50.0, 70.0, 100.0, 150.0, 200.0, 300.0, 500.0,
           700.0, 1000.0)
#: Share of |f′| below which a z counts as "in a flat region" of f (of f′'s largest value).
FLAT_SLOPE = 0.05


def curves(name, z, n_classes=2):
    """``f(z)`` and ``f′(z)`` of activation ``name`` on a grid.

    Parameters
    ----------
    name : str
        A name in ``ACTIVATIONS``.
    z : ndarray, shape (m,)
        Grid of pre-activation values.
    n_classes : int
        Softmax only: the number of logits C (the other C − 1 are held at 0).

    Returns
    -------
    (f, df) : two ndarrays of shape (m,), float64
    """
    act = ACTIVATIONS.get(name)
    z = np.asarray(z, dtype=np.float64)
    if act.elementwise:
        column = z[:, None].copy()
        a = act.forward(column.copy())
        return a[:, 0].copy(), act.derivative(column, a)[:, 0].copy()
    rows = np.zeros((len(z), max(int(n_classes), 2)))
    rows[:, 0] = z
    a = act.forward(rows.copy())
    unit = np.zeros_like(rows)
    unit[:, 0] = 1.0
    return a[:, 0].copy(), act.backward(rows, a, unit)[:, 0].copy()


def z_span(z):
    """The half-width of the z axis that shows every value of ``z`` (any shape): the
    smallest of ``Z_SPANS`` at least ``max |z|`` (the largest one beyond that)."""
    finite = np.asarray(z)[np.isfinite(z)]
    top = float(np.abs(finite).max()) if finite.size else 0.0
    for span in Z_SPANS:
        if top <= span:
            return span
    return Z_SPANS[-1]


def z_histogram(z, span, bins=60):
    """Counts of ``z`` (any shape) in ``bins`` equal bins over ``[-span, span]``.

    Returns
    -------
    (counts (bins,) int64, edges (bins + 1,) float64) : ``np.histogram``'s result.
    """
    return np.histogram(np.asarray(z, dtype=np.float64).ravel(), bins=bins,
                        range=(-float(span), float(span)))


def flat_share(name, z, n_classes=2):
    """Share of the values of ``z`` (any shape) where ``|f′(z)|`` is below ``FLAT_SLOPE``
    of its maximum (sigmoid and tanh tails, ReLU's negative half); NaN for empty ``z``.

    The maximum is taken over the standard range |z| ≤ 5 (f′ of ReLU-like functions keeps
    growing only through the kink)."""
    values = np.asarray(z, dtype=np.float64).ravel()
    if values.size == 0:
        return math.nan
    _, df_grid = curves(name, np.linspace(-5.0, 5.0, 201), n_classes)
    top = float(np.abs(df_grid).max())
    if top == 0.0:
        return 1.0
    _, df = curves(name, values, n_classes)
    return float(np.count_nonzero(np.abs(df) < FLAT_SLOPE * top)) / values.size
