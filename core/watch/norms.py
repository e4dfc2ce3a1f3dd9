"""Per-layer gradient and weight norms, and their history over a run.

``‖∂L/∂W‖`` per layer shows where learning happens: with many sigmoid layers it shrinks by
orders of magnitude from the output back to the first layer (vanishing gradients), with ReLU
and He initialisation it stays of the same order. Norms are Frobenius norms of the weight
matrices (biases left out); the gradient is the one the optimizer received (``layer.dW``:
L1/L2 added, clipping applied).

``NormHistory`` is called by the training worker after every step, so recording is a few
``vdot`` calls into preallocated arrays (about 5 µs for 3 layers), and memory is bounded by
thinning exactly as ``core.watch.timeline.Timeline`` does (``thin_mask``).
"""

import math

import numpy as np

from core.watch.timeline import thin_mask

_CAPACITY = 4096


def layer_norms(arrays):
    """Frobenius norm of each array.

    Parameters
    ----------
    arrays : sequence of ndarray
        One array per layer, e.g. ``[layer.dW for layer in network.layers]`` or the weights.

    Returns
    -------
    ndarray, shape (L,), float64
    """
    return np.array([math.sqrt(float(np.vdot(a, a))) for a in arrays], dtype=np.float64)


def gradient_norms(network):
    """``‖∂L/∂W‖`` of every layer after the last backward pass, shape (L,)."""
    return layer_norms([layer.dW for layer in network.layers])


def weight_norms(network):
    """``‖W‖`` of every layer, shape (L,)."""
    return layer_norms([layer.W for layer in network.layers])


class NormHistory:
    """Per-layer gradient and weight norms over training steps, in bounded memory.

    Parameters
    ----------
    n_layers : int
    capacity : int
        Most rows kept (>= 4); when full, the spacing doubles and about half are dropped.
    spacing : int
        Initial steps between recorded rows.
    """

    def __init__(self, n_layers, capacity=_CAPACITY, spacing=1):
        if capacity < 4 or spacing < 1 or n_layers < 1:
            raise ValueError("need n_layers >= 1, capacity >= 4 and spacing >= 1")
        self.n_layers = int(n_layers)
        self.capacity = int(capacity)
        self.spacing = int(spacing)
        self._steps = np.empty(self.capacity, dtype=np.int64)
        self._grad = np.empty((self.capacity, self.n_layers), dtype=np.float64)
        self._weight = np.empty((self.capacity, self.n_layers), dtype=np.float64)
        self._n = 0

    def record(self, step, network):
        """Record ``network``'s norms at ``step`` when due; returns True if recorded.

        Call after each ``Trainer.step()`` (the layers' ``dW`` are that step's gradients).
        A step earlier than the last recorded one (a rewind) first drops the later rows.
        """
        n = self._row_for(step)
        if n is None:
            return False
        grad, weight = self._grad[n], self._weight[n]
        # layer_norms inlined into the preallocated row: no list or array per call.
        for i, layer in enumerate(network.layers):
            dW, W = layer.dW, layer.W
            grad[i] = math.sqrt(float(np.vdot(dW, dW))) if dW is not None else math.nan
            weight[i] = math.sqrt(float(np.vdot(W, W)))
        self._commit(n, step)
        return True

    def record_row(self, step, grad, weight):
        """Record norms measured elsewhere (``grad, weight`` of shape (L,)) at ``step`` when
        due, as :meth:`record` would; returns True if recorded."""
        n = self._row_for(step)
        if n is None:
            return False
        self._grad[n], self._weight[n] = grad, weight
        self._commit(n, step)
        return True

    def _row_for(self, step):
        """The row ``step`` goes to (after dropping later rows, or thinning), None if not due."""
        n = self._n
        if n:
            last = self._steps[n - 1]
            if step < last:
                n = self._n = int(np.searchsorted(self._steps[:n], step, side="left"))
            elif step - last < self.spacing:
                return None
        if n == self.capacity:
            n = self._thin()
        return n

    def _commit(self, n, step):
        self._steps[n] = step
        self._n = n + 1

    def next_due(self):
        """The first step at which ``record`` would record again (steps increasing)."""
        n = self._n
        return 0 if n == 0 else int(self._steps[n - 1]) + self.spacing

    def _thin(self):
        n = self._n
        steps = self._steps[:n].tolist()
        while True:  # more than one doubling only when the rows were already sparse
            self.spacing *= 2
            keep = thin_mask(steps, self.spacing)
            if not keep.all():
                break
        m = int(keep.sum())
        for arr in (self._steps, self._grad, self._weight):
            arr[:m] = arr[:n][keep]
        self._n = m
        return m

    def __len__(self):
        return self._n

    def arrays(self):
        """Copies for plotting.

        Returns
        -------
        steps : ndarray (T,) int64
        grad_norms : ndarray (T, L) float64
            ``‖∂L/∂W‖`` per recorded step and layer.
        weight_norms : ndarray (T, L) float64
            ``‖W‖`` after the step.
        """
        n = self._n
        return self._steps[:n].copy(), self._grad[:n].copy(), self._weight[:n].copy()

    def copy(self):
        """An independent history with the same rows (arrays copied)."""
        new = NormHistory(self.n_layers, self.capacity, self.spacing)
        n = self._n
        new._steps[:n], new._grad[:n], new._weight[:n] = (
            self._steps[:n], self._grad[:n], self._weight[:n])
        new._n = n
        return new

    @classmethod
    def from_arrays(cls, steps, grad, weight, spacing=1, capacity=_CAPACITY):
        """A history holding the rows ``steps (T,)``, ``grad (T, L)``, ``weight (T, L)``
        (e.g. read from a session file), recording on at ``spacing``."""
        steps = np.asarray(steps, dtype=np.int64)
        new = cls(np.shape(grad)[1], max(int(capacity), len(steps), 4), spacing)
        n = len(steps)
        new._steps[:n], new._grad[:n], new._weight[:n] = steps, grad, weight
        new._n = n
        return new

    def clear(self, spacing=1):
        """Forget every row (a new network)."""
        self._n = 0
        self.spacing = int(spacing)

    def __repr__(self):
        return (f"NormHistory({self._n}/{self.capacity} rows, {self.n_layers} layers, "
                f"spacing={self.spacing})")
