"""The training worker: a ``QObject`` that drives a ``core.train.trainer.Trainer`` inside a
``QThread``.

The GUI thread never calls the trainer while the worker owns it. It sends *commands* (the
worker's thread-safe methods: :meth:`~TrainingWorker.play`, :meth:`~TrainingWorker.step`,
:meth:`~TrainingWorker.set_live`, ...); the worker applies them in order between steps. A
feature that needs the trainer itself uses :meth:`TrainingWorker.call`: the GUI thread waits
(a few milliseconds) while the worker runs ``fn(trainer)`` between two steps, and gets the
value back. The worker never waits on the GUI thread, so this cannot deadlock. While playing
in this thread, the worker runs steps in chunks of a few milliseconds and then returns to its
event loop, so commands, pause and stop are prompt and the GUI thread gets the interpreter.

What comes back, always as queued signals carrying copies:

- ``snapshotReady(object)``: ``(generation, Snapshot)`` at most ``max_rate`` times a second,
  and only when the GUI has drawn the previous one (:meth:`snapshot_drawn`), so slow
  drawing never throttles training nor floods the GUI's event queue. A single step, a
  pause, a finished run or a new trainer always emit one, so the views show that state.
- ``countersChanged(object)``: ``(generation, step, epoch, steps_per_second)``.
- ``runningChanged(object)``: ``True`` while playing.
- ``finished(object)``: the reason training stopped by itself (epoch limit reached).
- ``error(object)``: the exception that paused training (``TrainingDiverged`` or other).
- ``notice(object)``: one line when training leaves the child process for this thread.

With ``use_process=True`` (the window's session), playing at full speed runs the steps in a
child process instead (:mod:`gui.running.worker_remote`): the same signals come back, and every
command is still applied here, between two steps, to a trainer that is exactly up to date.
"""

import threading
import time
from collections import deque

import numpy as np
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from core.watch.snapshot import take_snapshot
from gui.running.pending_call import CALL_TIMEOUT, PendingCall
from gui.running.remote_runner import RemoteRunner
from gui.running.worker_remote import RemoteTraining

#: Playing at full speed in this thread (no child process): a chunk of steps lasts this long
#: (seconds), then the worker rests ``REST_MS`` in its event loop, which leaves the
#: interpreter lock to the GUI thread: the window stays responsive, training runs slower.
CHUNK_SECONDS = 0.005
REST_MS = 2


#: Counters (step, epoch, steps/s) while playing at most this often (seconds): each update
#: repaints labels, and a dozen a second reads as smoothly as thirty.
COUNTER_INTERVAL = 1 / 12

