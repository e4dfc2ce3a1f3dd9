"""``MessageBanner``: a coloured strip across the top of the window for errors and notices.

Hidden when there is nothing to say. A message belongs to the run it is about: it stays
until the user closes it, a new network is built, or training starts again
(``close_when_run_starts``), so no banner of an earlier run is left over a new one. The text
is selectable so it can be copied into a bug report.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton

from gui.theme.style import ERROR_BG, ERROR_FG, INFO_BG, INFO_FG

MAX_LINES = 3


class MessageBanner(QFrame):
    """One message at a time: ``show_error(text)``, ``show_info(text)``, ``clear()``."""

    closed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self.kind = None
        self.label = QLabel()
        self.label.setObjectName("messageText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss this message")
        close.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def text(self):
        """The message shown, or "" when hidden."""
        return self.label.text() if self.kind else ""

    def show_error(self, text):
        """Show ``text``; an error already shown stays above it (the first cause first)."""
        line = "⚠  " + text
        if self.kind == "error" and line not in self.label.text().split("\n"):
            lines = self.label.text().split("\n")[-(MAX_LINES - 1):]
            line = "\n".join([*lines, line])
        self._show("error", line, ERROR_BG, ERROR_FG)

    def show_info(self, text):
        self._show("info", text, INFO_BG, INFO_FG)

    def close_when_run_starts(self, running):
        """Slot for ``runningChanged``: training starting again makes the message stale."""
        if running:
            self.clear()

    def clear(self):
        if self.kind is not None:
            self.kind = None
            self.hide()
            self.closed.emit()

    def _show(self, kind, text, bg, fg):
        self.kind = kind
        self.label.setText(text)
        self.setStyleSheet(
            f"#messageBanner {{ background: {bg.name()}; border: 1px solid {fg.name()};"
            f" border-radius: 4px; }} #messageText {{ color: {fg.name()}; }}"
        )
        self.show()
