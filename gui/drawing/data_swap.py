"""``DataSwapper``: train on edited data without losing the run, the thread-safe way.

The edited ``Dataset`` is built in the GUI thread. The new ``Trainer`` is built in the worker
thread from the live one (``core.editing.with_dataset``: weights, optimizer state, counters
and history kept), between two steps, through ``call_with_trainer``; back in the GUI thread
``install_trainer`` makes it current (views reset, paused) and training resumes if it was
playing. Edits made while a swap is in flight are coalesced: only the latest is installed.

Data that does not fit the network (other task or number of classes), or a blank canvas
(``fresh=True``), gets a new network through ``TrainingSession.set_dataset``.
"""

from PySide6.QtCore import QObject, Signal

from core.editing import with_dataset
from gui.session import describe_error
from gui.trainer_calls import call_with_trainer, install_trainer


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
        self._call = None
        self._latest = None
        self._resume = False
        self._play_pending = False  # we asked to play; the worker has not said so yet
        session.runningChanged.connect(self._running_changed)

    def is_playing(self):
        """Training plays, or will as soon as the worker applies our play request."""
        return self.session.running or self._play_pending

    def _running_changed(self, running):
        if running:
            self._play_pending = False

    def busy(self):
        """A swap is running in the worker thread."""
        return self._call is not None

    def submit(self, dataset, note, fresh=False, resume=False):
        """Train on ``dataset`` from now on (``note``: a status message). Training resumes
        afterwards if it is playing now, or if ``resume``."""
        self._resume = self._resume or resume
        self._latest = (dataset, note, fresh)
        if self._call is None:
            self._start()

    def _start(self):
        dataset, note, fresh = self._latest
        self._latest = None
        self._resume = self._resume or self.is_playing()
        if fresh or not fits(self.session.dataset, dataset):
            self._new_network(dataset)
            return
        info = self.session.info
        self._call = call_with_trainer(
            self.session, lambda trainer: with_dataset(trainer, dataset),
            lambda trainer: self._done(trainer, info, note),
            lambda exc: self._failed(exc), pause=True)

    def _new_network(self, dataset):
        self.installing = True
        try:
            ok = self.session.set_dataset(dataset)
        finally:
            self.installing = False
        self._finish(dataset if ok else None)

    def _done(self, trainer, info, note):
        self._call = None
        if self.session.info is not info:  # the user chose other data meanwhile
            self._latest, self._resume = None, False
            return
        if self._latest is not None:  # a newer edit: build from it instead
            self._start()
            return
        self.installing = True
        try:
            install_trainer(self.session, trainer, note)
        finally:
            self.installing = False
        self._finish(trainer.dataset)

    def _finish(self, dataset):
        if self._resume and dataset is not None:
            self._play_pending = True
            self.session.play()
        self._resume = False
        if dataset is not None:
            self.swapped.emit(dataset)

    def _failed(self, exc):
        self._call = None
        self._resume = False
        self.failed.emit(f"Could not train on the edited points: {describe_error(exc)}")
        if self._latest is not None:
            self._start()

    def cancel_resume(self):
        """Do not resume playing after the pending swap (the data became a draft)."""
        self._resume = self._play_pending = False
