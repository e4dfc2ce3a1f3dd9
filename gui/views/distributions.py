"""DistributionsView: per-layer weights, activations and gradients as quantile bands over steps.

TensorBoard's histograms, drawn the way its "distributions" tab does: for the chosen layer,
three plots share the step axis — ``W``, the activations ``f(z)`` on a fixed sample of
training rows, and ``dW`` — each as nested bands (0–100 %, 10–90 %, 25–75 %) around the
median. A fourth plot counts dead units (ReLU: output 0 on every sampled row) or saturated
units (tanh/sigmoid: in the flat tails on more than 90 % of the rows); the definitions are in
``core.watch.distributions``. Vanishing gradients show as a gradient band collapsing onto zero;
dying ReLUs as a rising dead count.

Statistics are computed from what each snapshot already carries (weights, gradients and
``sample_z``) by a :class:`~gui.views.distribution_recorder.DistributionRecorder`, which the
window feeds every snapshot shown, whether this view is visible (or built) or not; drawing
happens only in ``show_snapshot``, which the frame painter skips while the view is hidden.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.watch.distributions import KINDS, QUANTILES, SAMPLE_ROWS, SATURATED_SHARE
from gui.theme.style import NEGATIVE_HEX, POSITIVE_HEX
from gui.views.activation_curves import layer_titles
from gui.views.curve_ranges import RangeAnchor, band_span, step_span
from gui.views.distribution_recorder import DistributionRecorder
from gui.views.focus_combo import FocusCombo
from gui.views.lazy_menu import add_plot
from gui.views.on_screen import OnScreenGate
from gui.views.plot_style import (
    FOREGROUND,
    HINT_COLOR,
    cache_axes,
    new_layout_widget,
    show_hint,
    style_plot,
)
from gui.views.slice_sliders import ElidedLabel

TITLES = {"weights": "weights W", "activations": "activations f(z) on the sample",
          "gradients": "gradients dW"}
#: What the bands are, in the title of the topmost plot shown.
BANDS_TEXT = " · bands 0–100, 10–90, 25–75 %, line: median"
#: The plots the "Show" choice offers: all four stacked, or one at a time.
SHOW_CHOICES = (("all", "all four plots"), ("weights", "weights W"),
                ("activations", "activations f(z)"), ("gradients", "gradients dW"),
                ("counter", "dead / saturated units"))
#: Height (px) of the plots' area from which all four plots are stacked, each still
#: readable; a shorter panel (a docked tab at 1366×768 is ~240 px) shows one at a time.
ALL_PLOTS_HEIGHT = 440
AXIS_NAMES = {"weights": "W", "activations": "f(z)", "gradients": "dW"}
#: Band alphas, outer (0–100 %) to inner (25–75 %).
BAND_ALPHAS = (45, 80, 130)
EMPTY_HINT = "Press Play or Step: the distributions appear here as training runs"


def counter_kind(activation):
    """"dead" for ReLU, "saturated" for tanh/sigmoid, None for other activations."""
    if activation == "relu":
        return "dead"
    return "saturated" if activation in ("tanh", "sigmoid") else None


class CompactAxis(pg.AxisItem):
    """Tick labels in 3 significant digits (1.5e-08 too): the gradients of a vanishing layer
    are ~1e-8, where the default labels show nothing but 0."""

    def tickStrings(self, values, scale, spacing):
        return ["0" if abs(v) < 1e-6 * spacing else f"{v * scale:.3g}" for v in values]


class _BandPlot:
    """One plot: three nested quantile bands and the median line over steps.

    Auto-range frames only a :class:`RangeAnchor` (rounded bounds that move seldom, see
    :mod:`curve_ranges`): a range that followed the data would move, and regenerate both
    axes, on every Step.
    """

    def __init__(self, plot, color):
        self.plot = plot
        base = pg.mkColor(color)
        n = len(QUANTILES)
        edge = pg.mkColor(base)
        edge.setAlpha(70)
        self.edges = []
        for _ in range(n):
            curve = pg.PlotCurveItem(pen=pg.mkPen(edge, width=1), connect="finite")
            plot.addItem(curve, ignoreBounds=True)
            self.edges.append(curve)
        self.bands = []  # outer to inner: closed polygons (upper edge out, lower edge back)
        for alpha in BAND_ALPHAS:
            c = pg.mkColor(base)
            c.setAlpha(alpha)
            band = pg.PlotCurveItem(pen=None, brush=pg.mkBrush(c), fillLevel="enclosed",
                                    connect="finite")
            band.setZValue(-1)
            plot.addItem(band, ignoreBounds=True)
            self.bands.append(band)
        self.median = pg.PlotCurveItem(pen=pg.mkPen(base, width=2), connect="finite")
        plot.addItem(self.median, ignoreBounds=True)
        self.anchor = RangeAnchor()
        plot.addItem(self.anchor)

    def set_data(self, steps, bands):
        """``steps (m,)``, ``bands (m, len(QUANTILES))``."""
        for k, item in enumerate(self.edges):
            item.setData(steps, bands[:, k])
        n = len(QUANTILES)
        around = np.concatenate([steps, steps[::-1]])
        for k, band in enumerate(self.bands):
            band.setData(around, np.concatenate([bands[:, k], bands[::-1, n - 1 - k]]))
        self.median.setData(steps, bands[:, len(QUANTILES) // 2])
        self._frame(steps, bands)

    def _frame(self, steps, bands):
        finite = bands[np.isfinite(bands)]
        if not len(steps) or not finite.size:
            self.anchor.set_bounds(None)
            return
        current = self.anchor.bounds
        y0, y1 = band_span(float(finite.min()), float(finite.max()),
                           None if current is None else current[2:])
        self.anchor.set_bounds((*step_span(steps[-1]), y0, y1))


class DistributionsView(OnScreenGate, QWidget):
    """Quantile bands over steps for the chosen layer, and its dead/saturated unit count,
    drawn from ``recorder`` (the window's, which the session resets and feeds; without one,
    the view records into its own, reset with the view)."""

    def __init__(self, recorder=None, parent=None):
        super().__init__(parent)
        self._owns_recorder = recorder is None
        self.recorder = DistributionRecorder() if recorder is None else recorder
        self.layer_combo = FocusCombo(objectName="distributionLayer")
        self.layer_combo.setToolTip("Which layer's distributions to draw")
        self.layer_combo.setSizeAdjustPolicy(
            FocusCombo.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.layer_combo.setMinimumContentsLength(12)
        self.show_combo = FocusCombo(objectName="distributionShow")
        for key, text in SHOW_CHOICES:
            self.show_combo.addItem(text, key)
        self.show_combo.setSizeAdjustPolicy(
            FocusCombo.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.show_combo.setMinimumContentsLength(10)
        self.show_combo.setToolTip("Which plot to draw: all four need a taller panel (drag "
                                   "its edge, or float it); a short one shows one at a time")
        # one line beside the choices (what a short docked tab has room for); the rule in
        # full in its tooltip and over the count's own plot
        self.counter_label = ElidedLabel(objectName="unitCounter")
        self.counter_label.setStyleSheet(f"color: {FOREGROUND};")
        self.layout_widget = new_layout_widget()
        self.layout_widget.ci.setContentsMargins(2, 2, 6, 2)  # a docked tab is ~200 px high
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        for text, combo in (("Layer:", self.layer_combo), ("Show:", self.show_combo)):
            bar.addWidget(QLabel(text))
            bar.addWidget(combo)
        bar.addWidget(self.counter_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.layout_widget, 1)
        self._build_plots()
        self._info = None
        self._picked = None  # the "Show" choice the user made (None: all, if they fit)
        self._shown = None
        self._in_layout = {*KINDS, "counter"}  # built stacked
        self._has_counter = True
        self._counter_rule = ""
        self.layer_combo.currentIndexChanged.connect(lambda _i: self._draw())
        self.show_combo.activated.connect(self._show_picked)
        self._arrange()

    def _build_plots(self):
        grid = self.layout_widget.ci
        self.band_plots = {}
        colors = {"weights": POSITIVE_HEX, "activations": "#2ca02c", "gradients": NEGATIVE_HEX}
        for kind in KINDS:
            plot = style_plot(add_plot(grid, axisItems={"left": CompactAxis("left")}),
                              TITLES[kind])
            plot.showGrid(x=True, y=True, alpha=0.15)
            cache_axes(plot)
            plot.hideButtons()
            plot.setLabel("left", AXIS_NAMES[kind])
            plot.setLabel("bottom", "step")
            self.band_plots[kind] = _BandPlot(plot, colors[kind])
            grid.nextRow()
        self.counter_plot = style_plot(add_plot(grid))
        self._counter_ticks = None
        self.counter_plot.hideButtons()
        self.counter_plot.setLabel("bottom", "step")
        self.counter_curve = self.counter_plot.plot(pen=pg.mkPen("#d62728", width=2),
                                                    stepMode=None)
        self.counter_plot.setMinimumHeight(115)
        self.hint = pg.TextItem(EMPTY_HINT, color=HINT_COLOR, anchor=(0.5, 0.5))
        self._hint_plot = self.band_plots["weights"].plot
        self._hint_plot.addItem(self.hint, ignoreBounds=True)

    # ----------------------------------------------------------------- arrangement
    def shown_plots(self):
        """Keys of the plots drawn now, top to bottom ("weights", …, "counter")."""
        return list(self._shown)

    def _show_picked(self, index):
        self._picked = self.show_combo.itemData(index)
        self._arrange()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._arrange()

    def _arrange(self):
        """Lay out the plots the "Show" choice asks for (all of them only when they fit)."""
        fits = self.layout_widget.height() >= ALL_PLOTS_HEIGHT
        self.show_combo.model().item(0).setEnabled(fits)
        self.show_combo.model().item(len(SHOW_CHOICES) - 1).setEnabled(self._has_counter)
        want = self._picked or "all"
        if (want == "all" and not fits) or (want == "counter" and not self._has_counter):
            want = "weights"
        keys = [*KINDS, "counter"] if want == "all" else [want]
        if not self._has_counter and len(keys) > 1:
            keys.remove("counter")
        if keys == self._shown:
            return
        self._shown = keys
        self.show_combo.setCurrentIndex(self.show_combo.findData(want))
        plots = {**{k: bp.plot for k, bp in self.band_plots.items()}, "counter": self.counter_plot}
        grid = self.layout_widget.ci.layout
        for key in self._in_layout:
            grid.removeItem(plots[key])
            plots[key].setVisible(False)
        self._in_layout = set(keys)
        for row, key in enumerate(keys):
            grid.addItem(plots[key], row, 0)
            plots[key].setVisible(True)
            grid.setRowStretchFactor(row, 0 if key == "counter" and len(keys) > 1 else 1)
        # stacked, the count is a low strip (its rule is in the label above); alone, a plot
        self.counter_plot.setMaximumHeight(160 if len(keys) > 1 else 16777215)
        self._title_counter()
        if plots[keys[0]] is not self._hint_plot:  # the hint goes where it can be seen
            self._hint_plot.removeItem(self.hint)
            self._hint_plot = plots[keys[0]]
            self._hint_plot.addItem(self.hint, ignoreBounds=True)
            if self.hint.isVisible():
                show_hint(self._hint_plot, self.hint, True)
        self._link_steps(plots, keys)
        first_band = next((k for k in keys if k in self.band_plots), None)
        for kind, band_plot in self.band_plots.items():
            band_plot.plot.setTitle(TITLES[kind] + (BANDS_TEXT if kind == first_band else ""),
                                    color=FOREGROUND, size="9pt")
            band_plot.plot.getAxis("bottom").showLabel(kind == keys[-1])
        # sized before the plots changed (clamped to the old minimum height): size it again
        self.layout_widget.ci.setGeometry(QRectF(self.layout_widget.rect()))

    # ----------------------------------------------------------------- contract slots
    def reset(self, trainer_info):
        """A new network: list its layers, draw nothing until a snapshot is shown (a view
        built late finds the window's recorder holding the steps so far)."""
        self._info = trainer_info
        if self._owns_recorder:
            self.recorder.reset(trainer_info)
        self._forget_pending()
        self.layer_combo.blockSignals(True)
        self.layer_combo.clear()
        self.layer_combo.addItems(layer_titles(trainer_info))
        self.layer_combo.blockSignals(False)
        self._has_counter = counter_kind(trainer_info.activation_names[0]) is not None
        self._counter_rule = ""
        self._shown = None  # arranged again (and the count's title reset) for this network
        self._arrange()
        show_hint(self._hint_plot, self.hint, True)
        self._draw_nothing()

    @property
    def history(self):
        """The recorder's ``DistributionHistory``."""
        return self.recorder.history

    def record(self, snapshot):
        """Add ``snapshot``'s statistics to the history (once per snapshot)."""
        self.recorder.record(snapshot)

    def show_snapshot(self, snapshot):
        """Record ``snapshot`` (if not yet); redraw the bands when the view can be seen."""
        self.record(snapshot)
        OnScreenGate.show_snapshot(self, snapshot)

    def _draw_snapshot(self, snapshot):
        self._draw()

    def redraw(self):
        """Draw the recorder's history again (it was put back: Edit → Undo)."""
        self._draw()

    # ----------------------------------------------------------------- public helpers
    def layer(self):
        return self.layer_combo.currentIndex()

    def set_layer(self, index):
        self.layer_combo.setCurrentIndex(index)

    # ----------------------------------------------------------------- drawing
    def _draw_nothing(self):
        for band_plot in self.band_plots.values():
            band_plot.set_data(np.empty(0), np.empty((0, len(QUANTILES))))
        self.counter_curve.setData([], [])
        self.counter_label.set_full_text("")

    def _draw(self):
        layer = self.layer()
        if self._info is None or layer < 0 or not len(self.history):
            self._draw_nothing()
            return
        if self.hint.isVisible():
            self.hint.setVisible(False)
            for plot in (*(bp.plot for bp in self.band_plots.values()), self.counter_plot):
                plot.enableAutoRange(x=True, y=plot is not self.counter_plot)
        steps = self.history.steps()
        for kind, band_plot in self.band_plots.items():
            band_plot.set_data(steps, self.history.bands(layer, kind))
        self._draw_counter(layer, steps)

    def _draw_counter(self, layer, steps):
        activation = self._info.activation_names[layer]
        which = counter_kind(activation)
        if self._has_counter != (which is not None):
            self._has_counter = which is not None
            self._arrange()
        latest = self.history.latest(layer)
        if which is None:
            self.counter_label.set_full_text(f"{activation}: no dead-unit or saturation "
                                             f"count (defined for relu, tanh and sigmoid)")
            return
        counts = self.history.counters(layer, which)
        self.counter_curve.setData(steps, counts)
        self.counter_plot.setYRange(0, latest.units, padding=0.05)
        if self._counter_ticks != latest.units:  # 0 and all units: readable in a low plot
            self._counter_ticks = latest.units
            half = latest.units // 2
            self.counter_plot.getAxis("left").setTicks(
                [[(0, "0"), (half, str(half)), (latest.units, str(latest.units))]])
        n = getattr(latest, which)
        if which == "dead":
            rule = f"output 0 on all {SAMPLE_ROWS} sampled rows"
            self.counter_plot.setLabel("left", "dead")
        else:
            rule = f"in the flat tails on >{100 * SATURATED_SHARE:.0f}% of sampled rows"
            self.counter_plot.setLabel("left", "saturated")
        self.counter_label.set_full_text(f"{which} units: {n} of {latest.units} ({rule})")
        self._counter_rule = f"{which} units: {rule}"
        self._title_counter()

    def _link_steps(self, plots, keys):
        """The shown plots share the step axis of the topmost; it follows the steps itself
        (a plot linked to a hidden one would not: hidden items take no part in auto-range)."""
        first = plots[keys[0]]
        first.setXLink(None)
        first.enableAutoRange(x=True)
        for key, plot in plots.items():
            if plot is not first:
                plot.setXLink(first if key in keys else None)

    def _title_counter(self):
        """The count's rule over its plot when it is shown alone (stacked, the label above
        the plots says it)."""
        alone = self._shown == ["counter"] and self._counter_rule
        self.counter_plot.setTitle(self._counter_rule if alone else None, color=FOREGROUND,
                                   size="9pt")
