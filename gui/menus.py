"""The menu bar: File (Open CSV…, Quit), View (panels, log scale), Help (Help F1, shortcuts,
About)."""

import re
from importlib import metadata
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

from gui.help_dialog import help_html, shortcuts_html, show_text
from gui.undo.unsaved import quit_asking

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


def new_action(window, text, slot, shortcut=None, tip=None, name=None):
    """A ``QAction`` owned by ``window`` that calls ``slot``; ``tip`` is its tooltip and status
    tip, ``name`` its object name (what tests and the shortcuts dialog find it by)."""
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

    Returns the dict of named actions: ``openCsv``, ``quit``, ``logScale``, ``help`` (F1),
    ``about``, ``shortcuts``.
    """
    bar = window.menuBar()
    actions = {
        "openCsv": new_action(window, "Open CSV…", window.open_csv, QKeySequence.StandardKey.Open,
                           "Load your own data from a CSV file", "openCsv"),
        "quit": new_action(window, "Quit", lambda: quit_asking(window), "Ctrl+Q",
                        "Stop training and close Backprop Studio", "quit"),
        "logScale": new_action(window, "Loss on a log scale", toggle_log_scale, None,
                            "Show the loss curves on a logarithmic axis", "logScale"),
        "help": new_action(window, f"{APP_NAME} help", lambda: show_help(window),
                        "F1",
                        "How to start, and every keyboard shortcut", "help"),
        "shortcuts": new_action(window, "Keyboard shortcuts", lambda: show_shortcuts(window),
                             None, "List every keyboard shortcut", "shortcuts"),
        "about": new_action(window, f"About {APP_NAME}", lambda: show_about(window), None,
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
    help_menu.addAction(actions["help"])
    help_menu.addAction(actions["shortcuts"])
    help_menu.addAction(actions["about"])
    return actions


def about_text():
    return (f"<h3>{APP_NAME} {app_version()}</h3><p>{DESCRIPTION}</p>"
            "<p>Press Space to train, → for one step. Hover over anything for an explanation.</p>"
            "<p>MIT License. The shipped data sets (digits, iris, wine, breast cancer) come "
            "from the UCI Machine Learning Repository under CC BY 4.0; see the README in the "
            "resources folder.</p>")


def show_about(window):
    QMessageBox.about(window, f"About {APP_NAME}", about_text())


def show_shortcuts(window):
    """The shortcuts of every action the window has now, in a non-modal window."""
    return show_text(window, "shortcutsDialog", "Keyboard shortcuts", shortcuts_html(window))


def show_help(window):
    """Help (F1): what the app is, how to start, and the shortcuts."""
    return show_text(window, "helpDialog", f"{APP_NAME} help", help_html(window, about_text()))
