"""``Trajectory``: the weights a run passed through, kept in bounded memory.

The loss-landscape view records the flat weights of every snapshot it is shown
(:func:`flat_from_snapshot`); the trajectory keeps at most ``max_points`` of them, evenly
spread over the run, by thinning as ``core.watch.timeline.Timeline`` does: when full, the spacing
in steps doubles and every other kept point goes (the first, the initial weights, always
stays). A point recorded at a step at or before the newest kept one (the timeline scrubbed
back, or weights edited at the same step) cuts the kept points from that step on and is
kept.
"""

import bisect

import numpy as np

from core.watch.timeline import thin_mask


def flat_from_snapshot(snapshot):
    """The snapshot's weights as one vector in ``Network.flat_params`` order.

    Returns
    -------
    ndarray, shape (n_params,)
        ``W0, b0, W1, b1, ...`` back to back (each ``W`` row-major), a new array.
    """
    parts = []
    for W, b in zip(snapshot.weights, snapshot.biases, strict=True):
        parts += [np.ravel(W), np.ravel(b)]
    return np.concatenate(parts)


class Trajectory:
    """Recorded ``(step, flat weights)`` of one run, oldest first (see module docstring).

    Parameters
    ----------
    max_points : int
        Most points kept (>= 4).
    """

    def __init__(self, max_points=400):
        if max_points < 4:
            raise ValueError("max_points must be >= 4")
        self.max_points = int(max_points)
        self.clear()

    def clear(self):
        """Forget everything (a new network or dataset)."""
        self.spacing = 1
        self._steps = []
        self._points = []

    def wants(self, step):
        """True when :meth:`record` would keep a point for ``step`` (cheap: skip building the
        weight vector otherwise)."""
        if not self._steps:
            return True
        last = self._steps[-1]
        return step <= last or step - last >= self.spacing

    def record(self, step, weights):
        """Keep a copy of ``weights`` (n_params,) for ``step`` when due; True when kept."""
        step = int(step)
        rewound = bool(self._steps) and step <= self._steps[-1]
        if rewound:  # a new branch starts here: it is kept whatever the spacing
            k = bisect.bisect_left(self._steps, step)
            del self._steps[k:], self._points[k:]
        if self._steps and not rewound and step - self._steps[-1] < self.spacing:
            return False
        self._steps.append(step)
        self._points.append(np.array(weights, copy=True))
        while len(self._steps) > self.max_points:
            self.spacing *= 2
            keep = thin_mask(self._steps, self.spacing)
            self._steps = [s for s, k in zip(self._steps, keep, strict=True) if k]
            self._points = [p for p, k in zip(self._points, keep, strict=True) if k]
        return self._steps[-1] == step

    def __len__(self):
        return len(self._steps)

    def steps(self):
        """Kept steps, increasing (a new list)."""
        return list(self._steps)

    def points(self):
        """Kept weights, shape (m, n_params), oldest first (empty (0, 0) when nothing kept)."""
        return np.array(self._points) if self._points else np.zeros((0, 0))

    def initial(self):
        """``(step, weights)`` of the first kept point (the run's start), or None."""
        return (self._steps[0], self._points[0]) if self._steps else None

    def __repr__(self):
        span = f"steps {self._steps[0]}..{self._steps[-1]}" if self._steps else "empty"
        return f"Trajectory({len(self)} points, {span}, spacing={self.spacing})"
