"""What an exported figure says around its picture: title, subtitle and legend entries.

``caption_of(view)`` looks at the view's type and what it shows now (the run's dataset, the
metric, which test points are drawn) and returns a :class:`Caption`. The legend names every
colour of the picture: train vs test for curves and scatters, each class by its name from the
data, the sign of a weight for heatmaps and the diagram, each layer for gradient norms.
Nothing here draws; :mod:`gui.export.figure` lays the caption out around the picture.
"""

from dataclasses import dataclass

from core.data.catalog import DATASET_INFO
from gui.theme.style import NEGATIVE_HEX, POSITIVE_HEX, class_color
from gui.views.class_legend import MAX_ENTRIES, class_label
from gui.views.plot_style import FOREGROUND

#: Legend sample kinds: a line, a filled dot, a hollow square (test points), a colour swatch.
KINDS = ("line", "dot", "square", "swatch")
WRONG_HEX = "#d62728"
VIRIDIS_MID_HEX = "#21918c"


@dataclass(frozen=True)
class LegendEntry:
    """One legend item: ``text`` beside a ``kind`` sample (see ``KINDS``) in ``color``
    (a ``#rrggbb`` string)."""

    text: str
    color: str
    kind: str = "line"


@dataclass(frozen=True)
class Caption:
    """Title (one line), subtitle (one smaller line, may be empty) and legend entries."""

    title: str
    subtitle: str = ""
    legend: tuple = ()


def _info(view):
    return getattr(view, "_info", None)


def dataset_title(info):
    """"Circles" for a registered dataset, the file stem or name otherwise."""
    ds = info.dataset
    return getattr(DATASET_INFO.get(ds.name), "title", None) or str(ds.name)


def run_subtitle(info):
    """"Circles · network 2–8–8–1" (empty before a run is shown)."""
    if info is None:
        return ""
    sizes = "–".join(str(s) for s in info.sizes)
    return f"{dataset_title(info)} · network {sizes}"


def train_test_entries(info, kind="line", test_shown=True):
    """Train (blue) and, when the data has a test split and it is drawn, test (orange)."""
    entries = [LegendEntry("train", POSITIVE_HEX, kind)]
    if test_shown and (info is None or info.dataset.n_test > 0):
        entries.append(LegendEntry("test", NEGATIVE_HEX, kind))
    return entries


def class_entries(info):
    """One dot per class in its colour, named from the data ("class 0" for bare numbers)."""
    names = list(info.dataset.target_names)
    entries = [LegendEntry(class_label(n), class_color(k).name(), "dot")
               for k, n in enumerate(names[:MAX_ENTRIES])]
    if len(names) > MAX_ENTRIES:
        entries.append(LegendEntry(f"+ {len(names) - MAX_ENTRIES} more classes", FOREGROUND,
                                   "swatch"))
    return entries


def weight_sign_entries(what="weight"):
    return [LegendEntry(f"positive {what}", POSITIVE_HEX, "swatch"),
            LegendEntry("zero", "#ffffff", "swatch"),
            LegendEntry(f"negative {what}", NEGATIVE_HEX, "swatch")]


# ----------------------------------------------------------------------------- per view
def _loss_curves(view, info):
    metric = view.metric_plot.getAxis("left").labelText or "metric"
    return Caption(f"Loss and {metric} per epoch", run_subtitle(info),
                   tuple(train_test_entries(info)))


def _decision_surface(view, info):
    entries = class_entries(info) if info is not None else []
    entries.append(LegendEntry("training point", FOREGROUND, "dot"))
    if view.test_scatter.isVisible():
        entries.append(LegendEntry("test point", FOREGROUND, "square"))
    return Caption("Decision surface: predicted class over the inputs", run_subtitle(info),
                   tuple(entries))


def _regression_surface(view, info):
    entries = [LegendEntry("train", "#787878", "dot"), LegendEntry("test", FOREGROUND, "square"),
               LegendEntry("prediction", POSITIVE_HEX, "line")]
    if info is not None and info.dataset.n_inputs > 1:
        # the colour bar beside the maps gives the values; points are training rows
        entries = [LegendEntry("training point, filled with its target's colour",
                               VIRIDIS_MID_HEX, "dot")]
    return Caption("Regression: the network's prediction and the data", run_subtitle(info),
                   tuple(entries))


def _weights(view, info):
    return Caption("Weights of every layer (rows: inputs, columns: units; bottom row: biases)",
                   run_subtitle(info), tuple(weight_sign_entries()))


def _digits(view, info):
    return Caption("Digits: test predictions, confusion matrix, first-layer weights",
                   run_subtitle(info),
                   (LegendEntry("right prediction", FOREGROUND, "swatch"),
                    LegendEntry("wrong: predicted/true", WRONG_HEX, "swatch"),
                    *weight_sign_entries()))


def _network(view, info):
    mode = view.edge_mode() if hasattr(view, "edge_mode") else "weight"
    return Caption(f"Network (edges coloured by {mode})", run_subtitle(info),
                   tuple(weight_sign_entries(mode)))


def _gradient_norms(view, info):
    from gui.norms.view import layer_colors, layer_name

    n = len(view.grad_curves)
    entries = tuple(LegendEntry(layer_name(i, n), c.name(), "line")
                    for i, c in enumerate(layer_colors(n)))
    shown = view.mode.currentText()
    what = {"Gradients": "Gradient norms ‖∂L/∂W‖", "Weights": "Weight norms ‖W‖"}.get(
        shown, "Gradient norms ‖∂L/∂W‖ and weight norms ‖W‖")
    return Caption(f"{what} per layer, by step (log scale)", run_subtitle(info), entries)


CAPTIONS = {"LossCurvesView": _loss_curves, "DecisionSurfaceView": _decision_surface,
            "RegressionSurfaceView": _regression_surface, "WeightHeatmapsView": _weights,
            "DigitsView": _digits, "NetworkDiagram": _network,
            "GradientNormsView": _gradient_norms}


def caption_of(view, info=None):
    """The :class:`Caption` of ``view`` (a window view); ``info`` overrides the run the view
    remembers (``TrainerInfo``). An unknown view gets its class name as title."""
    info = info if info is not None else _info(view)
    for cls in type(view).__mro__:
        if cls.__name__ in CAPTIONS:
            return CAPTIONS[cls.__name__](view, info)
    return Caption(type(view).__name__, run_subtitle(info))
