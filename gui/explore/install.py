"""``install_explore(window)``: Tools → Optimizer playground and Tools → Loss landscape.

Adds to a :class:`~gui.shell.window.MainWindow`:

- Tools → Optimizer playground (``optimizerPlayground``): a separate window racing the app's
  optimizers on two-parameter surfaces;
- Tools → Loss landscape (``lossLandscape``): a separate window with the loss around the
  current weights and the run's path;
- a :class:`~gui.explore.landscape_source.LandscapeSource` registered as a view of the
  session from the start, so the run's path is recorded even before the landscape window is
  first opened.

The windows are created on first use and kept (closing one hides it). Everything hangs off
an :class:`Explore` object parented to the window (``explore_of(window)`` finds it).
"""

from PySide6.QtCore import QEvent, QObject

from gui.explore.landscape_source import LandscapeSource
from gui.shell.menus import new_action


class Explore(QObject):
    """The pieces ``install_explore`` adds to one window."""

    def __init__(self, window):
        super().__init__(window)
        self.setObjectName("explore")
        self.window = window
        self.source = LandscapeSource(self)
        self.playground = None
        self.landscape = None
        self.playground_action = new_action(
            window, "Optimizer playground", self.show_playground, name="optimizerPlayground",
            tip="Race SGD, momentum, Nesterov, AdaGrad, RMSprop and Adam on classic 2-D surfaces")
        self.landscape_action = new_action(
            window, "Loss landscape", self.show_landscape, name="lossLandscape",
            tip="The loss around the current weights (a 2-D slice and a line from the start), "
                "with the run's path")
        self.actions = {"optimizerPlayground": self.playground_action,
                        "lossLandscape": self.landscape_action}


    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        """The main window closing closes the explore windows (and waits for a landscape
        computation under way)."""
        if obj is self.window and event.type() == QEvent.Type.Close:
            self.close_windows()
        return False

    def close_windows(self):
        if self.playground is not None:
            self.playground.close()
        if self.landscape is not None:
            self.landscape.close()
            self.landscape.shutdown()

    def install(self):
        self.window.installEventFilter(self)
        for action in self.actions.values():
            self.window.add_action("tools", action, "explore")
        self.window.session.add_view(self.source)
        return self

    def show_playground(self):
        if self.playground is None:
            from gui.explore.playground_window import PlaygroundWindow

            self.playground = PlaygroundWindow(self.window)
        self._raise(self.playground)
        return self.playground

    def show_landscape(self):
        if self.landscape is None:
            from gui.explore.landscape_window import LandscapeWindow

            self.landscape = LandscapeWindow(self.source, self.window)
        self._raise(self.landscape)
        return self.landscape

    @staticmethod
    def _raise(widget):
        widget.show()
        widget.raise_()
        widget.activateWindow()


def install_explore(window):
    """Add the optimizer playground and the loss landscape to ``window``'s Tools menu.

    Returns
    -------
    Explore
        Its ``actions``: ``optimizerPlayground`` and ``lossLandscape``.
    """
    return Explore(window).install()


def explore_of(window):
    """The :class:`Explore` installed on ``window`` (None before ``install_explore``)."""
    return window.findChild(Explore, "explore")
