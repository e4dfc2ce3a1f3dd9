"""The small inline editor that opens where the user clicks a weight or a bias.

`ValueEditor` is a frame on the diagram's viewport with a caption, a line edit holding the
current value (selected, so typing replaces it) and a message line. Enter applies a valid
number (`accepted(target, value)`), Esc or a click elsewhere cancels; text that is not a
finite number shows a message and changes nothing.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget

ERROR_STYLE = "color: #c62828;"
HINT = "Enter applies · Esc cancels"


def parse_value(text: str) -> float:
    """The number typed in `text` (accepts −, a decimal comma, 1e-3); ValueError otherwise.

    The error's message tells the user what to type.
    """
    cleaned = text.strip().replace("−", "-").replace("\u2212", "-")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        shown = text.strip() or "nothing"
        raise ValueError(f"“{shown}” is not a number: type e.g. 0.5, -1.2 or 3e-2.") from None
    if not math.isfinite(value):
        raise ValueError("The value must be a finite number (not inf or nan).")
    return value


class _Keys(QObject):
    """Esc on the line edit cancels the editor."""

    def __init__(self, editor: ValueEditor):
        super().__init__(editor)
        self._editor = editor

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self._editor.cancel()
            return True
        return False


class ValueEditor(QFrame):
    """Inline editor for one number; see the module docstring.

    Signals: `accepted(object, float)` with the target given to `open`, `cancelled()`.
    """

    accepted = Signal(object, float)
    cancelled = Signal()

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("valueEditor")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setStyleSheet("#valueEditor { background: #ffffff; border: 1px solid #607d8b;"
                           " border-radius: 4px; }")
        self.target = None
        self.caption = QLabel()
        self.line = QLineEdit()
        self.line.setObjectName("valueEditorLine")
        self.line.setToolTip("Type the new value; Enter applies it, Esc cancels")
        self.message = QLabel(HINT)
        self.message.setObjectName("valueEditorMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #607d8b;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(2)
        for w in (self.caption, self.line, self.message):
            layout.addWidget(w)
        self.setFixedWidth(230)
        self.line.returnPressed.connect(self._apply)
        self.line.installEventFilter(_Keys(self))
        self.hide()

    def open(self, target, caption: str, value: float | None, at: QPoint) -> None:
        """Show at viewport point `at` (kept inside the parent) to edit `target`."""
        self.target = target
        self.caption.setText(caption)
        self.line.setText("" if value is None else f"{float(value):.6g}")
        self.message.setText(HINT)
        self.message.setStyleSheet("color: #607d8b;")
        self.adjustSize()
        parent = self.parentWidget()
        x = max(0, min(at.x() + 8, parent.width() - self.width()))
        y = max(0, min(at.y() + 8, parent.height() - self.height()))
        self.move(x, y)
        self.show()
        self.raise_()
        self.line.setFocus(Qt.FocusReason.MouseFocusReason)
        self.line.selectAll()

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE)
        self.adjustSize()

    def _apply(self) -> None:
        try:
            value = parse_value(self.line.text())
        except ValueError as exc:
            self.show_error(str(exc))
            return
        target = self.target
        self.hide()
        self.target = None
        self.accepted.emit(target, value)

    def cancel(self) -> None:
        if self.isVisible():
            self.hide()
            self.target = None
            self.cancelled.emit()
