"""WeightHeatmapsView: one heatmap per layer weight matrix, its bias as a strip below.

Every matrix ``W (fan_in, fan_out)`` is drawn with rows = inputs (top to bottom) and
columns = units, through the shared orange-white-blue table with symmetric levels ``±m``,
where ``m`` is the largest ``|value|`` over the last frames (held, so colours do not jump).
A mode combo switches between weights, gradients and the last update Δw; one colour bar is
shared by all layers; hovering a pixel shows ``W[row, col] = value`` and what the row and
column are (the input's name or a unit).

A matrix larger than the pixels its plot has (784×128 on MNIST) is drawn downsampled:
each drawn pixel is the largest-magnitude weight (sign kept) of its block of rows and
columns, so a strong weight is never averaged away; the image keeps matrix coordinates and
hovering still gives the exact weight under the pointer.
"""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from gui.theme.style import diverging_lut
from gui.views.lazy_menu import add_plot
from gui.views.plot_style import (
    HINT_COLOR,
    IMAGE_LIMIT,
    HeldLevels,
    all_finite,
    as_image,
    diverging_colormap,
    new_layout_widget,
    style_plot,
)

#: (combo text, Snapshot attribute of the matrices, of the bias vectors)
MODES = (
    ("Weights", "weights", "biases"),
    ("Gradients", "weight_grads", "bias_grads"),
    ("Last update Δw", "weight_updates", "bias_updates"),
)
EMPTY_HINT = "Press Play to train: one heatmap per layer's weights appears here"
ROW_MIN_HEIGHT = 120  # below this per row of layers, the heatmaps scroll
BIAS_HEIGHT = 18
W_MIN_HEIGHT = 48
MAX_COLUMNS = 3
MIN_CELL_WIDTH = 150
COLORBAR_WIDTH = 60


def layer_title(index, fan_in, fan_out, activation):
    """``"Layer 1: 2×16 (tanh)"`` for the ``index``-th (0-based) dense layer."""
    return f"Layer {index + 1}: {fan_in}×{fan_out} ({activation})"


def _matrix_plot(layout, title=None):
    """A ``PlotItem`` showing one image: no axes, rows downwards, menu (Export…) kept."""
    plot = style_plot(add_plot(layout), title)
    plot.hideAxis("left")
    plot.hideAxis("bottom")
    plot.invertY(True)
    plot.hideButtons()
    plot.getViewBox().setBorder(pg.mkPen("#c8c8c8"))
    image = pg.ImageItem(axisOrder="row-major")
    image.setLookupTable(diverging_lut())
    plot.addItem(image)
    return plot, image


def _colorbar():
    """The shared colour bar (levels set by the view; its axis paints from a pixmap cache)."""
    bar = pg.ColorBarItem(values=(-1.0, 1.0), colorMap=diverging_colormap(),
                          interactive=False, width=14, colorMapMenu=False)
    style_plot(bar)
    bar.getAxis("right").setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    return bar


