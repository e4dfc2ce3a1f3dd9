"""What the drawing pad shows next to the canvas: the input the network sees, at the data's
resolution (``DigitPreview``: 8×8 for the digits, 28×28 for MNIST-style data), and its
probability for each class (``ProbabilityBars``)."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from gui.theme.style import POSITIVE_HEX
from gui.views.plot_style import FOREGROUND, new_plot_widget

GRID = 8
MAX_COUNT = 16.0  # the digits' largest value (16 "on" pixels in a 4×4 block)
CELL = 12
PREVIEW_PIXELS = GRID * CELL  # the preview's size whatever the resolution
DIGITS_TIP = ("What the network sees: your drawing shrunk to 8×8 cells, each the count "
              "(0–16) of inked pixels in a 4×4 block of a 32×32 bitmap")
OTHER_BAR_HEX = "#c7ced3"


class DigitPreview(QWidget):
    """An image row (``side``², values 0..``top``) as gray cells, ``top`` = black, like the
    dataset; 8×8 cells of 0..16 (the digits) until ``set_shape`` says otherwise."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("digitPreview")
        self.setFixedSize(PREVIEW_PIXELS + 1, PREVIEW_PIXELS + 1)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setToolTip(DIGITS_TIP)
        self.set_shape(GRID, MAX_COUNT)

    @property
    def side(self):
        return self._side

    def set_shape(self, side, top, tip=DIGITS_TIP):
        """Show ``side × side`` cells of values 0..``top``; blank."""
        self._side, self._top = int(side), float(top)
        self._values = np.zeros(self._side * self._side)
        self.setToolTip(tip)
        self.update()

    def values(self):
        """The shown row, shape ``(side * side,)``."""
        return self._values.copy()

    def set_values(self, row):
        self._values = np.asarray(row, dtype=np.float64).reshape(self._side ** 2).copy()
        self.update()

    def paintEvent(self, _event):
        painter = QPainter(self)
        side, cell = self._side, PREVIEW_PIXELS / self._side
        cells = self._values.reshape(side, side)
        for r in range(side):
            for c in range(side):
                level = int(round(255 * (1.0 - min(max(cells[r, c], 0.0), self._top)
                                         / self._top)))
                painter.fillRect(QRectF(c * cell, r * cell, cell, cell),
                                 QColor(level, level, level))
        painter.setPen(QPen(QColor("#9aa5ad"), 1))
        painter.drawRect(0, 0, PREVIEW_PIXELS, PREVIEW_PIXELS)
        painter.end()


class ProbabilityBars(QWidget):
    """One bar per class (0–9 for digits), the most probable one highlighted in blue."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("probabilityBars")
        self.setToolTip("The network's probability for each digit (softmax outputs); the "
                        "highest is blue")
        self.plot_widget = new_plot_widget()
        self.plot_widget.setMinimumSize(260, 150)
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setMenuEnabled(False)
        self.plot.getViewBox().setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.setLabel("left", "probability")
        self.plot.setYRange(0.0, 1.0, padding=0.02)
        self.bars = pg.BarGraphItem(x=np.arange(10), height=np.zeros(10), width=0.7,
                                    brush=OTHER_BAR_HEX, pen=pg.mkPen(None))
        self.plot.addItem(self.bars)
        self._brushes = (pg.mkBrush(OTHER_BAR_HEX), pg.mkBrush(POSITIVE_HEX))
        self._probs = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)
        self.set_classes(10)

    def set_classes(self, n):
        """``n`` bars labelled 0..n-1, all empty."""
        self.plot.getAxis("bottom").setTicks([[(k, str(k)) for k in range(n)]])
        self.plot.setXRange(-0.6, n - 0.4, padding=0.0)
        self._probs = None
        self.bars.setOpts(x=np.arange(n), height=np.zeros(n), brushes=[self._brushes[0]] * n)
        self.plot.setTitle("Draw a digit" if n == 10 else "Draw", color=FOREGROUND, size="9pt")

    def probabilities(self):
        """The probabilities shown (``(n,)``), None when none yet."""
        return None if self._probs is None else self._probs.copy()

    def set_probabilities(self, probs):
        probs = np.asarray(probs, dtype=np.float64).reshape(-1)
        top = int(np.argmax(probs))
        brushes = [self._brushes[int(k == top)] for k in range(len(probs))]
        self._probs = probs.copy()
        self.bars.setOpts(x=np.arange(len(probs)), height=probs, brushes=brushes)
        self.plot.setTitle(f"Prediction: <b>{top}</b> ({probs[top]:.0%})", color=FOREGROUND,
                           size="9pt")

    def clear(self):
        self.set_classes(len(self.bars.opts["x"]))

