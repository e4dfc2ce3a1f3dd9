"""Help (F1) and the shortcuts dialog, both generated from the window's actions."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from gui.shell.help_dialog import TextDialog, key_text, shortcut_rows
from tests.gui.helpers import action

EXPECTED = {"Space": "Play", "→": "Step", "Shift+→": "Epoch", "R": "Reset",
            "T": "Step through", "N": "Next phase", "Shift+N": "Finish step",
            "Ctrl+S": "Save session", "Ctrl+G": None, "Ctrl+D": "Draw a digit",
            "Ctrl+O": "Open CSV", "Ctrl+Q": "Quit", "F1": "Backprop Studio help",
            "Ctrl+0": None}


def every_action_key(window):
    keys = set()
    for a in window.findChildren(QAction):
        for s in a.shortcuts():
            if not s.isEmpty():
                keys.add(key_text(s))
    return keys


def test_f1_opens_help_with_every_shortcut(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    dialog = window.findChild(TextDialog, "helpDialog")
    assert dialog is not None and dialog.isVisible()
    text = dialog.text()
    assert "Getting started" in text and "Press Space" in text
    rows = {key: name for keys, name, _what in shortcut_rows(window)
            for key in keys.split(" or ")}
    for key, name in EXPECTED.items():
        assert key in rows, f"{key} is missing from {sorted(rows)}"
        assert name is None or rows[key].startswith(name), (key, rows[key])
        assert key in text
    assert set(rows) == every_action_key(window)  # every shortcut
    assert any(" or " in keys for keys, _n, _w in shortcut_rows(window))  # zoom in: Ctrl+= or +
    dialog.close()


def test_the_shortcuts_dialog_lists_actions_added_later(qtbot, window):
    late = QAction("Frobnicate the weights", window)
    late.setShortcut(QKeySequence("Ctrl+Shift+K"))
    late.setToolTip("A test action (Ctrl+Shift+K)")
    window.addAction(late)
    action(window, "shortcuts").trigger()
    dialog = window.findChild(TextDialog, "shortcutsDialog")
    assert dialog.isVisible()
    text = dialog.text()
    assert "Ctrl+Shift+K" in text and "Frobnicate the weights" in text
    assert "A test action" in text and "(Ctrl+Shift+K)" not in text
    assert "Ctrl+G" in text and "Shift+→" in text
    dialog.close()
