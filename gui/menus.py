"""The menu bar: File (Open CSV…, Quit), View (panels, log scale), Help (shortcuts, About)."""

import re
from importlib import metadata
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

from gui.transport import SHORTCUTS

APP_NAME = "Backprop Studio"
DESCRIPTION = (
    "Train small neural networks and watch them learn: every weight, activation and "
    "gradient, live. A from-scratch NumPy engine (no autograd library) in a PySide6 window, "
    "for students, teachers and anyone preparing for an interview."
)


def app_version():
    """The installed package's version, else the one in ``pyproject.toml``, else "dev"."""
    try:
        return metadata.version("backprop-studio")
    except metadata.PackageNotFoundError:
        pass
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    if pyproject.is_file():
        found = re.search(r'^version\s*=\s*"([^"]+)"', pyproject.read_text(), re.MULTILINE)
        if found:
            return found.group(1)
    return "dev"


def _action(window, text, slot, shortcut=None, tip=None, name=None):
    action = QAction(text, window)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setToolTip(tip)
        action.setStatusTip(tip)
    if name:
        action.setObjectName(name)
    action.triggered.connect(slot)
    return action


def build_menus(window, docks, toggle_log_scale):
    """Fill ``window.menuBar()``; ``docks`` are the ``QDockWidget``s to list under View.

    Returns the dict of named actions: ``openCsv``, ``quit``, ``logScale``, ``about``,
    ``shortcuts``.
    """
    bar = window.menuBar()
    actions = {
        "openCsv": _action(window, "Open CSV…", window.open_csv, QKeySequence.StandardKey.Open,
                           "Load your own data from a CSV file", "openCsv"),
        "quit": _action(window, "Quit", window.close, QKeySequence.StandardKey.Quit,
                        "Stop training and close Backprop Studio", "quit"),
        "logScale": _action(window, "Loss on a log scale", toggle_log_scale, None,
                            "Show the loss curves on a logarithmic axis", "logScale"),
        "shortcuts": _action(window, "Keyboard shortcuts", lambda: show_shortcuts(window),
                             None, "List the keyboard shortcuts", "shortcuts"),
        "about": _action(window, f"About {APP_NAME}", lambda: show_about(window), None,
                         "Version and a short description", "about"),
    }
    actions["logScale"].setCheckable(True)
    file_menu = bar.addMenu("&File")
    file_menu.addAction(actions["openCsv"])
    file_menu.addSeparator()
    file_menu.addAction(actions["quit"])
    view_menu = bar.addMenu("&View")
    for dock in docks:
        view_menu.addAction(dock.toggleViewAction())
    view_menu.addSeparator()
    view_menu.addAction(actions["logScale"])
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(actions["shortcuts"])
    help_menu.addAction(actions["about"])
    return actions


def about_text():
    return (f"<h3>{APP_NAME} {app_version()}</h3><p>{DESCRIPTION}</p>"
            "<p>Press Space to train, → for one step. Hover over anything for an explanation.</p>"
            "<p>MIT License. The shipped data sets (digits, iris, wine, breast cancer) come "
            "from the UCI Machine Learning Repository under CC BY 4.0; see the README in the "
            "resources folder.</p>")


def shortcuts_text():
    rows = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>" for k, v in SHORTCUTS)
    return f"<table>{rows}</table>"


def show_about(window):
    QMessageBox.about(window, f"About {APP_NAME}", about_text())


def show_shortcuts(window):
    QMessageBox.information(window, "Keyboard shortcuts", shortcuts_text())
