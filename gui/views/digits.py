"""DigitsView: live test-set predictions for image-shaped data (the 8×8 digits, MNIST's
28×28, any square of pixels: ``core.data.image_shape``).

Three plots, items created once per run: a grid of test images with the predicted label
under each (wrong ones in red as "pred/true"), the confusion matrix (rows true, columns
predicted, counts as text, accuracy in the title), and the first layer's weights drawn as
one image-sized tile per hidden unit (diverging colours, up to 64 tiles). The side length and
the pixel range come from the data.
"""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QVBoxLayout, QWidget

from core.data.image_shape import dataset_image_side, is_image_classification
from gui.theme.style import NEUTRAL_HEX, POSITIVE_HEX, diverging_lut
from gui.views.cell_labels import CellLabels
from gui.views.image_tiles import mosaic, pixel_levels
from gui.views.lazy_menu import add_plot
from gui.views.plot_style import (
    FOREGROUND,
    HINT_COLOR,
    HeldLevels,
    all_finite,
    as_image,
    new_layout_widget,
    style_plot,
)

GRID_ROWS, GRID_COLS = 6, 8
LABEL_SHARE = 5 / 8  # room left under each tile for its label, as a share of its side
MAX_TILES = 64
WRONG_COLOR = "#d62728"
RIGHT_COLOR = FOREGROUND
EMPTY_HINT = "Press Play to train: test images, confusion matrix and first-layer weights"


def _ramp_lut(low_hex, high_hex, n=256):
    """``(n, 4)`` uint8 table from ``low_hex`` to ``high_hex``."""
    lo, hi = (np.array(pg.mkColor(h).getRgb(), dtype=np.float64) for h in (low_hex, high_hex))
    t = np.linspace(0.0, 1.0, n)[:, None]
    return np.round(lo + (hi - lo) * t).astype(np.uint8)


def grid_shape(width, height, min_scale, n_max, side=8, label_room=5, max_rows=GRID_ROWS,
               max_cols=GRID_COLS):
    """(rows, columns) of the most test images a ``width × height`` px plot shows with each
    image pixel at least ``min_scale`` px (so a label fits under its image), at most
    ``n_max`` images; at least one. A tile is ``side + 1`` pixels wide and
    ``side + label_room`` high."""
    best = (1, 1)
    for rows in range(1, max_rows + 1):
        for cols in range(1, max_cols + 1):
            if rows * cols > n_max:
                break
            scale = min(width / (cols * (side + 1)), height / (rows * (side + label_room)))
            if scale >= min_scale and rows * cols > best[0] * best[1]:
                best = (rows, cols)
    return best


def confusion_counts(true, pred, n_classes):
    """``(C, C)`` int counts, rows true class, columns predicted class."""
    return np.bincount(true * n_classes + pred, minlength=n_classes * n_classes).reshape(
        n_classes, n_classes
    )


def _image_plot(layout, title, **kw):
    plot = style_plot(add_plot(layout, **kw), title)
    plot.invertY(True)
    plot.setAspectLocked(True)
    plot.hideButtons()
    image = pg.ImageItem(axisOrder="row-major")
    plot.addItem(image)
    return plot, image


def images_word(dataset):
    """What the pictures are called: "digits" for the shipped digits, else "images"."""
    return "digits" if dataset.name == "digits" else "images"
#: Width/height ratio from which the three plots sit in one row.
WIDE_RATIO = 1.7


