"""``StepThroughController``: one training step, phase by phase, in the worker thread.

The ``core.teach.stepthrough.StepThrough`` is created and advanced only in the worker thread,
through
``TrainingSession.call`` (training is paused first). What comes back to the GUI thread is a
:class:`PhaseBook`: the phases and their read-only ``PhaseResult`` copies, enough to label
the diagram and fill in any neuron's equations without touching the trainer. The last phase
(update) calls the real ``trainer.step()``; the views are then refreshed, so every view shows
the stepped network.

States: closed → ``start()`` → open (``index`` = last phase shown, -1 before the first) →
``next_phase()`` … or ``finish()`` → done (the step is applied) → ``start()`` again for the
next step, or ``leave()``.
"""

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from core.teach.stepthrough import StepThrough
from gui.running.session import describe_error


@dataclass(frozen=True)
class PhaseBook:
    """What the GUI may read of one step-through (immutable, built in the worker thread).

    ``phases`` (tuple of ``Phase``), ``phase_results`` (tuple of ``PhaseResult``, read-only
    arrays), ``activation_names``, ``start_step`` (the trainer's step count before it),
    ``loss`` (the step's objective). ``results()`` makes it usable by
    ``core.teach.step_equations.step_equations`` in place of the ``StepThrough`` itself.
    """

    phases: tuple
    phase_results: tuple
    activation_names: tuple
    start_step: int
    loss: float

    def results(self):
        return list(self.phase_results)

    @property
    def n_phases(self):
        return len(self.phases)

    @classmethod
    def of(cls, step):
        return cls(tuple(step.phases), tuple(step.results()), tuple(step.activation_names),
                   int(step.start_step), float(step.loss))


def _create(trainer):
    """Worker thread: a new step-through of ``trainer``'s next step and its book."""
    step = StepThrough(trainer)
    return step, PhaseBook.of(step)


class StepThroughController(QObject):
    """Drives one step-through at a time for a ``TrainingSession``; see the module docstring.

    Signals (GUI thread)
    --------------------
    started(object) : the ``PhaseBook`` of a new step-through (no phase shown yet).
    phaseShown(object) : ``index`` of the phase just advanced (``book.phases[index]``).
    stepDone(object) : the step count after the update (the trainer has stepped).
    closed(object) : the reason the step-through ended without finishing ("" = asked).
    failed(object) : a message for the user; the step-through is closed.
    """

    started = Signal(object)
    phaseShown = Signal(object)
    stepDone = Signal(object)
    closed = Signal(object)
    failed = Signal(object)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.book = None
        self.index = -1
        self._step = None       # the StepThrough: only ever used in the worker thread

    # -- state ------------------------------------------------------------------------------
    @property
    def is_open(self):
        """A step-through exists (done or not)."""
        return self.book is not None

    @property
    def done(self):
        return self.book is not None and self.index == self.book.n_phases - 1

    @property
    def in_progress(self):
        """Open and not yet applied: the trainer must not change meanwhile."""
        return self.is_open and not self.done

    def current_phase(self):
        """The ``Phase`` last shown, or None."""
        return None if self.book is None or self.index < 0 else self.book.phases[self.index]

    # -- requests ---------------------------------------------------------------------------
    def start(self):
        """Pause training and open a step-through of the next step (any open one is left)."""
        self._drop()
        ok, created = self._call(_create)
        if ok:
            self._step, self.book = created
            self.index = -1
            self.started.emit(self.book)

    def next_phase(self):
        """Advance one phase (the update phase applies the step); a done one starts anew."""
        if self.book is None or self.done:
            self.start()
            return
        step = self._step
        if self._call(lambda _trainer: step.advance())[0]:
            self._shown(self.index + 1)

    def finish(self):
        """Run every remaining phase: the trainer ends exactly as after a plain Step."""
        if not self.in_progress:
            return
        step = self._step
        if self._call(lambda _trainer: step.finish())[0]:
            self._shown(self.book.n_phases - 1)

    def leave(self, reason=""):
        """Close the step-through; an unfinished step is dropped (the trainer is untouched)."""
        if self._drop():
            self.closed.emit(reason)

    def restart(self, reason):
        """Start again from the trainer's current state (e.g. a setting changed)."""
        if self.in_progress:
            self.session.message.emit(reason)
            self.start()

    # -- plumbing ---------------------------------------------------------------------------
    def _drop(self):
        was_open = self.book is not None
        self.book, self._step, self.index = None, None, -1
        return was_open

    def _call(self, fn):
        """``fn(trainer)`` in the worker thread, training paused: ``(True, value)``, or
        ``(False, None)`` after a failure (reported, the step-through closed)."""
        self.session.pause()
        try:
            return True, self.session.call(fn)
        except Exception as exc:  # noqa: BLE001 - shown; the trainer is left as it was
            self._drop()
            self.failed.emit(f"Step-through stopped: {describe_error(exc)}")
            return False, None

    def _shown(self, index):
        self.index = index
        self.phaseShown.emit(index)
        if self.done:
            self._step = None
            self.session.refresh()
            self.stepDone.emit(self.book.start_step + 1)
