"""``DataSwapper``: train on edited data without losing the run, the thread-safe way.

The edited ``Dataset`` is built in the GUI thread. The new ``Trainer`` is built in the worker
thread from the live one (``core.teach.editing.with_dataset``: weights, optimizer state, counters
and history kept), between two steps, through ``TrainingSession.call``; the session then
installs it (views reset, paused) and training resumes if it was playing.

Data that does not fit the network (other task or number of classes), or a blank canvas
(``fresh=True``), gets a new network through ``TrainingSession.set_dataset``.
"""

from PySide6.QtCore import QObject, Signal

from core.teach.editing import record_evaluation, with_dataset
from gui.running.session import describe_error


def _edited(trainer, dataset):
    """Worker thread: the run on ``dataset`` (history kept up to the edit) with one more
    history row, the network's exact losses and metrics on the edited data."""
    edited = with_dataset(trainer, dataset)
    record_evaluation(edited, position=trainer.epoch_position)
    return edited


def fits(old, new):
    """Whether the network trained on ``old`` can train on ``new`` as it is."""
    return (old.task == new.task and old.n_inputs == new.n_inputs
            and old.n_outputs == new.n_outputs)


class DataSwapper(QObject):
    """Hands edited datasets to the session's trainer; see the module docstring.

    Signals
    -------
    swapped(object) : the ``Dataset`` the session now trains on.
    failed(object) : a message (str) for the user; the old data stays.
    """

    swapped = Signal(object)
    failed = Signal(object)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.installing = False  # True while this object replaces the session's trainer
        self._play_pending = False  # we asked to play; the worker has not said so yet
        session.runningChanged.connect(self._running_changed)

    def is_playing(self):
        """Training plays, or will as soon as the worker applies our play request."""
        return self.session.running or self._play_pending

    def _running_changed(self, running):
        if running:
            self._play_pending = False

    def submit(self, dataset, note, fresh=False, resume=False):
        """Train on ``dataset`` from now on (``note``: a status message). Training resumes
        afterwards if it is playing now, or if ``resume``."""
        resume = resume or self.is_playing()
        self.installing = True
        try:
            if fresh or not fits(self.session.dataset, dataset):
                ok = self.session.set_dataset(dataset) and self._record_start()
            else:
                ok = self._keep_network(dataset, note)
        finally:
            self.installing = False
        if not ok:
            return
        if resume:
            self._play_pending = True
            self.session.play()
        self.swapped.emit(dataset)

    def _record_start(self):
        """The new network's losses and metrics on the points, shown at once (epoch 0)."""
        try:
            self.session.call(record_evaluation)
        except Exception as exc:  # noqa: BLE001 - shown; the new network stays
            self.failed.emit(f"Could not evaluate the new network: {describe_error(exc)}")
        self.session.refresh()
        return True

    def _keep_network(self, dataset, note):
        self.session.pause()
        try:
            trainer = self.session.call(_edited, dataset)
        except Exception as exc:  # noqa: BLE001 - shown; the old data stays
            self.failed.emit(f"Could not train on the edited points: {describe_error(exc)}")
            return False
        self.session.install(trainer, note)
        return True

    def cancel_resume(self):
        """Do not resume playing after a swap (the data became a draft)."""
        self._play_pending = False
