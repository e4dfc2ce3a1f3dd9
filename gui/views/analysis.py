"""``install_analysis_views(window)``: activation curves, distributions, confusion, warp docks.

Adds four docks to a :class:`~gui.shell.window.MainWindow`, tabbed with "Inside the network"
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
(:class:`~gui.views.on_screen.OnScreenGate`). Returns them as :class:`AnalysisViews`.
"""

from dataclasses import dataclass

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


@dataclass(frozen=True)
class AnalysisViews:
    """The four views :func:`install_analysis_views` docks, and their docks' toggles."""

    activation_view: ActivationCurvesView
    distributions_view: DistributionsView
    confusion_view: ConfusionView
    warp_view: WarpView
    actions: dict  # showActivations, showDistributions, showConfusion, showWarp -> QAction


def install_analysis_views(window):
    """Create, dock and register the four views on ``window``; returns them."""
    actions, views = {}, {}
    for object_name, title, cls, action_name, tip in DOCKS:
        view = cls()
        dock = window.add_dock(object_name, title, view, tip=tip, group="inside")
        dock.visibilityChanged.connect(view.set_on_screen)
        dock.toggleViewAction().setObjectName(action_name)
        actions[action_name] = dock.toggleViewAction()
        views[cls] = view
    found = AnalysisViews(views[ActivationCurvesView], views[DistributionsView],
                          views[ConfusionView], views[WarpView], actions)
    found.confusion_view.highlighter = window.decision_view.highlight_test_points
    inside = window.findChild(QDockWidget, "inspectDock")
    if inside is not None:
        inside.raise_()
    for view in views.values():
        window.session.add_view(view)
    window.session.snapshotShown.connect(found.distributions_view.record)
    window.diagram.neuronClicked.connect(
        lambda hit: _pick_layer(hit, found.activation_view, found.distributions_view))
    return found


def _pick_layer(hit, *views):
    """A neuron clicked in the diagram, ``(column, unit)`` with column 0 the inputs: its
    layer becomes the one the activation and distribution views show."""
    column = hit[0]
    for view in views:
        if 1 <= column <= view.layer_combo.count():
            view.set_layer(column - 1)
