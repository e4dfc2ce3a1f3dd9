"""Training health in the window: a run that can no longer learn pauses, and the banner says
what happened and what to try (``core.watch.health.diagnose`` decides; this only shows it).

The check reads the snapshots the views already get (``snapshotShown``), never the trainer,
at most once per new epoch (and on a manual step), and reports once per run: after the user
plays on, the run is theirs. The check runs on the next event-loop turn, after the snapshot's
frame is painted, so a Step is on screen before its (forward-pass) check costs anything.
"""

from PySide6.QtCore import QObject, QTimer

from core.watch.health import diagnose


class HealthWatch(QObject):
    """Watches ``window.session``; ``problem`` is the last one reported (or None)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.problem = None
        self._checked_epoch = None
        self._pending = None
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self._check_pending)
        session = window.session
        session.snapshotShown.connect(self._on_snapshot)
        session.trainerChanged.connect(self._on_new_run)

    def _on_new_run(self, _info=None):
        self.problem = None
        self._checked_epoch = None
        self._pending = None
        self._timer.stop()

    def _on_snapshot(self, snapshot):
        session = self.window.session
        if self.problem is not None or snapshot.step == 0:
            return
        fresh_epoch = snapshot.epoch != self._checked_epoch
        if session.running and not fresh_epoch:
            return  # once per epoch while playing: the criteria are per epoch
        self._checked_epoch = snapshot.epoch
        self._pending = snapshot
        self._timer.start()

    def _check_pending(self):
        snapshot, self._pending = self._pending, None
        session = self.window.session
        if snapshot is None or self.problem is not None:
            return
        problem = diagnose(session.info, snapshot)
        if problem is None:
            return
        self.problem = problem
        if session.running:
            session.pause()
        self.window.show_error(f"Training paused: {problem.message}")


def install_health_watch(window):
    """Start watching ``window``'s training health; returns the ``HealthWatch``."""
    return HealthWatch(window)
