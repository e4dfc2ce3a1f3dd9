"""The window is readable at every screen size: the layout checker's conditions at
1024×680, 1366×768 and 1920×1080 on the default data, digits and wine; the columns grow
with the window and come back after a shrink; the step-through dock leaves the plots
their room; a saved layout that does not fit falls back to the default."""

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDockWidget

from gui.shell.app import parse_window_args
from gui.shell.window import MainWindow, app_settings
from gui.shell.window_layout import INSIDE_DOCKS, LEFT, RIGHT
from tests.gui.helpers import action
from tests.gui.layout_checks import layout_problems

SIZES = ((1024, 680), (1366, 768), (1920, 1080))


def min_plot_height(height):
    return 120 if height >= 768 else 90


def open_window(qtbot, options=()):
    window = MainWindow(*parse_window_args(list(options))) if options else MainWindow()
    qtbot.addWidget(window)
    return window


def settle(qtbot, qapp, window):
    """Let the deferred column fit and the dock layout run."""
    qtbot.waitUntil(lambda: not window.window_layout._pending.isActive())
    for _ in range(5):
        qapp.processEvents()


def resize(qtbot, qapp, window, size):
    window.resize(*size)
    settle(qtbot, qapp, window)
    assert (window.width(), window.height()) == size


def column_width(window, area):
    dock = window.window_layout._column_dock(area)
    return dock.width() if dock is not None else 0


@pytest.mark.parametrize("options", [(), ("--dataset", "digits"), ("--dataset", "wine"),
                                     ("--dataset", "squares_sum")],
                         ids=["default", "digits", "wine", "regression"])
def test_nothing_unreadable_at_any_size(qtbot, qapp, options):
    window = open_window(qtbot, options)
    window.resize(*SIZES[0])
    window.show()
    qtbot.waitExposed(window)
    for size in (*SIZES, SIZES[0]):  # and back down: nothing stays too big for a laptop
        resize(qtbot, qapp, window, size)
        problems = layout_problems(window, min_plot_height(size[1]))
        assert not problems, f"at {size[0]}x{size[1]}: {problems}"
        window.window_layout.dock("hyperDock").raise_()
        settle(qtbot, qapp, window)
        problems = layout_problems(window, min_plot_height(size[1]))
        assert not problems, f"Hyperparameters tab at {size[0]}x{size[1]}: {problems}"
        window.window_layout.dock("datasetDock").raise_()
    window.close()


def test_columns_grow_with_the_window_and_come_back(qtbot, qapp):
    window = open_window(qtbot)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, qapp, window)
    left, right = column_width(window, LEFT), column_width(window, RIGHT)
    resize(qtbot, qapp, window, (1920, 1080))
    assert column_width(window, RIGHT) > right + 150  # not only the diagram grows
    assert column_width(window, LEFT) >= left
    resize(qtbot, qapp, window, (1024, 680))
    resize(qtbot, qapp, window, (1366, 768))
    assert abs(column_width(window, LEFT) - left) <= 4
    assert abs(column_width(window, RIGHT) - right) <= 4
    tile = window.dataset_panel._tiles.buttons()[0].width()
    assert column_width(window, LEFT) >= 2 * tile
    window.close()


@pytest.mark.parametrize("size", [(1024, 680), (1366, 768)])
def test_step_through_dock_leaves_the_plots_their_room(qtbot, qapp, size):
    window = open_window(qtbot)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    settle(qtbot, qapp, window)
    loss_height = window.loss_view.height()
    action(window, "stepThrough").trigger()
    dock = window.findChild(QDockWidget, "stepThroughDock")
    qtbot.waitUntil(dock.isVisible)
    settle(qtbot, qapp, window)
    assert window.dockWidgetArea(dock) != RIGHT
    assert window.loss_view.height() >= loss_height - 2
    plots = [p for p in layout_problems(window, min_plot_height(size[1])) if "small plot" in p]
    assert not plots
    window.window_layout.dock("normsDock").raise_()
    settle(qtbot, qapp, window)
    plots = [p for p in layout_problems(window, min_plot_height(size[1])) if "small plot" in p]
    assert not plots, plots
    action(window, "leaveStep").trigger()
    window.close()


def test_a_saved_layout_that_does_not_fit_falls_back_to_the_default(qtbot, qapp, monkeypatch):
    first = open_window(qtbot)
    first.resize(1920, 1080)
    first.show()
    qtbot.waitExposed(first)
    dock = first.window_layout.dock
    # every right-hand view in a row of its own: fine on a big monitor, not on a laptop
    for upper, lower in (("lossDock", "surfaceDock"), ("surfaceDock", "inspectDock"),
                         ("inspectDock", "normsDock")):
        first.splitDockWidget(dock(upper), dock(lower), Qt.Orientation.Vertical)
    first.save_settings()
    assert app_settings().value("window/layoutAuto") in (False, "false")
    first.close()
    monkeypatch.setattr("gui.shell.window_layout.available_size", lambda window: QSize(1024, 680))
    second = open_window(qtbot)
    second.resize(1024, 680)
    second.show()
    qtbot.waitExposed(second)
    dock = second.window_layout.dock
    assert second.window_layout.auto
    assert set(second.tabifiedDockWidgets(dock("surfaceDock"))) == {
        dock(name) for name in INSIDE_DOCKS}
    assert second.layout().minimumSize().height() <= 680
    second.close()


def test_a_saved_layout_that_fits_is_kept(qtbot, qapp):
    first = open_window(qtbot)
    first.resize(1366, 768)
    first.show()
    qtbot.waitExposed(first)
    norms = first.window_layout.dock("normsDock")
    first.addDockWidget(LEFT, norms)
    first.save_settings()
    first.close()
    second = open_window(qtbot)
    assert second.dockWidgetArea(second.window_layout.dock("normsDock")) == LEFT
    assert not second.window_layout.auto
    second.close()


def test_a_layout_saved_by_an_older_version_keeps_the_bottom_dock_under_the_diagram(qtbot):
    first = open_window(qtbot)
    first.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
    first.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.BottomDockWidgetArea)
    first.save_settings()
    first.close()
    second = open_window(qtbot)
    assert second.corner(Qt.Corner.BottomLeftCorner) == LEFT
    assert second.corner(Qt.Corner.BottomRightCorner) == RIGHT
    second.close()



def test_dock_tabs_show_whole_titles_at_the_smallest_size(qtbot, qapp):
    from PySide6.QtWidgets import QTabBar

    window = open_window(qtbot)
    window.resize(*SIZES[0])
    window.show()
    qtbot.waitExposed(window)
    resize(qtbot, qapp, window, SIZES[0])
    titles = {d.windowTitle() for d in window.findChildren(QDockWidget)}
    bars = [b for b in window.findChildren(QTabBar)
            if b.parent() is window and b.isVisible() and b.count()]
    assert bars
    for bar in bars:
        assert bar.elideMode() == Qt.TextElideMode.ElideNone  # never "Ou…"
        assert bar.usesScrollButtons()  # a row too narrow scrolls instead
        for i in range(bar.count()):
            text = bar.tabText(i).replace("&&", "&")
            assert text in titles and bar.tabToolTip(i) == text
    window.close()
