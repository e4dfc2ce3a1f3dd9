"""``install_lessons(window)``: Help → Examples (one action per lesson, ``lesson_<id>``), the
"Lesson" dock, File → Open lesson… / Save as lesson… / Leave lesson (``openLesson``,
``saveLesson``, ``leaveLesson``) and the bar shown while a lesson holds controls."""

from dataclasses import dataclass

from PySide6.QtWidgets import QMenu

from gui.lessons.files import LessonFiles
from gui.lessons.menu import LessonsMenu


@dataclass(frozen=True)
class Lessons:
    """What :func:`install_lessons` adds to a window."""

    menu: LessonsMenu  # the built-in lessons' actions and the Lesson dock
    files: LessonFiles  # lesson files and the hold on controls
    actions: dict  # the lesson-file actions and lesson_<id> for every lesson


def install_lessons(window):
    """Add the lessons and lesson files to ``window``; returns them."""
    menu = LessonsMenu(window, parent=window)
    files = LessonFiles(window, menu, parent=window)
    menu.dock.hide()
    examples = QMenu("Examples", window.menu("help"))
    examples.setObjectName("examplesMenu")
    examples.setToolTipsVisible(True)
    examples.addActions(list(menu.actions.values()))
    window.add_action("help", examples.menuAction(), "examples")
    for action in files.actions.values():
        window.add_action("file", action, "lesson")
    return Lessons(menu, files, {**files.actions, **menu.actions})
