"""PredictedActualView: how well a regression network fits, for any number of inputs.

Left, the prediction of every row against its actual target, training rows and test rows
in their own colours, with the line y = x on which a perfect fit would put every point.
Right, the residuals (actual − predicted) against the prediction, around a line at 0: a
pattern there (a curve, a funnel) is what the network has not learnt yet. Above both, R²
and RMSE of the training and the test rows, from ``core.train.metrics`` (the numbers
``main.py train --json`` reports for the same weights).

The training rows' predictions are not in a snapshot: the view runs the snapshot's copied
weights on them (``core.watch.layer_outputs``), the same arithmetic the trainer uses.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from core.train.metrics import r2_score, rmse
from core.watch.layer_outputs import layer_outputs
from gui.theme.style import NEGATIVE_HEX, POSITIVE_HEX
from gui.views.lazy_menu import add_plot
from gui.views.plot_style import (
    AXES_HEIGHT,
    FOREGROUND,
    add_hint,
    all_finite,
    new_layout_widget,
    show_hint,
    style_plot,
)

EMPTY_HINT = "Press Play to train:\npredictions appear here"
NOT_REGRESSION_HINT = "Predicted vs actual is drawn for regression data"
TRAIN_BRUSH = pg.mkBrush(POSITIVE_HEX + "99")
TEST_BRUSH = pg.mkBrush(NEGATIVE_HEX + "cc")
POINT_SIZE = 6
IDEAL_PEN = pg.mkPen(FOREGROUND, width=1.5, style=pg.QtCore.Qt.PenStyle.DashLine)


def fit_scores(predicted, actual):
    """``(r2, rmse)`` of ``predicted`` against ``actual`` (both (n, k)); NaNs for n = 0."""
    return r2_score(predicted, actual), rmse(predicted, actual)


def scores_text(train, test):
    """``"● Train R² 0.912 · RMSE 1.23   ■ Test R² …"`` (rich text) from two ``(r2, rmse)``
    pairs; the coloured marks are the points' legend."""
    def part(mark, color, name, scores):
        r2, error = scores
        text = f"{name}: no rows" if np.isnan(r2) else f"{name} R² {r2:.3f} · RMSE {error:.4g}"
        return f'<span style="color:{color}">{mark}</span> {text}'
    return (f"{part('●', POSITIVE_HEX, 'Train', train)}&nbsp;&nbsp;&nbsp;"
            f"{part('■', NEGATIVE_HEX, 'Test', test)}")


