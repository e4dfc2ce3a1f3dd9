"""A legend naming each class colour, for the decision surface and any class scatter.

Class names come from the data (``Dataset.target_names``); a bare number such as "0" is
shown as "class 0". The legend sits in the plot's top-right corner on a translucent white
background, so it never hides the data completely.
"""

import pyqtgraph as pg

from gui.views.plot_style import FOREGROUND

#: Classes listed before the legend says "+ k more".
MAX_ENTRIES = 10


def class_label(name):
    """A legend label for class ``name``: "class 0" for a bare number, else the name."""
    return f"class {name}" if str(name).isdigit() else str(name)


def class_legend(plot):
    """A ``pg.LegendItem`` in ``plot``'s (a ``PlotItem``) top-right corner, empty."""
    legend = pg.LegendItem(offset=(-6, 6), verSpacing=-4, labelTextColor=FOREGROUND,
                           brush=pg.mkBrush(255, 255, 255, 200), pen=pg.mkPen("#cccccc"),
                           labelTextSize="8pt")
    legend.setParentItem(plot.getViewBox())
    legend.setZValue(30)
    return legend


def set_class_legend(legend, dataset, brushes, size=9):
    """Fill ``legend`` with one dot per class of ``dataset`` in ``brushes[k]``."""
    legend.clear()
    names = list(dataset.target_names)
    for k, name in enumerate(names[:MAX_ENTRIES]):
        sample = pg.ScatterPlotItem(size=size, brush=brushes[k % len(brushes)],
                                    pen=pg.mkPen("w", width=1.0))
        legend.addItem(sample, class_label(name))
    if len(names) > MAX_ENTRIES:
        legend.addItem(pg.ScatterPlotItem(size=0), f"+ {len(names) - MAX_ENTRIES} more")
