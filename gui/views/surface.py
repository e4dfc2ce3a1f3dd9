"""DecisionSurfaceView: what a classifier predicts over the input plane, with the data on top.

Binary networks draw P(class 1) through the two-class colour table (levels fixed 0..1);
multi-class networks colour each pixel by its argmax class, faded towards white as the
confidence drops. Data with more than two inputs is drawn over two chosen columns; the view
asks for them with ``columnsChanged((i, j))`` and keeps showing the last surface until a
snapshot computed for those columns arrives.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from core.snapshot import surface_bounds
from gui.style import CLASS_HEX, class_color
from gui.views.column_picker import ColumnPicker
from gui.views.plot_style import (
    add_hint,
    all_finite,
    as_image,
    binary_lut,
    new_plot_widget,
    pixel_rect,
    show_hint,
)

EMPTY_HINT = "Press Play to train:\nthe decision surface appears here"
NOT_CLASSIFICATION_HINT = "The decision surface is drawn for classification data"
#: Strength of the surface colour at full confidence (1 = pure class colour).
SURFACE_STRENGTH = 0.85
#: Strength of the flat colour of a region when "Discretize" is on.
DISCRETE_STRENGTH = 0.55
#: Spans of the two axes further apart than this factor are not drawn at equal aspect.
MAX_ASPECT_RATIO = 4.0


def _class_rgb(n_classes):
    """``(n_classes, 3)`` float32 RGB (0..255) of the shared class colours."""
    rows = [[c.red(), c.green(), c.blue()] for c in map(class_color, range(n_classes))]
    return np.array(rows, dtype=np.float32)


def multiclass_rgb(probs, class_rgb, discrete=False):
    """Colour each pixel by its argmax class, blended towards white by confidence.

    Parameters
    ----------
    probs : (ny, nx, C) class probabilities.
    class_rgb : (C, 3) float32 class colours in 0..255.
    discrete : if True, every region gets one flat colour (hard class regions).

    Returns
    -------
    (ny, nx, 3) uint8 RGB image.
    """
    n = probs.shape[-1]
    winner = probs.argmax(axis=-1)
    if discrete:
        alpha = np.full(winner.shape, DISCRETE_STRENGTH, dtype=np.float32)
    else:
        conf = probs.max(axis=-1).astype(np.float32)
        alpha = np.clip((conf - 1.0 / n) / (1.0 - 1.0 / n), 0.0, 1.0) * SURFACE_STRENGTH
    colors = class_rgb[winner]
    rgb = 255.0 + (colors - 255.0) * alpha[..., None]
    return np.ascontiguousarray(rgb, dtype=np.uint8)


def binary_image(p1, discrete=False):
    """``(ny, nx)`` float32 P(class 1) image; discrete maps it to two flat shades."""
    if discrete:
        return np.where(p1 > 0.5, 0.8, 0.2).astype(np.float32)
    return as_image(p1)


class DecisionSurfaceView(QWidget):
    """Live decision surface of a classifier over two raw input columns.

    Signals
    -------
    columnsChanged(object) : ``(i, j)`` input columns the user wants the surface over.
    """

    columnsChanged = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.show_test = QCheckBox("Test data", objectName="showTest")
        self.show_test.setToolTip("Also draw the test points (squares with a dark outline)")
        self.discretize = QCheckBox("Discretize", objectName="discretize")
        self.discretize.setToolTip("Draw hard class regions instead of probabilities")
        self.picker = ColumnPicker()
        self.picker.setVisible(False)
        self.plot_widget = new_plot_widget()
        self.plot = self.plot_widget.getPlotItem()
        self._build_layout()
        self._build_items()
        self._info = None
        self._surface = None
        self._requested = (0, 1)
        self._shown_columns = None
        self._grid_key = None
        self.show_test.toggled.connect(self.test_scatter.setVisible)
        self.discretize.toggled.connect(self._redraw)
        self.picker.columnsChanged.connect(self._columns_picked)

    def _build_layout(self):
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        for w in (self.show_test, self.discretize, self.picker):
            bar.addWidget(w)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.plot_widget, 1)

    def _build_items(self):
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(binary_lut())
        self.image.setZValue(-10)
        self.train_scatter = pg.ScatterPlotItem(size=7, pen=pg.mkPen("w", width=1))
        self.test_scatter = pg.ScatterPlotItem(size=7, symbol="s", pen=pg.mkPen("k", width=1.5))
        self.test_scatter.setVisible(False)
        for item in (self.image, self.train_scatter, self.test_scatter):
            self.plot.addItem(item)
        self.hint = add_hint(self.plot, EMPTY_HINT)
        self.image.setVisible(False)

    # ----------------------------------------------------------------- contract slots
    def reset(self, trainer_info):
        """A new dataset or network: forget the last surface, redraw the data points."""
        self._info = trainer_info
        self._surface = None
        self._grid_key = None
        self._shown_columns = None
        self._requested = (0, 1)
        dataset = trainer_info.dataset
        names = list(dataset.input_names)
        self.picker.set_names(names, (0, 1))
        self.picker.setVisible(len(names) > 2)
        self.image.setVisible(False)
        classification = dataset.task in ("binary", "multiclass") and len(names) >= 2
        self.train_scatter.setData([], [])
        self.test_scatter.setData([], [])
        self.plot.setAspectLocked(False)
        if not classification:
            show_hint(self.plot, self.hint, True, NOT_CLASSIFICATION_HINT)
            return
        self._class_rgb = _class_rgb(max(dataset.n_classes, 2))
        self._brushes = [pg.mkBrush(h) for h in CLASS_HEX]
        self._set_columns((0, 1))
        show_hint(self.plot, self.hint, True, EMPTY_HINT, surface_bounds(dataset, (0, 1)))

    def show_snapshot(self, snapshot):
        """Draw ``snapshot.surface`` (``output (ny, nx, n_out)``) if it is finite and for the
        requested columns (or nothing is shown yet). Cheap: one ``setImage``."""
        surface = getattr(snapshot, "surface", None)
        if surface is None or self._info is None or not self._is_classification():
            return
        columns = tuple(getattr(surface, "columns", None) or (0, 1))
        if columns != self._requested and self._surface is not None:
            return
        if not all_finite(surface.output):
            return
        self._surface = surface
        self._draw(surface, columns)

    # ----------------------------------------------------------------- public helpers
    def requested_columns(self):
        """The ``(i, j)`` columns last asked for (what the next snapshots should carry)."""
        return self._requested

    def shown_columns(self):
        """The ``(i, j)`` columns of the surface now on screen (None before any)."""
        return self._shown_columns

    # ----------------------------------------------------------------- drawing
    def _is_classification(self):
        return self._info.dataset.task in ("binary", "multiclass")

    def _draw(self, surface, columns):
        if columns != self._shown_columns:
            self._set_columns(columns)
        key = (len(surface.x), len(surface.y), float(surface.x[0]), float(surface.x[-1]),
               float(surface.y[0]), float(surface.y[-1]))
        self._set_image(surface.output)
        if key != self._grid_key:
            self._grid_key = key
            self.image.setRect(pixel_rect(surface.x, surface.y))  # after setImage: needs shape
            self._frame(surface.x, surface.y)
        if self.hint.isVisible():
            self.hint.setVisible(False)
            self.image.setVisible(True)

    def _set_image(self, output):
        """``output (ny, nx, n_out)``: sigmoid column or softmax probabilities."""
        discrete = self.discretize.isChecked()
        if output.shape[-1] == 1:
            self.image.setImage(binary_image(output[..., 0], discrete), levels=(0.0, 1.0))
        else:
            rgb = multiclass_rgb(output, self._class_rgb, discrete)
            self.image.setImage(rgb, levels=(0, 255))

    def _redraw(self):
        if self._surface is not None:
            self._set_image(self._surface.output)

    def _frame(self, x, y):
        """Show the whole grid; equal aspect unless the two spans differ a lot."""
        span_x = float(x[-1] - x[0]) or 1.0
        span_y = float(y[-1] - y[0]) or 1.0
        ratio = max(span_x / span_y, span_y / span_x)
        self.plot.setAspectLocked(ratio <= MAX_ASPECT_RATIO)
        self.plot.getViewBox().setRange(
            xRange=(float(x[0]), float(x[-1])), yRange=(float(y[0]), float(y[-1])), padding=0.02
        )

    def _set_columns(self, columns):
        """Put the train/test points and axis labels on input ``columns = (i, j)``."""
        self._shown_columns = columns
        dataset = self._info.dataset
        i, j = columns
        names = dataset.input_names
        if self.picker.columns() != columns:
            self.picker.set_names(names, columns)
        self.plot.setLabel("bottom", names[i])
        self.plot.setLabel("left", names[j])
        for scatter, X, labels in (
            (self.train_scatter, dataset.X_train, dataset.labels_train),
            (self.test_scatter, dataset.X_test, dataset.labels_test),
        ):
            brushes = [self._brushes[k % len(self._brushes)] for k in labels]
            scatter.setData(x=X[:, i], y=X[:, j], brush=brushes)

    def _columns_picked(self, columns):
        self._requested = tuple(columns)
        self.columnsChanged.emit(self._requested)
