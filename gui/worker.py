"""The training worker: a ``QObject`` that drives a ``core.trainer.Trainer`` inside a ``QThread``.

The GUI thread never calls the trainer while the worker owns it. It sends *requests*
(:meth:`TrainingWorker.request`, safe from any thread); the worker applies them in order
between steps. While playing, the worker runs steps in chunks of at most ``chunk_seconds``
and then returns to its event loop, so requests, pause and stop are prompt.

What comes back, always as queued signals carrying copies:

- ``snapshotReady(object)``: ``(generation, Snapshot)`` at most ``max_rate`` times a second,
  and only when the GUI has drawn the previous one (:meth:`snapshot_drawn`), so slow
  drawing never throttles training nor floods the GUI's event queue. A single step, a
  pause, a finished run or a new trainer always emit one, so the views show that state.
- ``countersChanged(object)``: ``(generation, step, epoch, steps_per_second)``.
- ``runningChanged(object)``: ``True`` while playing.
- ``finished(object)``: the reason training stopped by itself (epoch limit reached).
- ``error(object)``: the exception that paused training (``TrainingDiverged`` or other).

With ``use_process=True`` (the window's session), playing at full speed runs the steps in a
child process instead (:mod:`gui.worker_remote`): the same signals come back, and every request
is still applied here, between two steps, to a trainer that is exactly up to date.
"""

import contextlib
import sys
import threading
import time
from collections import deque
from contextlib import contextmanager

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from core.snapshot import take_snapshot
from gui.remote_runner import RemoteRunner
from gui.worker_remote import RemoteTraining

#: CPython hands the GIL to a waiting thread after this long (default 5 ms). The worker runs
#: Python between short NumPy calls, so the GUI thread waits for the GIL: a 1 ms interval bounds
#: that wait. Yielding voluntarily after every step is not a substitute: each release and
#: immediate re-take counts as a switch, so a waiting thread never asks for a forced one and
#: can starve under load.
GIL_SWITCH_SECONDS = 0.001

#: While the GUI thread draws (a view's ``show_snapshot``, a window repaint) the worker does
#: not start a step: both run Python, so they would only fight over the GIL, handing it back
#: and forth thousands of times per frame (each wait up to ``GIL_SWITCH_SECONDS``). The worker
#: waits at most this long (seconds) before checking again.
GUI_GATE_WAIT = 0.05

#: Counters (step, epoch, steps/s) while playing at most this often (seconds): each update
#: repaints labels, and a dozen a second reads as smoothly as thirty.
COUNTER_INTERVAL = 1 / 12

#: Largest share of the GUI thread's time spent drawing snapshots while training runs (the
#: GUI's Python paint code holds the GIL, so this is roughly the training time it costs).
DRAW_SHARE = 0.1
#: ... but the views are redrawn at least this often (seconds), however slow they are.
SLOWEST_INTERVAL = 0.3

#: Request kinds understood by :meth:`TrainingWorker.request`.
REQUESTS = (
    "play", "pause", "step", "step_epoch", "live", "speed", "columns", "replace", "snapshot",
    "observe", "call", "stop",
)


class StepRate:
    """Steps per second over a sliding window of about one second."""

    def __init__(self, window=1.0):
        self.window = window
        self._marks = deque()

    def add(self, step, now):
        """Record that ``step`` steps were done by time ``now`` (seconds)."""
        self._marks.append((now, step))
        while len(self._marks) > 2 and now - self._marks[0][0] > self.window:
            self._marks.popleft()

    def clear(self):
        self._marks.clear()

    def rate(self):
        """Steps per second, 0.0 until two marks are known."""
        if len(self._marks) < 2:
            return 0.0
        (t0, s0), (t1, s1) = self._marks[0], self._marks[-1]
        return (s1 - s0) / (t1 - t0) if t1 > t0 else 0.0


