"""``install_insight(window)``: gradient norms, lessons, gradient check and the timeline.

Adds to a :class:`~gui.main_window.MainWindow`:

- a "Gradient norms" dock, tabbed with "Inside the network" (and listed under View);
- Help → Examples with one action per lesson (``lesson_<id>``) and a "Lesson" dock;
- File → Open lesson… (``openLesson``), Save as lesson… (``saveLesson``), Leave lesson
  (``leaveLesson``), and the bar shown while a lesson holds controls;
- Tools → Check gradients (``checkGradients``);
- a timeline bar at the bottom of the window, toggled by View → Timeline (``timeline``);
- the worker observers that feed the norms view and the timeline.

Returns the :class:`Insight` object (parented to the window; ``insight_of(window)`` finds
it), which keeps everything alive and lists the actions by object name in ``actions``.
"""

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from gui.insight.gradcheck_dialog import GradientChecker
from gui.insight.lesson_files import LessonFiles
from gui.insight.lessons_menu import LessonsMenu
from gui.insight.norms_view import GradientNormsView
from gui.insight.observers import NormsObserver, TimelineObserver
from gui.insight.timeline import TimelineBar


class Insight(QObject):
    """The pieces ``install_insight`` adds to one window."""

    def __init__(self, window):
        super().__init__(window)
        self.setObjectName("insight")
        self.window = window
        self.norms_observer = NormsObserver(parent=self)
        self.timeline_observer = TimelineObserver(parent=self)
        self.norms_view = GradientNormsView()
        self.norms_dock = window.add_dock(
            "normsDock", "Gradient norms", self.norms_view, group="inside",
            tip="per-layer gradient and weight norms over training (log scale)")
        self.norms_dock.visibilityChanged.connect(self.norms_view.set_on_screen)
        self.lessons = LessonsMenu(window, parent=self)
        self.lesson_files = LessonFiles(window, self.lessons, parent=self)
        self.timeline_bar = TimelineBar(window.session, self.timeline_observer, window)
        self.checker = GradientChecker(window)
        self.check_action = self._check_action()
        self.actions = {}

    def _check_action(self):
        action = QAction("Check gradients", self.window)
        action.setObjectName("checkGradients")
        action.setShortcut(QKeySequence("Ctrl+G"))
        tip = ("Compare backpropagation with finite differences on a small batch, per layer "
               "(pauses training)")
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(self.checker.run)
        return action

    def install(self):
        """Place the docks, bar and menu entries; register the view and the observers."""
        w = self.window
        self.lessons.dock.hide()
        w.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.timeline_bar)
        self._fill_menus()
        w.session.add_view(self.norms_view)
        self.norms_observer.normsChanged.connect(self.norms_view.show_norms)
        w.session.worker.add_observer(self.norms_observer)
        w.session.worker.add_observer(self.timeline_observer)
        self.actions = self._named_actions()
        return self

    def _fill_menus(self):
        w = self.window
        examples = QMenu("Examples", w.menu("help"))
        examples.setObjectName("examplesMenu")
        examples.setToolTipsVisible(True)
        examples.addActions(list(self.lessons.actions.values()))
        w.add_action("help", examples.menuAction(), "examples")
        for action in self.lesson_files.actions.values():
            w.add_action("file", action, "lesson")
        w.add_action("tools", self.check_action, "check")
        w.add_action("view", self.timeline_action(), "panels")

    def timeline_action(self):
        """View → Timeline: show or hide the timeline bar."""
        action = self.timeline_bar.toggleViewAction()
        action.setObjectName("timeline")
        action.setText("Timeline")
        tip = "Show or hide the timeline bar: go back to an earlier step and resume from there"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        return action

    def _named_actions(self):
        """``checkGradients``, ``timeline``, the lesson-file actions and ``lesson_<id>`` for
        every lesson."""
        return {"checkGradients": self.check_action, "timeline": self.timeline_action(),
                **self.lesson_files.actions, **self.lessons.actions}


def install_insight(window):
    """Add the gradient-norm view, lessons, gradient check and timeline to ``window``.

    Returns
    -------
    Insight
        Its ``actions``: ``checkGradients``, ``timeline``, the lesson-file actions and
        ``lesson_<id>`` for each lesson.
    """
    return Insight(window).install()


def insight_of(window):
    """The :class:`Insight` installed on ``window`` (None before ``install_insight``)."""
    return window.findChild(Insight, "insight")
