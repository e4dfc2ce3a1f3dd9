"""Plots whose right-click menu is built on the first right-click.

pyqtgraph builds every ``ViewBox``'s "ViewBox options" menu (two axis panels of spin boxes,
combos and radio buttons) when the box is created: about 6 ms each, and the window has
more than thirty plots, so the menus alone cost a fifth of a second at start-up and again
whenever a view rebuilds its plots for a new network. Right-clicking any plot still shows
the full menu (with "Export…" and "Export view…"); it is simply made when first asked for.
"""

import pyqtgraph as pg
from pyqtgraph.graphicsItems.ViewBox.ViewBoxMenu import ViewBoxMenu


class LazyMenuViewBox(pg.ViewBox):
    """A ``pg.ViewBox`` with its context menu enabled but built on first use."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, enableMenu=False, **kwargs)
        self.state["enableMenu"] = True  # enabled; ``getMenu`` builds it when first needed

    def getMenu(self, ev):  # noqa: N802 - pyqtgraph's name
        if self.menu is None and self.menuEnabled():
            self.menu = ViewBoxMenu(self)
            self.updateViewLists()  # the axis-link choices a menu built at creation has
        return self.menu

    def getContextMenus(self, event):  # noqa: N802 - pyqtgraph's name
        menu = self.getMenu(event)
        return menu.actions() if menu is not None else []


def add_plot(layout, **kwargs):
    """``layout.addPlot(**kwargs)`` (a ``GraphicsLayout`` or ``GraphicsLayoutWidget``) with a
    :class:`LazyMenuViewBox`; the new ``PlotItem``."""
    return layout.addPlot(viewBox=LazyMenuViewBox(), **kwargs)


def plot_widget(**kwargs):
    """``pg.PlotWidget(**kwargs)`` with a :class:`LazyMenuViewBox`."""
    return pg.PlotWidget(viewBox=LazyMenuViewBox(), **kwargs)