class TrainingWorker(RemoteTraining, QObject):
    """Runs a ``Trainer`` in the thread it is moved to; see the module docstring."""

    snapshotReady = Signal(object)
    countersChanged = Signal(object)
    runningChanged = Signal(object)
    finished = Signal(object)
    error = Signal(object)
    _wake = Signal()

    def __init__(self, trainer, generation=0, max_rate=30.0, chunk_seconds=0.015,
                 surface_resolution=50, surface_columns=None, use_process=False):
        super().__init__()
        # Process-wide, and only ever lowered: the window stays responsive while training.
        sys.setswitchinterval(min(sys.getswitchinterval(), GIL_SWITCH_SECONDS))
        self._trainer = trainer
        self._generation = generation
        self.surface_columns = surface_columns
        self.min_interval = 1.0 / max_rate if max_rate else 0.0
        self.chunk_seconds = chunk_seconds
        self.frame_seconds = 0.0
        self.surface_resolution = surface_resolution
        self._requests = deque()
        self._lock = threading.Lock()
        self._pending = False
        self._observers_due = 0  # step count from which some observer wants after_steps
        self._due_steps = []  # per observer: the step count from which it wants after_steps
        self._drawn = threading.Event()
        self._drawn.set()
        self._gui_free = threading.Event()  # cleared while the GUI thread draws
        self._gui_free.set()
        self._gui_depth = 0  # GUI thread only
        self._running = False
        self._last_emit = 0.0
        self._last_counters = 0.0
        self._rate = StepRate()
        self._speed = None
        self._tokens = 0.0
        self._last_tick = 0.0
        self._observers = []
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._run_chunk)
        self._wake.connect(self._drain)
        self._remote = None
        if use_process:
            self._remote = RemoteRunner()
            self._guard_remote(self._remote.start_process)  # it imports while the window opens

    def add_observer(self, observer):
        """Register ``observer`` (any thread; applied in the worker thread, in request order).

        An observer has three methods, all called in the worker thread: ``after_steps(trainer)``
        after a training step (or a Step epoch), so keep it to a few microseconds; it returns
        the step count at which it is next due (then it is skipped until the trainer gets
        there, or until any request is handled), or None to be called after every step;
        ``on_snapshot(trainer)`` whenever a snapshot is emitted (≤ ~30 Hz: copy what the GUI
        needs and emit it through the observer's own signal); ``on_replace(trainer)`` when a
        new trainer takes over. Timeline recording and gradient-norm history use this.
        """
        self.request("observe", observer)

    @contextmanager
    def gui_drawing(self):
        """GUI thread: hold training back (between steps) while the body draws; nestable."""
        self._gui_depth += 1
        self._gui_free.clear()
        try:
            yield
        finally:
            self._gui_depth -= 1
            if self._gui_depth == 0:
                self._gui_free.set()

    @property
    def trainer(self):
        """The current ``Trainer``; only code running in the worker thread may use it."""
        return self._trainer

    # -- any thread -------------------------------------------------------------------------
    def request(self, kind, value=None):
        """Queue a request; it is applied between two steps, in order. Thread-safe."""
        if kind not in REQUESTS:
            raise ValueError(f"Unknown request {kind!r}. Choose one of: {', '.join(REQUESTS)}.")
        with self._lock:
            self._requests.append((kind, value))
            self._pending = True
        self._wake.emit()

    def snapshot_drawn(self, frame_seconds=0.0):
        """The GUI has drawn the last snapshot, which took ``frame_seconds`` of its time:
        the worker may send the next one, after at least ``frame_seconds / DRAW_SHARE``
        (so drawing uses at most that share of the time). Thread-safe."""
        self.frame_seconds = frame_seconds
        self._drawn.set()

    # -- worker thread ----------------------------------------------------------------------
    @Slot()
    def _drain(self):
        with self._lock:
            requests = list(self._requests)
            self._requests.clear()
            self._pending = False
        if not requests:  # their wake-up came after an earlier drain took them
            return
        self._recall()  # every request is applied to the trainer here, between two steps
        self._observers_due = 0  # a request may have moved the trainer: ask them again
        self._due_steps = [0] * len(self._due_steps)
        for kind, value in requests:
            self._guarded(getattr(self, f"_do_{kind}"), value)
        self._launch()

    def _do_play(self, _value):
        if self._epochs_done():
            self._emit_finished()
            return
        self._tokens, self._last_tick = 1.0, time.perf_counter()
        self._set_running(True)

    def _do_pause(self, _value):
        if self._running:
            self._set_running(False)
            self._emit_state()

    def _do_step(self, _value):
        self._set_running(False)
        if self._guarded(self._trainer.step):
            self._guarded(self._notify, "after_steps")
        self._emit_state()

    def _do_step_epoch(self, _value):
        self._set_running(False)
        if self._guarded(self._trainer.run_epoch):
            self._guarded(self._notify, "after_steps")
        self._emit_state()

    def _do_live(self, changes):
        """Apply live settings (``core.trainer.LIVE_FIELDS``) to the running trainer."""
        self._guarded(lambda: self._trainer.apply_live(changes))
        self._emit_counters()

    def _do_speed(self, steps_per_second):
        """Limit the rate (``None`` or 0: as fast as possible)."""
        self._speed = float(steps_per_second) if steps_per_second else None
        self._timer.setInterval(self._step_interval())

    def _step_interval(self):
        """Milliseconds between two chunks of steps here (0: back to back)."""
        if self._speed is None:
            return 0
        return int(min(33.0, max(1.0, 1000.0 / self._speed)))

    def _do_columns(self, columns):
        """Compute the surface over raw input ``columns`` (None: 2-D data only)."""
        self.surface_columns = columns
        self._emit_state()

    def _do_replace(self, payload):
        """``payload`` = ``(trainer, generation, surface_columns)``."""
        self._set_running(False)
        self._trainer, self._generation, self.surface_columns = payload
        self._rate.clear()
        self._guarded(self._notify, "on_replace")
        self._emit_counters()

    def _do_call(self, payload):
        """``payload`` = ``(fn, reply)``: run ``fn(trainer)`` here, then ``reply((ok, value))``.

        Used by :mod:`gui.trainer_calls`; ``reply`` emits a signal of a GUI-thread object.
        """
        fn, reply = payload
        try:
            with np.errstate(all="ignore"):
                result = (True, fn(self._trainer))
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the caller
            result = (False, exc)
        # RuntimeError: the caller was deleted meanwhile (window closing); nobody is waiting.
        with contextlib.suppress(RuntimeError):
            reply(result)

    def _do_observe(self, observer):
        self._observers.append(observer)
        self._due_steps.append(0)
        observer.on_replace(self._trainer)

    def _notify(self, method):
        for observer in self._observers:
            getattr(observer, method)(self._trainer)

    def _do_snapshot(self, _value):
        self._emit_state()

    def _do_stop(self, _value):
        self._set_running(False)
        if self._remote is not None:
            self._remote.close()
            self._remote = None
        self.thread().quit()

    def _set_running(self, running):
        if running == self._running:
            return
        self._running = running
        if running:
            self._rate.clear()
            self._timer.start()
        else:
            self._timer.stop()
        self.runningChanged.emit(running)

    def _epochs_done(self):
        """The epoch limit is reached or early stopping has triggered."""
        t = self._trainer
        return t.stopped_early or t.epoch >= t.config.epochs

    def _guarded(self, fn, *args):
        """Call ``fn(*args)``; on any exception pause, report it and return False.

        NumPy's float warnings are off here: the trainer checks for non-finite values itself
        and raises ``TrainingDiverged`` naming the step and layer, which is what to show.
        """
        try:
            with np.errstate(all="ignore"):
                fn(*args)
        except Exception as exc:  # noqa: BLE001 - every failure must reach the user
            self._set_running(False)
            self.error.emit(exc)
            return False
        return True

    def _emit_finished(self):
        t = self._trainer
        reason = t.stop_reason or f"Reached the limit of {t.config.epochs} epochs."
        self.finished.emit(reason)

    def _budget(self, now):
        """How many steps this chunk may run under the speed limit (``None``: no limit)."""
        if self._speed is None:
            return None
        cap = max(1.0, self._speed * 0.1)
        self._tokens = min(self._tokens + (now - self._last_tick) * self._speed, cap)
        self._last_tick = now
        n = int(self._tokens)
        self._tokens -= n
        return n

    @Slot()
    def _run_chunk(self):
        """One chunk of training, then a (throttled) snapshot; a final one when it stopped."""
        if self._remote is not None and self._remote.running:
            self._poll_remote()
            return
        start = time.perf_counter()
        self._guarded(self._steps, start + self.chunk_seconds, self._budget(start))
        if self._running:
            self._maybe_emit()
        else:
            self._emit_state()

    def _steps(self, deadline, budget):
        """Step until ``deadline``, the ``budget`` (None: no limit), a request or the end."""
        trainer, done, gui_free = self._trainer, 0, self._gui_free
        while self._running and not self._pending and (budget is None or done < budget):
            while not gui_free.is_set() and not self._pending:
                gui_free.wait(GUI_GATE_WAIT)  # releases the GIL to the drawing GUI thread
            if self._epochs_done():
                self._set_running(False)
                self._emit_finished()
                return
            trainer.step()
            if trainer.step_count >= self._observers_due:
                self._observers_due = self._after_steps(trainer)
            done += 1
            if time.perf_counter() >= deadline:
                return

    def _after_steps(self, trainer):
        """Call ``after_steps`` of the observers that are due (each is skipped until the step
        it asked for, so a sparse one is not called at a dense one's pace); the step count at
        which the next one is due."""
        step, due = trainer.step_count, self._due_steps
        for i, observer in enumerate(self._observers):
            if step >= due[i]:
                wanted = observer.after_steps(trainer)
                due[i] = 0 if wanted is None else wanted
        return min(due, default=0)

    def _maybe_emit(self):
        """Counters at most ``max_rate`` per second; a snapshot when one is due."""
        now = time.perf_counter()
        if now - self._last_counters >= max(self.min_interval, COUNTER_INTERVAL):
            self._last_counters = now
            self._rate.add(self._trainer.step_count, now)
            self._emit_counters()
        if self._snapshot_due(now):
            self._emit_snapshot(now)

    def _snapshot_due(self, now):
        """The GUI has drawn the last snapshot and the pacing interval (``frame_seconds /
        DRAW_SHARE``, at most ``SLOWEST_INTERVAL``) is over."""
        paced = min(self.frame_seconds / DRAW_SHARE, SLOWEST_INTERVAL)
        return now - self._last_emit >= max(self.min_interval, paced) and self._drawn.is_set()

    def _emit_state(self):
        """Always emit counters and a snapshot of the current state."""
        self._emit_counters()
        self._emit_snapshot(time.perf_counter())

    def _emit_counters(self):
        t = self._trainer
        rate = self._rate.rate() if self._running else 0.0
        self.countersChanged.emit((self._generation, t.step_count, t.epoch, rate))

    def _emit_snapshot(self, now):
        try:
            snap = take_snapshot(self._trainer, surface_resolution=self.surface_resolution,
                                 surface_columns=self.surface_columns)
        except Exception as exc:  # noqa: BLE001 - a failed snapshot must not kill the thread
            self._set_running(False)
            self.error.emit(exc)
            return
        self._drawn.clear()
        self._last_emit = now
        self.snapshotReady.emit((self._generation, snap))
        self._guarded(self._notify, "on_snapshot")
