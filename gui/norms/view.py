"""GradientNormsView: per-layer ‖∂L/∂W‖ and ‖W‖ over training steps, on log axes.

One curve per layer (``layer 1`` is the input side), coloured from dark blue (first) to
orange (output), so vanishing gradients show as a fan of lines decades apart and exploding
ones as lines shooting up. The data comes from :class:`~gui.running.observers.NormsObserver`
(``show_norms``); a vertical line marks the step the views show (it jumps back when the
timeline is scrubbed). Curves are created once per network and fed with ``setData``.
"""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from gui.views.curve_ranges import RangeAnchor, loss_span, step_span
from gui.views.lazy_menu import plot_widget
from gui.views.plot_style import (
    AXES_HEIGHT,
    BACKGROUND,
    HINT_COLOR,
    add_hint,
    cache_axes,
    long_history_curve,
    show_hint,
    style_plot,
)

EMPTY_HINT = "Press Play: the size of each layer's\ngradient appears here, step by step"
#: (combo text, show gradient plot, show weight plot)
MODES = (("Gradients", True, False), ("Weights", False, True), ("Both", True, True))
MODE_TIPS = {
    "Gradients": "‖∂L/∂W‖ of each layer: how strongly each layer is being pushed",
    "Weights": "‖W‖ of each layer: how large each layer's weights are",
    "Both": "Gradient norms above, weight norms below",
}
MARKER_PEN = pg.mkPen(HINT_COLOR, width=1, style=Qt.PenStyle.DashLine)


def layer_colors(n):
    """``n`` ``QColor``s from dark blue (first layer) through purple to orange (last)."""
    cmap = pg.colormap.get("plasma")
    positions = np.linspace(0.0, 0.82, n) if n > 1 else np.array([0.0])
    return [cmap.map(float(p), mode="qcolor") for p in positions]


def layer_name(i, n):
    """Legend text of layer ``i`` (0-based) of ``n``: "layer 3", the last "layer 9 (output)"."""
    return f"layer {i + 1} (output)" if i == n - 1 and n > 1 else f"layer {i + 1}"


def legend_html(colors):
    """Rich text "━ layer 1  ━ layer 2 …", each dash in its layer's colour."""
    n = len(colors)
    entries = [f'<span style="color:{c.name()}; font-weight:bold">━━</span>&nbsp;'
               + layer_name(i, n).replace(" ", "&nbsp;") for i, c in enumerate(colors)]
    return "&nbsp;&nbsp; ".join(entries)


def positive_points(x, y):
    """``x, y`` without the points a log axis cannot show (≤ 0, NaN, inf)."""
    keep = np.isfinite(y) & (y > 0)
    return (x, y) if keep.all() else (x[keep], y[keep])


class NormAxis(pg.AxisItem):
    """Log axis that labels decades (or, over less than two, 1-2-5 values) first, so the
    other ticks only get text when there is room (pyqtgraph labels them all otherwise)."""

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        ticks = super().logTickValues(minVal, maxVal, size, stdTicks)
        if not ticks or ticks[0][0] is not None:
            return ticks
        values = ticks[0][1]
        major = [v for v in values if abs(v - round(v)) < 1e-9]
        if len(major) < 2:  # less than a decade shown: 1-2-5 values instead
            major = [v for v in values if round(10 ** (v - math.floor(v))) in (1, 2, 5)]
        minor = [v for v in values if v not in major]
        return [(None, major), (None, minor)]


def _norm_plot(label):
    widget = plot_widget(background=BACKGROUND, axisItems={"left": NormAxis("left")})
    plot = style_plot(widget.getPlotItem())
    plot.setLogMode(y=True)
    plot.showGrid(x=True, y=True, alpha=0.2)
    cache_axes(plot)
    plot.setLabel("left", label)
    plot.setLabel("bottom", "step")
    marker = pg.InfiniteLine(angle=90, movable=False, pen=MARKER_PEN)
    plot.addItem(marker, ignoreBounds=True)
    anchor = RangeAnchor()  # the axes (cached pixmaps) change only at rounded bounds
    plot.addItem(anchor)
    return widget, marker, anchor


