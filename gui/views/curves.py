"""LossCurvesView: train/test loss against epoch, and accuracy (or R²) in a linked plot below.

Four curves are created once and fed the whole history with ``setData``; clip-to-view and
peak downsampling keep 100,000 epochs cheap to redraw. A log-scale toggle applies to the loss.

The colour legend sits in the header line with the latest values (:mod:`curve_summary`), not
inside the plots, where it hid the newest epochs. Axis ranges move in rounded steps
(:mod:`curve_ranges`) and the axes paint from a pixmap cache, so a frame usually repaints the
curves only, not every tick label.
"""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from gui.theme.style import NEGATIVE_HEX, POSITIVE_HEX
from gui.views.curve_ranges import RangeAnchor, epoch_span, loss_span, metric_span
from gui.views.curve_summary import METRIC_LABELS, CurveSummary
from gui.views.lazy_menu import add_plot
from gui.views.plot_style import (
    AXES_HEIGHT,
    add_hint,
    cache_axes,
    long_history_curve,
    new_layout_widget,
    show_hint,
    style_plot,
)

EMPTY_HINT = "Press Play to train:\nloss and accuracy curves appear here"
FIRST_EPOCH_HINT = ("Step {step} is inside epoch 1:\nthe curves start when an epoch ends\n"
                    "(Step epoch finishes it)")
TRAIN_PEN = pg.mkPen(POSITIVE_HEX, width=2)
TEST_PEN = pg.mkPen(NEGATIVE_HEX, width=2)
KEYS = ("train_loss", "test_loss", "train_metric", "test_metric")


def _strictly_increasing(x):
    """``x (n,)`` with each repeated value (an edit recorded at an epoch's end, see
    ``core.train.history``) moved a hair left of the next: pyqtgraph's clip-to-view drops
    the last of two points with one x at the view's right edge, and with it the jump."""
    ties = np.flatnonzero(np.diff(x) <= 0)
    if not ties.size:
        return x
    x = np.array(x, dtype=np.float64)
    for i in ties[::-1]:  # right to left: a run of repeats steps back one hair each
        x[i] = x[i + 1] - 1e-6
    return x


def _set_curve(curve, x, y, log=False):
    """Feed ``x, y (n,)`` to ``curve``, dropping non-finite points (and ≤ 0 ones in log).

    A line needs two points: a single one (after the first epoch) is drawn as a dot."""
    x = _strictly_increasing(x)
    keep = np.isfinite(y)
    if log:
        keep &= y > 0
    if not keep.all():
        x, y = x[keep], y[keep]
    dot = len(y) < 2
    if dot != (curve.opts["symbol"] is not None):
        pen = curve.opts["pen"]
        curve.setSymbol("o" if dot else None)
        curve.setSymbolSize(7)
        curve.setSymbolBrush(pg.mkPen(pen).color() if dot else None)
        curve.setSymbolPen(None)
    curve.setData(x, y, skipFiniteCheck=True)


class LossAxis(pg.AxisItem):
    """Left axis whose log mode labels decades first, so the minor ticks (0.02, 0.03, ...)
    only get text when there is room for it (pyqtgraph labels them all otherwise)."""

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        ticks = super().logTickValues(minVal, maxVal, size, stdTicks)
        if not ticks or ticks[0][0] is not None:
            return ticks
        decades = [float(v) for v in range(math.ceil(minVal), math.floor(maxVal) + 1)]
        if not decades:
            return ticks
        minor = [v for v in ticks[0][1] if min(abs(v - d) for d in decades) > 1e-9]
        return [(1.0, decades), (None, minor)]