def block_max_abs(a, rows, cols):
    """``a (n, m)`` reduced to blocks of ``rows × cols``: each block's value of largest
    magnitude, sign kept; shape ``(ceil(n / rows), ceil(m / cols))`` (the last blocks may be
    partial)."""
    if rows == 1 and cols == 1:
        return a
    n, m = a.shape
    n_r, n_c = -(-n // rows), -(-m // cols)
    padded = np.zeros((n_r * rows, n_c * cols), dtype=a.dtype)
    padded[:n, :m] = a
    blocks = padded.reshape(n_r, rows, n_c, cols).transpose(0, 2, 1, 3).reshape(n_r, n_c, -1)
    pick = np.abs(blocks).argmax(axis=2)
    return np.take_along_axis(blocks, pick[..., None], axis=2)[..., 0]


def block_factors(shape, pixels):
    """``(rows, cols)`` per drawn pixel so that ``shape`` fits ``pixels = (height, width)``
    (``(1, 1)`` before the plot is laid out: no size yet)."""
    height, width = (int(p) for p in pixels)
    if height < 8 or width < 8:
        return 1, 1
    return max(1, math.ceil(shape[0] / height)), max(1, math.ceil(shape[1] / width))


class LayerCell:
    """The items of one layer: title, weight image ``(fan_in, fan_out)``, bias ``(1, fan_out)``.

    ``row_names`` name the matrix rows (the inputs of layer 1, units of the layer before)."""

    def __init__(self, layout, index, fan_in, fan_out, activation, row_names=None):
        self.shape = (fan_in, fan_out)
        self.index = index
        self.row_names = list(row_names) if row_names is not None else None
        self.blocks = (1, 1)  # matrix rows × columns per drawn pixel
        cell = layout.addLayout()
        cell.setSpacing(0)
        self.w_plot, self.w_image = _matrix_plot(cell, layer_title(index, fan_in, fan_out,
                                                                   activation))
        self.w_plot.setMinimumHeight(W_MIN_HEIGHT)
        cell.nextRow()
        self.b_plot, self.b_image = _matrix_plot(cell)
        self.b_plot.setFixedHeight(BIAS_HEIGHT)
        self.b_plot.setXLink(self.w_plot)
        self.w_values = None
        self.b_values = None

    def images(self):
        return (self.w_image, self.b_image)

    def _pixels(self):
        """``(height, width)`` in screen pixels of the weight plot's drawing area."""
        size = self.w_plot.getViewBox().size()
        return size.height(), size.width()

    def show(self, W, b, levels):
        """Draw ``W (fan_in, fan_out)`` and ``b (fan_out,)`` at ``levels`` (downsampled to
        the plot's pixels when larger); keep the full arrays for hover."""
        first = self.w_values is None
        self.w_values, self.b_values = W, b.reshape(1, -1)
        rows, cols = self.blocks = block_factors(self.shape, self._pixels())
        shown_W = block_max_abs(W, rows, cols)
        shown_b = block_max_abs(self.b_values, 1, cols)
        self.w_image.setImage(as_image(shown_W, levels), levels=levels)
        self.b_image.setImage(as_image(shown_b, levels), levels=levels)
        # matrix coordinates whatever the block size: hover and zoom speak rows and columns
        self.w_image.setRect(QRectF(0, 0, shown_W.shape[1] * cols, shown_W.shape[0] * rows))
        self.b_image.setRect(QRectF(0, 0, shown_b.shape[1] * cols, 1))
        if first:
            self.w_plot.getViewBox().setRange(xRange=(0, self.shape[1]),
                                              yRange=(0, self.shape[0]), padding=0)
            self.b_plot.getViewBox().setYRange(0, 1, padding=0)

    def _names(self, row, col):
        """``"x1 → unit 3"``: what weight ``W[row, col]`` connects."""
        if self.row_names is not None and row < len(self.row_names):
            source = self.row_names[row]
        else:
            source = f"unit {row} of layer {self.index}"
        return f"{source} → unit {col} of layer {self.index + 1}"

    def hover_text(self, scene_pos):
        """``"W[row, col] = value"`` (the exact weight, whatever the drawing's block size)
        and, on a second line, what it connects; ``"b[col] = value"``; or None."""
        for name, plot, values in (("W", self.w_plot, self.w_values),
                                   ("b", self.b_plot, self.b_values)):
            if values is None or not plot.getViewBox().sceneBoundingRect().contains(scene_pos):
                continue
            p = plot.getViewBox().mapSceneToView(scene_pos)
            row, col = int(math.floor(p.y())), int(math.floor(p.x()))
            if not (0 <= row < values.shape[0] and 0 <= col < values.shape[1]):
                continue
            v = float(values[row, col])
            if name == "b":
                return f"b[{col}] = {v:.4g}"
            text = f"W[{row}, {col}] = {v:.4g}\n{self._names(row, col)}"
            if self.blocks != (1, 1):
                text += (f"\n(drawn: each pixel the largest |w| of {self.blocks[0]} rows × "
                         f"{self.blocks[1]} columns)")
            return text
        return None


class WeightHeatmapsView(QWidget):
    """Heatmaps of every layer's weights (or gradients, or last Δw) with a shared colour bar."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.mode_combo = QComboBox(objectName="heatmapMode")
        self.mode_combo.addItems([m[0] for m in MODES])
        self.mode_combo.setToolTip("Show the weights, their gradients, or the last step's change")
        self.fixed_scale = QCheckBox("Fixed scale", objectName="fixedScale")
        self.fixed_scale.setToolTip("Freeze the colour levels (otherwise: max |value| of the "
                                    "last seconds)")
        self.levels_label = QLabel("", objectName="heatmapLevels")
        self.levels_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.layout_widget = new_layout_widget()
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.layout_widget)
        self._build_layout()
        self.cells = []
        self.colorbar = None
        self._info = None
        self._n_cols = 0
        self._cells_due = False  # a reset while hidden: build the cells when shown
        self._held = HeldLevels()
        self._snapshot = None
        self._show_hint()
        self.mode_combo.currentIndexChanged.connect(self._mode_changed)
        self.fixed_scale.toggled.connect(self._fixed_toggled)
        self.layout_widget.scene().sigMouseMoved.connect(self._mouse_moved)

    def _build_layout(self):
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        bar.addWidget(self.mode_combo)
        bar.addWidget(self.fixed_scale)
        bar.addWidget(self.levels_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)

    def _show_hint(self):
        self.layout_widget.clear()
        self.layout_widget.addLabel(EMPTY_HINT, color=HINT_COLOR)

    # ----------------------------------------------------------------- contract slots
    def reset(self, trainer_info):
        """Build one cell per layer of ``trainer_info.sizes`` and the shared colour bar."""
        self._info = trainer_info
        self._snapshot = None
        self._held.clear()
        self.levels_label.setText("")
        if self.isVisible():
            self._build_cells(self._columns_for_width())
        else:  # built when shown, for the width it is shown at (at start-up: once, not
            # twice), or for a snapshot that must be drawn while hidden (an export)
            self.cells = []
            self._cells_due = True

    def _build_cells(self, n_cols):
        """(Re)create the layer cells in a grid of ``n_cols`` columns plus the colour bar."""
        self.layout_widget.clear()
        self._cells_due = False
        self._n_cols = n_cols
        sizes = list(self._info.sizes)
        acts = list(self._info.activation_names)
        n_layers = len(sizes) - 1
        grid = self.layout_widget.ci
        self.cells = []
        for k in range(n_layers):
            if k and k % n_cols == 0:
                grid.nextRow()
            names = self._info.feature_names if k == 0 else None
            self.cells.append(LayerCell(grid, k, sizes[k], sizes[k + 1], acts[k], names))
        n_rows = max(1, math.ceil(n_layers / n_cols))
        self.colorbar = _colorbar()
        # first row only: a bar spanning rows that scroll would be cut off
        grid.addItem(self.colorbar, row=0, col=n_cols)
        self.layout_widget.setMinimumHeight(n_rows * ROW_MIN_HEIGHT)

    def _columns_for_width(self):
        """How many layer cells fit side by side in the current width (1..3)."""
        n_layers = len(self._info.sizes) - 1
        fit = (self.scroll.viewport().width() - COLORBAR_WIDTH) // MIN_CELL_WIDTH
        return int(max(1, min(n_layers, MAX_COLUMNS, fit)))

    def resizeEvent(self, event):
        """Re-flow the layer grid when a different number of columns fits."""
        super().resizeEvent(event)
        if self._info is not None and (self._cells_due
                                       or self._columns_for_width() != self._n_cols):
            self._rebuild_cells()

    def showEvent(self, event):
        super().showEvent(event)
        if self._info is not None and self._cells_due:
            self._rebuild_cells()

    def _rebuild_cells(self):
        """Build the cells for the current width and redraw the last snapshot on them."""
        self._build_cells(self._columns_for_width())
        if self._snapshot is not None:
            self._held.clear()
            self.show_snapshot(self._snapshot)

    def show_snapshot(self, snapshot):
        """Draw the chosen matrices of ``snapshot`` (one ``setImage`` per matrix and bias).

        Non-finite values (a diverged step) keep the last good images on screen.
        """
        if self._cells_due and self.window().isVisible():
            self._build_cells(self._columns_for_width())  # hidden in a shown window: exported
        if not self.cells:
            if self._cells_due:
                self._snapshot = snapshot  # drawn when the cells are built
            return
        _, w_attr, b_attr = MODES[self.mode_combo.currentIndex()]
        Ws, bs = getattr(snapshot, w_attr, None), getattr(snapshot, b_attr, None)
        if not Ws or not bs or len(Ws) != len(self.cells) or not all_finite(*Ws, *bs):
            return
        self._snapshot = snapshot
        old = self._held.levels
        levels = self._held.update(list(Ws) + list(bs))
        for cell, W, b in zip(self.cells, Ws, bs, strict=True):
            cell.show(W, b, levels)
        if levels != old or not self.levels_label.text():
            self.colorbar.setLevels(levels)
            beyond = " and beyond" if levels[1] >= IMAGE_LIMIT else ""  # diverged weights
            self.levels_label.setText(f"colour scale ±{levels[1]:.3g}{beyond}")

    # ----------------------------------------------------------------- public helpers
    def levels(self):
        """The ``(low, high)`` colour levels now in use (always symmetric)."""
        return self._held.levels

    def set_mode(self, index):
        """0 weights, 1 gradients, 2 last update (same as picking it in the combo)."""
        self.mode_combo.setCurrentIndex(index)

    def hover_text(self, scene_pos):
        """Tooltip text for a scene position (None when not over a heatmap pixel)."""
        for cell in self.cells:
            text = cell.hover_text(scene_pos)
            if text is not None:
                return text
        return None

    # ----------------------------------------------------------------- internals
    def _mode_changed(self):
        self._held.clear()
        if self._snapshot is not None:
            self.levels_label.setText("")
            self.show_snapshot(self._snapshot)

    def _fixed_toggled(self, on):
        self._held.frozen = on

    def _mouse_moved(self, scene_pos):
        text = self.hover_text(scene_pos)
        if text is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(QCursor.pos(), text, self.layout_widget)

