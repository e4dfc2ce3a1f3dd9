"""``install_undo(window)``: the Edit menu (Undo Ctrl+Z, Redo Ctrl+Shift+Z) and the keeper
of replaced runs (:class:`~gui.undo.run_history.RunHistory`)."""

from PySide6.QtWidgets import QMenu

from gui.insight.install import find_menu
from gui.menus import new_action
from gui.undo.run_history import REDO_KEYS, UNDO_KEYS, RunHistory

UNDO_TIP = ("Bring back the run the last change replaced: its weights, optimizer state, "
            "history, timeline, gradient norms and settings")
REDO_TIP = "Make the undone change again (the run it replaced comes back)"


def _edit_menu(window):
    """The window's Edit menu, made after File when there is none."""
    menu = find_menu(window, "&Edit")
    if menu is not None:
        return menu
    bar = window.menuBar()
    menu = QMenu("&Edit", bar)
    menu.setObjectName("editMenu")
    menus = [a for a in bar.actions() if a.menu() is not None]
    after_file = next((i + 1 for i, a in enumerate(menus) if a.text() == "&File"), 0)
    before = menus[after_file] if after_file < len(menus) else None
    if before is None:
        bar.addMenu(menu)
    else:
        bar.insertMenu(before, menu)
    return menu


def install_undo(window):
    """Add Edit → Undo / Redo to ``window`` and make its session keep replaced runs.

    Returns
    -------
    dict of str to QAction
        ``undo`` and ``redo``.
    """
    history = RunHistory(window, parent=window)
    history.setObjectName("runHistory")
    actions = {
        "undo": new_action(window, "Undo", history.undo, UNDO_KEYS, UNDO_TIP, "undo"),
        "redo": new_action(window, "Redo", history.redo, REDO_KEYS, REDO_TIP, "redo"),
    }
    menu = _edit_menu(window)
    menu.addActions(list(actions.values()))

    def follow():
        actions["undo"].setText(history.undo_text())
        actions["undo"].setEnabled(bool(len(history.undo_runs)))
        actions["redo"].setText(history.redo_text())
        actions["redo"].setEnabled(bool(len(history.redo_runs)))

    history.changed.connect(follow)
    follow()
    window.run_history = history
    return actions
