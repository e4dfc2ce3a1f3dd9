"""``RunHistory``: Edit → Undo / Redo of every change that replaced the run.

It is the session's *keeper* (``TrainingSession.keeper``): before a new trainer replaces
the run (a setting that needs a new network, another dataset, edited points, a lesson,
Reset, an opened session, a network rebuilt from a weights file), ``before_replace`` copies
the run whole in the worker thread (weights, optimizer state, progress and history: a
``core.train.run_copy.RunCopy``; the gradient-norm history, the timeline and the
Distributions view's bands: ``gui.undo.records``; the lesson open with it) and says in the
status bar what was discarded. Weights loaded into the network in place are kept the same
way (``keep_before``).

Undo builds a trainer from the kept copy, installs it (the run it replaces goes on the Redo
stack), puts its records back, sets the panels to its settings and reopens the lesson it
was open with (or leaves the lesson open now, when it had none).
"""

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QKeySequence

from core.train.run_copy import copy_run, trainer_from_copy
from gui.running.change_words import run_change, steps_text
from gui.running.session import describe_error
from gui.undo.kept_runs import KeptRun, KeptRuns
from gui.undo.records import (
    put_back_shown_records,
    records_putter,
    records_taker,
    take_shown_records,
)

UNDO_KEYS = "Ctrl+Z"
REDO_KEYS = "Ctrl+Shift+Z"
#: Longest change text an Undo/Redo menu entry shows.
MENU_TEXT = 60


def keys_text(keys):
    """``keys`` as this platform writes them (Ctrl+Z, ⌘Z)."""
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def _menu_text(verb, what):
    text = what if len(what) <= MENU_TEXT else what[:MENU_TEXT - 1] + "…"
    return f"{verb} {text}"


def _after_first_sentence(text):
    """``text`` without its first sentence ("" when it has one sentence only)."""
    end = text.find(". ")
    return "" if end < 0 else text[end + 2:].strip()


def _sentence(text):
    return text[:1].upper() + text[1:]


