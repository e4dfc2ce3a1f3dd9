"""File → Open lesson…, Save as lesson… and Leave lesson (``.bplesson`` files).

Opening reads and checks the whole file first (``core.teach.lesson_file.load_lesson``): a bad file
is reported in the banner and the current run stays as it was. A good one is set up by the
same code as Help → Examples (``LessonsMenu.open``: it asks before a trained run is
replaced), then its hidden and locked controls are applied (``ControlLock``). Saving asks
for a title, the text, what to look at and which controls to hide or lock
(``SaveLessonDialog``), then a file name, and writes the current data and settings.
"""

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from core.teach.lesson_file import CONTROLS, SUFFIX, lesson_from_setup, load_lesson, save_lesson
from gui.lessons.lock import ControlLock
from gui.running.session import describe_error

LESSON_FILTER = f"Backprop Studio lesson (*{SUFFIX})"


class SaveLessonDialog(QDialog):
    """Title, text, what to look at, and a Hide / Lock tick box per control."""

    def __init__(self, parent=None, lesson=None, race_count=0):
        super().__init__(parent)
        self.setObjectName("saveLessonDialog")
        self.setWindowTitle("Save as lesson")
        self.title = QLineEdit(objectName="lessonTitleEdit")
        self.title.setPlaceholderText("e.g. Why the learning rate matters")
        self.text = QPlainTextEdit(objectName="lessonTextEdit")
        self.text.setPlaceholderText("What this setup shows, for the student")
        self.look_at = QPlainTextEdit(objectName="lessonLookAtEdit")
        self.look_at.setPlaceholderText("Look at: what to watch while it trains")
        for edit in (self.text, self.look_at):
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(70)
        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("Text", self.text)
        form.addRow("Look at", self.look_at)
        self.hide_boxes, self.lock_boxes = {}, {}
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Save…")
        self.title.textChanged.connect(lambda t: self.save_button.setEnabled(bool(t.strip())))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self._controls_group())
        self.include_race = QCheckBox(
            f"Include the open race ({race_count} racers): opening the lesson opens it",
            objectName="lessonIncludeRace")
        self.include_race.setChecked(race_count > 0)
        self.include_race.setVisible(race_count > 0)
        layout.addWidget(self.include_race)
        layout.addWidget(buttons)
        if lesson is not None:
            self._fill(lesson)
        self.save_button.setEnabled(bool(self.title.text().strip()))

    def _controls_group(self):
        group = QGroupBox("Controls the student cannot change")
        grid = QGridLayout(group)
        grid.addWidget(QLabel("<b>Hide</b>"), 0, 1)
        grid.addWidget(QLabel("<b>Lock</b>"), 0, 2)
        for row, (name, text) in enumerate(CONTROLS.items(), start=1):
            grid.addWidget(QLabel(text), row, 0)
            hide = QCheckBox(objectName=f"hide_{name}")
            hide.setToolTip(f"Hide “{text}” while the lesson is open")
            lock = QCheckBox(objectName=f"lock_{name}")
            lock.setToolTip(f"Show “{text}” but do not let it change")
            hide.toggled.connect(lambda on, box=lock: box.setEnabled(not on))
            grid.addWidget(hide, row, 1, Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(lock, row, 2, Qt.AlignmentFlag.AlignCenter)
            self.hide_boxes[name], self.lock_boxes[name] = hide, lock
        return group

    def _fill(self, lesson):
        self.title.setText(lesson.title)
        self.text.setPlainText(lesson.explanation)
        self.look_at.setPlainText(lesson.look_at)
        for name in lesson.hidden_controls:
            self.hide_boxes[name].setChecked(True)
        for name in lesson.locked_controls:
            self.lock_boxes[name].setChecked(True)

    def values(self):
        """``(title, text, look_at, hidden names, locked names)``."""
        hidden = [n for n, box in self.hide_boxes.items() if box.isChecked()]
        locked = [n for n, box in self.lock_boxes.items()
                  if box.isChecked() and n not in hidden]
        return (self.title.text().strip(), self.text.toPlainText().strip(),
                self.look_at.toPlainText().strip(), hidden, locked)


class LessonFiles(QObject):
    """The lesson-file actions of one window, and the lock of the lesson set up now."""

    def __init__(self, window, lessons_menu, parent=None):
        super().__init__(parent)
        self.window = window
        self.menu = lessons_menu
        self.folder = Path.home()
        self.lesson = None  # the lesson set up now (None: none, or left)
        self.variant = None  # the variant it was set up as (None: the original setup)
        self.lock = ControlLock(window)
        self.dialog = None
        self.actions = {
            "openLesson": self._action("openLesson", "Open lesson…",
                                       "Open a lesson file: its data, network and settings, "
                                       "with its text in the Lesson panel", self.ask_open),
            "saveLesson": self._action("saveLesson", "Save as lesson…",
                                       "Save the current data and settings as a lesson file, "
                                       "with a text and the controls to hide or lock",
                                       self.ask_save),
            "leaveLesson": self._action("leaveLesson", "Leave lesson",
                                        "Close the lesson and give every control back "
                                        "(the run stays)", self.leave),
        }
        self.actions["leaveLesson"].setEnabled(False)
        lessons_menu.lessonShown.connect(self._on_lesson_shown)
        self.lock.bar.unlockRequested.connect(self.unlock)
        window.session.trainerChanged.connect(self._hold_again,
                                              Qt.ConnectionType.QueuedConnection)

    def _action(self, name, text, tip, slot):
        action = QAction(text, self.window)
        action.setObjectName(name)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(lambda _=False: slot())
        return action

    # ---- opening -------------------------------------------------------------------------
    def ask_open(self):
        path, _ = QFileDialog.getOpenFileName(self.window, "Open lesson", str(self.folder),
                                              f"{LESSON_FILTER};;All files (*)")
        if path:
            self.folder = Path(path).parent
            self.open_file(path)

    def open_file(self, path):
        """Check and set up the lesson in ``path``; True if done (else the run is kept)."""
        try:
            lesson = load_lesson(path)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is refused alike
            self.window.show_error(f"Could not open the lesson: {describe_error(exc)}")
            return False
        return self.menu.open(lesson)

    def _on_lesson_shown(self, shown):
        lesson, self.variant = shown
        if lesson is not self.lesson:
            self.lock.release()
            self.lesson = lesson
            self.lock.apply(lesson.title, lesson.hidden_controls, lesson.locked_controls)
        else:
            self.lock.reapply()
        self.actions["leaveLesson"].setEnabled(True)

    def reopen(self, lesson, variant, trainer):
        """Show ``lesson`` (as ``variant``) again for ``trainer``, the run it was open with
        (Edit → Undo brought it back): its panel and its hold on controls, the run as is."""
        self.menu.panel.show_lesson(lesson, variant, trainer)
        self.menu.dock.show()
        self.menu.dock.raise_()
        self.lock.release()
        self.lesson, self.variant = lesson, variant
        self.lock.apply(lesson.title, lesson.hidden_controls, lesson.locked_controls)
        self.actions["leaveLesson"].setEnabled(True)

    def _hold_again(self, _info=None):
        if self.lock.active:
            self.lock.reapply()

    # ---- leaving -------------------------------------------------------------------------
    def unlock(self):
        """Give every control back; the lesson (its text, its variants) stays open."""
        self.lock.release()
        self.window.statusBar().showMessage("Every control is unlocked.", 8000)

    def leave(self):
        """Close the lesson: every control back, the Lesson panel hidden; the run stays."""
        self.lock.release()
        self.lesson = self.variant = None
        self.menu.dock.hide()
        self.actions["leaveLesson"].setEnabled(False)
        self.window.statusBar().showMessage("Lesson closed; the run stays as it is.", 8000)

    # ---- saving --------------------------------------------------------------------------
    def ask_save(self):
        """Open the Save as lesson dialog (not modal); its Save… asks for the file."""
        self.dialog = SaveLessonDialog(self.window, self.lesson, len(self._open_race()))
        self.dialog.accepted.connect(self._on_dialog_saved)
        self.dialog.open()
        return self.dialog

    def _on_dialog_saved(self):
        values = self.dialog.values()
        default = self.folder / f"{_file_stem(values[0])}{SUFFIX}"
        path, _ = QFileDialog.getSaveFileName(self.window, "Save as lesson", str(default),
                                              LESSON_FILTER)
        if path:
            self.folder = Path(path).parent
            if not path.lower().endswith(SUFFIX):
                path += SUFFIX
            race = self._open_race() if self.dialog.include_race.isChecked() else ()
            self.save_to(path, *values, race=race)

    def _open_race(self):
        """The open race window's racers as setting changes from the run (``[]``: none)."""
        from gui.race import race_tools_of

        tools = race_tools_of(self.window)
        return tools.open_race_overrides(self.window.session.config) if tools else []

    def save_to(self, path, title, text, look_at, hidden=(), locked=(), race=()):
        """Write the current data and settings as a lesson to ``path``, with ``race`` (2–4
        racers' setting changes, or none); True if written."""
        session = self.window.session
        view = self.lesson.view if self.lesson is not None else None
        try:
            lesson = lesson_from_setup(title, text, look_at, session.dataset, session.config,
                                       hidden, locked, view, race)
            save_lesson(path, lesson)
        except Exception as exc:  # noqa: BLE001 - e.g. CSV data, a folder not writable
            self.window.show_error(f"Could not save the lesson: {describe_error(exc)}")
            return False
        self.window.statusBar().showMessage(f"Lesson saved to {path}.", 8000)
        return True


def _file_stem(title):
    stem = "".join(c if c.isalnum() or c in "-_ " else " " for c in title).strip()
    return "_".join(stem.split())[:60] or "lesson"