#: Largest share of the GUI thread's time spent drawing snapshots while training runs (the
#: GUI's Python paint code holds the GIL, so this is roughly the training time it costs).
DRAW_SHARE = 0.1
#: ... but the views are redrawn at least this often (seconds), however slow they are to
#: draw (a training process's frame may wait longer: ``FILL_SHARE``).
SLOWEST_INTERVAL = 0.3
#: Largest share of this thread's time spent making the test outputs of the training
#: process's snapshots (``gui.running.worker_remote``): a forward pass over every test row,
#: ~0.14 s on MNIST, so frames then come every ~1.4 s, as when the child made them itself.
FILL_SHARE = 0.1


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
    """Runs a ``Trainer`` in the thread it is moved to; see the module docstring.

    Every public method is safe from any thread: it queues a command, applied in order
    between two steps (:meth:`call` also waits for its outcome).
    """

    snapshotReady = Signal(object)
    countersChanged = Signal(object)
    runningChanged = Signal(object)
    finished = Signal(object)
    error = Signal(object)
    notice = Signal(object)  # one line for the status bar (training left the child process)
    _wake = Signal()

    def __init__(self, trainer, generation=0, max_rate=30.0, chunk_seconds=CHUNK_SECONDS,
                 surface_resolution=50, surface_columns=None, use_process=False):
        super().__init__()
        self._trainer = trainer
        self._generation = generation
        self.surface_columns = surface_columns
        self.min_interval = 1.0 / max_rate if max_rate else 0.0
        self.chunk_seconds = chunk_seconds
        self.frame_seconds = 0.0
        self.fill_seconds = 0.0  # the last child snapshot's test outputs took this long here
        self._fill_failed = False  # said once per run that they could not be made
        self.surface_resolution = surface_resolution
        self._commands = deque()
        self._lock = threading.Lock()
        self._pending = False
        self._observers_due = 0  # step count from which some observer wants after_steps
        self._due_steps = []  # per observer: the step count from which it wants after_steps
        self._drawn = threading.Event()
        self._drawn.set()
        self._running = False
        self._last_emit = 0.0
        self._last_counters = 0.0
        self._rate = StepRate()
        self._speed = None
        self._tokens = 0.0
        self._last_tick = 0.0
        self._observers = []
        self._timer = QTimer(self)
        self._timer.setInterval(REST_MS)
        self._timer.timeout.connect(self._run_chunk)
        self._wake.connect(self._drain)
        # The child process is started by :meth:`start_process` (the window asks once it is
        # on screen, so the child's imports do not compete with building it), or else by
        # the first run or trainer handed to it.
        self._remote = RemoteRunner() if use_process else None

    @property
    def trainer(self):
        """The current ``Trainer``; only code running in the worker thread may use it."""
        return self._trainer

    # -- commands (any thread) --------------------------------------------------------------
    def play(self):
        self._submit(self._do_play)

    def pause(self):
        self._submit(self._do_pause)

    def step(self):
        """Exactly one mini-batch, then a snapshot."""
        self._submit(self._do_step)

    def step_epoch(self):
        self._submit(self._do_step_epoch)

    def set_live(self, changes):
        """Apply ``core.train.trainer.LIVE_FIELDS`` (dict) to the trainer, no reset."""
        self._submit(self._do_live, changes)

    def set_speed(self, steps_per_second):
        """Limit the rate (``None`` or 0: as fast as possible, in the child process)."""
        self._submit(self._do_speed, steps_per_second)

    def set_columns(self, columns):
        """Compute the surface over raw input ``columns`` (None: 2-D data only)."""
        self._submit(self._do_columns, columns)

    def set_resolution(self, resolution):
        """Surface grid points per axis from the next snapshot on; 0: no surface (no view
        that shows one is on screen)."""
        self._submit(self._do_resolution, int(resolution))

    def replace(self, trainer, generation, surface_columns):
        """Train ``trainer`` (not shared with any other thread) from now on, paused."""
        self._submit(self._do_replace, trainer, generation, surface_columns)

    def refresh(self):
        """Emit counters and a snapshot of the current state."""
        self._submit(self._emit_state)

    def add_observer(self, observer):
        """Register ``observer`` (a ``gui.running.training_observer.TrainingObserver``)."""
        self._submit(self._do_observe, observer)

    def start_process(self):
        """Start the training process now (with ``use_process``; else nothing), so that a
        first Max-speed Play does not wait for it to start and import."""
        self._submit(self._do_start_process)

    def stop(self):
        """End training, the child process and the thread's event loop."""
        self._submit(self._do_stop)

    def call(self, fn, *args, timeout=CALL_TIMEOUT):
        """``fn(trainer, *args)`` run in the worker thread between two steps; its value.

        Blocks the calling thread until it ran (within milliseconds: the worker takes the
        trainer back from the child process first). Raises what ``fn`` raised, or
        :class:`CallTimeout` after ``timeout`` seconds. ``fn`` must not touch widgets.
        """
        if QThread.currentThread() is self.thread():
            return fn(self._trainer, *args)
        pending = PendingCall(fn, args)
        self._submit(pending.run)
        return pending.wait(timeout)

    def snapshot_drawn(self, frame_seconds=0.0):
        """The GUI has drawn the last snapshot, which took ``frame_seconds`` of its time:
        the worker may send the next one, after at least ``frame_seconds / DRAW_SHARE``
        (so drawing uses at most that share of the time). Thread-safe."""
        self.frame_seconds = frame_seconds
        self._drawn.set()

    def _submit(self, handler, *args):
        with self._lock:
            self._commands.append((handler, args))
            self._pending = True
        self._wake.emit()

    # -- worker thread ----------------------------------------------------------------------
    @Slot()
    def _drain(self):
        with self._lock:
            commands = list(self._commands)
            self._commands.clear()
            self._pending = False
        if not commands:  # their wake-up came after an earlier drain took them
            return
        self._recall()  # every command is applied to the trainer here, between two steps
        self._observers_due = 0  # a command may have moved the trainer: ask them again
        self._due_steps = [0] * len(self._due_steps)
        for handler, args in commands:
            if handler.__self__ is self:
                self._guarded(handler, *args)
            else:  # a PendingCall: it reports to its caller
                handler(self._trainer)
        self._launch()

    def _do_play(self):
        if self._epochs_done():
            self._emit_finished()
            return
        self._tokens, self._last_tick = 1.0, time.perf_counter()
        self._set_running(True)

    def _do_pause(self):
        if self._running:
            self._set_running(False)
            self._emit_state()

    def _do_step(self):
        self._set_running(False)
        if self._guarded(self._trainer.step):
            self._guarded(self._notify, "after_steps")
        self._emit_state()

    def _do_step_epoch(self):
        self._set_running(False)
        if self._guarded(self._trainer.run_epoch):
            self._guarded(self._notify, "after_steps")
        self._emit_state()

    def _do_live(self, changes):
        self._trainer.apply_live(changes)
        self._emit_counters()

    def _do_speed(self, steps_per_second):
        self._speed = float(steps_per_second) if steps_per_second else None
        self._timer.setInterval(self._step_interval())

    def _step_interval(self):
        """Milliseconds between two chunks of steps here (a rest at full speed)."""
        if self._speed is None:
            return REST_MS
        return int(min(33.0, max(1.0, 1000.0 / self._speed)))

    def _do_columns(self, columns):
        self.surface_columns = columns
        self._emit_state()

    def _do_resolution(self, resolution):
        gained = resolution and not self.surface_resolution
        self.surface_resolution = resolution
        if gained:  # the view that wants it shows the current state's surface at once
            self._emit_state()

    def _do_replace(self, trainer, generation, surface_columns):
        self._set_running(False)
        self._trainer, self._generation, self.surface_columns = trainer, generation, surface_columns
        self._rate.clear()
        self._guarded(self._notify, "on_replace")
        self._emit_counters()
        if self._remote is not None:  # Max speed then starts at once, even on big data
            self._guard_remote(self._remote.adopt, trainer)

    def _do_start_process(self):
        if self._remote is not None:
            self._guard_remote(self._remote.start_process)

    def _do_observe(self, observer):
        self._observers.append(observer)
        self._due_steps.append(0)
        observer.on_replace(self._trainer)

    def _notify(self, method):
        for observer in self._observers:
            getattr(observer, method)(self._trainer)

    def _do_stop(self):
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
        """Step until ``deadline``, the ``budget`` (None: no limit), a command or the end."""
        trainer, done = self._trainer, 0
        while self._running and not self._pending and (budget is None or done < budget):
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
        DRAW_SHARE``, at most ``SLOWEST_INTERVAL``; at least ``fill_seconds / FILL_SHARE``)
        is over."""
        paced = max(min(self.frame_seconds / DRAW_SHARE, SLOWEST_INTERVAL),
                    self.fill_seconds / FILL_SHARE)
        return now - self._last_emit >= max(self.min_interval, paced) and self._drawn.is_set()

    def _emit_state(self):
        """Always emit a snapshot of the current state, then its counters: sent first, the
        counters are drawn by the GUI thread while this one takes the snapshot, and the two
        threads' turns at the interpreter lock made a paused Step's snapshot ~2 ms later
        (circles: 4.5–5.2 → 2.9–3.5 ms from the request to the snapshot sent)."""
        self._emit_snapshot(time.perf_counter())
        self._emit_counters()

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
        # The observers' histories of this step first: when the snapshot is shown (and, say,
        # exported at once), the gradient norms and the timeline include its step.
        self._guarded(self._notify, "on_snapshot")
        self.snapshotReady.emit((self._generation, snap))
