"""The loss view's header line: a colour legend (train, test) with the latest values.

The full sentence ("Epoch 190: loss 0.00192 (train), 0.002399 (test); test accuracy 99.5%")
is the tooltip; the line shows the longest of a few shorter forms that fits the width, so
nothing is ever cut off mid-word.
"""

import numpy as np
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy

from gui.theme.style import NEGATIVE_HEX, POSITIVE_HEX

SWATCH = "━"
METRIC_LABELS = {"accuracy": "accuracy", "r2": "R²"}
SHORT_METRIC = {"accuracy": "acc.", "r2": "R²"}


def fmt(value, percent=False, digits=3):
    """Short text of a float (``"—"`` when not finite)."""
    if value is None or not np.isfinite(value):
        return "—"
    return f"{100 * value:.1f}%" if percent else f"{value:.{digits}g}"


def _entry(color, name, value=""):
    text = f"{name} {value}".strip()
    return (f'<span style="color:{color}">{SWATCH}</span> {text}', f"{SWATCH} {text}")


def summary_forms(last, metric):
    """``[(rich, plain), ...]`` from the longest to the shortest form of the header.

    ``last`` is None (nothing trained yet) or a dict with ``epoch``, ``train_loss``,
    ``test_loss``, ``test_metric``.
    """
    if last is None:
        return [_join(_entry(POSITIVE_HEX, "train"), _entry(NEGATIVE_HEX, "test"))]
    percent = metric == "accuracy"
    train, test = fmt(last["train_loss"]), fmt(last["test_loss"])
    legend = _join(_entry(POSITIVE_HEX, "train", train), _entry(NEGATIVE_HEX, "test", test))
    long_metric = f"test {METRIC_LABELS.get(metric, metric)} {fmt(last['test_metric'], percent)}"
    short_metric = f"{SHORT_METRIC.get(metric, metric)} {fmt(last['test_metric'], percent)}"
    epoch = f"epoch {int(last['epoch'])}"
    bare = _join(_entry(POSITIVE_HEX, "train"), _entry(NEGATIVE_HEX, "test"))
    return [
        _join(("loss", "loss"), legend, (f"· {long_metric}",) * 2, (f"· {epoch}",) * 2),
        _join(("loss", "loss"), legend, (f"· {long_metric}",) * 2),
        _join(legend, (f"· {short_metric}",) * 2),
        legend,
        bare,
    ]


def _join(*parts):
    return ("&nbsp; ".join(p[0] for p in parts), "  ".join(p[1] for p in parts))


def tooltip(last, metric):
    """The full sentence for the header's tooltip ("" before training)."""
    if last is None:
        return "Loss per epoch: training set (blue) and test set (orange)."
    label = METRIC_LABELS.get(metric, metric)
    percent = metric == "accuracy"
    return (
        f"Epoch {int(last['epoch'])}: loss {fmt(last['train_loss'], digits=6)} (train), "
        f"{fmt(last['test_loss'], digits=6)} (test); test {label} "
        f"{fmt(last['test_metric'], percent)}, train {label} "
        f"{fmt(last['train_metric'], percent)}."
    )


class CurveSummary(QLabel):
    """A one-line rich-text label showing the longest summary form that fits its width."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("curvesSummary")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextFormat(self.textFormat().RichText)
        self._forms = summary_forms(None, "accuracy")
        self._shown = None
        self.set_summary(None, "accuracy")

    def set_summary(self, last, metric):
        """Show the latest ``last`` values (see :func:`summary_forms`) for ``metric``."""
        self._forms = summary_forms(last, metric)
        self.setToolTip(tooltip(last, metric))
        self._fit()

    def plain_text(self):
        """The text shown, without markup."""
        return self._shown[1] if self._shown else ""

    def _fit(self):
        metrics = QFontMetrics(self.font())
        width = self.contentsRect().width()
        chosen = self._forms[-1]
        for form in self._forms:
            if metrics.horizontalAdvance(form[1]) <= width:
                chosen = form
                break
        if chosen != self._shown:
            self._shown = chosen
            self.setText(chosen[0])

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._fit()
