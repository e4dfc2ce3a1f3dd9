"""``install_undo(window)``: the Edit menu (Undo Ctrl+Z, Redo Ctrl+Shift+Z) and the keeper
of replaced runs (:class:`~gui.undo.run_history.RunHistory`)."""

from dataclasses import dataclass

from gui.shell.menus import new_action
from gui.undo.run_history import REDO_KEYS, UNDO_KEYS, RunHistory

UNDO_TIP = ("Bring back the run the last change replaced: its weights, optimizer state, "
            "history, timeline, gradient norms and settings")
REDO_TIP = "Make the undone change again (the run it replaced comes back)"


@dataclass(frozen=True)
class Undo:
    """What :func:`install_undo` adds to a window."""

    history: RunHistory  # the replaced runs, and undo/redo themselves
    actions: dict  # ``undo`` and ``redo``


def install_undo(window):
    """Add Edit → Undo / Redo to ``window`` and make its session keep replaced runs.

    Returns
    -------
    Undo
        Its ``history`` and its ``actions`` (``undo``, ``redo``).
    """
    history = RunHistory(window, parent=window)
    history.setObjectName("runHistory")
    actions = {
        "undo": new_action(window, "Undo", history.undo, UNDO_KEYS, UNDO_TIP, "undo"),
        "redo": new_action(window, "Redo", history.redo, REDO_KEYS, REDO_TIP, "redo"),
    }
    for action in actions.values():
        window.add_action("edit", action, "history")

    def follow():
        actions["undo"].setText(history.undo_text())
        actions["undo"].setEnabled(bool(len(history.undo_runs)))
        actions["redo"].setText(history.redo_text())
        actions["redo"].setEnabled(bool(len(history.redo_runs)))

    history.changed.connect(follow)
    follow()
    return Undo(history, actions)
