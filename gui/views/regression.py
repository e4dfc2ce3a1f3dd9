"""RegressionSurfaceView: what a regression network predicts, next to what it should predict.

Two or more inputs: the true surface and the predicted one side by side, same colour levels
and one colour bar, the training points on both: as two linked 3-D surfaces
(``gui.views.surface3d``) when OpenGL starts, else (or with the 3-D box unticked) as 2-D
heatmaps, with the reason OpenGL could not start shown above them. The true surface is the
dataset's noise-free generating function when the core offers
``core.data.true_function(dataset)``; otherwise the target of the nearest training point.
One input: prediction against x over the data points.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.watch.snapshot import surface_bounds
from gui.theme.style import POSITIVE_HEX
from gui.views.column_picker import ColumnPicker
from gui.views.lazy_menu import add_plot
from gui.views.plot_style import (
    AXES_HEIGHT,
    HINT_COLOR,
    add_hint,
    all_finite,
    as_image,
    new_layout_widget,
    new_plot_widget,
    pixel_rect,
    show_hint,
    style_plot,
)
from gui.views.surface3d import SurfacePair3D, opengl_status

#: Below this height (px) an idle 3-D bar gives its row to the plots.
SHORT_VIEW_HEIGHT = 240
EMPTY_HINT = "Press Play\nto train"
NOT_REGRESSION_HINT = "This view draws regression data"
COLORMAP = "viridis"


def true_surface_function(dataset):
    """The dataset's noise-free function ``f(X (n, d)) -> (n,)`` from the core, or None."""
    try:
        from core.data import true_function
    except ImportError:
        return None
    return true_function(dataset)


def nearest_target(X_points, y_points, grid_points):
    """Target of the nearest point: ``X_points (n, 2)``, ``y_points (n,)``, ``grid (m, 2)``
    -> ``(m,)``. Processed in blocks so a 100×100 grid over 10,000 points stays small."""
    out = np.empty(len(grid_points))
    for start in range(0, len(grid_points), 2048):
        block = grid_points[start:start + 2048]
        d2 = ((block[:, None, :] - X_points[None, :, :]) ** 2).sum(axis=2)
        out[start:start + 2048] = y_points[d2.argmin(axis=1)]
    return out


def _image_plot(layout, title):
    plot = style_plot(add_plot(layout), title)
    image = pg.ImageItem(axisOrder="row-major")
    image.setZValue(-10)
    scatter = pg.ScatterPlotItem(size=6, pen=pg.mkPen("k", width=0.8))
    plot.addItem(image)
    plot.addItem(scatter)
    return plot, image, scatter


#: Width from which the true surface shows beside the prediction: two readable plots
#: (160 px data areas), their axes and the colour bar.
PAIR_MIN_WIDTH = 2 * (160 + 60) + 100


class _SurfacePair(QWidget):
    """Predicted and true surfaces side by side over raw columns ``(i, j)``; in a column
    too narrow for both, the prediction alone (the true surface's title says so)."""

    def __init__(self):
        super().__init__()
        self.layout_widget = new_layout_widget()
        grid = self.layout_widget.ci
        self.pred_plot, self.pred_image, self.pred_points = _image_plot(grid, "prediction")
        self.true_plot, self.true_image, self.true_points = _image_plot(grid, "true")
        self.pred_plot.setAspectLocked(True)  # the linked true plot follows its range
        self.true_plot.setXLink(self.pred_plot)
        self.true_plot.setYLink(self.pred_plot)
        self.cmap = pg.colormap.get(COLORMAP)
        self.colorbar = pg.ColorBarItem(colorMap=self.cmap, interactive=False, width=14,
                                        colorMapMenu=False)
        style_plot(self.colorbar)
        self.colorbar.setImageItem([self.pred_image, self.true_image])
        grid.addItem(self.colorbar)
        grid.layout.setColumnStretchFactor(0, 1)
        grid.layout.setColumnStretchFactor(1, 1)
        self.hint = add_hint(self.pred_plot, EMPTY_HINT)
        self.side_by_side = True
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.layout_widget)

    def set_side_by_side(self, on):
        """Show the true surface beside the prediction (True) or the prediction alone."""
        if on != self.side_by_side:
            self.side_by_side = on
            grid = self.layout_widget.ci.layout  # a hidden item would keep its room
            if on:
                grid.addItem(self.true_plot, 0, 1)
            else:
                grid.removeItem(self.true_plot)
            grid.setColumnStretchFactor(1, 1 if on else 0)
            self.true_plot.setVisible(on)
            self.pred_plot.setToolTip("" if on else "Widen the panel to see the true "
                                                    "function beside the prediction")

    def resizeEvent(self, event):
        self.set_side_by_side(self.layout_widget.width() >= PAIR_MIN_WIDTH)
        super().resizeEvent(event)


