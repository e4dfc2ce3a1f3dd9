"""``install_race(window)``: Tools → Race from this run…, and lessons that carry a race.

"Race from this run…" (``raceFromRun``) opens ``RaceDialog`` with the current run as racer A;
Start race pauses the main run (the two would share the processor) and opens a
``RaceWindow``. A lesson with a race (``core.teach.lesson_file``) opens its race window as
soon as the lesson is set up. One race window at a time: a new race closes the previous
one (and ends its thread); closing the main window closes it too.
"""

import dataclasses

from PySide6.QtCore import QEvent, QObject

from core.watch.race import Race
from gui.running.session import describe_error
from gui.shell.menus import new_action


class RaceTools(QObject):
    """The race pieces of one main window (``race_tools_of(window)`` finds them)."""

    def __init__(self, window):
        super().__init__(window)
        self.setObjectName("raceTools")
        self.window = window
        self.dialog = None
        self.race_window = None
        self.configs = []  # the open race's racers, each with the race's seed
        self.action = new_action(
            window, "Race from this run…", self.ask, name="raceFromRun",
            tip="Train the current run against 1–3 edited copies of it in lockstep: curves "
                "overlaid, surfaces side by side")

    def install(self):
        """Put the action in Tools and follow the window's lessons; returns ``self``."""
        self.window.installEventFilter(self)
        self.window.add_action("tools", self.action, "explore")
        self.actions = {"raceFromRun": self.action}
        lessons = getattr(self.window, "lessons", None)
        if lessons is not None:
            lessons.menu.lessonShown.connect(self._on_lesson_shown)
        return self

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        if obj is self.window and event.type() == QEvent.Type.Close:
            self.close_race()
        return False

    def ask(self):
        """Open the race dialog for the current run (not modal); returns it."""
        from gui.race.dialog import RaceDialog

        session = self.window.session
        if self.dialog is not None:
            self.dialog.deleteLater()  # the previous dialog, closed
        self.dialog = RaceDialog(session.dataset, session.config, self.window)
        self.dialog.accepted.connect(
            lambda: self.start(self.dialog.configs, self.window.session.dataset))
        self.dialog.open()
        return self.dialog

    def start(self, configs, dataset, title="Race"):
        """Open a race window of ``configs`` on ``dataset``; returns it (None on an error)."""
        from gui.race.window import RaceWindow

        try:
            race = Race(configs, dataset)
        except Exception as exc:  # noqa: BLE001 - shown, the main run stays
            self.window.show_error(f"Could not start the race: {describe_error(exc)}")
            return None
        self.close_race()
        self.configs = [dataclasses.replace(c, seed=race.seed) for c in configs]
        self.window.session.pause()
        self.race_window = RaceWindow(race, self.window, title)
        self.race_window.show()
        self.race_window.raise_()
        self.window.statusBar().showMessage(
            "Race opened; the main run is paused while it races.", 8000)
        return self.race_window

    def open_race_overrides(self, base):
        """The open race as a lesson holds it: each racer's settings that differ from
        ``base`` (a ``TrainConfig``), as dicts; ``[]`` when no race window is open."""
        if self.race_window is None or not self.race_window.isVisible():
            return []
        fields = base.to_dict()
        return [{k: v for k, v in c.to_dict().items() if v != fields[k]}
                for c in self.configs]

    def close_race(self):
        if self.race_window is not None:
            self.race_window.close()
            self.race_window.deleteLater()
            self.race_window = None

    def _on_lesson_shown(self, shown):
        lesson, variant = shown
        if not lesson.race or variant is not None:
            return
        try:
            configs = lesson.make_race_configs()
        except Exception as exc:  # noqa: BLE001 - checked on load; still never crash here
            self.window.show_error(f"Could not start the lesson's race: {describe_error(exc)}")
            return
        self.start(configs, lesson.make_dataset(), f"Race: {lesson.title}")


def install_race(window):
    """Add Tools → Race from this run… to ``window``; returns the :class:`RaceTools` (its
    ``actions``: ``raceFromRun``)."""
    return RaceTools(window).install()


def race_tools_of(window):
    """The :class:`RaceTools` installed on ``window`` (None before ``install_race``)."""
    return window.findChild(RaceTools, "raceTools")
