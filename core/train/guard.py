"""``StepGuard``: the checks around each training update, and gradient-norm clipping.

Before the update: the gradients must be finite, and are scaled down to the clip norm when
their joint L2 norm exceeds it (as ``torch.nn.utils.clip_grad_norm_``). After the update: no
weight may have become non-finite (``core.nn.divergence.WeightGuard``). A failed check raises
``TrainingDiverged`` naming the step and the layer.

Both checks cost one dot product of a flat buffer (``Network.flat_grads``, and for optimizers
other than plain SGD ``Optimizer.flat_delta``), whatever the number of layers: the squared
gradient norm is conservative (it overflows long before an update could, so a finite value
means every update is finite) and it is also the norm clipping needs.
"""

import math

import numpy as np

from core.errors import TrainingDiverged
from core.nn.divergence import WeightGuard, first_bad_layer
from core.optim.optimizers import SGD


class StepGuard:
    """Gradient check and clipping before each update, weight check after it.

    Parameters
    ----------
    network : Network
        Its ``flat_grads`` are checked (and clipped in place) before each update.
    optimizer : Optimizer
        Updates ``network.params()``; plain SGD's update norm is ``lr·‖g‖``, for free.
    clip_norm : float or None
        Largest joint L2 norm of the gradients; None = no clipping.
    """

    def __init__(self, network, optimizer, clip_norm=None):
        self._network = network
        self._grads = network.flat_grads
        self._params = network.params()
        self._optimizer = optimizer
        h = optimizer.hyperparameters()
        self._plain_sgd = isinstance(optimizer, SGD) and not (h["momentum"] or h["weight_decay"])
        self._weights = WeightGuard(network.dtype)
        self.clip_norm = clip_norm

    @property
    def clip_norm(self):
        """The clipping norm, or None (settable: effective at the next step)."""
        return self._clip

    @clip_norm.setter
    def clip_norm(self, value):
        self._clip = None if value is None else float(value)
        self._clip_sq = None if value is None else self._clip**2

    def gradients(self, step):
        """Check (and clip) the gradients of ``step`` before its update.

        Returns
        -------
        float
            An upper bound on the squared norm of the gradients the update will use.

        Raises
        ------
        TrainingDiverged
            A gradient is not finite, or their squared norm overflows (``what="gradients"``;
            the layer holding the first non-finite or the largest gradient).
        """
        g = self._grads
        sq = float(np.vdot(g, g))  # vdot: no overflow warning, the check reports it
        if not math.isfinite(sq):
            layer = first_bad_layer(self._network.grads(), largest_if_all_finite=True)
            raise TrainingDiverged(step, layer, "gradients")
        clip_sq = self._clip_sq
        if clip_sq is not None and sq > clip_sq:
            g *= math.sqrt(clip_sq) / (math.sqrt(sq) + 1e-6)  # as clip_grad_norm_
            sq = clip_sq  # a bound on the clipped norm
        return sq

    def update(self, grad_sq, deltas, step):
        """Check the weights after the update ``deltas`` (what ``Optimizer.step`` returned) of
        ``step``, whose gradients' squared norm was at most ``grad_sq`` (from ``gradients``).

        Raises
        ------
        TrainingDiverged
            The update made a weight non-finite (``what="weights"``, with its layer).
        """
        opt = self._optimizer
        if self._plain_sgd:
            norm = opt.lr * math.sqrt(grad_sq)
        elif opt.flat_delta is not None:
            d = opt.flat_delta
            norm = math.sqrt(float(np.vdot(d, d)))
        else:
            norm = math.sqrt(sum(float(np.vdot(d, d)) for d in deltas))
        self._weights.update(norm, self._params, step)

    def reset(self):
        """The weights were written from outside: measure them at the next update."""
        self._weights.reset()

    def __repr__(self):
        return f"StepGuard(clip_norm={self.clip_norm!r}, plain_sgd={self._plain_sgd})"
