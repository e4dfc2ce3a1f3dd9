"""``LandscapeJob``: computes a landscape in a ``QThreadPool`` thread, off the GUI thread.

The job gets copies only (a ``LandscapeRequest`` and the run's ``TrainerInfo``, which is
read-only), builds its own ``LossProblem`` (a private network copy) and calls
``core.watch.landscape.compute_landscape``. It reports through a :class:`JobSignals` object that
lives in the GUI thread (queued connections): ``progress(fraction)``, ``finished(result)``
(None when cancelled) and ``failed(message)``. ``cancel()`` sets a flag the computation polls
between chunks of rows.
"""

import threading
import traceback

from PySide6.QtCore import QObject, QRunnable, Signal

from core.watch.landscape import LossProblem, compute_landscape


class JobSignals(QObject):
    """What a job reports; every payload carries the job's number."""

    progress = Signal(object)  # (job_id, fraction in [0, 1])
    finished = Signal(object)  # (job_id, LandscapeResult or None when cancelled)
    failed = Signal(object)  # (job_id, message for the user)


class LandscapeJob(QRunnable):
    """One landscape computation (see module docstring)."""

    def __init__(self, job_id, info, request, signals):
        super().__init__()
        self.setAutoDelete(True)
        self.job_id = job_id
        self.info = info
        self.request = request
        self.signals = signals
        self._cancel = threading.Event()

    def cancel(self):
        self._cancel.set()

    def cancelled(self):
        return self._cancel.is_set()

    def run(self):
        try:
            problem = LossProblem.from_info(self.info)
            res = self.request.resolution
            result = compute_landscape(
                problem, self.request, cancelled=self.cancelled,
                progress=lambda rows, _loss: self.signals.progress.emit((self.job_id, rows / res)))
        except ValueError as exc:  # UserInputError and friends: a message for the user
            self.signals.failed.emit((self.job_id, str(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - a failing job must not take the app down
            traceback.print_exc()
            self.signals.failed.emit((self.job_id, f"{type(exc).__name__}: {exc}"))
            return
        self.signals.finished.emit((self.job_id, result))
