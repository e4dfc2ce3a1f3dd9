"""One activation combo box per hidden layer, for the "Per layer" choice."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QWidget

from core.nn.activations import ACTIVATIONS
from gui.panels.choices import combo, select


class LayerActivations(QWidget):
    """Combo boxes ``activation_1`` … ``activation_n`` offering ``names``.

    Signals
    -------
    changed() : the user picked another activation for some layer.
    """

    changed = Signal()

    def __init__(self, names, tooltip, parent=None):
        super().__init__(parent)
        self.setObjectName("layer_activations")
        self._names = list(names)
        self._tooltip = tooltip
        self.combos = []
        self._form = QFormLayout(self)
        self._form.setContentsMargins(14, 0, 0, 0)

    def set_count(self, n, default):
        """Offer ``n`` combos; new ones show ``default``. Emits nothing."""
        while len(self.combos) > n:
            self._form.removeRow(self.combos.pop())
        while len(self.combos) < n:
            box = combo(self._names, ACTIVATIONS, f"activation_{len(self.combos) + 1}")
            box.setToolTip(self._tooltip)
            select(box, default)
            box.currentIndexChanged.connect(self.changed)
            self.combos.append(box)
            self._form.addRow(f"Layer {len(self.combos)}", box)

    def values(self):
        """The chosen activation of every layer, as a tuple."""
        return tuple(box.currentData() for box in self.combos)

    def select_all(self, names):
        """Show ``names`` (one per combo, or one str for all). Emits nothing."""
        names = [names] * len(self.combos) if isinstance(names, str) else names
        self.blockSignals(True)
        try:
            for box, name in zip(self.combos, names, strict=True):
                select(box, name)
        finally:
            self.blockSignals(False)
