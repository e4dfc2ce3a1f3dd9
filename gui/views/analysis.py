"""``install_analysis_views(window)``: activation curves, distributions, confusion, warp docks.

Adds four docks to a :class:`~gui.shell.window.MainWindow`, tabbed with "Inside the network"
(so the default layout keeps its size) and listed under View:

- "Activations" (:class:`ActivationCurvesView`): f and f′ of every activation, with the
  chosen layer's live z histogram;
- "Distributions" (:class:`DistributionsView`): quantile bands over steps per layer, dead
  and saturated unit counts; its :class:`DistributionRecorder` records every snapshot the
  session shows, drawn or not, whether the view is built yet or not;
- "Confusion" (:class:`ConfusionView`): the test set's confusion matrix and per-class
  accuracy; a clicked cell rings its test points on the decision surface (2-D data);
- "Warp" (:class:`WarpView`): the input plane's grid lines and the data as two neurons of
  a hidden layer see them (2-D data).

A neuron clicked in the diagram selects its layer in the first two.

Each view is built the first time its dock tab is shown or the view is asked for (the
window's :meth:`~gui.shell.window.MainWindow.lazy_view`); until then its placeholder stands
in for it with the session. Once built, the frame painter skips it while its dock is hidden,
and the view itself draws nothing while its tab is behind another one
(:class:`~gui.views.on_screen.OnScreenGate`). Returns them as :class:`AnalysisViews`.
"""

from PySide6.QtWidgets import QDockWidget

from gui.views.activation_curves import ActivationCurvesView
from gui.views.confusion import ConfusionView
from gui.views.distribution_recorder import DistributionRecorder
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


def _built_on_first_use(cls):
    return property(lambda self: self.placeholders[cls].view(),
                    doc=f"The {cls.__name__}, built now if it was not yet.")


class AnalysisViews:
    """What :func:`install_analysis_views` adds: the four views' placeholders
    (``placeholders``, by view class; each view is also an attribute, built on first use),
    the Distributions view's ``recorder`` and the docks' toggles (``actions``:
    showActivations, showDistributions, showConfusion, showWarp -> QAction)."""

    activation_view = _built_on_first_use(ActivationCurvesView)
    distributions_view = _built_on_first_use(DistributionsView)
    confusion_view = _built_on_first_use(ConfusionView)
    warp_view = _built_on_first_use(WarpView)

    def __init__(self, window, recorder):
        self.window = window
        self.recorder = recorder
        self.placeholders = {}
        self.actions = {}
        self._picked_layer = None  # clicked in the diagram for views built later

    def make(self, cls):
        """A new view of ``cls``, connected to the window (the factory of its placeholder)."""
        view = DistributionsView(self.recorder) if cls is DistributionsView else cls()
        if cls is ConfusionView:
            view.highlighter = self.window.decision_view.highlight_test_points
        return view

    def view_built(self, view):
        """A view just built (and reset): the layer clicked for it before, if any."""
        if isinstance(view, ActivationCurvesView | DistributionsView) \
                and self._picked_layer is not None:
            view.set_layer(self._picked_layer)

    def pick_layer(self, hit):
        """A neuron clicked in the diagram, ``(column, unit)`` with column 0 the inputs: its
        layer becomes the one the activation and distribution views show (views not built
        yet show it once built, unless a new network comes first)."""
        layer = hit[0] - 1
        if not 0 <= layer < len(self.window.session.info.activation_names):
            return
        self._picked_layer = layer
        for cls in (ActivationCurvesView, DistributionsView):
            placeholder = self.placeholders[cls]
            if placeholder.is_built():
                placeholder.view().set_layer(layer)

    def forget_picked_layer(self, *_):
        """A new network starts on its first layer."""
        self._picked_layer = None

    def put_back_distributions(self, history):
        """Edit → Undo: the Distributions view shows ``history`` (a ``DistributionHistory``
        kept with the run) again."""
        if self.recorder.put_back_history(history):
            placeholder = self.placeholders[DistributionsView]
            if placeholder.is_built():
                placeholder.view().redraw()


def install_analysis_views(window):
    """Dock the four views' placeholders on ``window`` and register them; returns them."""
    found = AnalysisViews(window, DistributionRecorder())
    window.session.add_view(found.recorder)  # before the views: they draw what it holds
    for object_name, title, cls, action_name, tip in DOCKS:
        placeholder = window.lazy_view(lambda cls=cls: found.make(cls))
        dock = window.add_dock(object_name, title, placeholder, tip=tip, group="inside")
        placeholder.follow_dock(dock)
        placeholder.built.connect(found.view_built)
        dock.toggleViewAction().setObjectName(action_name)
        found.actions[action_name] = dock.toggleViewAction()
        found.placeholders[cls] = placeholder
    inside = window.findChild(QDockWidget, "inspectDock")
    if inside is not None:
        inside.raise_()
    for placeholder in found.placeholders.values():
        window.session.add_view(placeholder)
    # every snapshot shown, also one a pass of the frame painter ended before (a view failed)
    window.session.snapshotShown.connect(found.recorder.record)
    window.session.trainerChanged.connect(found.forget_picked_layer)
    window.diagram.neuronClicked.connect(found.pick_layer)
    return found
