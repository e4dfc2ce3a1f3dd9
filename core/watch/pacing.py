"""``RecordPacer``: spaces the recordings of a per-step history in wall time.

A history that asks to be recorded every few steps (gradient norms, timeline states) costs the
training loop a little at each recording. At thousands of steps a second that adds up, while
no view can show more than a few hundred new entries a second. The pacer postpones a
recording when the training rate would reach it in less than ``gap`` seconds.
"""

import math
import time


class RecordPacer:
    """Spaces recordings at least ``gap`` seconds apart at the current training speed.

    ``next_step(step, due)`` is called at each recording with the step just recorded and the
    step the history wants next; it returns that step, or a later one when the training rate
    measured since the previous call would reach ``due`` in less than ``gap`` seconds. The
    first ``free`` recordings of a run (its start, where vanishing gradients show) and a slow
    run (the speed control, single steps) are recorded exactly as the history asks.
    """

    def __init__(self, gap, free=256):
        self.gap = gap
        self.free = free
        self._calls = 0
        self._last = None  # (step, time) of the previous call

    def reset(self):
        """A new run."""
        self._calls = 0
        self._last = None

    def continued(self):
        """A new pacer that goes on from here (its unpaced start shortened by the calls
        made so far), for a copy of the history recorded elsewhere."""
        return RecordPacer(self.gap, free=max(0, self.free - self._calls))

    def skip(self, n):
        """Count ``n`` recordings made elsewhere (by a copy from :meth:`continued`)."""
        self._calls += n

    def next_step(self, step, due, now=None):
        """The step at which to record next (see the class docstring)."""
        now = time.perf_counter() if now is None else now
        last, self._last = self._last, (step, now)
        self._calls += 1
        if self._calls <= self.free or last is None or step <= last[0] or now <= last[1]:
            return due
        rate = (step - last[0]) / (now - last[1])
        return max(due, step + math.ceil(rate * self.gap))
