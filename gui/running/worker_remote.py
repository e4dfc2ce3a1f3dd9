"""``RemoteTraining``: the part of ``gui.running.worker.TrainingWorker`` that trains in a child
process.

With ``use_process``, playing at full speed hands the trainer to a child process
(``gui.running.remote_runner``, ``core.watch.remote_run``) so the window's drawing and the training
do not share one interpreter lock. Every command takes the trainer back first (``_recall``), is
applied here as usual, and training then goes back to the child (``_launch``). What the
child sends becomes the worker's usual signals: counters, snapshots, the observers' records.
If the child cannot be started or stops answering, training goes on in the worker's thread,
paced (``gui.running.worker.CHUNK_SECONDS``), and ``notice`` says so once.
"""

import time

import numpy as np

from core.watch.remote_run import Progress, RunOptions, SnapshotTaken, Stopped, apply_progress
from core.watch.snapshot import with_test_outputs
from gui.running.remote_runner import RemoteFailed

#: While the child trains, the worker reads what it sends this often (milliseconds).
REMOTE_POLL_MS = 5


class RemoteTraining:
    """Mixed into ``TrainingWorker`` (worker thread only); see the module docstring."""

    def _launch(self):
        """Hand the trainer to the child process when playing at full speed with observers
        that can record there; else training goes on in this thread."""
        if (self._remote is None or self._remote.running or not self._running
                or self._speed is not None or self._epochs_done()
                or not all(hasattr(o, "remote_recorder") for o in self._observers)):
            return
        options = RunOptions([observer.remote_recorder() for observer in self._observers],
                             self.surface_resolution, self.surface_columns)
        self._guard_remote(self._remote.launch, self._trainer, options)
        if self._remote is not None and self._remote.running:
            self._timer.setInterval(REMOTE_POLL_MS)

    def _recall(self):
        """Take the trainer back from the child process (if it has it), up to date."""
        if self._remote is not None and self._remote.running:
            messages = self._guard_remote(self._remote.recall)
            for message in messages or ():
                self._on_remote_message(message, show=False)

    def _poll_remote(self):
        messages = self._guard_remote(self._remote.messages)
        for message in messages or ():
            self._on_remote_message(message)
        remote = self._remote
        if remote is not None and remote.running and self._snapshot_due(time.perf_counter()):
            self._guard_remote(remote.request_frame)

    def _on_remote_message(self, message, show=True):
        """Handle one message of the child (``core.watch.remote_run``); ``show=False`` while
        taking the trainer back: the state that follows is shown instead."""
        self._take_records(message.records)
        now = time.perf_counter()
        if isinstance(message, Progress) and show:
            self._rate.add(message.step, now)
            self.countersChanged.emit((self._generation, message.step, message.epoch,
                                       self._rate.rate()))
        elif isinstance(message, SnapshotTaken) and show:
            self._drawn.clear()
            self._last_emit = now
            snapshot = self._with_test_outputs(message.snapshot)
            for observer in self._observers:  # their histories first, as in the thread
                self._guarded(observer.on_remote_snapshot, message.step)
            self.snapshotReady.emit((self._generation, snapshot))
        elif isinstance(message, Stopped):
            self._finish_remote(message)

    def _with_test_outputs(self, snapshot):
        """The child's ``snapshot`` with its test outputs, made here from its weights (the
        child leaves that forward pass to this process's other core); times it for pacing.
        If they cannot be made (no memory, say) the snapshot is shown without them, the status
        line says so once per run, and training goes on."""
        start = time.perf_counter()
        try:
            with np.errstate(all="ignore"):  # a diverged network's outputs are shown as such
                filled = with_test_outputs(snapshot, self._trainer)
        except Exception as exc:  # noqa: BLE001 - the views must still get the frame
            filled = snapshot
            if not self._fill_failed:
                self._fill_failed = True
                self.notice.emit(f"Test-set predictions could not be made while training "
                                 f"({type(exc).__name__}: {exc}); they are shown at Pause.")
        self.fill_seconds = time.perf_counter() - start
        return filled

    def _take_records(self, records):
        for observer, own in zip(self._observers, records, strict=False):
            if own:
                self._guarded(observer.take_records, own)

    def _finish_remote(self, stopped):
        """The child stopped: bring the trainer up to date; report an end or an error."""
        self._timer.setInterval(self._step_interval())
        self.fill_seconds = 0.0  # snapshots are whole again: paced by drawing alone
        self._fill_failed = False  # a failure in a later run is said again
        if stopped.progress is not None:
            self._guarded(apply_progress, self._trainer, stopped.progress)
        if not stopped.finished and stopped.error is None:
            return
        self._set_running(False)
        if stopped.finished:
            self._emit_finished()
        else:
            self.error.emit(stopped.error)
        self._emit_state()

    def _guard_remote(self, fn, *args):
        """``fn(*args)``; if the child process fails, train in this thread from now on."""
        try:
            return fn(*args)
        except RemoteFailed as exc:
            self.notice.emit(f"Training runs in the window's process, slower ({exc}).")
            self.fill_seconds = 0.0  # snapshots are whole in this thread
            remote, self._remote = self._remote, None
            remote.close()
            self._timer.setInterval(self._step_interval())
            return None

