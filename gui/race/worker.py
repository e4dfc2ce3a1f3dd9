"""``RaceWorker``: steps a ``core.watch.race.Race`` in a ``QThread``, off the GUI thread.

The worker owns the race once its thread has started. Play schedules ticks on the worker's
own event loop (a single-shot timer per tick, so no timer object outlives the thread); each
tick steps every racer the same number of mini-batches (``Race.step``) and emits a
``RaceFrame`` of *copied* snapshots and the racers' newest history rows. The tick size adapts
so a tick takes about ``TICK_SECONDS`` (the GUI stays fluid and Pause is prompt); it never
changes what the racers compute, only how often a frame is taken. Pause and Stop are
queued to the worker and take effect between ticks.
"""

import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from core.watch.snapshot import take_snapshot

#: Wall time one tick aims at, and the rest between ticks (the GUI thread draws meanwhile).
TICK_SECONDS = 0.03
REST_MS = 15
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
    errors : tuple of (str or None)
        Why a racer stopped, per racer.
    running : bool
        Some racer can still step.
    """

    step: int
    snapshots: tuple
    rows: tuple
    errors: tuple
    running: bool = True


def surface_columns(dataset):
    """The raw input columns the racers' surfaces span: (0, 1), or None for 1 input."""
    return (0, 1) if dataset.X_train.shape[1] >= 2 else None


def take_frame(race):
    """A ``RaceFrame`` of ``race`` now (call only from the thread that owns the race)."""
    columns = surface_columns(race.dataset)
    snapshots = tuple(take_snapshot(r.trainer, SURFACE_RESOLUTION if columns else None,
                                    columns, with_neurons=False) for r in race.racers)
    return RaceFrame(race.step_count, snapshots, tuple(r.rows[-1] for r in race.racers),
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
            self.runningChanged.emit(False)

    @Slot()
    def stop(self):
        """Pause for good: Play does nothing afterwards."""
        self.stopped = True
        self.pause()

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
            frame = take_frame(self.race)
        except Exception as exc:  # noqa: BLE001 - reported in the window, never lost
            self.playing = False
            self.failed.emit(f"The race stopped: {exc}")
            self.runningChanged.emit(False)
            return
        self._adapt(time.perf_counter() - start)
        self.frameReady.emit(frame)
        if not self.race.running:
            self.playing = False
            self.runningChanged.emit(False)
            return
        self._schedule()

    def _adapt(self, seconds):
        """Aim the next tick at ``TICK_SECONDS``, growing at most 2× per tick."""
        wanted = self.steps_per_tick * TICK_SECONDS / max(seconds, 1e-4)
        self.steps_per_tick = max(1, min(int(wanted), 2 * self.steps_per_tick, 10_000))
