"""``install_gradcheck(window)``: Tools → Check gradients (``checkGradients``, Ctrl+G)."""

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence

from gui.gradcheck.dialog import GradientChecker

TIP = ("Compare backpropagation with finite differences on a small batch, per layer "
       "(pauses training)")


@dataclass(frozen=True)
class GradientCheck:
    """What :func:`install_gradcheck` adds to a window."""

    checker: GradientChecker
    actions: dict  # {"checkGradients": QAction}


def install_gradcheck(window):
    """Add Check gradients to ``window``'s Tools menu; returns it."""
    checker = GradientChecker(window)
    action = QAction("Check gradients", window)
    action.setObjectName("checkGradients")
    action.setShortcut(QKeySequence("Ctrl+G"))
    action.setToolTip(TIP)
    action.setStatusTip(TIP)
    action.triggered.connect(checker.run)
    window.add_action("tools", action, "check")
    return GradientCheck(checker, {"checkGradients": action})