class RegressionSurfaceView(QWidget):
    """Live regression view: surfaces for ≥ 2 inputs, a line plot for 1 input.

    Signals
    -------
    columnsChanged(object) : ``(i, j)`` input columns the surfaces should span (> 2 inputs).
    """

    columnsChanged = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.picker = ColumnPicker()
        self.pair = _SurfacePair()
        self._build_3d()
        self.line_widget = new_plot_widget()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.surfaces)
        self.stack.addWidget(self.line_widget)
        self._build_line_items()
        self._build_layout()
        self._info = None
        self._requested = (0, 1)
        self._shown_columns = None
        self._grid_key = None
        self._drawn_keys = {}  # page -> grid key its true surface and frame were drawn for
        self._true = None  # (ny, nx) true surface on the grid of ``_grid_key``
        self._last_surface = None
        self._true_fn = None
        self._has_pred = False
        self.picker.columnsChanged.connect(self._columns_picked)
        self.show_3d.toggled.connect(self._show_3d_toggled)

    def _build_3d(self):
        """The 2-D/3-D switch and ``surfaces``, which stacks the 2-D pair and, once data with
        surfaces arrives, the 3-D pair (:meth:`_add_3d`)."""
        self.pair3d = None
        self._gl_probed = False
        self.surfaces = QStackedWidget()
        self.surfaces.addWidget(self.pair)
        self.show_3d = QCheckBox("3-D", objectName="show3d")
        self.show_3d.setEnabled(False)
        self.gl_reason = QLabel("", objectName="glReason")
        self.gl_reason.setStyleSheet(f"color: {HINT_COLOR};")
        self.gl_reason.setVisible(False)  # shown by ``reset`` for data with surfaces

    def _add_3d(self):
        """Probe OpenGL and build the 3-D pair, once, when the first data with surfaces
        arrives: importing PyOpenGL and creating a context costs about half a second, which
        a window that starts on a classification dataset should not pay at start-up. When
        OpenGL cannot start, the reason is shown over the 2-D pair."""
        if self._gl_probed:
            return
        self._gl_probed = True
        available, reason = opengl_status()
        self.gl_reason.setText(reason)
        self.gl_reason.setToolTip(f"The 3-D surfaces need OpenGL. {reason}: the 2-D heatmaps "
                                  "show the same prediction and true function.")
        if not available:
            self.show_3d.setToolTip(reason)
            return
        self.pair3d = SurfacePair3D(self.pair.cmap)
        self.surfaces.addWidget(self.pair3d)
        self.surfaces.setCurrentWidget(self.pair3d)
        self.show_3d.setEnabled(True)
        self.show_3d.setChecked(True)
        self.show_3d.setToolTip("3-D surfaces (drag to turn) or 2-D heatmaps")

    def _show_3d_toggled(self, on):
        if self.pair3d is not None:
            self.surfaces.setCurrentWidget(self.pair3d if on else self.pair)
            if self._last_surface is not None:
                self._show_pair(self._last_surface, tuple(self._last_surface.columns))

    def showing_3d(self):
        """True while the 3-D surfaces are the shown page."""
        return self.surfaces.currentWidget() is self.pair3d

    def set_min_plot_height(self, data_height):
        """Keep the plots' data areas at least ``data_height`` px high."""
        for widget in (self.surfaces, self.line_widget):
            widget.setMinimumHeight(data_height + AXES_HEIGHT)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._fit_bar()

    def _fit_bar(self):
        """The 3-D switch and its reason over the surfaces. A short view (a 1024×680 laptop)
        whose bar holds nothing to use (no column picker, 3-D unavailable) gives that row to
        the plots; the reason then stays on the surfaces' tooltip."""
        ds = None if self._info is None else self._info.dataset
        surfaces = ds is not None and ds.task == "regression" and ds.n_inputs >= 2
        idle = surfaces and self.pair3d is None and ds.n_inputs == 2
        folded = idle and self.height() < SHORT_VIEW_HEIGHT
        self.show_3d.setVisible(surfaces and not folded)
        self.gl_reason.setVisible(surfaces and self.pair3d is None and not folded)
        self.surfaces.setToolTip(self.gl_reason.toolTip() if folded else "")

    def _build_layout(self):
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        bar.addWidget(self.show_3d)
        bar.addWidget(self.picker)
        bar.addWidget(self.gl_reason, 1)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)

    def _build_line_items(self):
        plot = self.line_plot = self.line_widget.getPlotItem()
        plot.addLegend(offset=(10, 10))
        self.line_train = pg.ScatterPlotItem(size=6, brush=pg.mkBrush(120, 120, 120, 160),
                                             pen=None, name="train")
        self.line_test = pg.ScatterPlotItem(size=7, symbol="s", brush=None,
                                            pen=pg.mkPen("k"), name="test")
        self.line_pred = pg.PlotDataItem(pen=pg.mkPen(POSITIVE_HEX, width=2), name="prediction")
        for item in (self.line_train, self.line_test, self.line_pred):
            plot.addItem(item)
        self.line_hint = add_hint(plot, EMPTY_HINT)

    # ----------------------------------------------------------------- contract slots
    def reset(self, trainer_info):
        """New dataset/network: choose the 1-input or surface layout, redraw the points."""
        self._info = trainer_info
        self._has_pred = False
        self._grid_key = None
        self._requested = (0, 1)
        self._shown_columns = None
        ds = trainer_info.dataset
        d = ds.n_inputs
        self.picker.set_names(list(ds.input_names), (0, 1))
        self.picker.setVisible(d > 2 and ds.task == "regression")
        self._fit_bar()
        self._last_surface = None
        self._drawn_keys = {}
        if ds.task != "regression":
            self.stack.setCurrentWidget(self.line_widget)
            self.line_train.setData([], [])
            self.line_test.setData([], [])
            self.line_pred.setData([], [])
            show_hint(self.line_plot, self.line_hint, True, NOT_REGRESSION_HINT)
        elif d == 1:
            self._reset_line(ds)
        else:
            self._reset_pair(ds)

    def show_snapshot(self, snapshot):
        """Update the prediction (cheap: one ``setImage``; the true surface only changes
        with the grid). Non-finite predictions keep the last good picture."""
        if self._info is None or self._info.dataset.task != "regression":
            return
        if self._info.dataset.n_inputs == 1:
            self._show_line(snapshot.test_probs)
            return
        surface = snapshot.surface
        if surface is None or not all_finite(surface.output):
            return
        columns = tuple(surface.columns)
        if columns != self._requested and self._has_pred:
            return
        self._show_pair(surface, columns)

    # ----------------------------------------------------------------- public helpers
    def requested_columns(self):
        """The ``(i, j)`` columns last asked for."""
        return self._requested

    def true_source(self):
        """``"function"`` (noise-free generator) or ``"nearest"`` (nearest training target)."""
        return "function" if self._true_fn is not None else "nearest"

    # ----------------------------------------------------------------- 1 input
    def _reset_line(self, ds):
        self.stack.setCurrentWidget(self.line_widget)
        self.line_plot.setLabel("bottom", ds.input_names[0])
        self.line_plot.setLabel("left", ds.target_names[0] if ds.target_names else "y")
        self.line_train.setData(ds.X_train[:, 0], ds.y_train[:, 0])
        self.line_test.setData(ds.X_test[:, 0], ds.y_test[:, 0])
        self._order = np.argsort(ds.X_test[:, 0])
        self.line_pred.setData([], [])
        self.line_hint.setVisible(False)
        self.line_plot.enableAutoRange()

    def _show_line(self, test_probs):
        """``test_probs (n_test, k)``: the line joins the test predictions sorted by x."""
        if test_probs is None or not len(test_probs) or not all_finite(test_probs):
            return
        x = self._info.dataset.X_test[self._order, 0]
        self.line_pred.setData(x, test_probs[self._order, 0], skipFiniteCheck=True)

    # ----------------------------------------------------------------- 2 inputs
    def _reset_pair(self, ds):
        self._add_3d()
        self._fit_bar()
        self.stack.setCurrentWidget(self.surfaces)
        y = np.concatenate([ds.y_train[:, 0], ds.y_test[:, 0]])
        lo, hi = float(y.min()), float(y.max())
        self._levels = (lo, hi if hi > lo else lo + 1.0)
        self.pair.colorbar.setLevels(self._levels)
        self._true_fn = true_surface_function(ds)
        true_title = "true function" if self._true_fn else "target (nearest point)"
        self.pair.true_plot.setTitle(true_title, size="9pt")
        if self.pair3d is not None:
            self.pair3d.true_panel.title.setText(true_title)
            self.pair3d.clear()
        for image in (self.pair.pred_image, self.pair.true_image):
            image.setVisible(False)
        self._set_columns((0, 1))
        show_hint(self.pair.pred_plot, self.pair.hint, True, EMPTY_HINT,
                  surface_bounds(ds, (0, 1)))

    def _set_columns(self, columns):
        """Training points (coloured by target) and axis labels on raw ``columns``."""
        ds = self._info.dataset
        i, j = columns
        self._shown_columns = columns
        if self.picker.columns() != columns:
            self.picker.set_names(list(ds.input_names), columns)
        lo, hi = self._levels
        brushes = [pg.mkBrush(c) for c in self.pair.cmap.map((ds.y_train[:, 0] - lo) / (hi - lo))]
        for plot, points in ((self.pair.pred_plot, self.pair.pred_points),
                             (self.pair.true_plot, self.pair.true_points)):
            points.setData(x=ds.X_train[:, i], y=ds.X_train[:, j], brush=brushes)
            plot.setLabel("bottom", ds.input_names[i])
            plot.setLabel("left", ds.input_names[j])

    def _show_pair(self, surface, columns):
        """Draw ``surface`` on the shown page only (the other catches up when toggled)."""
        if columns != self._shown_columns:
            self._set_columns(columns)
        self._last_surface = surface
        key = (columns, len(surface.x), float(surface.x[0]), float(surface.x[-1]),
               float(surface.y[0]), float(surface.y[-1]))
        if key != self._grid_key:
            self._grid_key = key
            self._true = self._true_values(surface, columns)
        self._draw_page("3d" if self.showing_3d() else "2d", surface, columns)
        self._has_pred = True

    def _draw_page(self, page, surface, columns):
        """``surface`` on the 3-D (``"3d"``) or the 2-D (``"2d"``) pair."""
        new_grid = self._drawn_keys.get(page) != self._grid_key
        self._drawn_keys[page] = self._grid_key
        if page == "3d":
            self._show_3d(surface, columns, new_grid)
        else:
            pred = as_image(surface.output[..., 0])
            self.pair.pred_image.setImage(as_image(pred, self._levels), levels=self._levels)
            if new_grid:
                self._new_grid(surface)

    def graphics_view_for_export(self):
        """The ``pg.GraphicsView`` that File → Export draws: the 2-D pair (a picture that
        scales and turns into SVG), brought up to date first if the 3-D pair is shown."""
        if self.stack.currentWidget() is self.line_widget:
            return self.line_widget
        if self.showing_3d() and self._last_surface is not None:
            self._draw_page("2d", self._last_surface, tuple(self._last_surface.columns))
        return self.pair.layout_widget

    def _show_3d(self, surface, columns, new_grid):
        if new_grid:
            ds = self._info.dataset
            i, j = columns
            points = np.column_stack([ds.X_train[:, i], ds.X_train[:, j], ds.y_train[:, 0]])
            self.pair3d.set_frame(surface.x, surface.y, self._levels,
                                  (ds.input_names[i], ds.input_names[j]), points)
            self.pair3d.set_true(self._true)
        self.pair3d.set_prediction(surface.output[..., 0])

    def _new_grid(self, surface):
        """Show the true surface of a new grid and frame both 2-D plots on it."""
        rect = pixel_rect(surface.x, surface.y)
        self.pair.true_image.setImage(self._true, levels=self._levels)
        for image in (self.pair.pred_image, self.pair.true_image):
            image.setRect(rect)
            image.setVisible(True)
        self.pair.hint.setVisible(False)
        self.pair.pred_plot.getViewBox().setRange(rect, padding=0.02)

    def _true_values(self, surface, columns):
        """``(ny, nx)`` float32 true surface on the grid (others at their training mean)."""
        ds = self._info.dataset
        xx, yy = np.meshgrid(surface.x, surface.y)
        i, j = columns
        if self._true_fn is not None:
            raw = np.tile(ds.X_train.mean(axis=0), (xx.size, 1))
            raw[:, i], raw[:, j] = xx.ravel(), yy.ravel()
            values = np.asarray(self._true_fn(raw)).reshape(xx.size, -1)[:, 0]
        else:
            grid = np.column_stack([xx.ravel(), yy.ravel()])
            values = nearest_target(ds.X_train[:, [i, j]], ds.y_train[:, 0], grid)
        return as_image(values.reshape(xx.shape))

    def _columns_picked(self, columns):
        self._requested = tuple(columns)
        self.columnsChanged.emit(self._requested)
