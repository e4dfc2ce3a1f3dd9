"""Reach the trainer that lives in the worker thread, the thread-safe way.

The window's :class:`~gui.session.TrainingSession` hands its ``Trainer`` to a
:class:`~gui.worker.TrainingWorker` in a ``QThread``; from then on only that thread may touch
it. Two operations are needed to save and load:

- :func:`call_with_trainer` runs ``fn(trainer)`` *in the worker thread*, between two steps
  (the call is queued behind every request sent before it, e.g. a pause or a new trainer),
  and delivers the result or the exception back in the GUI thread through the returned
  :class:`TrainerCall`'s ``finished(ok, value)`` signal;
- :func:`install_trainer` swaps in a trainer built in the GUI thread (a network rebuilt from a
  weights file, a reopened session) exactly as the session does for a new config.

Export, step-through, gradient checks, weight editing and the timeline all go through here.
"""

from PySide6.QtCore import QObject, Qt, Signal, Slot


class TrainerCall(QObject):
    """One pending ``fn(trainer)`` call; lives (and dies) in the GUI thread.

    The worker runs ``fn`` from its request queue and emits this object's ``_done`` signal
    from the worker thread; Qt queues that emission to the GUI thread. No object of the call
    ever lives in the worker thread, so nothing can be deleted from the wrong thread.

    Signals
    -------
    finished(bool, object) : ``(True, result)`` or ``(False, exception)``, in the GUI thread.
    """

    finished = Signal(bool, object)
    _done = Signal(object)

    def __init__(self, session, fn, parent=None):
        super().__init__(parent)
        self.result = None
        self._session, self._fn = session, fn
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def start(self):
        # Queued behind every request sent before it (a pause, a new trainer, ...).
        self._session.worker.request("call", (self._fn, self._done.emit))
        return self

    @Slot(object)
    def _deliver(self, result):
        self.result = result
        self.finished.emit(*result)
        self.deleteLater()


def worker_running(session):
    """Whether the session's worker thread can still run calls."""
    thread = getattr(session, "thread", None)
    return thread is not None and thread.isRunning()


def call_with_trainer(session, fn, on_done=None, on_error=None, pause=True):
    """Run ``fn(trainer)`` in the worker thread; report back in the GUI thread.

    Parameters
    ----------
    session : TrainingSession
    fn : callable
        ``fn(trainer) -> value``; runs between two training steps. It must not touch widgets.
    on_done, on_error : callable, optional
        ``on_done(value)`` or ``on_error(exception)``, called in the GUI thread.
    pause : bool
        Pause training first, so the trainer is seen as the user last saw it.

    Returns
    -------
    TrainerCall or None
        None when the worker thread has stopped (``on_error`` is called at once).
    """
    if not worker_running(session):
        if on_error is not None:
            on_error(RuntimeError("Training has been shut down; nothing to save or load."))
        return None
    if pause:
        session.pause()
    call = TrainerCall(session, fn, parent=session)

    def deliver(ok, value):
        callback = on_done if ok else on_error
        if callback is not None:
            callback(value)

    call.finished.connect(deliver)
    return call.start()


def install_trainer(session, trainer, note):
    """Make ``trainer`` (built in the GUI thread, not shared) the session's current one, paused.

    Resets every view for it, shows its first snapshot and counters, and hands it to the worker.
    """
    session.pause()
    session.install(trainer, note)


def refresh_views(session):
    """Ask the worker for a snapshot of the current state (after changing the trainer)."""
    session.worker.request("snapshot")
