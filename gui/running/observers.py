"""Worker observers that record per-step histories and send copies to the GUI.

Both are ``gui.running.training_observer.TrainingObserver`` s registered with
``TrainingWorker.add_observer``; every method except the signals' slots runs in the **worker
thread**, where the trainer lives (``on_snapshot`` emits a *copy* of what the GUI shows, and
only when it changed).

:class:`NormsObserver` keeps a ``core.watch.norms.NormHistory`` (per-layer ‖∂L/∂W‖ and ‖W‖);
:class:`TimelineObserver` keeps a ``core.watch.timeline.Timeline`` of trainer states, and restores
one of them when asked (through ``TrainingSession.call``, so still in the worker thread).
"""

import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal

from core.watch.norms import NormHistory
from core.watch.pacing import STATE_BYTES_PER_SECOND, STATE_SHARE, RecordPacer
from core.watch.remote_run import PacedRecorder, capture_norms, capture_state
from core.watch.timeline import Timeline

#: Rows of norms kept per run (then thinned): 4096 × layers × 2 floats.
NORM_ROWS = 4096
#: Most trainer states kept, and their memory cap (``core.watch.timeline`` defaults).
TIMELINE_STATES = 512
TIMELINE_BYTES = 150_000_000
#: Least wall time (seconds) between two recordings of each history while training runs
#: fast: a state copy costs ~0.1 ms and a norms row ~10 µs of the worker's time, and neither
#: view can show more than a few hundred new entries a second anyway.
TIMELINE_GAP = 0.02
NORMS_GAP = 0.005


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
        self.pacer = RecordPacer(NORMS_GAP)
        self._sent = None

    def on_replace(self, trainer):
        self.history = NormHistory(len(trainer.network.layers), self.capacity)
        self.pacer.reset()
        self._sent = None
        self._emit(trainer.step_count)

    def after_steps(self, trainer):
        step, start = trainer.step_count, time.perf_counter()
        self.history.record(step, trainer.network)
        cost = time.perf_counter() - start
        return self.pacer.next_step(step, self.history.next_due(), cost=cost)

    def on_snapshot(self, trainer):
        self._emit(trainer.step_count)

    # -- while the trainer runs in a child process (gui.running.remote_runner) ---------------------
    def remote_recorder(self):
        """What records the norms in the child process."""
        return PacedRecorder(capture_norms, self.history.spacing, self.pacer.continued())

    def take_records(self, records):
        """File the child's ``(step, grad, weight)`` rows into the history."""
        for step, grad, weight in records:
            self.history.record_row(step, grad, weight)
        self.pacer.skip(len(records))

    def on_remote_snapshot(self, step):
        """The child sent a snapshot of ``step``: show the norms so far."""
        self._emit(step)

    # -- keeping a run aside (gui.undo, sessions): worker thread --------------------------
    def kept(self, trainer):
        """A copy of the norms recorded over ``trainer``'s run so far."""
        return self.history.copy()

    def put_back(self, trainer, history):
        """Show ``history`` (from :meth:`kept`, or a session file) as ``trainer``'s norms."""
        self.history = history.copy()
        self.pacer.reset()
        self._sent = None
        self._emit(trainer.step_count)

    def _emit(self, step):
        h = self.history
        key = (id(h), len(h), step, h.spacing)
        if key == self._sent:
            return
        self._sent = key
        steps, grad, weight = h.arrays()
        self.normsChanged.emit(NormsData(steps, grad, weight, h.n_layers, step))


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
        # states recorded here are only copied; the byte rate paces those of a training
        # process, which are also sent (remote_recorder)
        self.pacer = RecordPacer(TIMELINE_GAP, share=STATE_SHARE,
                                 byte_rate=STATE_BYTES_PER_SECOND)
        self.head = 0
        self._history_behind = False
        self._sent = None

    def on_replace(self, trainer):
        self.timeline.clear()
        self.pacer.reset()
        self._history_behind = False
        self.timeline.record_trainer(trainer)  # the start of the run can always be revisited
        self.head = trainer.step_count
        self._sent = None
        self._emit(trainer.step_count)

    def after_steps(self, trainer):
        step, start = trainer.step_count, time.perf_counter()
        self.timeline.record_trainer(trainer)
        cost = time.perf_counter() - start
        self.head = step
        return self.pacer.next_step(step, self.timeline.next_due(), cost=cost)

    def on_snapshot(self, trainer):
        self.on_remote_snapshot(trainer.step_count)

    # -- while the trainer runs in a child process (gui.running.remote_runner) ---------------------
    def remote_recorder(self):
        """What records trainer states in the child process."""
        return PacedRecorder(capture_state, self.timeline.spacing, self.pacer.continued())

    def take_records(self, records):
        """File the child's ``(step, state)`` records into the timeline."""
        for step, state in records:
            self.timeline.record(step, state)
            self.head = step
        self.pacer.skip(len(records))
        self._history_behind = True  # the states come without the history: see restore

    def on_remote_snapshot(self, step):
        """A snapshot of ``step`` was sent: show the timeline up to it."""
        self.head = max(self.head, step)  # after_steps skips the steps between
        self._emit(step)

    def restore(self, trainer, step):
        """Load the kept state nearest ``step`` into ``trainer``; returns the step restored.

        Worker thread only (call it through ``TrainingSession.call``). Nothing is dropped until
        training resumes (``core.watch.timeline``: the first new recording starts a new branch).
        """
        if self._history_behind:  # the trainer is back from the child: its history is newest
            self.timeline.set_history(trainer.history.state_dict())
            self._history_behind = False
        restored = self.timeline.restore(trainer, step)
        self._emit(trainer.step_count)
        return restored

    # -- keeping a run aside (gui.undo, sessions): worker thread --------------------------
    def kept(self, trainer):
        """``(timeline, head)``: a copy of the kept states of ``trainer``'s run (cheap: the
        states are shared) and the newest step it reached."""
        if self._history_behind:  # back from the child: the trainer's history is newest
            self.timeline.set_history(trainer.history.state_dict())
            self._history_behind = False
        return self.timeline.copy(), max(self.head, trainer.step_count)

    def put_back(self, trainer, kept):
        """Make ``kept`` (from :meth:`kept`, or a session file) ``trainer``'s timeline."""
        timeline, head = kept
        self.timeline = timeline.copy()
        self.pacer.reset()
        self._history_behind = False
        self.head = max(int(head), trainer.step_count)
        self._sent = None
        self._emit(trainer.step_count)

    def _emit(self, step):
        t = self.timeline
        steps = t.steps()
        key = (tuple(steps[-1:]), len(steps), step, self.head)
        if key == self._sent:
            return
        self._sent = key
        head = max(self.head, step)
        self.timelineChanged.emit(TimelineData(tuple(steps), step, head, t.nbytes, t.spacing))