class PredictedActualView(QWidget):
    """Predicted-vs-actual scatter, residual plot and R²/RMSE of a regression run."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.scores_label = QLabel("", objectName="fitScores")
        self.scores_label.setToolTip("R²: share of the targets' variance the network explains "
                                     "(1 is perfect, 0 is as good as predicting the mean). "
                                     "RMSE: typical error, in the target's units.")
        self.target_combo = QComboBox(objectName="fitTarget")
        self.target_combo.setToolTip("Which output column the plots show")
        self.target_combo.currentIndexChanged.connect(self._redraw)
        self.layout_widget = new_layout_widget()
        self._build_plots()
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 0)
        bar.addWidget(self.scores_label, 1)
        bar.addWidget(self.target_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.layout_widget, 1)
        self._info = None
        self._X_net = None
        self._last = None  # (train predictions, test predictions) of the latest snapshot
        self.scores = None  # {"train": (r2, rmse), "test": (r2, rmse)} as displayed

    def _build_plots(self):
        grid = self.layout_widget.ci
        # no titles: the axis labels name each plot, and a short window needs the height
        self.fit_plot = style_plot(add_plot(grid))
        self.residual_plot = style_plot(add_plot(grid))
        self.fit_plot.setLabel("bottom", "actual")
        self.fit_plot.setLabel("left", "predicted")
        self.residual_plot.setLabel("bottom", "predicted")
        self.residual_plot.setLabel("left", "actual − predicted")
        self.ideal = pg.PlotDataItem(pen=IDEAL_PEN)
        self.fit_plot.addItem(self.ideal)
        self.ideal_label = pg.TextItem("y = x", color=FOREGROUND, anchor=(1.0, 0.0))
        self.fit_plot.addItem(self.ideal_label, ignoreBounds=True)
        self.zero = pg.InfiniteLine(pos=0.0, angle=0, pen=IDEAL_PEN)
        self.residual_plot.addItem(self.zero)
        self.points = {}
        for key, plot in (("fit", self.fit_plot), ("residual", self.residual_plot)):
            train = pg.ScatterPlotItem(size=POINT_SIZE, brush=TRAIN_BRUSH, pen=None)
            test = pg.ScatterPlotItem(size=POINT_SIZE + 1, symbol="s", brush=TEST_BRUSH,
                                      pen=pg.mkPen("k", width=0.6))
            plot.addItem(train)
            plot.addItem(test)
            self.points[key] = (train, test)
        self.hint = add_hint(self.fit_plot, EMPTY_HINT)

    def set_min_plot_height(self, data_height):
        """Keep the plots' data areas at least ``data_height`` px high."""
        self.layout_widget.setMinimumHeight(data_height + AXES_HEIGHT)

    # ----------------------------------------------------------------- contract slots
    def reset(self, trainer_info):
        """A new run: remember the network inputs of the training rows, clear the plots."""
        self._info = trainer_info
        self._last = None
        self.scores = None
        ds = trainer_info.dataset
        regression = ds.task == "regression"
        self._X_net = None
        if regression:
            dtype = np.dtype(trainer_info.config.dtype)
            self._X_net = (trainer_info.pipeline.transform(ds.X_train, dtype=dtype),
                           trainer_info.pipeline.transform(ds.X_test, dtype=dtype))
        names = list(ds.target_names) if regression else []
        self.target_combo.blockSignals(True)
        self.target_combo.clear()
        self.target_combo.addItems(names)
        self.target_combo.blockSignals(False)
        self.target_combo.setVisible(len(names) > 1)
        for train, test in self.points.values():
            train.setData([], [])
            test.setData([], [])
        self.ideal.setData([], [])
        self.ideal_label.setVisible(False)
        self.scores_label.setText("")
        show_hint(self.fit_plot, self.hint, True,
                  EMPTY_HINT if regression else NOT_REGRESSION_HINT)

    def show_snapshot(self, snapshot):
        """Predict both sets at the snapshot's weights; redraw points and scores.
        Non-finite predictions keep the last good picture."""
        if self._X_net is None:
            return
        outputs = [layer_outputs(snapshot.weights, snapshot.biases,
                                 self._info.activation_names, X)[-1] for X in self._X_net]
        if not all_finite(*outputs):
            return
        self._last = tuple(outputs)
        ds = self._info.dataset
        self.scores = {"train": fit_scores(outputs[0], ds.y_train),
                       "test": fit_scores(outputs[1], ds.y_test)}
        self.scores_label.setText(scores_text(self.scores["train"], self.scores["test"]))
        self._redraw()

    # ----------------------------------------------------------------- drawing
    def target_column(self):
        return max(self.target_combo.currentIndex(), 0)

    def drawn(self, which):
        """``(actual, predicted)`` drawn for ``which`` ("train" or "test"), each (n,)."""
        train, test = self.points["fit"]
        item = train if which == "train" else test
        x, y = item.getData()
        return np.asarray(x), np.asarray(y)

    def _redraw(self):
        if self._last is None:
            return
        ds, k = self._info.dataset, self.target_column()
        actual = (ds.y_train[:, k], ds.y_test[:, k])
        predicted = (self._last[0][:, k], self._last[1][:, k])
        for (train, test), pairs in (
            (self.points["fit"], [(a, p) for a, p in zip(actual, predicted, strict=True)]),
            (self.points["residual"], [(p, a - p) for a, p in zip(actual, predicted, strict=True)]),
        ):
            for item, (x, y) in zip((train, test), pairs, strict=True):
                item.setData(x=x, y=y)
        values = np.concatenate([*actual, *predicted])
        lo, hi = float(values.min()), float(values.max())
        if hi <= lo:
            hi = lo + 1.0
        self.ideal.setData([lo, hi], [lo, hi])
        self.ideal_label.setPos(hi, hi)
        self.ideal_label.setVisible(True)
        self.fit_plot.getViewBox().setRange(xRange=(lo, hi), yRange=(lo, hi), padding=0.04)
        self.fit_plot.setLabel("bottom", f"actual {ds.target_names[k]}")
        self.fit_plot.setLabel("left", f"predicted {ds.target_names[k]}")
        self.residual_plot.setLabel("bottom", f"predicted {ds.target_names[k]}")
        self.residual_plot.enableAutoRange()
        self.hint.setVisible(False)
