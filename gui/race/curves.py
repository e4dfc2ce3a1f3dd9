"""``RaceCurves``: every racer's loss and metric against the lockstep step, overlaid.

Two linked plots, the loss above the metric (accuracy or R²), one curve per racer in each,
in the racer's colour and line style (``RACER_STYLES``: Okabe–Ito colours, which stay
distinct with the common colour-vision deficiencies, plus a dash pattern each, so they also
differ in grey). The legend names the racers. A vertical line marks the step the scrub
slider shows. The curves show the test set when the data has one, else the training set;
the plot titles say which.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QVBoxLayout, QWidget

from gui.views.lazy_menu import add_plot
from gui.views.plot_style import new_layout_widget, style_plot

#: (colour, Qt pen style) per racer A–D: Okabe & Ito's colour-blind-safe palette.
RACER_STYLES = (
    ("#0072B2", Qt.PenStyle.SolidLine),    # blue
    ("#E69F00", Qt.PenStyle.DashLine),     # orange
    ("#009E73", Qt.PenStyle.DotLine),      # bluish green
    ("#CC79A7", Qt.PenStyle.DashDotLine),  # reddish purple
)
METRIC_NAMES = {"accuracy": "accuracy", "r2": "R²"}
CURSOR_COLOR = "#555555"


def racer_pen(index, width=2.5):
    color, style = RACER_STYLES[index]
    return pg.mkPen(color, width=width, style=style)


class RaceCurves(QWidget):
    """See the module docstring. ``loss_curves`` / ``metric_curves``: one item per racer."""

    def __init__(self, names, metric_name, on_test_set, parent=None):
        super().__init__(parent)
        self.setObjectName("raceCurves")
        self.graphics = new_layout_widget()
        which = "Test" if on_test_set else "Training"
        self.columns = ("test_loss", "test_metric") if on_test_set else \
            ("train_loss", "train_metric")
        self.loss_plot = style_plot(add_plot(self.graphics, row=0, col=0),
                                    f"{which} loss")
        self.metric_plot = style_plot(add_plot(self.graphics, row=1, col=0),
                                      f"{which} {METRIC_NAMES[metric_name]}")
        self.metric_plot.setXLink(self.loss_plot)
        self.metric_plot.setLabel("bottom", "step (mini-batches per racer)")
        # Entries side by side at the top right (two per row): a column of four would
        # cover the curves.
        self.legend = self.loss_plot.addLegend(offset=(-10, 4),
                                               colCount=min(2, len(names)))
        self.legend.setBrush(pg.mkBrush(255, 255, 255, 220))
        self.loss_curves, self.metric_curves = [], []
        for i, name in enumerate(names):
            self.loss_curves.append(self.loss_plot.plot([], [], pen=racer_pen(i), name=name))
            self.metric_curves.append(self.metric_plot.plot([], [], pen=racer_pen(i)))
        self.cursors = []
        for plot in (self.loss_plot, self.metric_plot):
            line = pg.InfiniteLine(0, angle=90, pen=pg.mkPen(CURSOR_COLOR, width=1,
                                                            style=Qt.PenStyle.DashLine))
            plot.addItem(line, ignoreBounds=True)
            self.cursors.append(line)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics)

    def show_histories(self, histories):
        """``histories``: per racer ``{"step": (n,), column: (n,)}`` arrays."""
        loss_key, metric_key = self.columns
        for i, h in enumerate(histories):
            steps = np.asarray(h["step"], dtype=np.float64)
            self.loss_curves[i].setData(steps, _finite(h[loss_key]))
            self.metric_curves[i].setData(steps, _finite(h[metric_key]))

    def set_cursor(self, step):
        for line in self.cursors:
            line.setValue(step)


def _finite(values):
    """Non-finite values as NaN gaps (``connect="finite"`` is pyqtgraph's default)."""
    values = np.asarray(values, dtype=np.float64).copy()
    values[~np.isfinite(values)] = np.nan
    return values