class DigitsView(QWidget):
    """Test images with predictions, confusion matrix and first-layer weight tiles."""

    @staticmethod
    def supports(dataset):
        """True for classification data whose inputs are a square image's pixels."""
        return is_image_classification(dataset)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layout_widget = new_layout_widget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.layout_widget)
        self._font = QFont()
        self._font.setPointSize(7)
        metrics = QFontMetricsF(self._font)
        self._count_size = (metrics.horizontalAdvance("888") + 2, metrics.height())
        self._held = HeldLevels()
        self._info = None
        self._side = None
        self.labels = self.counts_labels = None  # CellLabels while images are shown
        self._show_hint()

    def _show_hint(self):
        self.layout_widget.clear()
        self.layout_widget.addLabel(EMPTY_HINT, color=HINT_COLOR)

    # ----------------------------------------------------------------- contract slots
    def reset(self, trainer_info):
        """Build the three plots for this dataset and network (items reused afterwards)."""
        self._info = trainer_info
        self._held.clear()
        ds = trainer_info.dataset
        if not self.supports(ds) or ds.n_test == 0:
            self.labels = self.counts_labels = None
            self._show_hint()
            return
        self.layout_widget.clear()
        grid = self.layout_widget.ci
        self._n_classes = ds.n_classes
        self._true = ds.labels_test
        self._last_pred = None
        self._side = dataset_image_side(ds)
        self._word = images_word(ds)
        self._build_confusion(grid)
        self._build_grid(grid, ds)
        grid.nextRow()
        self._build_tiles(grid, trainer_info.sizes[1])
        self._wide = None
        self._accuracy = None
        self._arrange(self._is_wide())
        self._last_pred = None

    def _is_wide(self):
        return self.width() >= WIDE_RATIO * self.height()

    def _arrange(self, wide):
        """Wide and short (a laptop's output tab): the three plots in one row, so the
        confusion matrix gets the full height for its ten rows. Otherwise the digits on
        the left, the confusion matrix over the weight tiles on the right."""
        if wide == self._wide:
            return
        self._wide = wide
        grid = self.layout_widget.ci.layout
        plots = (self.grid_plot, self.conf_plot, self.tiles_plot)
        for plot in plots:
            grid.removeItem(plot)
        title = f"test {self._word}" + ("" if wide else " (pred/true if wrong)")
        self.grid_plot.setTitle(title, color=FOREGROUND, size="9pt")
        self._title_confusion()
        if wide:
            for col, plot in enumerate(plots):
                grid.addItem(plot, 0, col)
            grid.setRowStretchFactor(1, 0)
        else:
            grid.addItem(self.grid_plot, 0, 0, 2, 1)
            grid.addItem(self.conf_plot, 0, 1)
            grid.addItem(self.tiles_plot, 1, 1)
            # the confusion matrix needs ten readable rows; the tiles keep their aspect
            grid.setRowStretchFactor(0, 3)
            grid.setRowStretchFactor(1, 2)

    def resizeEvent(self, event):
        if self.labels is not None:
            self._arrange(event.size().width() >= WIDE_RATIO * event.size().height())
        super().resizeEvent(event)

    def show_snapshot(self, snapshot):
        """Update labels, confusion counts and tiles from ``snapshot.test_probs (n_test, C)``
        and ``snapshot.weights[0] (s*s, h1)``; non-finite values keep the last picture."""
        if self.labels is None:
            return
        probs = snapshot.test_probs
        if probs is not None and len(probs) == len(self._true) and all_finite(probs):
            pred = probs.argmax(axis=1)
            if self._last_pred is None or not np.array_equal(pred, self._last_pred):
                self._last_pred = pred
                self._update_labels(pred)
                self._update_confusion(pred)
        if snapshot.weights and all_finite(snapshot.weights[0]):
            self._update_tiles(snapshot.weights[0])

    # ----------------------------------------------------------------- public helpers
    @property
    def n_weight_tiles(self):
        """Number of image-sized first-layer tiles drawn (hidden units of layer 1, at most 64)."""
        return self._n_tiles if self.labels is not None else 0

    def confusion(self):
        """The ``(C, C)`` counts now shown (None before any prediction)."""
        return getattr(self, "_counts", None) if self.labels is not None else None

    # ----------------------------------------------------------------- test image grid
    @property
    def side(self):
        """Side length in pixels of the images shown (None when none are)."""
        return self._side if self.labels is not None else None

    def _build_grid(self, grid, ds):
        side = self._side
        self._label_room = max(5, round(LABEL_SHARE * side))
        metrics = QFontMetricsF(self._font)
        # a label ("8/3") must fit under its image: the pixel scale that allows it
        self._label_scale = max((metrics.horizontalAdvance("8/8") + 2) / (side + 1),
                                (metrics.height() + 1) / self._label_room)
        self._n_grid_max = min(GRID_ROWS * GRID_COLS, ds.n_test)
        self._test_tiles = ds.X_test[: self._n_grid_max].reshape(-1, side, side)
        self._levels = pixel_levels(ds.X_test)
        self.grid_plot, self.grid_image = _image_plot(
            grid, f"test {self._word} (pred/true if wrong)", rowspan=2)
        self.grid_plot.setToolTip(f"Test {self._word} ({side}×{side}), each with the predicted "
                                  "class; a wrong prediction shows predicted/true in red")
        self.grid_plot.hideAxis("left")
        self.grid_plot.hideAxis("bottom")
        self.grid_image.setLookupTable(_ramp_lut("#ffffff", "#202020"))
        self.labels, self._grid = None, None
        self._fill_grid(GRID_ROWS, GRID_COLS)
        self.grid_plot.getViewBox().sigResized.connect(self._fit_grid)
        self.conf_plot.getViewBox().sigResized.connect(self._fit_counts)

    def _fit_grid(self, *_):
        """As many images as can carry a readable label at the plot's size."""
        box = self.grid_plot.getViewBox().size()
        shape = grid_shape(box.width(), box.height(), self._label_scale, self._n_grid_max,
                           self._side, self._label_room)
        if shape != self._grid:
            self._fill_grid(*shape)

    def _fill_grid(self, rows, cols):
        """Show the first ``rows × cols`` test images with a label under each."""
        n = min(rows * cols, self._n_grid_max)
        side, pitch = self._side, self._side + self._label_room
        self._grid = (rows, cols)
        if self.labels is not None:
            self.grid_plot.removeItem(self.labels)
        self.grid_image.setImage(mosaic(self._test_tiles[:n], cols, pitch), levels=self._levels)
        self.labels = CellLabels(self._font, QRectF(0, 0, cols * (side + 1), rows * pitch))
        for k in range(n):  # each label right under its image
            r, c = divmod(k, cols)
            self.labels.add(c * (side + 1) + side / 2, r * pitch + side, anchor=(0.5, 0.0),
                            color=RIGHT_COLOR)
        self.grid_plot.addItem(self.labels, ignoreBounds=True)
        self.grid_plot.getViewBox().autoRange(padding=0.02)
        if getattr(self, "_last_pred", None) is not None:
            self._update_labels(self._last_pred)

    def _update_labels(self, pred):
        for k in range(len(self.labels)):
            p, t = int(pred[k]), int(self._true[k])
            if p == t:
                self.labels.set(k, str(p), RIGHT_COLOR)
            else:
                self.labels.set(k, f"{p}/{t}", WRONG_COLOR)

    # ----------------------------------------------------------------- confusion matrix
    def _build_confusion(self, grid):
        C = self._n_classes
        self.conf_plot, self.conf_image = _image_plot(grid, "confusion")
        self.conf_plot.setAspectLocked(False)  # fill the cell: counts matter, not squareness
        self.conf_image.setLookupTable(_ramp_lut("#ffffff", POSITIVE_HEX))
        self.conf_plot.setLabel("bottom", "predicted")
        self.conf_plot.setLabel("left", "true")
        ticks = [[(k + 0.5, str(k)) for k in range(C)]]
        for name in ("bottom", "left"):
            self.conf_plot.getAxis(name).setTicks(ticks)
        self.conf_image.setImage(np.zeros((C, C), np.float32), levels=(0.0, 1.0))
        self.counts_labels = CellLabels(self._font, QRectF(0, 0, C, C))
        for r in range(C):
            for c in range(C):
                self.counts_labels.add(c + 0.5, r + 0.5, color=FOREGROUND)
        self.conf_plot.addItem(self.counts_labels, ignoreBounds=True)
        self._counts = None

    def _fit_counts(self, *_):
        """Counts only where a cell can hold three digits: colours alone otherwise."""
        box = self.conf_plot.getViewBox().size()
        C = self._n_classes
        fits = (box.width() / C >= self._count_size[0]
                and box.height() / C >= self._count_size[1])
        self.counts_labels.setVisible(fits)
        # class numbers on the axes: every one, or every other / fifth when rows are tight
        tick = QFontMetricsF(self.conf_plot.getAxis("left").style["tickFont"] or QFont())
        for name, room, need in (("left", box.height() / C, tick.height()),
                                 ("bottom", box.width() / C, tick.horizontalAdvance("10") + 4)):
            step = next((k for k in (1, 2, 5) if k * room >= need), C)
            self.conf_plot.getAxis(name).setTicks(
                [[(k + 0.5, str(k)) for k in range(0, C, step)]])

    def _update_confusion(self, pred):
        C = self._n_classes
        counts = confusion_counts(self._true, pred, C)
        top = max(int(counts.max()), 1)
        self.conf_image.setImage(as_image(counts), levels=(0.0, float(top)))
        for k, n in enumerate(counts.ravel().tolist()):
            self.counts_labels.set(k, str(n) if n else "", "w" if n > 0.55 * top else FOREGROUND)
        self._counts = counts
        self._accuracy = float(np.trace(counts)) / max(int(counts.sum()), 1)
        self._title_confusion()

    def _title_confusion(self):
        accuracy = getattr(self, "_accuracy", None)
        if accuracy is None:
            return
        what = "acc." if self._wide else "test accuracy"  # three plots a row: short titles
        self.conf_plot.setTitle(f"confusion · {what} {100 * accuracy:.1f}%",
                                color=FOREGROUND, size="9pt")

    # ----------------------------------------------------------------- layer-1 tiles
    def _build_tiles(self, grid, hidden):
        self._n_tiles = min(hidden, MAX_TILES)
        self._tile_cols = max(1, math.ceil(math.sqrt(self._n_tiles)))
        more = f" (first {MAX_TILES} of {hidden})" if hidden > MAX_TILES else ""
        self.tiles_plot, self.tiles_image = _image_plot(grid, f"layer 1 weights{more}")
        self.tiles_plot.setToolTip(f"Each tile: one first-layer unit's {self._side}×"
                                   f"{self._side} weights, one per pixel (blue +, orange −)")
        self.tiles_plot.hideAxis("left")
        self.tiles_plot.hideAxis("bottom")
        self.tiles_plot.getViewBox().setBackgroundColor(NEUTRAL_HEX)
        self.tiles_image.setLookupTable(diverging_lut())

    def _update_tiles(self, W0):
        """``W0 (s*s, h1)``: column ``u`` is unit ``u``'s s×s receptive field."""
        side = self._side
        tiles = W0[:, : self._n_tiles].T.reshape(self._n_tiles, side, side)
        levels = self._held.update([tiles])
        first = self.tiles_image.image is None
        self.tiles_image.setImage(mosaic(tiles, self._tile_cols, side + 1), levels=levels)
        if first:
            self.tiles_plot.getViewBox().autoRange(padding=0.02)
