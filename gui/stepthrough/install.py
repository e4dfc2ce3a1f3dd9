"""``install_stepthrough(window)``: add the step-through and weight editing to a ``MainWindow``.

Adds the checkable "Step through" action (object name ``stepThrough``, key T) to the transport
toolbar after Epoch, the "Next phase" (N), "Finish step" (Shift+N) and "Leave" actions, a
"Step through" dock at the bottom (controls and neuron equations; listed under View).
``install_weight_edits`` connects the diagram's click-to-edit to the worker.
"""

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle

from gui.stepthrough.controller import StepThroughController
from gui.stepthrough.edits import WeightEdits
from gui.stepthrough.mode import StepThroughMode
from gui.stepthrough.overlay import StepOverlay
from gui.stepthrough.panel import StepThroughPanel

ACTIONS = {
    "stepThrough": ("Step through", "T",
                    "Split the next training step into its phases and watch each on the "
                    "diagram: forward, loss, backward, update (T). Pauses training."),
    "nextPhase": ("Next phase", "N",
                  "Run the next phase of the step being stepped through (N); after the "
                  "update, start a step-through of the next step"),
    "finishStep": ("Finish step", "Shift+N",
                   "Run every remaining phase: the network ends exactly as after a plain "
                   "Step (Shift+N)"),
    "leaveStep": ("Leave", None,
                  "Close the step-through; an unfinished step is dropped and the network "
                  "is left as it was"),
}


def _actions(window):
    out = {}
    for name, (text, key, tip) in ACTIONS.items():
        action = QAction(text, window)
        action.setObjectName(name)
        if key:
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        window.addAction(action)
        out[name] = action
    out["stepThrough"].setCheckable(True)
    out["stepThrough"].setIcon(
        window.style().standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView))
    return out


def _add_to_toolbar(window, action):
    """Put ``action`` on the transport bar right after Epoch (else at its end)."""
    bar = getattr(window, "transport", None)
    if bar is None:
        return
    items = bar.actions()
    epoch = next((k for k, a in enumerate(items) if a.objectName() == "stepEpoch"), None)
    after = items[epoch + 1] if epoch is not None and epoch + 1 < len(items) else None
    bar.insertAction(after, action) if after is not None else bar.addAction(action)


def _dock(window, panel):
    dock = window.add_dock(
        "stepThroughDock", "Step through", panel, Qt.DockWidgetArea.BottomDockWidgetArea,
        "one training step phase by phase, and the clicked neuron's equations")
    window.resizeDocks([dock], [250], Qt.Orientation.Vertical)
    dock.hide()
    return dock


def install_stepthrough(window):
    """Add the step-through to ``window`` (a ``MainWindow``).

    Returns
    -------
    StepThroughMode
        Its ``actions``: ``{"stepThrough", "nextPhase", "finishStep", "leaveStep"}`` →
        ``QAction``.
    """
    actions = _actions(window)
    _add_to_toolbar(window, actions["stepThrough"])
    panel = StepThroughPanel(actions)
    dock = _dock(window, panel)
    controller = StepThroughController(window.session, parent=window)
    overlay = StepOverlay(window.diagram)
    return StepThroughMode(window, controller, panel, overlay, dock, actions)


def install_weight_edits(window):
    """Click-to-edit weights on ``window``'s diagram; returns the ``WeightEdits``."""
    return WeightEdits(window.session, window.diagram, parent=window)
