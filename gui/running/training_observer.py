"""``TrainingObserver``: what ``TrainingWorker.add_observer`` expects (structural typing).

Observers record per-step histories (gradient norms, timeline states: ``gui.running.observers``)
in the worker thread, or, while the child process trains, through a picklable recorder that
runs there and whose records the worker hands back to them.
"""

from typing import Protocol


class TrainingObserver(Protocol):
    """What :meth:`TrainingWorker.add_observer` expects; every method runs in the worker thread.

    Timeline recording and gradient-norm history are observers (``gui.running.observers``).
    """

    def after_steps(self, trainer) -> int | None:
        """After a training step (or a Step epoch): keep it to microseconds. Returns the step
        count at which it is next due (skipped until then, or until any command is
        handled), or None to be called after every step."""

    def on_snapshot(self, trainer) -> None:
        """A snapshot was emitted (≤ ~30 Hz): copy what the GUI needs, emit it."""

    def on_replace(self, trainer) -> None:
        """A new trainer has taken over."""

    def remote_recorder(self):
        """A picklable ``core.watch.remote_run.PacedRecorder`` to run in the child process."""

    def take_records(self, records: list) -> None:
        """File what the recorder recorded in the child since the last message."""

    def on_remote_snapshot(self, step: int) -> None:
        """The child sent a snapshot taken at ``step`` (as ``on_snapshot``)."""
