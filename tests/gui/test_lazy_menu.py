"""Plots build their right-click menu on the first right-click, and it is the full menu."""

import pyqtgraph as pg
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMenu

from gui.views.lazy_menu import LazyMenuViewBox, add_plot, plot_widget


def right_click_menu(qtbot, widget):
    """Right-click the middle of ``widget`` (a ``pg.GraphicsView``); the menu that opens."""
    viewport = widget.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.RightButton,
                     pos=QPoint(viewport.width() // 2, viewport.height() // 2))
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    return QApplication.activePopupWidget()


def texts(menu):
    return [a.text() for a in menu.actions()]


def test_no_menu_is_built_until_asked_for(qtbot):
    layout = pg.GraphicsLayoutWidget()
    qtbot.addWidget(layout)
    plot = add_plot(layout)
    box = plot.getViewBox()
    assert isinstance(box, LazyMenuViewBox)
    assert box.menu is None and box.menuEnabled()


def test_right_click_shows_the_full_menu(qtbot):
    widget = plot_widget()
    qtbot.addWidget(widget)
    widget.resize(300, 200)
    widget.show()
    qtbot.waitExposed(widget)
    box = widget.getPlotItem().getViewBox()
    menu = right_click_menu(qtbot, widget)
    try:
        assert box.menu is menu
        shown = texts(menu)
        assert "View All" in shown and "Mouse Mode" in shown
        assert "Plot Options" in shown and "Export..." in shown  # the plot's and the scene's
    finally:
        menu.close()
    assert right_click_menu(qtbot, widget) is menu  # built once
    menu.close()


def test_a_disabled_menu_stays_away(qtbot):
    widget = plot_widget()
    qtbot.addWidget(widget)
    box = widget.getPlotItem().getViewBox()
    box.setMenuEnabled(False)
    assert box.getMenu(None) is None and box.getContextMenus(None) == []
    box.setMenuEnabled(True)
    assert box.menu is not None and box.getMenu(None) is box.menu
