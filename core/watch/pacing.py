"""``RecordPacer``: spaces the recordings of a per-step history in wall time.

A history that asks to be recorded every few steps (gradient norms, timeline states) costs the
training loop a little at each recording. At thousands of steps a second that adds up, while
no view can show more than a few hundred new entries a second. The pacer postpones a
recording when the training rate would reach it in less than ``gap`` seconds.
"""

import math
import time

#: Share of the training time that taking the timeline's states may use: a state that took
#: ``cost`` seconds is followed by ``cost / STATE_SHARE`` seconds without any. It binds for big
#: networks (a 784-128-10 state is a 1.6 MB copy, ~3 ms, and as much again to send it from a
#: training process); a small network's states take microseconds.
STATE_SHARE = 0.02
#: Bytes of timeline states a second, at most: a state of ``n`` bytes is followed by
#: ``n / STATE_BYTES_PER_SECOND`` seconds without any. Copying a state is only part of its
#: cost: from a training process it is pickled, sent and read again by the window (a
#: 784-128-10 run sent 45 MB/s of states, ~10 % of the window's time, while the timeline's
#: 150 MB keep fewer than a hundred of them).
STATE_BYTES_PER_SECOND = 8e6
#: During a run's unpaced start, the share limits only recordings that cost more than this
#: (a small network's state takes ~50 µs: its first recordings stay one per step as asked).
COSTLY_SECONDS = 0.5e-3


class RecordPacer:
    """Spaces recordings at least ``gap`` seconds apart at the current training speed.

    ``next_step(step, due)`` is called at each recording with the step just recorded and the
    step the history wants next; it returns that step, or a later one when the training rate
    measured since the previous call would reach ``due`` in less than ``gap`` seconds. The
    first ``free`` recordings of a run (its start, where vanishing gradients show) and a slow
    run (the speed control, single steps) are recorded exactly as the history asks, unless
    taking them would use more than ``share`` of the time (``cost`` given to ``next_step``;
    no limit when ``share`` is None; in the free start only for recordings costing more than
    ``COSTLY_SECONDS``) or more than ``byte_rate`` bytes a second (``nbytes``; no limit when
    None; in the free start likewise only for costly recordings).
    """

    def __init__(self, gap, free=256, share=None, byte_rate=None):
        self.gap = gap
        self.free = free
        self.share = share
        self.byte_rate = byte_rate
        self._calls = 0
        self._last = None  # (step, time) of the previous call

    def reset(self):
        """A new run."""
        self._calls = 0
        self._last = None

    def continued(self):
        """A new pacer that goes on from here (its unpaced start shortened by the calls
        made so far), for a copy of the history recorded elsewhere."""
        return RecordPacer(self.gap, free=max(0, self.free - self._calls), share=self.share,
                           byte_rate=self.byte_rate)

    def skip(self, n):
        """Count ``n`` recordings made elsewhere (by a copy from :meth:`continued`); the rate
        is measured afresh from the next recording here."""
        self._calls += n
        self._last = None

    def next_step(self, step, due, now=None, cost=0.0, nbytes=0):
        """The step at which to record next (see the class docstring); ``cost``: the seconds
        the recording just made took, ``nbytes``: its size."""
        now = time.perf_counter() if now is None else now
        last, self._last = self._last, (step, now)
        self._calls += 1
        gap = cost / self.share if self.share else 0.0
        if self.byte_rate:
            gap = max(gap, nbytes / self.byte_rate)
        if self._calls > self.free:
            gap = max(gap, self.gap)
        elif cost <= COSTLY_SECONDS:
            gap = 0.0
        if gap <= 0 or last is None or step <= last[0] or now <= last[1]:
            return due
        rate = (step - last[0]) / (now - last[1])
        return max(due, step + math.ceil(rate * gap))
