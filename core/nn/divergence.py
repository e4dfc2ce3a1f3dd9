"""Where training blew up: the layer to name when a step diverges (rare path only).

``Trainer`` raises ``TrainingDiverged`` with the step and a layer; these functions find the
layer. For a non-finite loss it is the first layer whose pre-activations ``z`` or
activations ``a`` on the batch are not finite; when they all are (the loss itself
overflowed, e.g. the square of a huge output), it is the layer with the largest ``|z|``,
and the message says how large it grew.
"""

import math

import numpy as np

from core.errors import TrainingDiverged


def first_bad_layer(arrays, largest_if_all_finite=False):
    """Index of the first layer whose array in ``[W0, b0, W1, b1, ...]`` is not finite.

    Returns None when all are finite, or with ``largest_if_all_finite`` (a squared norm that
    overflowed) the layer holding the largest magnitude.
    """
    for i, arr in enumerate(arrays):
        if not np.isfinite(arr).all():
            return i // 2
    if not largest_if_all_finite or not arrays:
        return None
    peaks = [_peak(a) for a in arrays]
    return max(range(len(arrays)), key=peaks.__getitem__) // 2


def _peak(a):
    if a is None or not a.size:
        return 0.0
    with np.errstate(all="ignore"):
        return float(np.nanmax(np.abs(a))) if not np.isnan(a).all() else 0.0


def loss_culprit(network):
    """``(layer, detail)`` for a non-finite loss, from the last forward pass of ``network``.

    ``layer`` is the first layer with non-finite ``z`` or ``a``, else the one with the largest
    ``|z|`` (None before any forward pass); ``detail`` explains it for the message, e.g.
    ``"the outputs of layer 3 grew to 1.2e+200"``.
    """
    layers = network.layers
    for i, layer in enumerate(layers):
        for name, arr in (("pre-activations", layer.z), ("activations", layer.a)):
            if arr is not None and not np.isfinite(arr).all():
                return i, f"the {name} of layer {i + 1} became infinite or NaN"
    peaks = [_peak(layer.z) for layer in layers]
    if not any(layer.z is not None for layer in layers):
        return None, ""
    i = max(range(len(layers)), key=peaks.__getitem__)
    return i, f"the outputs of layer {i + 1} grew to {peaks[i]:.3g}"


class WeightGuard:
    """Catches, at its step, an update that made a weight non-finite, almost for free.

    A weight can become non-finite in the update itself (an optimizer's own arithmetic, e.g.
    ``0/0`` with ``eps = 0``, or overflow of a weight near the dtype's maximum). The guard
    keeps an upper bound on ``max|w|``: the last exact measurement plus the norm of every
    update since, each step widened for rounding. Below a quarter of the dtype's maximum no
    weight can have overflowed, and a non-finite update makes the bound non-finite; only then
    are the weights checked exactly.
    """

    def __init__(self, dtype):
        finfo = np.finfo(dtype)
        self.limit = float(finfo.max) / 4  # slack for rounding in the norms
        self.grow = 1.0 + 2.0 * float(finfo.eps)  # each w + Δ rounds by at most eps/2
        self.bound = math.inf

    def reset(self):
        """The weights were written from outside: measure them at the next update."""
        self.bound = math.inf

    def update(self, norm, params, step):
        """Account for an update of L2 norm ``norm`` to ``params`` at ``step``.

        Raises
        ------
        TrainingDiverged
            A weight is not finite (``what="weights"``, with its layer).
        """
        self.bound = self.bound * self.grow + norm
        if not self.bound < self.limit:  # also NaN and the unmeasured inf
            bad = first_bad_layer(params)
            if bad is not None:
                raise TrainingDiverged(step, bad, "weights")
            self.bound = max(float(np.abs(p).max()) for p in params)
