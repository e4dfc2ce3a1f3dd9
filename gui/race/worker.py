"""``RaceWorker``: steps a ``core.watch.race.Race`` in a ``QThread``, off the GUI thread.

The worker owns the race once its thread has started. Play schedules ticks on the worker's
own event loop (a single-shot timer per tick, so no timer object outlives the thread); each
tick steps every racer the same number of mini-batches (``Race.step``) and emits a
``RaceFrame`` of *copied* snapshots and the racers' history rows since the last frame. The
tick size adapts so a tick takes about ``TICK_SECONDS`` (the GUI stays fluid and Pause is
prompt); it never changes what the racers compute, only how often a frame is taken. Pause
and Stop are queued to the worker and take effect between ticks.

Back-pressure without waiting: at most ``MAX_IN_FLIGHT`` frames are on their way to the GUI
(``frame_drawn`` counts them back). While the GUI is behind, ticks go on without taking a
frame, and the next frame carries every row recorded meanwhile, so the curves miss nothing
and the queue between the threads cannot grow.
"""

import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from core.watch.snapshot import take_snapshot

#: Wall time one tick aims at, and the rest between ticks (the GUI thread draws meanwhile).
TICK_SECONDS = 0.03
REST_MS = 15
MAX_IN_FLIGHT = 2
#: Grid points per axis of each racer's decision surface.
SURFACE_RESOLUTION = 40


@dataclass(frozen=True)
class RaceFrame:
    """What one tick sends to the GUI.

    Attributes
    ----------
    step : int
        The lockstep clock (steps per racer).
    snapshots : tuple of Snapshot
        One copied snapshot per racer (surface, test outputs; no per-neuron grids).
    rows : tuple of tuple
        Each racer's newest race-history row (``core.watch.race.HISTORY_COLUMNS``).
    new_rows : tuple of tuple
        Per racer, every row recorded since the previous frame (the first frame: all).
    errors : tuple of (str or None)
        Why a racer stopped, per racer.
    running : bool
        Some racer can still step.
    """

    step: int
    snapshots: tuple
    rows: tuple
    new_rows: tuple
    errors: tuple
    running: bool = True


def surface_columns(dataset):
    """The raw input columns ``(i, j)`` the racers' surfaces span, or None for 1 input.

    2 inputs: (0, 1). More: the two that vary most over the training rows (the others are
    held at their training mean), so a constant column (a digit's corner pixel) is never
    chosen.
    """
    d = dataset.X_train.shape[1]
    if d < 2:
        return None
    if d == 2:
        return (0, 1)
    spread = np.std(dataset.X_train, axis=0)
    i, j = sorted(int(k) for k in np.argsort(-spread, kind="stable")[:2])
    return (i, j)


def take_frame(race, since=None):
    """A ``RaceFrame`` of ``race`` now (call only from the thread that owns the race).

    ``since``: per racer, how many of its rows earlier frames carried (default none).
    """
    columns = surface_columns(race.dataset)
    snapshots = tuple(take_snapshot(r.trainer, SURFACE_RESOLUTION if columns else None,
                                    columns, with_neurons=False) for r in race.racers)
    since = since or [0] * len(race.racers)
    return RaceFrame(race.step_count, snapshots, tuple(r.rows[-1] for r in race.racers),
                     tuple(tuple(r.rows[k:]) for r, k in zip(race.racers, since, strict=True)),
                     tuple(r.error for r in race.racers), race.running)


class RaceWorker(QObject):
    """See the module docstring. Lives in the race window's ``QThread``.

    Signals
    -------
    frameReady(object) : a ``RaceFrame`` after each tick.
    runningChanged(object) : bool, playing or not.
    failed(object) : str, an unexpected error (the race stops).
    """

    frameReady = Signal(object)
    runningChanged = Signal(object)
    failed = Signal(object)

    def __init__(self, race):
        super().__init__()
        self.race = race
        self.playing = False
        self.stopped = False
        self.steps_per_tick = 1
        self._scheduled = False
        self.in_flight = 0
        self._pending = False  # rows recorded that no frame has carried yet
        self._sent = [len(r.rows) for r in race.racers]  # rows the window already has

    @Slot()
    def play(self):
        if self.stopped or self.playing or not self.race.running:
            return
        self.playing = True
        self.runningChanged.emit(True)
        self._schedule()

    @Slot()
    def pause(self):
        if self.playing:
            self.playing = False
            if self._pending:  # the window shows where the race paused
                self._emit_frame()
            self.runningChanged.emit(False)

    @Slot()
    def stop(self):
        """Pause for good: Play does nothing afterwards."""
        self.stopped = True
        self.pause()

    @Slot()
    def frame_drawn(self):
        """The window has drawn a frame: one fewer on its way."""
        self.in_flight = max(0, self.in_flight - 1)
        if not self.playing and self._pending:
            self._emit_frame()

    def _schedule(self):
        if not self._scheduled:
            self._scheduled = True
            QTimer.singleShot(REST_MS, self._tick)

    def _tick(self):
        self._scheduled = False
        if not self.playing:
            return
        start = time.perf_counter()
        try:
            self.race.step(self.steps_per_tick)
            self._pending = True
            if self.in_flight < MAX_IN_FLIGHT or not self.race.running:
                self._emit_frame()
        except Exception as exc:  # noqa: BLE001 - reported in the window, never lost
            self.playing = False
            self.failed.emit(f"The race stopped: {exc}")
            self.runningChanged.emit(False)
            return
        self._adapt(time.perf_counter() - start)
        if not self.race.running:
            self.playing = False
            self.runningChanged.emit(False)
            return
        self._schedule()

    def _emit_frame(self):
        frame = take_frame(self.race, self._sent)
        self._sent = [len(r.rows) for r in self.race.racers]
        self._pending = False
        self.in_flight += 1
        self.frameReady.emit(frame)

    def _adapt(self, seconds):
        """Aim the next tick at ``TICK_SECONDS``, growing at most 2× per tick."""
        wanted = self.steps_per_tick * TICK_SECONDS / max(seconds, 1e-4)
        self.steps_per_tick = max(1, min(int(wanted), 2 * self.steps_per_tick, 10_000))
