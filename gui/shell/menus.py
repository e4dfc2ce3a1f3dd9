"""The menu bar: its menus in a fixed order, each in named sections, and the app's own
entries: File (Open CSV…, Quit), View (log scale), Help (Help F1, shortcuts, About).

Features never look a menu up by its visible text: they ask the window for one by key
(``window.menu("tools")``) and place actions in a named section
(``window.add_action("file", action, "export")``); see :class:`WindowMenus`.
"""

import contextlib
import re
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from gui.shell.help_dialog import help_html, shortcuts_html, show_text
from gui.undo.unsaved import quit_asking

APP_NAME = "Backprop Studio"
DESCRIPTION = (
    "Train small neural networks and watch them learn: every weight, activation and "
    "gradient, live. A from-scratch NumPy engine (no autograd library) in a PySide6 window, "
    "for students, teachers and anyone preparing for an interview."
)


def app_version():
    """The installed package's version, else the one in ``pyproject.toml``, else "dev"."""
    from importlib import metadata  # here, for the About box: 25 ms of start-up otherwise

    with contextlib.suppress(metadata.PackageNotFoundError):  # running from a checkout
        return metadata.version("backprop-studio")
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
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


#: The window's menus by key, in menu-bar order: title and sections (top to bottom; a line
#: separates two sections that both hold actions).
MENUS = {
    "file": ("&File", ("open", "weights", "session", "export", "lesson", "record", "quit")),
    "edit": ("&Edit", ("history", "data")),
    "view": ("&View", ("panels", "options", "zoom")),
    "tools": ("&Tools", ("check", "explore")),
    "help": ("&Help", ("examples", "help")),
}


class WindowMenus:
    """The menus of one ``QMenuBar``, created on first use and always in :data:`MENUS` order.

    ``add_action(key, action, section)`` appends ``action`` to its section: after the
    section's last action, or, for a section still empty, between the sections before and
    after it, with the separating lines that need.
    """

    def __init__(self, bar):
        self.bar = bar
        self._menus = {}
        self._placed = {}  # (menu key, section) -> actions placed there, in order

    def menu(self, key):
        """The ``QMenu`` for ``key`` ("file", "edit", "view", "tools", "help")."""
        if key not in MENUS:
            raise ValueError(f"No menu {key!r}: the window's menus are {', '.join(MENUS)}")
        if key not in self._menus:
            menu = QMenu(MENUS[key][0], self.bar)
            menu.setObjectName(f"{key}Menu")
            order = list(MENUS)
            later = [self._menus[k] for k in order[order.index(key) + 1:] if k in self._menus]
            if later:
                self.bar.insertMenu(later[0].menuAction(), menu)
            else:
                self.bar.addMenu(menu)
            self._menus[key] = menu
        return self._menus[key]

    def add_action(self, key, action, section=None):
        """Put ``action`` at the end of ``section`` of menu ``key`` (default: its first
        section); returns ``action``. A submenu goes in as ``submenu.menuAction()``."""
        menu = self.menu(key)
        sections = MENUS[key][1]
        section = sections[0] if section is None else section
        if section not in sections:
            raise ValueError(f"No section {section!r} in the {key} menu: it has "
                             f"{', '.join(sections)}")
        index = sections.index(section)
        own = self._placed.setdefault((key, section), [])
        if own:
            items = menu.actions()
            after = items.index(own[-1]) + 1
            menu.insertAction(items[after] if after < len(items) else None, action)
        else:
            later = next((self._placed[(key, s)][0] for s in sections[index + 1:]
                          if self._placed.get((key, s))), None)
            earlier = any(self._placed.get((key, s)) for s in sections[:index])
            if later is not None:
                menu.insertAction(later, action)
                menu.insertSeparator(later)
            else:
                if earlier:
                    menu.addSeparator()
                menu.addAction(action)
        own.append(action)
        return action


def build_menus(window, toggle_log_scale):
    """Add the app's own entries to ``window``'s menus (``window.add_action``).

    Returns the dict of named actions: ``openCsv``, ``quit``, ``logScale``, ``help`` (F1),
    ``about``, ``shortcuts``.
    """
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
    places = (("file", "open", "openCsv"), ("file", "quit", "quit"),
              ("view", "options", "logScale"), ("help", "help", "help"),
              ("help", "help", "shortcuts"), ("help", "help", "about"))
    for key, section, name in places:
        window.add_action(key, actions[name], section)
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
