"""``FocusCombo``: a combo box the mouse wheel changes only once it has been clicked.

A plain ``QComboBox`` changes its choice when the wheel turns over it while the user scrolls
a panel; the views' combos ignore the wheel until they have focus (StrongFocus)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox


class FocusCombo(QComboBox):
    """A ``QComboBox`` with ``Qt.StrongFocus`` that ignores wheel events without focus."""

    def __init__(self, parent=None, **kw):
        super().__init__(parent, **kw)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def wheelEvent(self, event):
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()
