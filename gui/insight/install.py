"""``install_insight(window)``: gradient norms, lessons, gradient check and the timeline.

Adds to a :class:`~gui.main_window.MainWindow`:

- a "Gradient norms" dock, tabbed with "Inside the network" (and listed under View);
- Help → Examples with one action per lesson (``lesson_<id>``) and a "Lesson" dock;
- File → Open lesson… (``openLesson``), Save as lesson… (``saveLesson``), Leave lesson
  (``leaveLesson``), and the bar shown while a lesson holds controls;
- Tools → Check gradients (``checkGradients``);
- a timeline bar at the bottom of the window, toggled by View → Timeline (``timeline``);
- the worker observers that feed the norms view and the timeline.

Returns the actions by object name. Everything is kept alive by an :class:`Insight` object
parented to the window (``insight_of(window)`` finds it).
"""

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu

from gui.insight.gradcheck_dialog import GradientChecker
from gui.insight.lesson_files import LessonFiles
from gui.insight.lessons_menu import LessonsMenu
from gui.insight.norms_view import GradientNormsView
from gui.insight.observers import NormsObserver, TimelineObserver
from gui.insight.timeline import TimelineBar


def find_menu(window, title):
    """The top-level menu whose title is ``title`` ("&Help"), or None."""
    for action in window.menuBar().actions():
        if action.menu() is not None and action.text() == title:
            return action.menu()
    return None


def _before_separator(menu, action):
    """Insert ``action`` before ``menu``'s first separator (at the end when there is none)."""
    separators = [a for a in menu.actions() if a.isSeparator()]
    if separators:
        menu.insertAction(separators[0], action)
    else:
        menu.addAction(action)


class Insight(QObject):
    """The pieces ``install_insight`` adds to one window."""

    def __init__(self, window):
        super().__init__(window)
        self.setObjectName("insight")
        self.window = window
        self.norms_observer = NormsObserver(parent=self)
        self.timeline_observer = TimelineObserver(parent=self)
        self.norms_view = GradientNormsView()
        self.norms_dock = self._norms_dock()
        self.lessons = LessonsMenu(window, parent=self)
        self.lesson_files = LessonFiles(window, self.lessons, parent=self)
        self.timeline_bar = TimelineBar(window.session, self.timeline_observer, window)
        self.checker = GradientChecker(window)
        self.check_action = self._check_action()

    def _norms_dock(self):
        dock = QDockWidget("Gradient norms", self.window)
        dock.setObjectName("normsDock")
        dock.setWidget(self.norms_view)
        dock.visibilityChanged.connect(self.norms_view.set_on_screen)
        tip = "per-layer gradient and weight norms over training (log scale)"
        dock.setToolTip(tip)
        dock.toggleViewAction().setToolTip(f"Show or hide the Gradient norms panel: {tip}")
        return dock

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
        self._place_docks()
        w.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.timeline_bar)
        self._fill_menus()
        w.session.add_view(self.norms_view)
        self.norms_observer.normsChanged.connect(self.norms_view.show_norms)
        w.session.worker.add_observer(self.norms_observer)
        w.session.worker.add_observer(self.timeline_observer)
        return self.actions()

    def _place_docks(self):
        w = self.window
        right, left = Qt.DockWidgetArea.RightDockWidgetArea, Qt.DockWidgetArea.LeftDockWidgetArea
        w.addDockWidget(right, self.norms_dock)
        inside = w.findChild(QDockWidget, "inspectDock")
        if inside is not None:
            w.tabifyDockWidget(inside, self.norms_dock)
            inside.raise_()
        w.addDockWidget(left, self.lessons.dock)
        data = w.findChild(QDockWidget, "datasetDock")
        if data is not None:
            w.tabifyDockWidget(data, self.lessons.dock)
            data.raise_()
        self.lessons.dock.hide()

    def _fill_menus(self):
        w = self.window
        bar = w.menuBar()
        help_menu = find_menu(w, "&Help") or bar.addMenu("&Help")
        examples = QMenu("Examples", help_menu)
        examples.setObjectName("examplesMenu")
        examples.setToolTipsVisible(True)
        examples.addActions(list(self.lessons.actions.values()))
        first = help_menu.actions()[0] if help_menu.actions() else None
        help_menu.insertMenu(first, examples)
        help_menu.insertSeparator(first)
        self._fill_file_menu()
        tools = find_menu(w, "&Tools")
        if tools is None:
            tools = QMenu("&Tools", bar)
            bar.insertMenu(help_menu.menuAction(), tools)
        tools.addAction(self.check_action)
        view = find_menu(w, "&View")
        if view is not None:
            for action in (self.norms_dock.toggleViewAction(),
                           self.lessons.dock.toggleViewAction(), self.timeline_action()):
                _before_separator(view, action)

    def _fill_file_menu(self):
        """The lesson-file actions, in their own section above Quit."""
        file_menu = find_menu(self.window, "&File") or self.window.menuBar().addMenu("&File")
        separators = [a for a in file_menu.actions() if a.isSeparator()]
        before = separators[-1] if separators else None
        file_menu.insertSeparator(before)
        file_menu.insertActions(before, list(self.lesson_files.actions.values()))

    def timeline_action(self):
        """View → Timeline: show or hide the timeline bar."""
        action = self.timeline_bar.toggleViewAction()
        action.setObjectName("timeline")
        action.setText("Timeline")
        tip = "Show or hide the timeline bar: go back to an earlier step and resume from there"
        action.setToolTip(tip)
        action.setStatusTip(tip)
        return action

    def actions(self):
        """``checkGradients``, ``timeline``, the lesson-file actions and ``lesson_<id>`` for
        every lesson."""
        return {"checkGradients": self.check_action, "timeline": self.timeline_action(),
                **self.lesson_files.actions, **self.lessons.actions}


def install_insight(window):
    """Add the gradient-norm view, lessons, gradient check and timeline to ``window``.

    Returns
    -------
    dict of str to QAction
        ``checkGradients``, ``timeline`` and ``lesson_<id>`` for each lesson.
    """
    return Insight(window).install()


def insight_of(window):
    """The :class:`Insight` installed on ``window`` (None before ``install_insight``)."""
    return window.findChild(Insight, "insight")