class GradientNormsView(QWidget):
    """Gradient norms (top) and/or weight norms (bottom) per layer against step.

    Implements the view contract (``reset``, ``show_snapshot``) and ``show_norms(data)`` for
    the observer's :class:`~gui.running.observers.NormsData`.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.mode = QComboBox(objectName="normsMode")
        for i, (text, _, _) in enumerate(MODES):
            self.mode.addItem(text)
            self.mode.setItemData(i, MODE_TIPS[text], Qt.ItemDataRole.ToolTipRole)
        self.mode.setToolTip("Which norms to plot: gradients ‖∂L/∂W‖, weights ‖W‖, or both")
        self.summary = QLabel("", objectName="normsSummary")
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.summary.setWordWrap(True)  # a narrow column: a second line, never a cut one
        self.summary.setToolTip("The last step's gradient norms of the first and last layer")
        self.grad_widget, self.grad_marker, grad_anchor = _norm_plot("‖∂L/∂W‖")
        self.weight_widget, self.weight_marker, weight_anchor = _norm_plot("‖W‖")
        self.anchors = (grad_anchor, weight_anchor)
        self.grad_widget.setToolTip("Gradient norm of each layer's weights (log scale)")
        self.weight_widget.setToolTip("Norm of each layer's weights (log scale)")
        self.weight_widget.getPlotItem().setXLink(self.grad_widget.getPlotItem())
        self.hint = add_hint(self.grad_widget.getPlotItem(), EMPTY_HINT)
        self.legend = QLabel("", objectName="normsLegend")
        self.legend.setWordWrap(True)
        self.legend.setContentsMargins(4, 0, 4, 0)
        self.legend.setToolTip("One line per layer: the first layer (input side) dark blue, "
                               "through purple, to the output layer in orange")
        self.grad_curves, self.weight_curves = [], []
        self.data = None
        self._pending = False
        self._on_screen = True
        self._info = None
        self._build_layout()
        self.mode.currentIndexChanged.connect(self._apply_mode)
        self._apply_mode()

    def _build_layout(self):
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        bar.addWidget(QLabel("Show"))
        bar.addWidget(self.mode)
        bar.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.legend)
        layout.addWidget(self.grad_widget, 1)
        layout.addWidget(self.weight_widget, 1)

    def set_min_plot_height(self, data_height):
        """Keep each shown plot's data area at least ``data_height`` px high."""
        for widget in (self.grad_widget, self.weight_widget):
            widget.setMinimumHeight(data_height + AXES_HEIGHT)

    # ------------------------------------------------------------------ contract slots
    def reset(self, trainer_info):
        """A new network: one curve per weight matrix, no data yet."""
        self._info = trainer_info  # the run an exported figure names
        self._ensure_curves(len(trainer_info.sizes) - 1)
        self._clear()

    def show_snapshot(self, snapshot):
        """Move the "now" marker to the snapshot's step."""
        for marker in (self.grad_marker, self.weight_marker):
            marker.setValue(snapshot.step)

    @Slot(object)
    def show_norms(self, data):
        """New :class:`NormsData` from the observer; drawn now or when the view is shown."""
        self._ensure_curves(data.n_layers)
        self.data = data
        if len(data.steps) == 0:
            self._clear()
        elif self.on_screen():
            self._draw()
        else:
            self._pending = True

    # ------------------------------------------------------------------ helpers
    def set_mode(self, text):
        """Show "Gradients", "Weights" or "Both"."""
        self.mode.setCurrentText(text)

    def plots(self):
        """The gradient and weight ``PlotItem``s."""
        return self.grad_widget.getPlotItem(), self.weight_widget.getPlotItem()

    def bring_up_to_date(self):
        """Draw the norms that arrived while the view was hidden (before an export)."""
        if self._pending and self.data is not None:
            self._draw()

    def on_screen(self):
        """Whether the view can be seen (shown, and its dock tab selected)."""
        return self._on_screen and self.isVisible()

    def set_on_screen(self, visible):
        """Connect to ``QDockWidget.visibilityChanged``: a tab behind another one is not
        drawn; it catches up when its tab is selected."""
        self._on_screen = bool(visible)
        if self._pending and self.on_screen():
            self._draw()

    def showEvent(self, event):
        super().showEvent(event)
        if self._pending and self.on_screen():
            self._draw()

    # ------------------------------------------------------------------ internals
    def _ensure_curves(self, n):
        if len(self.grad_curves) == n:
            return
        colors = layer_colors(n)
        for plot, curves in zip(self.plots(), (self.grad_curves, self.weight_curves),
                                strict=True):
            for curve in curves:
                plot.removeItem(curve)
            curves.clear()
            for i, color in enumerate(colors):
                pen = pg.mkPen(color, width=2)
                curves.append(long_history_curve(plot, pen, layer_name(i, n)))
        self.legend.setText(legend_html(colors))

    def _clear(self):
        self.data = None
        self._pending = False
        for curve in (*self.grad_curves, *self.weight_curves):
            curve.setData([], [])
        for anchor in self.anchors:
            anchor.set_bounds(None)
        self.summary.setText("")
        show_hint(self.grad_widget.getPlotItem(), self.hint, True)

    def _draw(self):
        self._pending = False
        data = self.data
        steps = data.steps.astype(np.float64)
        for curves, values in ((self.grad_curves, data.grad), (self.weight_curves, data.weight)):
            for i, curve in enumerate(curves):
                curve.setData(*positive_points(steps, values[:, i]), skipFiniteCheck=True)
        x0, x1 = step_span(steps[-1])
        for anchor, values in zip(self.anchors, (data.grad, data.weight), strict=True):
            span = loss_span(values, log=True)
            anchor.set_bounds(None if span is None else (x0, x1, *span))
        if self.hint.isVisible():
            self.hint.setVisible(False)
            for plot in self.plots():
                plot.enableAutoRange()
        self.summary.setText(summary_text(data))

    def _apply_mode(self):
        _, grads, weights = MODES[self.mode.currentIndex()]
        self.grad_widget.setVisible(grads)
        self.weight_widget.setVisible(weights)


def summary_text(data):
    """"step 120 · ‖∂L/∂W‖ first layer 3.4e-07, last 0.00012: 350× smaller" (last full row)."""
    shown = np.isfinite(data.grad).all(axis=1) & (data.grad > 0).all(axis=1)
    if not shown.any():
        return ""
    row = int(np.flatnonzero(shown)[-1])
    first, last = float(data.grad[row, 0]), float(data.grad[row, -1])
    text = f"step {int(data.steps[row]):,} · ‖∂L/∂W‖ first layer {first:.2g}, last {last:.2g}"
    if data.n_layers > 1 and 2 * first <= last:  # "1× smaller" would say nothing
        ratio = last / first
        text += f": {ratio:,.0f}× smaller" if ratio < 1e6 else f": {ratio:.1e}× smaller"
    return text
