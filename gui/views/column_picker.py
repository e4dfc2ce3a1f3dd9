"""Two combo boxes choosing which input columns a 2-D surface is drawn over.

Used by the surface views when a dataset has more than two inputs; the other inputs are
held at their mean by the core. The picker never lets both axes show the same column.
"""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget


class ColumnPicker(QWidget):
    """``x: [combo]  y: [combo]``; emits ``columnsChanged((i, j))`` when the user picks."""

    columnsChanged = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.x_combo = QComboBox(objectName="xColumn")
        self.y_combo = QComboBox(objectName="yColumn")
        for combo in (self.x_combo, self.y_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.x_combo.setToolTip("Input drawn along the horizontal axis (others at their mean)")
        self.y_combo.setToolTip("Input drawn along the vertical axis (others at their mean)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("x:"))
        layout.addWidget(self.x_combo)
        layout.addWidget(QLabel("y:"))
        layout.addWidget(self.y_combo)
        self._columns = (0, 1)
        self.x_combo.currentIndexChanged.connect(self._x_picked)
        self.y_combo.currentIndexChanged.connect(self._y_picked)

    def columns(self):
        """The chosen ``(i, j)`` column indices."""
        return self._columns

    def set_names(self, names, columns=(0, 1)):
        """Fill both combos with ``names`` (list of str) and select ``columns`` silently."""
        self._columns = tuple(columns)
        for combo, index in ((self.x_combo, columns[0]), (self.y_combo, columns[1])):
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(list(names))
            combo.setCurrentIndex(index)
            combo.blockSignals(False)

    def set_columns(self, i, j):
        """Select ``(i, j)`` as if the user had picked them (one ``columnsChanged``)."""
        if i == j or (i, j) == self._columns:
            return
        for combo, index in ((self.x_combo, i), (self.y_combo, j)):
            combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        self._columns = (i, j)
        self.columnsChanged.emit((i, j))

    def _x_picked(self, i):
        old_i, j = self._columns
        self._picked(i, j, swap_old=old_i, combo=self.y_combo, first=True)

    def _y_picked(self, j):
        i, old_j = self._columns
        self._picked(i, j, swap_old=old_j, combo=self.x_combo, first=False)

    def _picked(self, i, j, swap_old, combo, first):
        """Store the new pair; if both axes now match, give the other axis the old column."""
        if i < 0 or j < 0:
            return
        if i == j:
            combo.blockSignals(True)
            combo.setCurrentIndex(swap_old)
            combo.blockSignals(False)
            i, j = (i, swap_old) if first else (swap_old, j)
        if (i, j) != self._columns:
            self._columns = (i, j)
            self.columnsChanged.emit((i, j))
