"""ConfusionView: confusion matrix and per-class accuracy of any classifier's test set.

Rows are the true class, columns the predicted class, both named from the data
(``Dataset.target_names``); each cell shows its count, coloured by its share of the true
class (so a small class reads as clearly as a big one), and the right-hand column gives
each class's accuracy (recall). Readable at 10 classes.

Clicking a cell selects those test rows: for 2-D data they are ringed on the decision
surface (through the ``highlighter`` the window sets); otherwise, and in any case, they are
listed in a small table under the matrix (inputs, or the picture of an image-shaped row
such as a digit, true and predicted class, confidence).
Clicking the selected cell again clears the selection.

Cheap per snapshot: the counts are recomputed from ``snapshot.test_probs`` and the items
updated only when the predictions changed.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from core.data.image_shape import dataset_image_side
from core.train.confusion import (
    confusion_matrix,
    per_class_accuracy,
    predicted_labels,
    rows_in_cell,
)
from gui.theme.style import POSITIVE_HEX
from gui.views.cell_labels import CellLabels
from gui.views.digits import DigitsView
from gui.views.image_tiles import gray_pixmap, pixel_levels
from gui.views.on_screen import OnScreenGate
from gui.views.plot_style import (
    FOREGROUND,
    add_hint,
    all_finite,
    as_image,
    new_plot_widget,
    show_hint,
)

EMPTY_HINT = "Press Play or Step: the test set's confusion matrix appears here"
NOT_CLASSIFICATION_HINT = "The confusion matrix is drawn for classification data"
#: Longest class name on an axis before it is elided.
NAME_CHARS = 12
#: Input columns and rows listed in the table of a selected cell.
TABLE_COLUMNS = 6
TABLE_ROWS = 200
SELECTED_PEN = pg.mkPen("#d62728", width=3)
#: Side of an image row's picture in the rows table (at least the image's own side).
DIGIT_PIXELS = 32


def elide(name, n=NAME_CHARS):
    return name if len(name) <= n else name[: n - 1] + "…"


def _share_lut(n=256):
    """``(n, 4)`` uint8 white → blue ramp for the row shares."""
    hi = np.array(pg.mkColor(POSITIVE_HEX).getRgb(), dtype=np.float64)
    t = np.linspace(0.0, 1.0, n)[:, None]
    return np.round(255.0 + (hi - 255.0) * t).astype(np.uint8)


class ConfusionView(OnScreenGate, QWidget):
    """Test-set confusion matrix, per-class accuracy, and the rows of a clicked cell.

    Signals
    -------
    cellSelected(object) : ``(true_class, predicted_class, rows (k,) int64)``, or None when
        the selection is cleared.
    """

    cellSelected = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot_widget = new_plot_widget()
        self.plot = self.plot_widget.getPlotItem()
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.plot.getViewBox().setMouseEnabled(False, False)
        self.plot.invertY(True)
        self.table = QTableWidget(objectName="confusionRows")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setVisible(False)
        self.table.verticalHeader().setVisible(False)
        self.caption = QLabel("", objectName="confusionCaption")
        self.caption.setStyleSheet(f"color: {FOREGROUND}; padding-left: 6px;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.plot_widget, 3)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 2)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(_share_lut())
        self.plot.addItem(self.image)
        self.selected_box = pg.PlotCurveItem(pen=SELECTED_PEN)
        self.selected_box.setZValue(10)
        self.plot.addItem(self.selected_box)
        self.hint = add_hint(self.plot, EMPTY_HINT)
        self._font = QFont()
        self._font.setPointSize(8)
        self.highlighter = None  # fn(rows or None) ringing test rows on the surface (2-D data)
        self.labels = None  # CellLabels: C*C counts (row-major), then C accuracies
        self._info = None
        self._counts = self._pred = self._probs = None
        self._selected = None
        self.plot.scene().sigMouseClicked.connect(self._clicked)

    # ----------------------------------------------------------------- contract slots
    def reset(self, trainer_info):
        """A new dataset or network: one text item per cell and per class, built once."""
        self._info = trainer_info
        self._counts = self._pred = self._probs = None
        self._forget_pending()
        self._clear_selection()
        if self.labels is not None:
            self.plot.removeItem(self.labels)
            self.labels = None
        ds = trainer_info.dataset
        self.image.setVisible(False)
        self.caption.setText("")
        if not self._is_classification():
            show_hint(self.plot, self.hint, True, NOT_CLASSIFICATION_HINT)
            for name in ("bottom", "left"):
                self.plot.getAxis(name).setTicks(None)
                self.plot.setLabel(name, "")
            return
        C = ds.n_classes
        self._true = ds.labels_test
        names = [elide(n) for n in ds.target_names]
        self.plot.getAxis("bottom").setTicks([[(c + 0.5, names[c]) for c in range(C)]])
        left = self.plot.getAxis("left")
        left.setTicks([[(r + 0.5, names[r]) for r in range(C)]])
        # Room for the longest name: the axis would otherwise drop labels that do not fit.
        metrics = QFontMetrics(left.font())
        left.setWidth(max(metrics.horizontalAdvance(n) for n in names) + 34)
        self.plot.setLabel("bottom", "predicted class")
        self.plot.setLabel("left", "true class")
        self.labels = CellLabels(self._font, QRectF(0, 0, C + 0.75, C))
        for r in range(C):
            for c in range(C):
                self.labels.add(c + 0.5, r + 0.5, color=FOREGROUND)
        for r in range(C):
            self.labels.add(C + 0.08, r + 0.5, anchor=(0.0, 0.5), color=FOREGROUND)
        self.plot.addItem(self.labels, ignoreBounds=True)
        self.image.setImage(np.zeros((C, C), np.float32), levels=(0.0, 1.0))
        self.image.setRect(0, 0, C, C)
        self.plot.getViewBox().setRange(xRange=(0, C + 0.75), yRange=(0, C), padding=0.02)
        show_hint(self.plot, self.hint, ds.n_test > 0, EMPTY_HINT, (0.0, C + 0.75, 0.0, C))
        if ds.n_test == 0:
            self.caption.setText("This data has no test rows: no confusion matrix")

    def _draw_snapshot(self, snapshot):
        """Count ``snapshot.test_probs (n_test, 1 or C)`` against the true test classes."""
        probs = getattr(snapshot, "test_probs", None)
        if (self._info is None or not self._is_classification() or probs is None
                or len(probs) != len(self._true) or not all_finite(probs)):
            return
        pred = predicted_labels(probs)
        self._probs = probs
        if self._pred is not None and np.array_equal(pred, self._pred):
            return
        self._pred = pred
        self._draw(confusion_matrix(self._true, pred, self._info.dataset.n_classes))
        if self._selected is not None:
            self.select_cell(*self._selected, toggle=False)

    # ----------------------------------------------------------------- public helpers
    def matrix(self):
        """The ``(C, C)`` counts now shown (None before any prediction)."""
        return self._counts

    def count_text(self, true_class, predicted_class):
        """The text shown in a cell (``"·"`` for none)."""
        return self.labels.text(true_class * self._info.dataset.n_classes + predicted_class)

    def accuracy_text(self, true_class):
        """The per-class accuracy shown right of row ``true_class``."""
        C = self._info.dataset.n_classes
        return self.labels.text(C * C + true_class)

    def selected_rows(self):
        """Test-row indices of the selected cell, or None."""
        if self._selected is None or self._pred is None:
            return None
        return rows_in_cell(self._true, self._pred, *self._selected)

    def select_cell(self, true_class, predicted_class, toggle=True):
        """Select the cell (as a click does): ring its rows on the surface, list them.
        With ``toggle``, selecting the selected cell clears the selection."""
        if self._pred is None:
            return
        if toggle and self._selected == (true_class, predicted_class):
            self._clear_selection()
            self.cellSelected.emit(None)
            return
        self._selected = (true_class, predicted_class)
        r, c = true_class, predicted_class
        self.selected_box.setData([c, c + 1, c + 1, c, c], [r, r, r + 1, r + 1, r])
        rows = self.selected_rows()
        names = self._info.dataset.target_names
        self.caption.setText(f"{len(rows)} test row{'s' if len(rows) != 1 else ''} of class "
                             f"{names[r]} predicted as {names[c]}"
                             + (" (ringed on the decision surface)"
                                if self.highlighter is not None and self._is_2d() else ""))
        if self.highlighter is not None and self._is_2d():
            self.highlighter(rows)
        if self._is_2d() and self.highlighter is not None:
            self.table.setVisible(False)
        else:
            self._fill_table(rows)
        self.cellSelected.emit((r, c, rows))

    # ----------------------------------------------------------------- drawing
    def _is_classification(self):
        return self._info.dataset.task in ("binary", "multiclass")

    def _is_2d(self):
        return self._info.dataset.is_2d

    def _draw(self, counts):
        self._counts = counts
        totals = counts.sum(axis=1, keepdims=True)
        share = counts / np.maximum(totals, 1)
        self.image.setImage(as_image(share), levels=(0.0, 1.0))
        if not self.image.isVisible():
            self.image.setVisible(True)
            self.hint.setVisible(False)
        cells = zip(counts.ravel().tolist(), share.ravel().tolist(), strict=True)
        for k, (n, part) in enumerate(cells):
            self.labels.set(k, str(n) if n else "·", "w" if part > 0.55 else FOREGROUND)
        for r, accuracy in enumerate(per_class_accuracy(counts).tolist(), start=counts.size):
            self.labels.set(r, "—" if np.isnan(accuracy) else f"{100 * accuracy:.0f}%")
        overall = float(np.trace(counts)) / max(int(counts.sum()), 1)
        self.plot.setTitle(f"test accuracy {100 * overall:.1f}% · right: per-class accuracy",
                           color=FOREGROUND, size="9pt")

    def _fill_table(self, rows):
        ds = self._info.dataset
        images = DigitsView.supports(ds)  # image rows: the picture says more than pixels
        side = dataset_image_side(ds) if images else None
        size = max(DIGIT_PIXELS, side or 0)
        levels = pixel_levels(ds.X_test) if images else None
        n_in = 0 if images else min(ds.n_inputs, TABLE_COLUMNS)
        shown = rows[:TABLE_ROWS]
        headers = (["row"] + (["image"] if images else []) + list(ds.input_names[:n_in])
                   + ["true", "predicted", "P(predicted)"])
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(shown))
        names = ds.target_names
        for i, row in enumerate(shown.tolist()):
            p = self._probs[row]
            pred = int(self._pred[row])
            conf = float(p[0] if pred == 1 else 1.0 - p[0]) if len(p) == 1 else float(p[pred])
            values = ([str(row)] + ([""] if images else [])
                      + [f"{v:.4g}" for v in ds.X_test[row, :n_in]]
                      + [names[int(self._true[row])], names[pred], f"{conf:.2f}"])
            for j, v in enumerate(values):
                self.table.setItem(i, j, QTableWidgetItem(v))
            if images:
                self.table.item(i, 1).setData(Qt.ItemDataRole.DecorationRole,
                                              gray_pixmap(ds.X_test[row], side, levels, size))
        self.table.verticalHeader().setDefaultSectionSize(size + 4 if images else 24)
        self.table.resizeColumnsToContents()
        self.table.setVisible(len(shown) > 0)

    def _clear_selection(self):
        self._selected = None
        self.selected_box.setData([], [])
        self.table.setVisible(False)
        self.table.verticalHeader().setVisible(False)
        self.caption.setText("")
        if self.highlighter is not None:
            self.highlighter(None)

    def _clicked(self, event):
        if self._counts is None or event.button() != Qt.MouseButton.LeftButton:
            return
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p = vb.mapSceneToView(event.scenePos())
        C = len(self._counts)
        c, r = int(np.floor(p.x())), int(np.floor(p.y()))
        if 0 <= r < C and 0 <= c < C:
            self.select_cell(r, c)