class RunHistory(QObject):
    """The Undo and Redo stacks of one window's runs.

    Signals
    -------
    changed() : what can be undone or redone changed (the actions' texts follow it).
    restored(object) : the ``KeptRun`` brought back, after the panels show it.
    """

    changed = Signal()
    restored = Signal(object)

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.session = window.session
        self.undo_runs = KeptRuns()
        self.redo_runs = KeptRuns()
        self._bringing_back = None  # the stack the replaced run goes to during undo/redo
        self.session.keeper = self

    # -- keeping ----------------------------------------------------------------------------
    def _keep(self, what):
        """The current run as a ``KeptRun`` (None when the worker cannot be asked)."""
        session = self.session
        session.pause()
        take = records_taker(self.window)
        try:
            run, records = session.call(lambda t: (copy_run(t), take(t)))
        except Exception:  # noqa: BLE001 - shut down: nothing to keep
            return None
        saved = session.unsaved_steps() == 0 and run.step_count > 0
        lesson, variant = self._lesson()
        return KeptRun(run, session.config, records, saved, what, lesson, variant,
                       take_shown_records(self.window))

    def _lesson(self):
        """``(lesson, variant)`` open now (``(None, None)``: none, or a window without
        lessons)."""
        lessons = getattr(self.window, "lessons", None)
        if lessons is None or lessons.files.lesson is None:
            return None, None
        return lessons.files.lesson, lessons.files.variant

    def before_replace(self, trainer, config, note, what=None):
        """The session is about to replace its run by ``trainer`` (with the user's
        ``config``): keep the current run; returns the status message to show."""
        session = self.session
        what = what or run_change(session.dataset, session.config, trainer.dataset,
                                  config) or "network replaced"
        if self._bringing_back is not None:  # undo/redo: the replaced run goes the other way
            kept = self._keep(self._bringing_back[1])
            if kept is not None:
                self._bringing_back[0].push(kept)
            return note
        kept = self._keep(what)
        if kept is None:
            return note
        self.undo_runs.push(kept)
        self.redo_runs.clear()
        self.changed.emit()
        return self.discard_message(kept, trainer.step_count, note)

    def keep_before(self, what):
        """Keep the run before it is changed in place (weights loaded into the network).
        Returns the status text to add, or "" when nothing could be kept."""
        kept = self._keep(what)
        if kept is None:
            return ""
        self.undo_runs.push(kept)
        self.redo_runs.clear()
        self.changed.emit()
        return self.discard_message(kept, None, "")

    def forget_last(self):
        """Drop the run ``keep_before`` kept (the change it announced did not happen)."""
        if len(self.undo_runs):
            self.undo_runs.pop()
            self.changed.emit()

    def discard_message(self, kept, new_step, note):
        """"Discarded 302 steps of training: activation tanh → silu. Ctrl+Z brings them
        back" (or, when no training is lost, the ``note`` and how to undo). The ``note``'s
        sentences after its first ("Shift+R resets to these same weights.", what was
        adapted to the data) are kept in the message."""
        steps, undo = kept.step_count, keys_text(UNDO_KEYS)
        if steps and new_step != steps:
            more = _after_first_sentence(note)
            return (f"Discarded {steps_text(steps)} of training: {kept.what}. "
                    f"{undo} brings {'it' if steps == 1 else 'them'} back."
                    + (f" {more}" if more else ""))
        first = note.strip() or f"{_sentence(kept.what)}."
        return f"{first} {undo} undoes it."

    # -- bringing back ----------------------------------------------------------------------
    def undo(self):
        """Bring back the run the last change replaced. Returns True when done."""
        return self._bring_back(self.undo_runs, self.redo_runs, "Undid")

    def redo(self):
        """Make the last undone change again. Returns True when done."""
        return self._bring_back(self.redo_runs, self.undo_runs, "Redid")

    def _bring_back(self, source, target, verb):
        if not len(source):
            self.window.statusBar().showMessage(
                f"Nothing to {'undo' if source is self.undo_runs else 'redo'}.", 5000)
            return False
        kept = source.pop()
        session = self.session
        session.pause()
        try:
            trainer = trainer_from_copy(kept.run)
        except Exception as exc:  # noqa: BLE001 - e.g. a CSV run whose data is gone
            session.error.emit(f"Could not bring that run back: {describe_error(exc)}")
            self.changed.emit()
            return False
        self._bringing_back = (target, kept.what)
        try:
            session.install(trainer, "", kept.config)
        finally:
            self._bringing_back = None
        try:
            session.call(records_putter(self.window, kept.records))
        except Exception as exc:  # noqa: BLE001 - the run is back; its records are not
            session.error.emit(f"The timeline and gradient norms could not be brought back: "
                               f"{describe_error(exc)}")
        put_back_shown_records(self.window, kept.distributions)
        if kept.saved:
            session.mark_saved(kept.step_count)
        session.refresh()
        self._show_settings(kept)
        self._show_lesson(kept, trainer)
        self.changed.emit()
        run = kept.run
        session.message.emit(f"{verb} {kept.what}: back at step {run.step_count:,} "
                             f"(epoch {run.epoch:,}).")
        self.restored.emit(kept)
        return True

    def _show_lesson(self, kept, trainer):
        """The lesson the run was open with is open again (with its hold on controls); a
        run that had none leaves the lesson open now."""
        lesson, variant = self._lesson()
        if kept.lesson is lesson and kept.lesson_variant == variant:
            return
        files = self.window.lessons.files
        if kept.lesson is None:
            files.leave()  # the run was not the lesson's
        else:
            files.reopen(kept.lesson, kept.lesson_variant, trainer)

    def _show_settings(self, kept):
        """The panels show the settings and data of the run brought back."""
        w, dataset = self.window, kept.run.dataset
        w.dataset_panel.show_dataset(dataset)
        if dataset.is_2d:
            w.dataset_panel.set_features(kept.config.features)
        w.hyper_panel.set_hidden_layers(len(kept.config.hidden))
        try:
            w.hyper_panel.set_from_config(kept.config)
        except Exception as exc:  # noqa: BLE001 - a choice this panel does not offer
            session = self.session
            session.error.emit(f"The panel cannot show every setting: {describe_error(exc)}")

    # -- what the actions say ---------------------------------------------------------------
    def undo_text(self):
        kept = self.undo_runs.peek()
        return _menu_text("Undo", kept.what) if kept is not None else "Undo"

    def redo_text(self):
        kept = self.redo_runs.peek()
        return _menu_text("Redo", kept.what) if kept is not None else "Redo"
