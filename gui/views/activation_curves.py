"""ActivationCurvesView: f and f′ of every activation, with a layer's live z under them.

The notebook's step 1 plots sigmoid and ReLU with their derivatives. This view plots any
activation of the registry (the *Function* combo) and, beyond the notebook, the live
histogram of one layer's pre-activations ``z`` (the *Layer* combo) on a second axis: a
student sees a sigmoid layer sitting in its flat tails, or half a ReLU layer below zero. The
``z`` values are those the snapshot carries (``Snapshot.sample_z``: a fixed sample of
training rows). Picking a layer shows its own activation; another function can then be
picked to ask "what if this layer used that one?".

Softmax is not elementwise: it is drawn per class (class k's probability as its own logit
varies, the other logits at 0; see ``core.nn.activation_curves``).

Cheap per snapshot: one ``np.histogram`` and one ``setData``; the curves are recomputed
only when the function or the z range changes.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.nn.activation_curves import curves, flat_share, z_histogram, z_span
from core.nn.activations import ACTIVATIONS
from gui.theme.style import NEGATIVE_HEX, POSITIVE_HEX
from gui.views.focus_combo import FocusCombo
from gui.views.on_screen import OnScreenGate
from gui.views.plot_style import FOREGROUND, HINT_COLOR, all_finite, new_plot_widget, round_up

GRID_POINTS = 801
HIST_BINS = 60
HIST_BRUSH = (120, 120, 120, 70)
EMPTY_HINT = "Press Play or Step: the histogram of the layer's z appears under the curves"
SOFTMAX_NOTE = ("softmax is not elementwise: class k's probability as its own logit z varies, "
                "the other {others} logits at 0; f′ is ∂s_k/∂z_k")


def layer_titles(info):
    """One title per layer of ``info`` (``TrainerInfo``): "layer 1 · tanh · 8 units"."""
    titles = []
    n = len(info.activation_names)
    for i, name in enumerate(info.activation_names):
        units = info.sizes[i + 1]
        where = "output" if i == n - 1 else f"layer {i + 1}"
        titles.append(f"{where} · {name} · {units} unit{'s' if units != 1 else ''}")
    return titles


class ActivationCurvesView(OnScreenGate, QWidget):
    """Plot of f and f′ of the chosen activation, with a layer's z histogram under them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layer_combo = FocusCombo(objectName="activationLayer")
        self.layer_combo.setToolTip("Whose pre-activations z to show as a histogram")
        self.function_combo = FocusCombo(objectName="activationFunction")
        self.function_combo.addItems(ACTIVATIONS.names())
        self.function_combo.setToolTip("The activation function drawn (f solid, f′ dashed)")
        self.summary = QLabel("", objectName="activationSummary")
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet(f"color: {FOREGROUND};")
        self.plot_widget = new_plot_widget()
        self.plot = self.plot_widget.getPlotItem()
        self._build_layout()
        self._build_items()
        self._info = None
        self._z = None  # the chosen layer's sample z, (n_sample, units)
        self._span = None
        self.counts = self.edges = None
        self.layer_combo.currentIndexChanged.connect(self._layer_picked)
        self.function_combo.currentIndexChanged.connect(self._function_picked)

    def _build_layout(self):
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        bar.addWidget(QLabel("Layer:"))
        bar.addWidget(self.layer_combo)
        bar.addWidget(QLabel("Function:"))
        bar.addWidget(self.function_combo)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(self.plot_widget, 1)

    def _build_items(self):
        plot = self.plot
        plot.showGrid(x=True, y=True, alpha=0.15)
        plot.setLabel("bottom", "z (pre-activation)")
        plot.setLabel("left", "f(z), f′(z)")
        self.legend = plot.addLegend(offset=(8, 8))
        self.f_curve = plot.plot(pen=pg.mkPen(POSITIVE_HEX, width=2.5), name="f(z)")
        self.df_curve = plot.plot(pen=pg.mkPen(NEGATIVE_HEX, width=2.5,
                                               style=pg.QtCore.Qt.PenStyle.DashLine),
                                  name="f′(z)")
        # The histogram lives in a second ViewBox (its own y axis on the right, x linked).
        self.hist_box = pg.ViewBox(enableMouse=False)
        self.hist_box.setZValue(-100)
        plot.scene().addItem(self.hist_box)
        plot.showAxis("right")
        right = plot.getAxis("right")
        right.linkToView(self.hist_box)
        right.setLabel("share of the layer's z values (%)")
        self.hist_box.setXLink(plot)
        self.hist_item = pg.PlotDataItem(stepMode="center", fillLevel=0.0,
                                         brush=pg.mkBrush(*HIST_BRUSH),
                                         pen=pg.mkPen((110, 110, 110), width=1))
        self.hist_box.addItem(self.hist_item)
        self.legend.addItem(self.hist_item, "z of the layer")
        self.hint = pg.TextItem(EMPTY_HINT, color=HINT_COLOR, anchor=(0.5, 0.0),
                                fill=(255, 255, 255, 210))
        plot.addItem(self.hint, ignoreBounds=True)
        plot.getViewBox().sigResized.connect(self._sync_hist_box)
        self._hist_top = None

    def _sync_hist_box(self):
        self.hist_box.setGeometry(self.plot.getViewBox().sceneBoundingRect())
        self.hist_box.linkedViewChanged(self.plot.getViewBox(), self.hist_box.XAxis)

    # ----------------------------------------------------------------- contract slots
    def reset(self, trainer_info):
        """A new network: list its layers, show the first hidden layer's function."""
        self._info = trainer_info
        self._z = None
        self._forget_pending()
        self._latest = None
        self.counts = self.edges = None
        self.layer_combo.blockSignals(True)
        self.layer_combo.clear()
        self.layer_combo.addItems(layer_titles(trainer_info))
        self.layer_combo.setCurrentIndex(0)
        self.layer_combo.blockSignals(False)
        self.hist_item.setData([], [])
        self.hint.setVisible(True)
        self._span = None
        self._show_function(trainer_info.activation_names[0], z_span(np.zeros(1)))

    def _draw_snapshot(self, snapshot):
        """Histogram the chosen layer's ``snapshot.sample_z[layer] (n_sample, units)``."""
        sample_z = getattr(snapshot, "sample_z", None)
        if self._info is None or sample_z is None or not all_finite(*sample_z):
            return
        self._latest = sample_z
        self._update_histogram()

    # ----------------------------------------------------------------- public helpers
    def layer(self):
        """Index of the chosen layer (0 = first hidden layer)."""
        return self.layer_combo.currentIndex()

    def function(self):
        """Name of the activation drawn."""
        return self.function_combo.currentText()

    def set_layer(self, index):
        """Choose layer ``index`` as if picked in the combo."""
        self.layer_combo.setCurrentIndex(index)

    # ----------------------------------------------------------------- drawing
    def _n_classes(self):
        """Logits of the chosen layer (softmax draws class 0 against the other C − 1)."""
        return max(int(self._info.sizes[self.layer() + 1]), 2) if self._info else 2

    def _show_function(self, name, span):
        """Draw ``name``'s f and f′ over ``[-span, span]`` and select it in the combo."""
        self.function_combo.blockSignals(True)
        self.function_combo.setCurrentText(name)
        self.function_combo.blockSignals(False)
        self._span = span
        self.grid = np.linspace(-span, span, GRID_POINTS)
        f, df = curves(name, self.grid, self._n_classes())
        self.f_curve.setData(self.grid, f)
        self.df_curve.setData(self.grid, df)
        vb = self.plot.getViewBox()
        vb.setXRange(-span, span, padding=0.0)
        low, high = float(min(f.min(), df.min())), float(max(f.max(), df.max()))
        pad = 0.08 * max(high - low, 1.0)
        vb.setYRange(low - pad, high + pad, padding=0.0)
        self.hint.setPos(0.0, high + pad)
        self._update_summary()

    def _update_histogram(self):
        z = self._latest[self.layer()]
        span = z_span(z)
        if span != self._span:
            self._show_function(self.function(), span)
        self._z = z
        self.counts, self.edges = z_histogram(z, span, HIST_BINS)
        share = 100.0 * self.counts / max(int(z.size), 1)
        self.hist_item.setData(self.edges, share)
        top = round_up(max(float(share.max()), 1.0) * 1.15)
        if top != self._hist_top:
            self._hist_top = top
            self.hist_box.setYRange(0.0, top, padding=0.0)
        if self.hint.isVisible():
            self.hint.setVisible(False)
        self._update_summary()

    def _update_summary(self):
        name = self.function()
        parts = []
        if name == "softmax":
            parts.append(SOFTMAX_NOTE.format(others=self._n_classes() - 1))
        if self._z is not None and self._z.size:
            share = flat_share(name, self._z, self._n_classes())
            parts.append(f"z: mean {float(self._z.mean()):.3g}, sd {float(self._z.std()):.3g} "
                         f"over {self._z.shape[0]} rows · {100 * share:.0f}% where f′ is "
                         f"under 5% of its peak (little gradient passes)")
        self.summary.setText(" · ".join(parts))

    def _layer_picked(self, index):
        if self._info is None or index < 0:
            return
        self._z = None
        self._show_function(self._info.activation_names[index], self._span or 5.0)
        if getattr(self, "_latest", None) is not None:
            self._update_histogram()

    def _function_picked(self, _index):
        self._show_function(self.function(), self._span or 5.0)
