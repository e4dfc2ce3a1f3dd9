"""``install_stepthrough(window)``: add the step-through and weight editing to a ``MainWindow``.

Adds the checkable "Step through" action (object name ``stepThrough``, key T) to the transport
toolbar after Epoch, the "Next phase" (N), "Finish step" (Shift+N) and "Leave" actions, a
"Step through" dock at the bottom (controls and neuron equations; listed under View), and
connects the diagram's click-to-edit to the worker. Returns the dict of new actions.
"""

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QStyle

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
    dock = QDockWidget("Step through", window)
    dock.setObjectName("stepThroughDock")
    dock.setWidget(panel)
    tip = "one training step phase by phase, and the clicked neuron's equations"
    dock.setToolTip(tip)
    dock.toggleViewAction().setToolTip(f"Show or hide the Step through panel: {tip}")
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    window.resizeDocks([dock], [250], Qt.Orientation.Vertical)
    dock.hide()
    for menu_action in window.menuBar().actions():
        if menu_action.text().replace("&", "") == "View" and menu_action.menu() is not None:
            menu_action.menu().addAction(dock.toggleViewAction())
    return dock


def install_stepthrough(window):
    """Add the step-through and weight editing to ``window`` (a ``MainWindow``).

    Sets ``window.stepthrough`` (the ``StepThroughMode``) and ``window.weight_edits``.

    Returns
    -------
    dict
        ``{"stepThrough", "nextPhase", "finishStep", "leaveStep"}`` → ``QAction``.
    """
    actions = _actions(window)
    _add_to_toolbar(window, actions["stepThrough"])
    panel = StepThroughPanel(actions)
    dock = _dock(window, panel)
    controller = StepThroughController(window.session, parent=window)
    overlay = StepOverlay(window.diagram)
    window.stepthrough = StepThroughMode(window, controller, panel, overlay, dock, actions)
    window.weight_edits = WeightEdits(window.session, window.diagram, parent=window)
    return actions
