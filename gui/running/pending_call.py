"""``PendingCall``: one ``fn(trainer, *args)`` the training worker runs for a waiting caller.

The caller (the GUI thread, through ``TrainingSession.call``) queues the call and waits on a
``threading.Event``; the worker runs it between two steps and sets the event. The worker never
waits for the caller, so the two cannot deadlock. A call given up on before it started never
runs, so a timeout leaves the trainer as it was.
"""

import threading

import numpy as np

#: Seconds a caller waits before giving up (calls are served within milliseconds; taking the
#: trainer back from a child that is still starting can take seconds on a loaded machine).
CALL_TIMEOUT = 30.0


class CallTimeout(RuntimeError):
    """The worker did not answer a :meth:`TrainingWorker.call` in time."""


class PendingCall:
    """``fn(trainer, *args)``, run once by the worker; the caller waits for its outcome.

    A call abandoned after a timeout before it started never runs.
    """

    def __init__(self, fn, args):
        self.fn, self.args = fn, args
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._state = "queued"  # -> "running" -> "done", or -> "abandoned"
        self._value = self._error = None

    def run(self, trainer):
        """Worker thread: run it (unless abandoned) and wake the caller."""
        with self._lock:
            if self._state != "queued":
                return
            self._state = "running"
        try:
            with np.errstate(all="ignore"):
                self._value = self.fn(trainer, *self.args)
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the caller
            self._error = exc
        self._state = "done"
        self._done.set()

    def wait(self, timeout):
        """The value of ``fn``; raises what it raised, or :class:`CallTimeout`."""
        if not self._done.wait(timeout):
            with self._lock:
                started = self._state != "queued"
                if not started:
                    self._state = "abandoned"
            if not started or not self._done.wait(timeout):
                what = "it may still finish" if started else "nothing was changed"
                raise CallTimeout(f"The training thread did not answer within {timeout:g} s "
                                  f"({what}); try again.")
        if self._error is not None:
            raise self._error
        return self._value
