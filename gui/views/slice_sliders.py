"""SliceSliders: what the inputs not on a surface's axes are held at, and sliders to move them.

A decision surface over two of a dataset's columns is a slice: every other input has one
value over the whole picture. This panel says which (one line, "other inputs at their
means: …" until a slider moves) and gives one compact slider per held input (its name, the
slider, its value) in a scroll area when there are many. The ``Means`` menu puts them all
at the training means, or at the means of one class's rows (where that class lives: how
Wine's third class shows on a slice through two columns where the overall means hide it).
Moving a slider emits ``valuesChanged`` at most once per ``EMIT_MS`` while it is dragged.
"""

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

#: Slider positions across a column's range.
TICKS = 200
#: Coalesce a dragged slider's values into one request per this many milliseconds.
EMIT_MS = 40
#: Sliders per row of the grid, and rows shown before the panel scrolls.
PER_ROW = 2
VISIBLE_ROWS = 2.4
#: Values shown in the summary line before "…".
SUMMARY_VALUES = 4
#: Widest a column name may be drawn beside its slider (px); longer names are elided.
NAME_WIDTH = 96


class ElidedLabel(QLabel):
    """A one-line label that ends in "…" when narrower than its text; the whole text is in
    ``full_text()`` and the tooltip."""

    def __init__(self, text="", parent=None, objectName=""):
        super().__init__(parent, objectName=objectName)
        self.setMinimumWidth(1)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._full = ""
        self.set_full_text(text)

    def set_full_text(self, text):
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self):
        return self._full

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._elide()

    def _elide(self):
        metrics = self.fontMetrics()
        self.setText(metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, self.width()))


def format_value(value):
    """A slider value as shown: four significant digits."""
    return f"{value:.4g}"