class LossCurvesView(QWidget):
    """Loss (top) and metric (bottom) against epoch, x axes linked.

    Signals
    -------
    logScaleChanged(bool) : the loss axis switched to/from log scale (checkbox or method).
    """

    logScaleChanged = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.log_check = QCheckBox("Log scale", objectName="logScale")
        self.log_check.setToolTip("Logarithmic loss axis: small late improvements stay visible")
        self.summary = CurveSummary()
        self.layout_widget = new_layout_widget()
        self._build_layout()
        self._build_plots()
        self._metric = "accuracy"
        self._drawn = None
        self._history = None
        self.log_check.toggled.connect(self._log_toggled)

    def _build_layout(self):
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        bar.addWidget(self.log_check)
        bar.addSpacing(6)
        bar.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.layout_widget, 1)

    def _build_plots(self):
        self.loss_plot = style_plot(
            add_plot(self.layout_widget, row=0, col=0, axisItems={"left": LossAxis("left")})
        )
        self.metric_plot = style_plot(add_plot(self.layout_widget, row=1, col=0))
        self.metric_plot.setXLink(self.loss_plot)
        # the x axes are linked: the epoch numbers under the metric plot serve both, and
        # the loss plot keeps that height for its curves
        self.loss_plot.getAxis("bottom").setStyle(showValues=False)
        self.loss_plot.setLabel("left", "loss")
        self.metric_plot.setLabel("bottom", "epoch")
        self.anchors = {}
        for plot in (self.loss_plot, self.metric_plot):
            plot.showGrid(x=True, y=True, alpha=0.2)
            plot.getViewBox().setDefaultPadding(0.02)
            cache_axes(plot)
            self.anchors[plot] = RangeAnchor()
            plot.addItem(self.anchors[plot])
        self.loss_plot.getAxis("left").setWidth(44)  # both plots' curves start at the same x
        self.metric_plot.getAxis("left").setWidth(44)
        self.train_loss = long_history_curve(self.loss_plot, TRAIN_PEN, "train")
        self.test_loss = long_history_curve(self.loss_plot, TEST_PEN, "test")
        self.train_metric = long_history_curve(self.metric_plot, TRAIN_PEN, "train")
        self.test_metric = long_history_curve(self.metric_plot, TEST_PEN, "test")
        self.hint = add_hint(self.loss_plot, EMPTY_HINT)

    # ----------------------------------------------------------------- contract slots
    def reset(self, trainer_info):
        """A new run: clear the curves, label the metric plot ("accuracy" or "R²")."""
        self._metric = trainer_info.metric_name
        self.metric_plot.setLabel("left", METRIC_LABELS.get(self._metric, self._metric))
        for curve in self.curves():
            curve.setData([], [])
        for anchor in self.anchors.values():
            anchor.set_bounds(None)
        self._drawn = None
        self._history = None
        self.summary.set_summary(None, self._metric)
        show_hint(self.loss_plot, self.hint, True, EMPTY_HINT)
        self.metric_plot.getViewBox().setRange(yRange=(0, 1), padding=0.02)

    def show_snapshot(self, snapshot):
        """Redraw from ``snapshot.history`` (arrays of shape ``(n_epochs,)``) when it grew."""
        history = snapshot.history
        epochs = np.asarray(history.get("epoch", ()))
        if epochs.size == 0:
            self._before_first_epoch(snapshot.step)
            return
        key = (epochs.size, float(epochs[-1]))
        if key == self._drawn:
            return
        self._drawn = key
        self._history = history
        self._draw(history, epochs)
        if self.hint.isVisible():
            self.hint.setVisible(False)
            for plot in (self.loss_plot, self.metric_plot):
                plot.enableAutoRange()
        self.summary.set_summary({k: history[k][-1] for k in ("epoch", *KEYS)}, self._metric)

    # ----------------------------------------------------------------- public helpers
    def set_min_plot_height(self, data_height):
        """Never let either plot's data area get below ``data_height`` px (a dock that
        cannot give that room makes the window keep it)."""
        # the loss plot has a bare bottom axis, the metric plot the epoch numbers and label
        self.loss_plot.setMinimumHeight(data_height + 14)
        self.metric_plot.setMinimumHeight(data_height + AXES_HEIGHT)
        self.layout_widget.setMinimumHeight(2 * data_height + AXES_HEIGHT + 40)

    def set_log_scale(self, on):
        """Log (True) or linear (False) loss axis; keeps the checkbox in sync."""
        self.log_check.setChecked(bool(on))

    def is_log_scale(self):
        """Whether the loss axis is logarithmic."""
        return self.log_check.isChecked()

    def curves(self):
        """The four ``PlotDataItem``s: train loss, test loss, train metric, test metric."""
        return (self.train_loss, self.test_loss, self.train_metric, self.test_metric)

    # ----------------------------------------------------------------- internals
    def _draw(self, history, epochs):
        log = self.log_check.isChecked()
        dots = epochs.size == 1  # one record (e.g. loaded weights): a line would not show
        for curve, name in zip(self.curves(), KEYS, strict=True):
            if dots != (curve.opts["symbol"] is not None):
                curve.setSymbol("o" if dots else None)
                curve.setSymbolSize(7)
                curve.setSymbolBrush(curve.opts["pen"].color())
                curve.setSymbolPen(curve.opts["pen"].color())
            _set_curve(curve, epochs, np.asarray(history[name]), log and "loss" in name)
        self._anchor(history, epochs, log)

    def _anchor(self, history, epochs, log):
        """Round the plots' data bounds outwards (see :mod:`curve_ranges`)."""
        x0, x1 = epoch_span(epochs[-1])
        losses = np.concatenate([np.asarray(history[k]) for k in KEYS[:2]])
        metrics = np.concatenate([np.asarray(history[k]) for k in KEYS[2:]])
        for plot, span in ((self.loss_plot, loss_span(losses, log)),
                           (self.metric_plot, metric_span(metrics))):
            self.anchors[plot].set_bounds(None if span is None else (x0, x1, *span))

    def _before_first_epoch(self, step):
        """Steps taken but no epoch finished (a long first epoch, or training stopped in it)."""
        text = EMPTY_HINT if step == 0 else FIRST_EPOCH_HINT.format(step=step)
        if self.hint.toPlainText() != text:
            show_hint(self.loss_plot, self.hint, True, text)

    def _log_toggled(self, on):
        self.loss_plot.setLogMode(y=on)
        if self._history is not None:
            self._draw(self._history, np.asarray(self._history["epoch"]))
            self.loss_plot.enableAutoRange()
        self.logScaleChanged.emit(on)
