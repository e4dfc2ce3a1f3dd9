"""Where the main window's docks sit, and how the three columns share its width.

The layout reads left to right as TensorFlow Playground's page does:

- left column: Data | Hyperparameters | Lesson, as tabs of one dock area;
- centre: the network diagram, with the Step-through dock under it (the bottom dock area
  owns neither bottom corner, so opening it never takes height from the right column);
- right column: the loss curves on top, the output below them; "Inside the network" and
  "Gradient norms" sit under the output on a tall window and in tabs beside it on a short
  one, so the loss and output plots keep a readable height at 1024×680.

The columns keep their share of the window width: growing the window grows all three
(the diagram no longer takes every extra pixel) and shrinking and growing back restores
the shares. Dragging a column's edge sets new shares. A saved layout that needs more room
than the screen offers falls back to this default.
"""

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer
from PySide6.QtWidgets import QDockWidget, QTabBar, QWidget

from gui.views.plot_style import min_data_height

LEFT, RIGHT, BOTTOM = (Qt.DockWidgetArea.LeftDockWidgetArea, Qt.DockWidgetArea.RightDockWidgetArea,
                       Qt.DockWidgetArea.BottomDockWidgetArea)
LEFT_DOCKS = ("datasetDock", "hyperDock", "lessonDock")
#: The views that look inside the network: a row under the output on a tall window, tabs
#: beside it on a short one.
INSIDE_DOCKS = ("inspectDock", "normsDock", "activationsDock", "distributionsDock",
                "confusionDock", "warpDock")
#: The dock groups a feature's dock can join (``MainWindow.add_dock(..., group=)``); a dock
#: that joins one is arranged with it, whether it is listed here or not.
DOCK_GROUPS = {"left": LEFT_DOCKS, "inside": INSIDE_DOCKS}
#: Default shares of the window width: left column, right column (the diagram gets the rest).
DEFAULT_SHARES = (0.22, 0.38)
#: Widths a column keeps at least, whatever its share (px).
MIN_COLUMN = {LEFT: 250, RIGHT: 380}
#: From this window height on, "Inside the network" gets its own row under the output.
TALL_HEIGHT = 940
#: Heights of the right column's rows on a tall window, as shares of the column.
TALL_ROWS = (0.32, 0.42, 0.26)
SHORT_ROWS = (0.45, 0.55)
#: Data-area heights plots settle for when the window cannot give them the normal one.
FALLBACK_DATA_HEIGHTS = (90, 60, 40)