class SliceSliders(QWidget):
    """Sliders for the held inputs of a slice; see the module docstring.

    Signals
    -------
    valuesChanged(object) : tuple of float, the raw value of every input (d,); the entries
        of the spanned columns are their training means.
    """

    valuesChanged = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.summary = ElidedLabel(objectName="sliceSummary")
        self.means_button = QToolButton(objectName="sliceMeans")
        self.means_button.setText("Means")
        self.means_button.setToolTip("Put every held input at the training means, or at the "
                                     "means of one class's rows")
        self.means_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.means_menu = QMenu(self.means_button)
        self.means_button.setMenu(self.means_menu)
        self.rows = QWidget()
        self.grid = QGridLayout(self.rows)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(self.rows)
        top = self._top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.summary, 1)
        top.addWidget(self.means_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.setSpacing(1)
        layout.addLayout(top)
        layout.addWidget(self.scroll)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        # Never the reason a dock grows: on a window too short for the plot's minimum and
        # this panel, the panel gives way (the plot is what the view is for).
        self.setMinimumHeight(1)
        self._timer = QTimer(self, singleShot=True, interval=EMIT_MS)
        self._timer.timeout.connect(self._emit)
        self.sliders = {}  # column -> QSlider
        self._value_labels = {}
        self._rows_due = False  # the sliders are built when the panel is first shown
        self._names, self._means, self._lo, self._hi = [], None, None, None
        self._presets = {}
        self._values = None
        self._columns = (0, 1)

    # ----------------------------------------------------------------- set up
    def add_control(self, widget):
        """Put ``widget`` in the summary line, before the ``Means`` menu."""
        self._top.insertWidget(self._top.count() - 1, widget, 0, Qt.AlignmentFlag.AlignTop)

    def set_data(self, names, columns, means, lo, hi, presets=None):
        """One slider per input not in ``columns``, over ``lo..hi`` (each (d,)), at ``means``.

        ``presets``: dict of a name (a class) to the values (d,) the menu can set, e.g. the
        means of that class's rows."""
        self._presets = {k: np.asarray(v, dtype=np.float64) for k, v in (presets or {}).items()}
        self.means_menu.clear()
        action = self.means_menu.addAction("All rows' means", self.reset_to_means)
        action.setObjectName("sliceAtMeans")
        for name in self._presets:
            action = self.means_menu.addAction(f"Means of {name} rows",
                                               lambda name=name: self.set_preset(name))
            action.setObjectName(f"sliceAt_{name}")
        self._names = list(names)
        self._means = np.asarray(means, dtype=np.float64)
        self._lo = np.asarray(lo, dtype=np.float64)
        self._hi = np.maximum(np.asarray(hi, dtype=np.float64), self._lo + 1e-12)
        self._values = self._means.copy()
        self._columns = tuple(columns)
        self._rebuild()

    def set_columns(self, columns):
        """The axes now span ``columns``: their sliders go, the others keep their values."""
        if tuple(columns) == self._columns or self._means is None:
            return
        for k in columns:
            self._values[k] = self._means[k]
        self._columns = tuple(columns)
        self._rebuild()

    def _rebuild(self):
        """The sliders for the held inputs now if the panel is on screen, else when it is
        shown: 784 of them for MNIST pixels take 0.6 s, mostly for a surface nobody sees."""
        self._clear_rows()
        self._rows_due = not self.isVisible()
        if self._rows_due:
            self._show_summary()
        else:
            self._build_rows()

    def showEvent(self, event):
        if self._rows_due:
            self._rows_due = False
            self._build_rows()
        super().showEvent(event)

    def _clear_rows(self):
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.sliders, self._value_labels = {}, {}

    def _build_rows(self):
        for n, k in enumerate(self.held_columns()):
            row, col = divmod(n, PER_ROW)
            name = QLabel(self.fontMetrics().elidedText(
                self._names[k], Qt.TextElideMode.ElideRight, NAME_WIDTH))
            name.setToolTip(f"{self._names[k]}: {format_value(self._lo[k])} … "
                            f"{format_value(self._hi[k])} in the data, mean "
                            f"{format_value(self._means[k])}")
            slider = QSlider(Qt.Orientation.Horizontal, objectName=f"slice_{k}")
            slider.setRange(0, TICKS)
            slider.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            slider.setMinimumWidth(60)
            slider.setToolTip(name.toolTip())
            slider.setValue(self._tick(k, self._values[k]))
            slider.valueChanged.connect(lambda tick, k=k: self._moved(k, tick))
            value = QLabel(format_value(self._values[k]))
            value.setFixedWidth(value.fontMetrics().horizontalAdvance("-0.0000e+00"))
            for c, w in enumerate((name, slider, value)):
                self.grid.addWidget(w, row, 3 * col + c)
            self.grid.setColumnStretch(3 * col + 1, 1)
            self.sliders[k] = slider
            self._value_labels[k] = value
        row_height = max(self.fontMetrics().height() + 6, 20)
        rows = -(-len(self.sliders) // PER_ROW)
        # up to VISIBLE_ROWS rows when there is room; on a window too short for them beside
        # the plot's minimum height, less (it scrolls; the summary line names the values)
        self.scroll.setMaximumHeight(int(min(rows, VISIBLE_ROWS) * row_height) + 2)
        self.scroll.setMinimumHeight(1)
        self._show_summary()

    # ----------------------------------------------------------------- values
    def held_columns(self):
        """Input columns with a slider (all but the two on the axes)."""
        return [k for k in range(len(self._names)) if k not in self._columns]

    def values(self):
        """The raw value of every input, a tuple of d floats (see ``valuesChanged``)."""
        return tuple(float(v) for v in self._values)

    def at_means(self):
        """Whether every held input is at its training mean."""
        held = self.held_columns()
        return bool(np.array_equal(self._values[held], self._means[held]))

    def set_value(self, column, value):
        """Move ``column``'s slider to the tick nearest ``value`` (as a user would)."""
        if self._rows_due:
            self._rows_due = False
            self._build_rows()
        self.sliders[column].setValue(self._tick(column, value))

    def reset_to_means(self):
        """Every held input back at its mean (one ``valuesChanged``)."""
        if self._means is not None:
            self._set_all(self._means)

    def set_preset(self, name):
        """Every held input at the values of preset ``name`` (one ``valuesChanged``)."""
        self._set_all(self._presets[name])

    def _set_all(self, values):
        held = self.held_columns()
        if np.array_equal(self._values[held], values[held]):
            return
        self._values[held] = values[held]
        for k, slider in self.sliders.items():
            slider.blockSignals(True)
            slider.setValue(self._tick(k, self._values[k]))
            slider.blockSignals(False)
            self._value_labels[k].setText(format_value(self._values[k]))
        self._show_summary()
        self._timer.start()

    def _tick(self, k, value):
        t = (value - self._lo[k]) / (self._hi[k] - self._lo[k])
        return int(round(min(max(t, 0.0), 1.0) * TICKS))

    def _moved(self, k, tick):
        self._values[k] = self._lo[k] + (self._hi[k] - self._lo[k]) * tick / TICKS
        self._value_labels[k].setText(format_value(self._values[k]))
        self._show_summary()
        if not self._timer.isActive():
            self._timer.start()

    def _emit(self):
        self.valuesChanged.emit(self.values())

    def _where(self, held):
        """How the held values read: "at their means", "at the means of X rows", "fixed at"."""
        if np.array_equal(self._values[held], self._means[held]):
            return "Other inputs at their means: "
        for name, values in self._presets.items():
            if np.array_equal(self._values[held], values[held]):
                return f"Other inputs at the means of {name} rows: "
        return "Other inputs fixed at: "

    def _show_summary(self):
        held = self.held_columns()
        parts = [f"{self._names[k]} {format_value(self._values[k])}"
                 for k in held[:SUMMARY_VALUES]]
        more = len(held) - SUMMARY_VALUES
        tail = f", … ({more} more below)" if more > 0 else ""
        self.summary.set_full_text(self._where(held) + ", ".join(parts) + tail)
