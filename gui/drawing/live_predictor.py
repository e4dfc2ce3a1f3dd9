"""``LivePredictor``: the network's outputs for one input row, asked of the live trainer.

Requests are throttled (at most one call per ``interval_ms``) and coalesced: while a call
runs in the worker thread, newer requests only replace the row to send next, so a fast
stroke never queues a backlog. Calls do not pause training (``pause=False``): they run
between two steps and never block the GUI thread.
"""

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from gui.session import describe_error
from gui.trainer_calls import call_with_trainer

#: ~20 predictions a second at most.
INTERVAL_MS = 50


class LivePredictor(QObject):
    """Ask ``session``'s trainer for ``trainer.predict(x[None])[0]``.

    Signals
    -------
    predicted(object) : ``(n_out,)`` network outputs for the last row sent.
    failed(object) : message (str).
    """

    predicted = Signal(object)
    failed = Signal(object)

    def __init__(self, session, interval_ms=INTERVAL_MS, parent=None):
        super().__init__(parent)
        self.session = session
        self.calls_sent = 0
        self._row = None
        self._call = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._send)

    def request(self, row):
        """Predict for ``row`` (shape ``(d,)`` raw inputs) soon; replaces a waiting row."""
        self._row = np.array(row, dtype=np.float64)
        if self._call is None and not self._timer.isActive():
            self._timer.start()

    def busy(self):
        """A request is waiting or running."""
        return self._row is not None or self._call is not None or self._timer.isActive()

    def cancel(self):
        """Drop a waiting request (a running call still reports)."""
        self._row = None
        self._timer.stop()

    def _send(self):
        if self._call is not None or self._row is None:
            return
        row, self._row = self._row, None
        self.calls_sent += 1
        self._call = call_with_trainer(
            self.session, lambda trainer: np.array(trainer.predict(row[None])[0]),
            self._done, self._failed, pause=False)

    def _done(self, outputs):
        self._call = None
        self.predicted.emit(outputs)
        self._next()

    def _failed(self, exc):
        self._call = None
        self.failed.emit(describe_error(exc))
        self._next()

    def _next(self):
        if self._row is not None and not self._timer.isActive():
            self._timer.start()
