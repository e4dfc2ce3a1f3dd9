"""Ready-made lessons: the ``.bplesson`` files shipped in ``resources/lessons/``.

Each lesson sets up one experiment that shows a classic fact about training (the seed
notebooks' "interview questions"). A lesson may have *variants*: the same experiment with a
few settings changed (usually the fix), so the student can compare. The files use the same
format a teacher saves with File → Save as lesson (``core.teach.lesson_file``), and are read like
every shipped file (``core.data.resources``: ``importlib.resources``), so they are found
in an installed wheel or a zip as in a checkout. The GUI
lists ``LESSONS.names()`` (in file-name order); the ``view`` field names the view worth
opening (``"gradient_norms"``, ``"decision_surface"``, ``"loss_curves"``, ``"diagram"``).
"""

from core.data.resources import resources_dir
from core.registry import Registry
from core.teach.lesson_file import SUFFIX, Lesson, Variant, lesson_summary_text, parse_lesson

__all__ = ["LESSONS", "Lesson", "Variant", "builtin_lesson_files", "lesson_summary",
           "lesson_trainer", "trainer_for"]

LESSONS = Registry("lesson")
#: The folder of the ``resources`` package holding the built-in lesson files.
LESSON_FOLDER = "lessons"


def builtin_lesson_files():
    """The shipped lesson files (``importlib.resources`` traversables), in name order."""
    folder = resources_dir() / LESSON_FOLDER
    return sorted((f for f in folder.iterdir() if f.name.endswith(SUFFIX)),
                  key=lambda f: f.name)


def _load_builtin():
    """Register the shipped lessons, every field checked. Their data and settings are not
    built here (a twentieth of the window's start-up): the tests build each one
    (``tests/test_lesson_file.py``), and a lesson is built anyway when it is opened."""
    for file in builtin_lesson_files():
        lesson = parse_lesson(file.read_bytes(), f"resources/{LESSON_FOLDER}/{file.name}",
                              build=False)
        LESSONS.add(lesson.id, lesson)


def lesson_trainer(lesson_id, variant=None):
    """A fresh ``Trainer`` set up for lesson ``lesson_id`` (optionally one of its variants)."""
    return trainer_for(LESSONS.get(lesson_id), variant)


def trainer_for(lesson, variant=None):
    """A fresh ``Trainer`` set up for ``lesson`` (a ``Lesson``), as ``variant`` if given."""
    from core.train.trainer import Trainer  # the trainer never imports lessons; keep core light

    return Trainer(lesson.make_dataset(), lesson.make_config(variant))


def lesson_summary(lesson_id):
    """Title, explanation and what to look at, as a few lines of plain text."""
    return lesson_summary_text(LESSONS.get(lesson_id))


_load_builtin()
