"""``LazyView``: a placeholder that builds its view the first time the view is needed.

Building every view at start-up cost about half a second (some thirty pyqtgraph plots), yet
a window opens showing only a few of them: the others wait in dock tabs behind the output,
or on pages for another kind of data. A ``LazyView`` stands where its view goes (a dock, a
tab, a page of a stack) and makes the view with ``factory()`` the first time it

- is shown: a page of a tab or stack widget as soon as it becomes visible; the widget of a
  dock once the dock is on screen (:meth:`follow_dock`: Qt keeps a dock that is a tab
  behind another *visible*, so only the dock's ``visibilityChanged`` tells);
- is asked for: :meth:`view` (an export, a session file, a test).

Until then it stands in for the view with the session (register it with
``session.add_view`` in the view's place): ``reset(trainer_info)`` and
``show_snapshot(snapshot)`` keep the current network and the latest snapshot it was given,
and the view gets both the moment it is built, so it never shows an empty or stale
picture; afterwards both calls go straight to the view. The frame painter treats the
placeholder as it treats any view (skipped while hidden, brought up to date when shown).
``built(view)`` is emitted once the new view is up to date.
"""

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget


def view_of(view_or_placeholder):
    """The view itself: a ``LazyView``'s view (built now if it was not yet), else the argument."""
    if isinstance(view_or_placeholder, LazyView):
        return view_or_placeholder.view()
    return view_or_placeholder


class LazyView(QWidget):
    """Holds the view ``factory()`` makes, built when first shown or asked for.

    Signals
    -------
    built(object) : the view, once, right after it is built and brought up to date.
    """

    built = Signal(object)
    onScreenChanged = Signal(bool)  # the followed dock came on screen or left it

    def __init__(self, factory, parent=None):
        super().__init__(parent)
        self._factory = factory
        self._view = None
        self._info = None  # the network to reset the view for when it is built
        self._snapshot = None  # the latest snapshot shown while it was not built
        self._dock = None
        self._dock_on_screen = None  # the followed dock's last visibilityChanged, if any
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    # -- the view ----------------------------------------------------------------------------
    def view(self):
        """The view, built now if it was not yet."""
        if self._view is None:
            self._build()
        return self._view

    def is_built(self):
        return self._view is not None

    def when_built(self, fn):
        """Call ``fn(view)`` now if the view is built, else once it is."""
        if self._view is not None:
            fn(self._view)
        else:
            self.built.connect(fn)

    # -- the view contract, on the view's behalf -------------------------------------------------
    def reset(self, trainer_info):
        if self._view is not None:
            self._view.reset(trainer_info)
        else:  # a new network: the snapshot kept so far belongs to the old one
            self._info, self._snapshot = trainer_info, None

    def show_snapshot(self, snapshot):
        if self._view is not None:
            self._view.show_snapshot(snapshot)
        else:
            self._snapshot = snapshot

    # -- when to build -----------------------------------------------------------------------
    def follow_dock(self, dock):
        """Build when ``dock`` (which holds this placeholder) comes on screen; a view with
        ``set_on_screen(bool)`` (``gui.views.on_screen.OnScreenGate``) is told whether it is,
        from its build on (by :attr:`onScreenChanged`: the dock's ``visibilityChanged``, and
        a floated dock that is visible)."""
        self._dock = dock
        dock.visibilityChanged.connect(self._dock_visibility_changed)
        dock.topLevelChanged.connect(self._dock_floated)

    def _dock_floated(self, floating):
        # A tab behind another that is floated (by code, a restored layout) comes on screen
        # without a visibilityChanged: Qt never hid it, it only moved it out of sight.
        if floating and self._dock.isVisible() and not self._dock_on_screen:
            self._dock_visibility_changed(True)

    def _dock_visibility_changed(self, visible):
        self._dock_on_screen = bool(visible)
        self.onScreenChanged.emit(self._dock_on_screen)
        if self._view is None and visible:
            # Re-arranging the docks (a taller window, View → reset layout) shows every dock
            # for a moment: build once the arrangement is done, if this one is still shown.
            QTimer.singleShot(0, self, self._build_if_dock_on_screen)

    def _build_if_dock_on_screen(self):
        if self._view is None and self._dock_on_screen and self.isVisible():
            self._build()

    def showEvent(self, event):  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._view is None and self._dock is None:  # a page of a tab or stack widget
            self._build()

    def _build(self):
        view = self._factory()
        self._view = view
        self.layout().addWidget(view)
        # The view takes this placeholder's size now, for an export: at least its minimum,
        # the size Qt gives a dock that is a tab behind another (this one had none yet).
        self.resize(self.size().expandedTo(self.minimumSizeHint()))
        self.layout().activate()
        view.show()  # at once, where Qt would show a child added to a shown widget later
        if self._dock is not None and hasattr(view, "set_on_screen"):
            if self._dock_on_screen is not None:
                view.set_on_screen(self._dock_on_screen)
            self.onScreenChanged.connect(view.set_on_screen)
        info, snapshot, self._info, self._snapshot = self._info, self._snapshot, None, None
        if info is not None:
            view.reset(info)
        if snapshot is not None:
            view.show_snapshot(snapshot)
        self.built.emit(view)
