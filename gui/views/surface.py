"""DecisionSurfaceView: what a classifier predicts over the input plane, with the data on top.

Binary networks draw P(class 1) through the two-class colour table (levels fixed 0..1);
multi-class networks colour each pixel by its argmax class, faded towards white as the
confidence drops. Data with more than two inputs is drawn over two chosen columns; the view
asks for them with ``columnsChanged((i, j))`` and keeps showing the last surface until a
snapshot computed for those columns arrives.

Data points are filled with their class colour and outlined in white (as in TF Playground).
The surface is faded towards white (``SURFACE_STRENGTH``, like the Playground's 160/255
alpha) so a point of a class stays visible over a region confidently given that class.

For the point editor (``gui.drawing``) the view also offers: ``show_points`` (redraw the
data at once, before the new trainer's snapshot), ``show_notice`` (a draft canvas: no
surface, a hint at the top), ``hold_frame`` (keep the axes still while points are edited),
``to_pixels`` / ``to_data`` (data ↔ viewport pixels) and ``add_bar_widget``.

A legend names each class colour (class names from the data); ``highlight_test_points``
rings chosen test rows (a confusion-matrix cell).

Beyond two inputs the surface is a slice: the inputs off the axes are held at one value
each, named above the plot with a slider per input (:mod:`gui.views.slice_sliders`); moving
one asks for a surface over the moved slice (``columnsChanged(SurfaceSlice)``). Points far
from the slice, in the held inputs, are faded ("Fade far points"), so the picture does not
claim a prediction for rows it does not describe.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from core.watch.snapshot import surface_bounds
from gui.panels.widgets import FlowLayout
from gui.theme.style import CLASS_HEX, class_color
from gui.views.class_legend import class_legend, set_class_legend
from gui.views.column_picker import ColumnPicker
from gui.views.on_screen import can_be_seen
from gui.views.plot_style import (
    AXES_HEIGHT,
    HINT_COLOR,
    add_hint,
    all_finite,
    as_image,
    binary_lut,
    new_plot_widget,
    pixel_rect,
    show_hint,
)
from gui.views.slice_points import SlicePoints
from gui.views.slice_sliders import SliceSliders

EMPTY_HINT = "Press Play to train:\nthe decision surface appears here"
NOT_CLASSIFICATION_HINT = "The decision surface is drawn for classification data"
#: Strength of the surface colour at full confidence (1 = pure class colour). At 0.85 the
#: background was so close to the point fill that points showed only their white outline.
SURFACE_STRENGTH = 0.6
#: Strength of the flat colour of a region when "Discretize" is on.
DISCRETE_STRENGTH = 0.45
#: Diameter of a data point in pixels; its white outline width.
POINT_SIZE = 8
POINT_OUTLINE = 1.2
#: Spans of the two axes further apart than this factor are not drawn at equal aspect.
MAX_ASPECT_RATIO = 4.0
#: Outline of the test points a confusion-matrix cell selects.
RING_COLOR = "#d62728"
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


class DecisionSurfaceView(SlicePoints, QWidget):
    """Live decision surface of a classifier over two raw input columns.

    Signals
    -------
    columnsChanged(object) : ``(i, j)`` input columns the user wants the surface over, or
        a ``SurfaceSlice`` once a slider holds the other inputs away from their means.
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
        self.fade = QCheckBox("Fade far points", objectName="fadeFar")
        self.fade.setChecked(True)
        self.fade.setVisible(False)
        self.fade.setToolTip("Fade the points whose other inputs are far from the values the "
                             "surface holds them at: the slice does not describe them")
        self.slice_sliders = SliceSliders()
        self.slice_sliders.add_control(self.fade)  # the bar would wrap to another line
        self.slice_sliders.setVisible(False)
        self.plot_widget = new_plot_widget()
        self.plot = self.plot_widget.getPlotItem()
        self._build_layout()
        self._build_items()
        self._info = None
        self._surface = None
        self._requested = (0, 1)
        self._requested_fixed = None
        self._shown_columns = None
        self._shown_fixed = None
        self._grid_key = None
        self.show_test.toggled.connect(self.test_scatter.setVisible)
        self.discretize.toggled.connect(self._redraw)
        self.picker.columnsChanged.connect(self._columns_picked)
        self.slice_sliders.valuesChanged.connect(self._slice_moved)
        self.fade.toggled.connect(self._refade)

    def _build_layout(self):
        # the controls wrap onto a second line in a narrow column instead of widening it
        bar_widget = self._bar_widget = QWidget()
        bar = FlowLayout(bar_widget, spacing=6)
        bar.setContentsMargins(4, 2, 4, 0)
        for w in (self.show_test, self.discretize, self.picker):
            bar.addWidget(w)
        self._bars = [bar, QHBoxLayout()]  # the second row is for added tools
        self._bars[1].setContentsMargins(4, 0, 4, 0)
        self._bars[1].addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(bar_widget)
        layout.addLayout(self._bars[1])
        layout.addWidget(self.slice_sliders)
        layout.addWidget(self.plot_widget, 1)

    def _build_items(self):
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(binary_lut(SURFACE_STRENGTH))
        self.image.setZValue(-10)
        self.train_scatter = pg.ScatterPlotItem(size=POINT_SIZE,
                                                pen=pg.mkPen("w", width=POINT_OUTLINE))
        self.test_scatter = pg.ScatterPlotItem(size=POINT_SIZE, symbol="s",
                                               pen=pg.mkPen("k", width=1.5))
        self.test_scatter.setVisible(False)
        for item in (self.image, self.train_scatter, self.test_scatter):
            self.plot.addItem(item)
        self.hint = add_hint(self.plot, EMPTY_HINT)
        self.notice = pg.TextItem("", color=HINT_COLOR, anchor=(0.5, 0.0),
                                  fill=(255, 255, 255, 220))
        self.notice.setZValue(20)
        self.notice.setVisible(False)
        self.plot.addItem(self.notice, ignoreBounds=True)
        self.image.setVisible(False)
        # One brush per class, made once: the scatter's symbol cache is keyed by brush object.
        self._brushes = [pg.mkBrush(class_color(k)) for k in range(len(CLASS_HEX))]
        self._held = None
        self.rings = pg.ScatterPlotItem(size=POINT_SIZE + 9, pen=pg.mkPen(RING_COLOR, width=2.5),
                                        brush=None)
        self.rings.setZValue(15)
        self.plot.addItem(self.rings)
        self._ring_rows = None
        self.legend = class_legend(self.plot)

    def _set_legend(self, dataset):
        """One entry per class: its colour and its name from the data."""
        set_class_legend(self.legend, dataset, self._brushes)

    def highlight_test_points(self, rows):
        """Ring the test points ``rows`` (int indices into ``X_test``); None clears."""
        self._ring_rows = None if rows is None else np.asarray(rows, dtype=np.int64)
        if self._ring_rows is not None and len(self._ring_rows):
            self.show_test.setChecked(True)  # the rings go around test points: show them
        self._draw_rings()

    def _draw_rings(self):
        if self._ring_rows is None or self._info is None or self._shown_columns is None:
            self.rings.setData([], [])
            return
        i, j = self._shown_columns
        X = self._info.dataset.X_test[self._ring_rows]
        self.rings.setData(x=X[:, i], y=X[:, j])

    # ----------------------------------------------------------------- contract slots
    def reset(self, trainer_info):
        """A new dataset or network: forget the last surface, redraw the data points."""
        self._info = trainer_info
        self._surface = None
        self._grid_key = None
        self._shown_columns = None
        self._requested = (0, 1)
        self._requested_fixed = self._shown_fixed = None
        dataset = trainer_info.dataset
        names = list(dataset.input_names)
        self.picker.set_names(names, (0, 1))
        self.picker.setVisible(len(names) > 2)
        self._reset_slice(dataset)
        self.image.setVisible(False)
        self.notice.setVisible(False)
        classification = dataset.task in ("binary", "multiclass") and len(names) >= 2
        self.train_scatter.setData([], [])
        self.test_scatter.setData([], [])
        self._ring_rows = None
        self.rings.setData([], [])
        self.legend.setVisible(classification)
        if not classification:
            self.plot.setAspectLocked(False)
            show_hint(self.plot, self.hint, True, NOT_CLASSIFICATION_HINT)
            return
        self._class_rgb = _class_rgb(max(dataset.n_classes, 2))
        self._set_legend(dataset)
        if can_be_seen(self):
            self._set_columns((0, 1))
        # else a hidden tab of a shown window: its points (all training rows: 48,000 for
        # MNIST) are placed with the first snapshot it draws once shown
        if self._held is None:
            self.plot.setAspectLocked(False)
            show_hint(self.plot, self.hint, True, EMPTY_HINT, surface_bounds(dataset, (0, 1)))

    def show_snapshot(self, snapshot):
        """Draw ``snapshot.surface`` (``output (ny, nx, n_out)``) if it is finite and for the
        requested columns (or nothing is shown yet). Cheap: one ``setImage``."""
        surface = getattr(snapshot, "surface", None)
        if surface is None or self._info is None or not self._is_classification():
            return
        if self.notice.isVisible():
            return  # a draft canvas: the network does not see these points yet
        columns = tuple(getattr(surface, "columns", None) or (0, 1))
        fixed = getattr(surface, "fixed", None)
        wanted = (self._requested, self._requested_fixed)
        if (columns, fixed) != wanted and self._surface is not None:
            return
        if not all_finite(surface.output):
            return
        self._surface = surface
        self._draw(surface, columns, fixed)

    # ----------------------------------------------------------------- public helpers
    def resizeEvent(self, event):
        """The wrapped control rows get their full height (a dock sizes by minimums)."""
        need = self._bars[0].heightForWidth(event.size().width())
        if self._bar_widget.minimumHeight() != need:
            self._bar_widget.setMinimumHeight(need)
        super().resizeEvent(event)

    def set_min_plot_height(self, data_height):
        """Keep the plot's data area at least ``data_height`` px high."""
        self.plot_widget.setMinimumHeight(data_height + AXES_HEIGHT)

    def requested_columns(self):
        """The ``(i, j)`` columns last asked for (what the next snapshots should carry)."""
        return self._requested

    def shown_columns(self):
        """The ``(i, j)`` columns of the surface now on screen (None before any)."""
        return self._shown_columns

    # ----------------------------------------------------------------- point editing
    def add_bar_widget(self, widget, row=0):
        """Put ``widget`` above the plot: ``row`` 0 after the view's own controls, 1 on a
        second line (empty until something is added)."""
        bar = self._bars[row]
        # row 0: before the column picker, whose wide combo boxes wrap to a line of their own
        bar.insertWidget(bar.count() - 1, widget)

    def show_points(self, dataset):
        """Draw ``dataset``'s points (2-D classification) now, over columns (0, 1)."""
        self._class_rgb = _class_rgb(max(dataset.n_classes, 2))
        self.picker.setVisible(False)
        self._set_legend(dataset)
        self.legend.setVisible(True)
        self.plot.setLabel("bottom", dataset.input_names[0])
        self.plot.setLabel("left", dataset.input_names[1])
        self._scatter_points(dataset, (0, 1))

    def show_notice(self, text):
        """A draft canvas: hide the surface and show ``text`` at the top of the frame."""
        self.hint.setVisible(False)
        self.image.setVisible(False)
        self.notice.setText(text, color=HINT_COLOR)
        (x0, x1), (_, y1) = self.plot.getViewBox().viewRange()
        self.notice.setPos((x0 + x1) / 2, y1)
        self.notice.setVisible(True)

    def hide_notice(self):
        """Back from a draft canvas: the next snapshot draws the surface again."""
        self.notice.setVisible(False)

    def frame_bounds(self):
        """``(xmin, xmax, ymin, ymax)`` of the data area now on screen."""
        (x0, x1), (y0, y1) = self.plot.getViewBox().viewRange()
        return (float(x0), float(x1), float(y0), float(y1))

    def hold_frame(self, bounds):
        """Keep the axes on ``bounds = (xmin, xmax, ymin, ymax)`` (None: follow the data)."""
        self._held = None if bounds is None else tuple(float(b) for b in bounds)
        if self._held is not None:
            self._show_held()
        elif self._surface is not None:
            self._frame(self._surface.x, self._surface.y)

    def is_frame_held(self):
        return self._held is not None

    def _show_held(self):
        x0, x1, y0, y1 = self._held
        self.plot.getViewBox().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.0)

    def to_pixels(self, X):
        """Viewport pixel positions ``(n, 2)`` of data points ``X (n, 2)`` (columns (0, 1))."""
        vb = self.plot.getViewBox()
        origin, ex, ey = (self.plot_widget.mapFromScene(vb.mapViewToScene(QPointF(*p)))
                          for p in ((0.0, 0.0), (1.0, 0.0), (0.0, 1.0)))
        o = np.array([origin.x(), origin.y()], dtype=np.float64)
        ax = np.array([ex.x(), ex.y()], dtype=np.float64) - o
        ay = np.array([ey.x(), ey.y()], dtype=np.float64) - o
        X = np.asarray(X, dtype=np.float64).reshape(-1, 2)
        return o + X[:, :1] * ax + X[:, 1:] * ay

    def to_data(self, pos):
        """Data coordinates ``(x, y)`` of viewport pixel ``pos`` (a ``QPoint(F)``), or None
        when ``pos`` is outside the plotting area."""
        vb = self.plot.getViewBox()
        scene = self.plot_widget.mapToScene(pos.toPoint() if hasattr(pos, "toPoint") else pos)
        if not vb.sceneBoundingRect().contains(scene):
            return None
        p = vb.mapSceneToView(scene)
        return float(p.x()), float(p.y())

    # ----------------------------------------------------------------- drawing
    def _is_classification(self):
        return self._info.dataset.task in ("binary", "multiclass")

    def _draw(self, surface, columns, fixed=None):
        if fixed != self._shown_fixed:
            self._shown_fixed = fixed
            if columns == self._shown_columns:
                self._scatter_points(self._info.dataset, columns)
        if columns != self._shown_columns:
            self._set_columns(columns)
        key = (len(surface.x), len(surface.y), float(surface.x[0]), float(surface.x[-1]),
               float(surface.y[0]), float(surface.y[-1]))
        self._set_image(surface.output)
        if key != self._grid_key:
            self._grid_key = key
            self.image.setRect(pixel_rect(surface.x, surface.y))  # after setImage: needs shape
            self._frame(surface.x, surface.y)
        if not self.image.isVisible():
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
        """Show the whole grid (or the held frame); equal aspect unless the spans differ a lot."""
        if self._held is not None:
            self._show_held()
            return
        span_x = float(x[-1] - x[0]) or 1.0
        span_y = float(y[-1] - y[0]) or 1.0
        ratio = max(span_x / span_y, span_y / span_x)
        # columns of real data (> 2 inputs) have their own units: equal aspect means nothing
        two_d = self._info is None or self._info.dataset.n_inputs == 2
        self.plot.setAspectLocked(two_d and ratio <= MAX_ASPECT_RATIO)
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
        self._scatter_points(dataset, columns)
        self._draw_rings()

    def _scatter_points(self, dataset, columns):
        """Train and test points of ``dataset`` over ``columns``, filled by class, faded by
        their distance from the slice shown when "Fade far points" is on."""
        i, j = columns
        self.alphas = {}
        for name, scatter, X, labels in (
            ("train", self.train_scatter, dataset.X_train, dataset.labels_train),
            ("test", self.test_scatter, dataset.X_test, dataset.labels_test),
        ):
            alpha = self._point_alphas(dataset, X, columns)
            self.alphas[name] = alpha
            if alpha is None:
                brushes = [self._brushes[k % len(self._brushes)] for k in labels]
                scatter.setData(x=X[:, i], y=X[:, j], brush=brushes)
            else:
                brushes, pens = self._faded_styles(labels, alpha, scatter is self.train_scatter)
                scatter.setData(x=X[:, i], y=X[:, j], brush=brushes, pen=pens)

    def _columns_picked(self, columns):
        self._requested = tuple(columns)
        self.slice_sliders.set_columns(self._requested)
        if self._requested_fixed is not None:
            self._requested_fixed = self.slice_sliders.values()
        self.columnsChanged.emit(self.requested_slice())
