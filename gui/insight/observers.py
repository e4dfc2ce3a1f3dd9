"""Worker observers that record per-step histories and send copies to the GUI.

Both are registered with ``TrainingWorker.add_observer``; every method except the signals'
slots runs in the **worker thread**, where the trainer lives:

- ``after_steps(trainer)`` after a step: record, and return the step at which the history
  wants the next one (the worker skips the calls in between);
- ``on_snapshot(trainer)`` at each emitted snapshot (≤ 30 Hz): emit a *copy* of what the GUI
  shows, and only when it changed;
- ``on_replace(trainer)`` when a new trainer takes over: start a new history.

:class:`NormsObserver` keeps a ``core.norms.NormHistory`` (per-layer ‖∂L/∂W‖ and ‖W‖);
:class:`TimelineObserver` keeps a ``core.timeline.Timeline`` of trainer states, and restores
one of them when asked (through ``gui.trainer_calls.call_with_trainer``, so still in the
worker thread).
"""

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal

from core.norms import NormHistory
from core.timeline import Timeline

#: Rows of norms kept per run (then thinned): 4096 × layers × 2 floats.
NORM_ROWS = 4096
#: Most trainer states kept, and their memory cap (``core.timeline`` defaults).
TIMELINE_STATES = 512
TIMELINE_BYTES = 150_000_000


@dataclass(frozen=True)
class NormsData:
    """Norm history copied for the GUI.

    Attributes
    ----------
    steps : ndarray (T,) int64
    grad : ndarray (T, L) float64
        ``‖∂L/∂W‖`` of each layer after each recorded step (NaN before the first step).
    weight : ndarray (T, L) float64
        ``‖W‖`` of each layer after the step.
    n_layers : int
    step : int
        The trainer's step when copied.
    """

    steps: np.ndarray
    grad: np.ndarray
    weight: np.ndarray
    n_layers: int
    step: int


@dataclass(frozen=True)
class TimelineData:
    """What the timeline bar shows.

    Attributes
    ----------
    steps : tuple of int
        Kept steps, increasing.
    current : int
        The trainer's step now (a kept step right after a restore).
    head : int
        The newest step reached on this branch (``current`` unless scrubbed back).
    nbytes : int
        Approximate memory of the kept states.
    spacing : int
        Steps between kept states now.
    """

    steps: tuple
    current: int
    head: int
    nbytes: int
    spacing: int


class NormsObserver(QObject):
    """Records per-layer gradient and weight norms after every step (worker thread).

    Signals
    -------
    normsChanged(object) : a :class:`NormsData` (copies), at most once per snapshot.
    """

    normsChanged = Signal(object)

    def __init__(self, capacity=NORM_ROWS, parent=None):
        super().__init__(parent)
        self.capacity = int(capacity)
        self.history = None  # worker thread only
        self._sent = None

    def on_replace(self, trainer):
        self.history = NormHistory(len(trainer.network.layers), self.capacity)
        self._sent = None
        self._emit(trainer)

    def after_steps(self, trainer):
        self.history.record(trainer.step_count, trainer.network)
        return self.history.next_due()

    def on_snapshot(self, trainer):
        self._emit(trainer)

    def _emit(self, trainer):
        h = self.history
        key = (id(h), len(h), trainer.step_count, h.spacing)
        if key == self._sent:
            return
        self._sent = key
        steps, grad, weight = h.arrays()
        self.normsChanged.emit(NormsData(steps, grad, weight, h.n_layers, trainer.step_count))


class TimelineObserver(QObject):
    """Keeps a bounded ``Timeline`` of trainer states over the run (worker thread).

    Signals
    -------
    timelineChanged(object) : a :class:`TimelineData`, when the kept steps or the step changed.
    """

    timelineChanged = Signal(object)

    def __init__(self, max_states=TIMELINE_STATES, max_bytes=TIMELINE_BYTES, parent=None):
        super().__init__(parent)
        self.timeline = Timeline(max_states, max_bytes)  # worker thread only
        self.head = 0
        self._sent = None

    def on_replace(self, trainer):
        self.timeline.clear()
        self.timeline.record_trainer(trainer)  # the start of the run can always be revisited
        self.head = trainer.step_count
        self._sent = None
        self._emit(trainer)

    def after_steps(self, trainer):
        self.timeline.record_trainer(trainer)
        self.head = trainer.step_count
        return self.timeline.next_due()

    def on_snapshot(self, trainer):
        self.head = max(self.head, trainer.step_count)  # after_steps skips the steps between
        self._emit(trainer)

    def restore(self, trainer, step):
        """Load the kept state nearest ``step`` into ``trainer``; returns the step restored.

        Worker thread only (call it through ``call_with_trainer``). Nothing is dropped until
        training resumes (``core.timeline``: the first new recording starts a new branch).
        """
        restored = self.timeline.restore(trainer, step)
        self._emit(trainer)
        return restored

    def _emit(self, trainer):
        t = self.timeline
        steps = t.steps()
        key = (tuple(steps[-1:]), len(steps), trainer.step_count, self.head)
        if key == self._sent:
            return
        self._sent = key
        head = max(self.head, trainer.step_count)
        self.timelineChanged.emit(
            TimelineData(tuple(steps), trainer.step_count, head, t.nbytes, t.spacing))
