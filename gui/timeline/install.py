"""``install_timeline(window)``: the timeline bar at the bottom of the window, toggled by
View → Timeline (``timeline``), and the worker observer that keeps the trainer states."""

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from gui.running.observers import TimelineObserver
from gui.timeline.bar import TimelineBar

TIP = "Show or hide the timeline bar: go back to an earlier step and resume from there"


@dataclass(frozen=True)
class Timeline:
    """What :func:`install_timeline` adds to a window."""

    bar: TimelineBar
    observer: TimelineObserver  # keeps trainer states in the worker thread
    actions: dict  # {"timeline": QAction}


def _toggle_action(bar):
    action: QAction = bar.toggleViewAction()
    action.setObjectName("timeline")
    action.setText("Timeline")
    action.setToolTip(TIP)
    action.setStatusTip(TIP)
    return action


def install_timeline(window):
    """Add the timeline bar and its observer to ``window``; returns them."""
    observer = TimelineObserver(parent=window)
    bar = TimelineBar(window.session, observer, window)
    window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, bar)
    action = window.add_action("view", _toggle_action(bar), "panels")
    window.session.worker.add_observer(observer)
    return Timeline(bar, observer, {"timeline": action})