class WindowLayout(QObject):
    """Arranges ``window``'s docks (found by object name) and keeps the column shares.

    ``auto`` is True while the arrangement is the app's own (the right column then follows
    the window height); moving a dock makes it the user's.
    """

    def __init__(self, window, groups=None):
        super().__init__(window)
        self.setObjectName("windowLayout")
        self.window = window
        self.groups = groups if groups is not None else DOCK_GROUPS
        self.shares = DEFAULT_SHARES
        self.auto = True
        self.tall = None
        self.data_height = None  # the plots' data-area height last kept (px)
        self._arranging = False
        self._check_fit = False
        self._dragging = False
        self._pending = QTimer(self, singleShot=True, interval=0)
        self._pending.timeout.connect(self._fit)
        window.installEventFilter(self)
        self._set_corners()
        for dock in window.findChildren(QDockWidget):
            self.watch(dock)

    def watch(self, dock):
        """Follow ``dock``: moving it makes the layout the user's; showing or hiding it
        fits the plots again (it changes the room of the others)."""
        dock.dockLocationChanged.connect(self._user_moved)
        dock.topLevelChanged.connect(self._user_moved)
        dock.visibilityChanged.connect(self.refit)

    def _set_corners(self):
        """The side columns own the bottom corners: a bottom dock sits under the diagram."""
        self.window.setCorner(Qt.Corner.BottomLeftCorner, LEFT)
        self.window.setCorner(Qt.Corner.BottomRightCorner, RIGHT)

    # -- docks by name ----------------------------------------------------------------------
    def dock(self, name):
        """The window's ``QDockWidget`` named ``name``, or None."""
        return self.window.findChild(QDockWidget, name)

    def _right_names(self):
        return ("lossDock", "surfaceDock", *self.groups["inside"])

    # -- the default arrangement --------------------------------------------------------------
    def apply_default(self):
        """Put every dock in its default place, keeping which ones the user shows."""
        self.auto = True
        self.shares = DEFAULT_SHARES
        self.tall = None
        self._arrange_right(self.window.height() >= TALL_HEIGHT, rearrange_left=True)
        self._pending.start()

    def _arrange_right(self, tall, rearrange_left=False):
        w = self.window
        names = (tuple(self.groups["left"]) if rearrange_left else ()) + self._right_names() + \
            (("stepThroughDock",) if rearrange_left else ())
        docks = {n: self.dock(n) for n in names if self.dock(n) is not None}
        shown = {n: self._shown(d) for n, d in docks.items()}
        raised = self.dock("surfaceDock")
        self._arranging = True
        try:
            for d in docks.values():
                d.setFloating(False)
                w.removeDockWidget(d)
            if rearrange_left:
                self._place_left(docks)
            loss, surface = docks["lossDock"], docks["surfaceDock"]
            w.addDockWidget(RIGHT, loss)
            w.splitDockWidget(loss, surface, Qt.Orientation.Vertical)
            inside = [docks[n] for n in self.groups["inside"] if n in docks]
            if inside and tall:
                w.splitDockWidget(surface, inside[0], Qt.Orientation.Vertical)
                for d in inside[1:]:
                    w.tabifyDockWidget(inside[0], d)
            else:
                for d in inside:
                    w.tabifyDockWidget(surface, d)
            if "stepThroughDock" in docks:
                w.addDockWidget(BOTTOM, docks["stepThroughDock"])
            for n, d in docks.items():
                d.setVisible(shown[n])
            # a tab already names its dock: a title bar under it would say it twice
            surface.setTitleBarWidget(None if tall or not inside else QWidget())
            for d in inside:
                d.setTitleBarWidget(QWidget() if len(inside) > 1 or not tall else None)
            for d in (*(inside[:1] if tall else ()), raised, self.dock("datasetDock")):
                if d is not None and self._shown(d):
                    d.raise_()
            self.tall = tall
            self._size_rows(tall)
            self._hide_stale_tab_bars()
            self.full_tab_titles()
        finally:
            self._arranging = False

    def _hide_stale_tab_bars(self):
        """Hide the tab bars of tab groups that no longer exist.

        Qt keeps the tab bar of a group that was broken up while the window was hidden
        on screen, with its old tabs, over whatever now sits there.
        """
        w = self.window
        groups = set()
        for d in w.findChildren(QDockWidget):
            others = w.tabifiedDockWidgets(d)
            if others and not d.isFloating():
                groups.add(frozenset(x.windowTitle() for x in (d, *others)))
        for bar in w.findChildren(QTabBar):
            if bar.parent() is w and bar.count():
                titles = frozenset(bar.tabText(i).replace("&&", "&") for i in range(bar.count()))
                if titles not in groups:
                    bar.hide()

    def _shown(self, dock):
        """Whether the user shows ``dock`` (in a tab behind another one counts as shown)."""
        if self.window.isVisible():
            return dock.toggleViewAction().isChecked()
        explicit = dock.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)
        return not (explicit and dock.isHidden())

    def _place_left(self, docks):
        w = self.window
        left = [docks[n] for n in self.groups["left"] if n in docks]
        if not left:
            return
        w.addDockWidget(LEFT, left[0])
        for d in left[1:]:
            w.tabifyDockWidget(left[0], d)

    def _size_rows(self, tall):
        names = ("lossDock", "surfaceDock", "inspectDock") if tall else ("lossDock", "surfaceDock")
        docks = [self.dock(n) for n in names]
        if any(d is None or not self._shown(d) for d in docks):
            return
        height = max(self.window.centralWidget().height(), 400)
        rows = TALL_ROWS if tall else SHORT_ROWS
        self.window.resizeDocks(docks, [int(height * r) for r in rows], Qt.Orientation.Vertical)

    # -- keeping the shares ---------------------------------------------------------------------
    def eventFilter(self, obj, event):
        if obj is self.window:
            if event.type() == QEvent.Type.Resize:
                self._pending.start()
            elif event.type() == QEvent.Type.Show and self._check_fit:
                self._check_fit = False
                self._fall_back_unless_fits()
            elif event.type() == QEvent.Type.MouseButtonPress:
                # a press on no child widget is a press on a dock separator
                self._dragging = self.window.childAt(event.position().toPoint()) is None
            elif event.type() == QEvent.Type.MouseButtonRelease and self._dragging:
                self._dragging = False
                QTimer.singleShot(0, self.record_shares)
        return False

    def refit(self, *_):
        """Fit the columns and plot heights again soon (after a zoom, say)."""
        self._pending.start()

    def _column_dock(self, area):
        """A shown, docked ``QDockWidget`` of ``area`` (the current tab), or None."""
        for d in self.window.findChildren(QDockWidget):
            # a dock in a tab behind another is "visible" but parked off screen by Qt
            on_screen = d.geometry().intersects(self.window.rect())
            if not d.isFloating() and d.isVisible() and on_screen \
                    and self.window.dockWidgetArea(d) == area:
                return d
        return None

    def record_shares(self):
        """Take the columns' current widths as the shares to keep (after a drag)."""
        width = max(self.window.width(), 1)
        left, right = self._column_dock(LEFT), self._column_dock(RIGHT)
        self.shares = (left.width() / width if left else self.shares[0],
                       right.width() / width if right else self.shares[1])

    def _fit(self):
        """Re-apply the shares to the current width; on an automatic layout, also pick
        the short or tall right column for the current height. Plots keep the data-area
        height the window size calls for."""
        self._keep_plot_heights(self.window.height())
        self.full_tab_titles()
        if self.auto and self.window.isVisible():
            tall = self.window.height() >= TALL_HEIGHT
            if tall != self.tall:
                self._arrange_right(tall)
                self._pending.start()  # the new docks take their widths once laid out
                return
        docks, widths = [], []
        for area, share in zip((LEFT, RIGHT), self.shares, strict=True):
            d = self._column_dock(area)
            if d is not None:
                docks.append(d)
                widths.append(max(int(self.window.width() * share), MIN_COLUMN[area]))
        if docks:
            self._arranging = True
            try:
                self.window.resizeDocks(docks, widths, Qt.Orientation.Horizontal)
            finally:
                self._arranging = False

    def full_tab_titles(self):
        """Dock tabs show their whole titles ("Ou…" says nothing): a tab row too narrow
        for them scrolls with arrow buttons, and each tab's tooltip is its title."""
        for bar in self.window.findChildren(QTabBar):
            if bar.parent() is not self.window:
                continue
            # set only what differs: a tab bar changed relayouts the docks (and refits)
            if bar.elideMode() != Qt.TextElideMode.ElideNone:
                bar.setElideMode(Qt.TextElideMode.ElideNone)
            if not bar.usesScrollButtons():
                bar.setUsesScrollButtons(True)
            for i in range(bar.count()):
                title = bar.tabText(i).replace("&&", "&")
                if bar.tabToolTip(i) != title:
                    bar.setTabToolTip(i, title)

    def _keep_plot_heights(self, window_height):
        """Give every plot view the smallest data area a window this high must keep.

        When even that does not fit (large zoomed text on a small screen), the plots
        settle for less rather than have Qt draw the docks over each other.
        """
        views = [v for v in self.window.findChildren(QWidget) if hasattr(v, "set_min_plot_height")]
        for data_height in (min_data_height(window_height), *FALLBACK_DATA_HEIGHTS):
            self.data_height = data_height
            for view in views:
                view.set_min_plot_height(data_height)
            self.window.layout().invalidate()
            if self.window.layout().minimumSize().height() <= window_height:
                return

    def fit_new_view(self, view):
        """A view built late (``MainWindow.lazy_view``) gets the data-area height the other
        plots keep, before it is laid out: an export right after its build draws it at the
        size it will have; the columns are fitted again soon."""
        if self.data_height is not None:
            for widget in (view, *view.findChildren(QWidget)):
                if hasattr(widget, "set_min_plot_height"):
                    widget.set_min_plot_height(self.data_height)
        self.refit()

    def _user_moved(self, *_):
        if not self._arranging:
            self.auto = False

    # -- saved layouts ------------------------------------------------------------------------
    def fits(self, screen_size):
        """Whether the current dock layout fits a window no larger than ``screen_size``
        (a ``QSize``; the window's own minimum size always counts as fitting). Qt itself
        moves floating docks back onto the screen."""
        limit = screen_size.expandedTo(self.window.minimumSize())
        self.window.layout().invalidate()  # it caches the minimum of the last layout
        need = self.window.layout().minimumSize()
        return need.width() <= limit.width() and need.height() <= limit.height()

    def restore(self, state, auto):
        """Restore a saved ``state`` (``QByteArray``), else the default layout. Whether it
        fits the screen is known once the docks are shown (hidden docks take no room):
        the first time the window shows, a layout that does not fit gives way to the
        default. Returns whether the saved state was read."""
        self._arranging = True
        try:
            restored = state is not None and self.window.restoreState(state)
        finally:
            self._arranging = False
        self._set_corners()  # a state saved by an older version brings its own corners
        if not restored:
            self.apply_default()
            return False
        self.auto = bool(auto)
        self.tall = None
        self._check_fit = True
        return True

    def _fall_back_unless_fits(self):
        screen = available_size(self.window)
        self._keep_plot_heights(screen.height())  # what the plots need on this screen
        if not self.fits(screen):
            self.apply_default()


def available_size(window):
    """The ``QSize`` of the screen area ``window`` may use (1920×1080 when unknown)."""
    screen = window.screen()
    return screen.availableGeometry().size() if screen is not None else QSize(1920, 1080)
