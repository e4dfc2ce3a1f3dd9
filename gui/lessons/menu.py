"""Help → Examples: the ready-made lessons of ``core.teach.lessons``, one click each.

Choosing a lesson (a built-in one, or a ``.bplesson`` file opened with File → Open lesson)
builds its trainer in the GUI thread (``trainer_for``), installs it
(``TrainingSession.install``: every view resets, training is paused), makes the data and
hyperparameter panels show its setup, opens the "Lesson" dock with the explanation, what to
look at and a button per variant (the comparison), and brings the lesson's view forward.
"""

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.teach.lessons import LESSONS, trainer_for
from gui.running.session import describe_error
from gui.undo.unsaved import ask_to_keep_run

#: Lesson ``view`` field -> object name of the dock that shows it (None: the diagram, central).
VIEW_DOCKS = {
    "gradient_norms": "normsDock",
    "decision_surface": "surfaceDock",
    "loss_curves": "lossDock",
    "diagram": None,
}
EMPTY_TEXT = ("Choose a lesson under Help → Examples (each sets up one classic experiment), "
              "or open a lesson file with File → Open lesson….")


def first_sentence(text):
    """The text up to and including its first full stop (a tooltip)."""
    end = text.find(". ")
    return text if end < 0 else text[:end + 1]


def describe_setup(trainer):
    """One line: data, layers, activation, init, optimizer and learning rate, batch."""
    c = trainer.config
    layers = " → ".join(map(str, trainer.network.sizes))
    activation = c.activation if isinstance(c.activation, str) else "/".join(c.activation)
    batch = "full batch" if c.batch_size is None else f"batch {c.batch_size}"
    return (f"{trainer.dataset.name} data · layers {layers} · {activation} · {c.init} init · "
            f"{c.optimizer} lr {c.lr:g} · {batch}")


def _label(name, tip, bold=False):
    label = QLabel("", objectName=name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setToolTip(tip)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


class LessonPanel(QWidget):
    """The lesson's text and its variant buttons.

    Signals
    -------
    variantRequested(object) : ``(lesson, variant_name or None)``, ``lesson`` a ``Lesson``.
    """

    variantRequested = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.lesson = None
        self.title = _label("lessonTitle", "The lesson set up now", bold=True)
        self.setup = _label("lessonSetup", "The data and network this lesson uses")
        self.explanation = _label("lessonText", "What this experiment shows")
        self.look_at = _label("lessonLookAt", "What to watch while it trains")
        self.variant_text = _label("lessonVariant", "What the current variant changes")
        self._buttons = QVBoxLayout()
        layout = QVBoxLayout(self)
        for widget in (self.title, self.setup, self.explanation, self.look_at,
                       self.variant_text):
            layout.addWidget(widget)
        layout.addLayout(self._buttons)
        layout.addStretch(1)
        self.title.setText(EMPTY_TEXT)

    def show_lesson(self, lesson, variant, trainer):
        """Show ``lesson`` (a ``core.teach.lessons.Lesson``) set up as ``variant`` (None:
        original)."""
        self.lesson = lesson
        self.title.setText(lesson.title)
        self.setup.setText(describe_setup(trainer))
        self.explanation.setText(lesson.explanation)
        self.look_at.setText(f"Look at: {lesson.look_at}")
        current = lesson.variant(variant) if variant else None
        self.variant_text.setText(f"Now: {current.title}. {current.explanation}"
                                  if current else "Now: the original setup. Press Play.")
        self._fill_buttons(lesson, variant)

    def buttons(self):
        """The variant buttons (the original setup's first)."""
        return [self._buttons.itemAt(i).widget() for i in range(self._buttons.count())]

    def _fill_buttons(self, lesson, variant):
        for button in self.buttons():
            self._buttons.removeWidget(button)
            button.deleteLater()
        choices = [(None, "Original setup", lesson.title)]
        choices += [(v.name, f"Compare: {v.title}", v.explanation) for v in lesson.variants]
        for name, text, tip in choices:
            button = QPushButton(text, objectName=f"lessonVariant_{name or 'original'}")
            button.setToolTip(f"Set up this lesson again as: {tip}")
            button.setEnabled(name != variant)
            button.clicked.connect(lambda _=False, n=name: self.variantRequested.emit(
                (lesson, n)))
            self._buttons.addWidget(button)


def confirm_replace_run(window, lesson):
    """Ask before ``lesson`` replaces a run with unsaved training ("Save / Discard /
    Cancel", ``gui.undo.unsaved``); True: go."""
    return ask_to_keep_run(window, "Open lesson", f"Opening the lesson “{lesson.title}”")


class LessonsMenu(QObject):
    """The Help → Examples actions and the "Lesson" dock for ``window``.

    Signals
    -------
    lessonShown(object) : ``(lesson, variant)`` after a lesson (or a variant) is set up.
    """

    lessonShown = Signal(object)

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.panel = LessonPanel()
        self.panel.variantRequested.connect(lambda p: self.show(*p))
        self.dock = window.add_dock(
            "lessonDock", "Lesson", self.panel, group="left",
            tip="the lesson set up from Help → Examples or a lesson file: what it shows, "
                "what to look at, and a variant to compare")
        self.actions = {f"lesson_{lid}": self._action(lid) for lid in LESSONS.names()}

    def _action(self, lesson_id):
        lesson = LESSONS.get(lesson_id)
        action = QAction(lesson.title, self.window)
        action.setObjectName(f"lesson_{lesson_id}")
        tip = f"Set up this lesson (replaces the network): {first_sentence(lesson.explanation)}"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _=False: self.load(lesson_id))
        return action

    def load(self, lesson_id, variant=None):
        """Set up built-in lesson ``lesson_id`` (as ``variant``); returns True on success."""
        return self.open(LESSONS.get(lesson_id), variant)

    def open(self, lesson, variant=None):
        """Set up ``lesson`` after asking when a trained run would be lost; True if done."""
        if not confirm_replace_run(self.window, lesson):
            self.window.statusBar().showMessage("Lesson not opened; the run is kept.", 8000)
            return False
        return self.show(lesson, variant)

    def show(self, lesson, variant=None):
        """Set up ``lesson`` (a ``core.teach.lessons.Lesson``) as ``variant``: the one place a
        lesson replaces the run. Returns True on success (False: the run is unchanged)."""
        window = self.window
        try:
            trainer = trainer_for(lesson, variant)
        except Exception as exc:  # noqa: BLE001 - a broken lesson is reported, not fatal
            window.show_error(f"Could not set up the lesson: {describe_error(exc)}")
            return False
        title = lesson.variant(variant).title if variant else lesson.title
        window.session.install(trainer, f"Lesson: {title}. Press Play.")
        window.dataset_panel.show_dataset(trainer.dataset)
        if trainer.dataset.is_2d:
            window.dataset_panel.set_features(trainer.config.features)
        window.hyper_panel.set_hidden_layers(len(trainer.config.hidden))
        window.hyper_panel.set_from_config(trainer.config)
        if lesson.speed is not None:  # a pace one can watch (the speed box shows it)
            window.set_pace(lesson.speed)
        self.panel.show_lesson(lesson, variant, trainer)
        self.dock.show()
        self.dock.raise_()
        self._bring_forward(lesson.view)
        self.lessonShown.emit((lesson, variant))
        return True

    def _bring_forward(self, view):
        name = VIEW_DOCKS.get(view)
        dock = self.window.findChild(QDockWidget, name) if name else None
        if dock is not None:
            dock.show()
            dock.raise_()
