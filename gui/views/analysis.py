"""``install_analysis_views(window)``: activation curves, distributions, confusion, warp docks.

Adds four docks to a :class:`~gui.main_window.MainWindow`, tabbed with "Inside the network"
(so the default layout keeps its size) and listed under View:

- "Activations" (:class:`ActivationCurvesView`): f and f′ of every activation, with the
  chosen layer's live z histogram;
- "Distributions" (:class:`DistributionsView`): quantile bands over steps per layer, dead
  and saturated unit counts; it records every snapshot the session shows, drawn or not;
- "Confusion" (:class:`ConfusionView`): the test set's confusion matrix and per-class
  accuracy; a clicked cell rings its test points on the decision surface (2-D data);
- "Warp" (:class:`WarpView`): the input plane's grid lines and the data as two neurons of
  a hidden layer see them (2-D data).

A neuron clicked in the diagram selects its layer in the first two.

Each view is registered with the session like the others: the frame painter skips it while
its dock is hidden, and the view itself draws nothing while its tab is behind another one
(:class:`~gui.views.on_screen.OnScreenGate`). Returns the docks' toggle actions by name.
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from gui.views.activation_curves import ActivationCurvesView
from gui.views.confusion import ConfusionView
from gui.views.distributions import DistributionsView
from gui.views.warp import WarpView

DOCKS = (
    ("activationsDock", "Activations", ActivationCurvesView, "showActivations",
     "activation functions f and f′, with a layer's pre-activations z under them"),
    ("distributionsDock", "Distributions", DistributionsView, "showDistributions",
     "weights, activations and gradients of a layer as quantile bands over steps"),
    ("confusionDock", "Confusion", ConfusionView, "showConfusion",
     "test-set confusion matrix and per-class accuracy; click a cell to see its rows"),
    ("warpDock", "Warp", WarpView, "showWarp",
     "the input plane's grid and the data as two neurons of a hidden layer see them"),
)


def _view_menu(window):
    for action in window.menuBar().actions():
        if action.menu() is not None and action.text() == "&View":
            return action.menu()
    return None


def install_analysis_views(window):
    """Create, dock and register the four views on ``window``.

    Returns
    -------
    dict of str to QAction
        ``showActivations``, ``showDistributions``, ``showConfusion``, ``showWarp``: the
        docks' toggles.
    """
    right = Qt.DockWidgetArea.RightDockWidgetArea
    inside = window.findChild(QDockWidget, "inspectDock")
    menu = _view_menu(window)
    separators = [a for a in menu.actions() if a.isSeparator()] if menu else []
    actions, views = {}, {}
    for object_name, title, cls, action_name, tip in DOCKS:
        view = cls()
        dock = QDockWidget(title, window)
        dock.setObjectName(object_name)
        dock.setWidget(view)
        dock.setToolTip(tip)
        dock.visibilityChanged.connect(view.set_on_screen)
        window.addDockWidget(right, dock)
        if inside is not None:
            window.tabifyDockWidget(inside, dock)
        toggle = dock.toggleViewAction()
        toggle.setObjectName(action_name)
        toggle.setToolTip(f"Show or hide the {title} panel: {tip}")
        if menu is not None:
            menu.insertAction(separators[0] if separators else None, toggle)
        actions[action_name] = toggle
        views[cls] = view
    if inside is not None:
        inside.raise_()
    window.activation_view = views[ActivationCurvesView]
    window.distributions_view = views[DistributionsView]
    window.confusion_view = views[ConfusionView]
    window.warp_view = views[WarpView]
    window.confusion_view.highlighter = window.decision_view.highlight_test_points
    for view in views.values():
        window.session.add_view(view)
    window.session.snapshotShown.connect(window.distributions_view.record)
    window.diagram.neuronClicked.connect(
        lambda hit: _pick_layer(hit, window.activation_view, window.distributions_view))
    return actions


def _pick_layer(hit, *views):
    """A neuron clicked in the diagram, ``(column, unit)`` with column 0 the inputs: its
    layer becomes the one the activation and distribution views show."""
    column = hit[0]
    for view in views:
        if 1 <= column <= view.layer_combo.count():
            view.set_layer(column - 1)
