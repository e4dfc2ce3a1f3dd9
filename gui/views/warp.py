"""WarpView: the input plane as one hidden layer sees it (as ConvNetJS draws it).

For 2-input data: a grid of straight lines over the input plane and the training points,
each moved to where two chosen neurons of a chosen hidden layer put it (their activations
as the new x and y). Live while training: each snapshot's weights are run on the lines and
points (``core.watch.warp``), one view update per frame like the other views, and nothing
while its dock tab is behind another (``OnScreenGate``).
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.watch.warp import plane_lines, warped
from gui.theme.style import CLASS_HEX, class_color
from gui.views.activation_curves import layer_titles
from gui.views.focus_combo import FocusCombo
from gui.views.on_screen import OnScreenGate
from gui.views.plot_style import (
    add_hint,
    all_finite,
    new_plot_widget,
    show_hint,
)

NOT_2D_HINT = "The warped plane is drawn for data with two inputs"
NO_HIDDEN_HINT = "Add a hidden layer to see how it warps the plane"
GRID_PEN = pg.mkPen((120, 120, 120, 150), width=1)
POINT_SIZE = 7
REGRESSION_BRUSH = pg.mkBrush(90, 90, 90, 170)


def joined(lines):
    """``lines (L, m, 2)`` as one polyline ``(x, y)`` with NaN between lines (one item)."""
    gap = np.full((lines.shape[0], 1, 2), np.nan)
    flat = np.concatenate([lines, gap], axis=1).reshape(-1, 2)
    return flat[:, 0], flat[:, 1]


class WarpView(OnScreenGate, QWidget):
    """Grid lines and training points in the space of two neurons of a hidden layer."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layer_combo = FocusCombo(objectName="warpLayer")
        self.layer_combo.setToolTip("The hidden layer whose neurons become the axes")
        self.x_combo = FocusCombo(objectName="warpNeuronX")
        self.x_combo.setToolTip("Neuron whose activation is the horizontal axis")
        self.y_combo = FocusCombo(objectName="warpNeuronY")
        self.y_combo.setToolTip("Neuron whose activation is the vertical axis")
        for combo in (self.layer_combo, self.x_combo, self.y_combo):
            combo.setSizeAdjustPolicy(FocusCombo.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(5)
        self.plot_widget = new_plot_widget()
        self.plot = self.plot_widget.getPlotItem()
        self.lines_item = pg.PlotCurveItem(pen=GRID_PEN, connect="finite")
        self.points_item = pg.ScatterPlotItem(size=POINT_SIZE, pen=pg.mkPen("w", width=1))
        self.plot.addItem(self.lines_item)
        self.plot.addItem(self.points_item)
        self.hint = add_hint(self.plot, NOT_2D_HINT)
        self._brushes = [pg.mkBrush(class_color(k)) for k in range(len(CLASS_HEX))]
        self._build_layout()
        self._info = None
        self._lines = self._points = None
        self._latest = None
        self.layer_combo.currentIndexChanged.connect(self._layer_picked)
        self.x_combo.currentIndexChanged.connect(self._redraw)
        self.y_combo.currentIndexChanged.connect(self._redraw)

    def _build_layout(self):
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        for text, combo in (("Layer", self.layer_combo), ("x:", self.x_combo),
                            ("y:", self.y_combo)):
            bar.addWidget(QLabel(text))
            bar.addWidget(combo, 1 if combo is self.layer_combo else 0)
        bar.addStretch(0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.plot_widget, 1)

    # ----------------------------------------------------------------- contract slots
    def reset(self, trainer_info):
        """A new run: its hidden layers in the combo, the grid and points as network inputs."""
        self._info = trainer_info
        self._forget_pending()
        self._latest = None
        ds = trainer_info.dataset
        hidden = len(trainer_info.sizes) - 2
        usable = ds.n_inputs == 2 and hidden > 0
        self._lines = self._points = None
        if usable:
            dtype = np.dtype(trainer_info.config.dtype)
            raw_lines = plane_lines(trainer_info.surface_bounds)
            self.raw_lines = raw_lines
            self._lines = trainer_info.pipeline.transform(
                raw_lines.reshape(-1, 2), dtype=dtype).reshape(raw_lines.shape[:2] + (-1,))
            self._points = trainer_info.pipeline.transform(ds.X_train, dtype=dtype)
            brushes = None
            if ds.task in ("binary", "multiclass"):
                brushes = [self._brushes[k % len(self._brushes)] for k in ds.labels_train]
            self._point_brushes = brushes or REGRESSION_BRUSH
        self.layer_combo.blockSignals(True)
        self.layer_combo.clear()
        self.layer_combo.addItems(layer_titles(trainer_info)[:hidden] if usable else [])
        self.layer_combo.blockSignals(False)
        self._fill_neurons()
        self.lines_item.setData([], [])
        self.points_item.setData([], [])
        for combo in (self.layer_combo, self.x_combo, self.y_combo):
            combo.setEnabled(usable)
        show_hint(self.plot, self.hint, not usable,
                  NOT_2D_HINT if ds.n_inputs != 2 else NO_HIDDEN_HINT)

    def _draw_snapshot(self, snapshot):
        """Move the grid and the points to the chosen neurons' activations."""
        if self._lines is None:
            return
        self._latest = snapshot
        self._redraw()

    # ----------------------------------------------------------------- choices
    def layer(self):
        return max(self.layer_combo.currentIndex(), 0)

    def neurons(self):
        """The ``(x, y)`` neuron indices (0-based) of the chosen layer."""
        return max(self.x_combo.currentIndex(), 0), max(self.y_combo.currentIndex(), 0)

    def choose(self, layer, x_neuron, y_neuron):
        """Pick ``layer`` and its neurons as a user would in the three combos."""
        self.layer_combo.setCurrentIndex(layer)
        self.x_combo.setCurrentIndex(x_neuron)
        self.y_combo.setCurrentIndex(y_neuron)

    def _layer_picked(self):
        self._fill_neurons()
        self._redraw()

    def _fill_neurons(self):
        units = self._info.sizes[self.layer() + 1] if self._lines is not None else 0
        for combo, pick in ((self.x_combo, 0), (self.y_combo, 1)):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems([f"neuron {u + 1}" for u in range(units)])
            combo.setCurrentIndex(min(pick, units - 1))
            combo.blockSignals(False)

    # ----------------------------------------------------------------- drawing
    def drawn_lines(self):
        """The grid as drawn: ``(L, m, 2)`` neuron coordinates of every line's points."""
        x, y = self.lines_item.getData()
        m = self._lines.shape[1]
        xy = np.column_stack([x, y]).reshape(self._lines.shape[0], m + 1, 2)
        return xy[:, :m]

    def drawn_points(self):
        """The training points as drawn, ``(n, 2)``."""
        x, y = self.points_item.getData()
        return np.column_stack([x, y])

    def _redraw(self):
        snap = self._latest
        if snap is None or self._lines is None:
            return
        args = (snap.weights, snap.biases, self._info.activation_names)
        layer, units = self.layer(), self.neurons()
        lines = warped(*args, self._lines, layer, units)
        points = warped(*args, self._points, layer, units)
        if not all_finite(lines, points):
            return
        self.lines_item.setData(*joined(lines))
        self.points_item.setData(x=points[:, 0], y=points[:, 1], brush=self._point_brushes)
        x_name, y_name = (self.x_combo.itemText(u) for u in units)
        self.plot.setLabel("bottom", f"{x_name} of layer {layer + 1}")
        self.plot.setLabel("left", f"{y_name} of layer {layer + 1}")
        self.plot.enableAutoRange()
