"""Help → Keyboard shortcuts and Help → Help (F1): generated from the window's actions.

``shortcut_rows(window)`` reads every ``QAction`` of the window that has a shortcut when it is
called, so an action added later (by any part of the app) is listed without editing a table
here. The help window (F1) shows how to start, the shortcuts and where to find more.
"""

import html

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

KEY_NAMES = {"Right": "→", "Left": "←", "Up": "↑", "Down": "↓"}
GETTING_STARTED = (
    "Press Space (or Play) to train and watch the network learn; → trains one step. "
    "Pick data on the left, change the network with the + and − buttons on the diagram, and "
    "hover over anything for an explanation. “Step through” (T) splits one training step "
    "into its phases and shows any neuron's equations with its numbers; the Lessons menu "
    "walks through classic experiments."
)


def key_text(sequence):
    """A key sequence as a user reads it (``Shift+→`` rather than ``Shift+Right``)."""
    parts = sequence.toString(QKeySequence.SequenceFormat.NativeText).split("+")
    return "+".join(KEY_NAMES.get(p, p) for p in parts) if parts != [""] else ""


def _what(action):
    """What an action does: its tooltip without the trailing ``(key)``, else its text."""
    text = action.text().replace("&", "").rstrip("…").strip()
    tip = action.toolTip().strip()
    if tip.endswith(")") and "(" in tip:
        tip = tip[: tip.rfind("(")].strip()
    return text, (tip if tip and tip != text else "")


def shortcut_rows(window):
    """``[(keys, name, what it does)]`` of every action of ``window`` with a shortcut, in the
    order the actions were created; one row per action (its keys joined by " or ")."""
    rows, seen = [], set()
    for action in window.findChildren(QAction):
        keys = [key_text(s) for s in action.shortcuts() if not s.isEmpty()]
        if not keys or id(action) in seen:
            continue
        seen.add(id(action))
        name, what = _what(action)
        rows.append((" or ".join(keys), name, what))
    return rows


def shortcuts_html(window):
    rows = "".join(
        f"<tr><td><b>{html.escape(k)}</b>&nbsp;&nbsp;</td><td>{html.escape(n)}&nbsp;&nbsp;"
        f"</td><td style='color:#555;'>{html.escape(w)}</td></tr>"
        for k, n, w in shortcut_rows(window))
    return f"<table cellspacing='2'>{rows}</table>"


def help_html(window, about):
    return (f"{about}<h4>Getting started</h4><p>{html.escape(GETTING_STARTED)}</p>"
            f"<h4>Keyboard shortcuts</h4>{shortcuts_html(window)}")


class TextDialog(QDialog):
    """A non-modal window with rich text and a Close button (``text()`` reads it back)."""

    def __init__(self, parent, title, name):
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(640, 520)

    def show_html(self, text):
        self.browser.setHtml(text)
        self.show()
        self.raise_()
        self.activateWindow()

    def text(self):
        return self.browser.toPlainText()


def show_text(window, name, title, text):
    """Show ``text`` in the window's dialog ``name`` (created once, then reused)."""
    dialog = window.findChild(TextDialog, name)
    if dialog is None:
        dialog = TextDialog(window, title, name)
    dialog.show_html(text)
    return dialog
