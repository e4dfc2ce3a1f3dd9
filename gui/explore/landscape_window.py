"""``LandscapeWindow``: the loss around the current weights, and the run's path on it.

Top: a contour map of ``log10(loss)`` over a plane through the current weights (random
filter-normalised directions, or the plane of the run's own path), with the recorded path
projected on it (a line from the first recorded weights, ○, to the current ones, ★). Bottom:
the loss along the straight line from the first recorded weights (t = 0) to the current ones
(t = 1), a little beyond both ends. Controls: the plane, its grid resolution and span, new
random directions, Refresh, and "Auto-update every N s" (recomputes while training goes on,
when the step has changed).

The computation runs in a ``QThreadPool`` thread (:mod:`gui.explore.landscape_job`) on
copies of the latest snapshot's weights; a newer request cancels the running one.
"""

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.watch.landscape import LandscapeRequest
from gui.explore.contour import ContourMap, tool_window
from gui.explore.landscape_job import JobSignals, LandscapeJob
from gui.explore.widgets import add_export_action, guard_wheel
from gui.views.plot_style import new_plot_widget

MODES = {"random": "Random directions (filter-normalised)",
         "trajectory": "Plane of the run's path (PCA)"}
#: Hidden units × training rows above which the default grid is 21×21 instead of 41×41.
BIG_NETWORK = 40_000
PATH_COLOR = "#d62728"
LINE_COLOR = "#1f77b4"


def display_values(loss):
    """What the map shows: ``log10(loss)`` (losses of 0 drawn at 1e-12)."""
    return np.log10(np.maximum(np.asarray(loss, dtype=np.float64), 1e-12))


class LandscapeWindow(QWidget):
    """See module docstring. ``resultShown`` is emitted after a result is drawn."""

    resultShown = Signal(object)  # LandscapeResult

    def __init__(self, source, main_window=None):
        super().__init__(main_window)
        tool_window(self, "Loss landscape", "lossLandscapeWindow", (900, 820))
        self.source = source
        self.result = None
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.signals = JobSignals(self)
        self.signals.progress.connect(self._progress)
        self.signals.finished.connect(self._finished)
        self.signals.failed.connect(self._failed)
        self.job = None
        self._job_id = 0
        self._computed_step = None
        self.auto_timer = QTimer(self)
        self.auto_timer.timeout.connect(self._auto_tick)
        self._build(main_window)
        self._refresh_on_snapshot = False
        source.runChanged.connect(self._run_changed)
        source.changed.connect(self._snapshot_changed)
        if source.info is not None:
            self._default_resolution(source.info)

    # -- building ---------------------------------------------------------------------------
    def _build(self, main_window):
        layout = QVBoxLayout(self)
        layout.addLayout(self._controls())
        self.status = QLabel("", objectName="landscapeStatus", wordWrap=True)
        layout.addWidget(self.status)
        self.map_box, self.map_widget = self._plot_box("landscapeMap")
        self.line_box, self.line_widget = self._plot_box("landscapeLine")
        layout.addWidget(self.map_box, 3)
        layout.addWidget(self.line_box, 1)
        self.map_plot = self.map_widget.getPlotItem()
        self.contour = ContourMap(self.map_plot)
        self.path_curve = self.map_plot.plot([], [], pen=pg.mkPen(PATH_COLOR, width=2),
                                             symbol="o", symbolSize=3,
                                             symbolBrush=PATH_COLOR, symbolPen=None)
        self.start_marker = pg.ScatterPlotItem(symbol="o", size=12, brush=pg.mkBrush("w"),
                                               pen=pg.mkPen(PATH_COLOR, width=2))
        self.current_marker = pg.ScatterPlotItem(symbol="star", size=18,
                                                 brush=pg.mkBrush("#ffd700"),
                                                 pen=pg.mkPen("#333333"))
        self.map_plot.addItem(self.start_marker)
        self.map_plot.addItem(self.current_marker)
        self.line_plot = self.line_widget.getPlotItem()
        self.line_plot.setLabels(bottom="t  (0 = first recorded weights, 1 = current)",
                                 left="loss")
        self.line_curve = self.line_plot.plot([], [], pen=pg.mkPen(LINE_COLOR, width=2),
                                              connect="finite")  # a diverged point: a gap
        self.line_ends = pg.ScatterPlotItem(size=9, brush=pg.mkBrush(PATH_COLOR))
        self.line_plot.addItem(self.line_ends)
        add_export_action(main_window, self.map_box, "landscape")
        add_export_action(main_window, self.line_box, "landscape_line")
        guard_wheel(self)

    @staticmethod
    def _plot_box(name):
        box = QWidget(objectName=name)
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        widget = new_plot_widget()
        v.addWidget(widget)
        return box, widget

    def _controls(self):
        row = QHBoxLayout()
        self.mode_combo = QComboBox(objectName="landscapeMode")
        for key, text in MODES.items():
            self.mode_combo.addItem(text, key)
        self.mode_combo.setToolTip("Which plane of weight space to slice the loss along")
        self.mode_combo.currentIndexChanged.connect(self._settings_changed)
        self.resolution = QSpinBox(objectName="landscapeResolution", minimum=5, maximum=101,
                                   value=41, singleStep=2, suffix="²")
        self.resolution.setToolTip("Grid points per axis (the cost grows with its square)")
        self.span = QDoubleSpinBox(objectName="landscapeSpan", minimum=0.05, maximum=10.0,
                                   value=1.0, singleStep=0.25, decimals=2)
        self.span.setToolTip("Random plane: show coordinates from −span to +span (1 = as far "
                             "again as each neuron's weights are long)")
        self.seed = QSpinBox(objectName="landscapeSeed", minimum=0, maximum=10**6, value=0)
        self.seed.setToolTip("Random plane: the seed of the two directions")
        self.refresh_button = QPushButton("Refresh", objectName="landscapeRefresh")
        self.refresh_button.setToolTip("Compute the landscape at the current weights")
        self.refresh_button.clicked.connect(self.refresh)
        self.auto = QCheckBox("Auto-update every", objectName="landscapeAuto")
        self.auto.setToolTip("Recompute while training runs (only when the step changed)")
        self.auto.toggled.connect(self._auto_toggled)
        self.interval = QSpinBox(objectName="landscapeInterval", minimum=1, maximum=600,
                                 value=3, suffix=" s")
        self.interval.valueChanged.connect(self._auto_toggled)
        for w in (QLabel("Plane"), self.mode_combo, QLabel("Grid"), self.resolution,
                  QLabel("Span ±"), self.span, QLabel("Seed"), self.seed,
                  self.refresh_button, self.auto, self.interval):
            row.addWidget(w)
        row.addStretch(1)
        return row

    # -- requests ---------------------------------------------------------------------------
    def mode(self):
        return self.mode_combo.currentData()

    def request(self):
        """The ``LandscapeRequest`` for the latest snapshot and the current settings."""
        weights = self.source.current_weights()
        return LandscapeRequest(weights=weights, path=self.source.trajectory.points(),
                                mode=self.mode(), resolution=self.resolution.value(),
                                span=self.span.value(), seed=self.seed.value(),
                                step=self.source.snapshot.step)

    def refresh(self):
        """Start computing at the latest weights (cancels a computation under way)."""
        if self.source.info is None or self.source.snapshot is None:
            self.status.setText("No network yet.")
            return
        self.cancel()
        request = self.request()
        self._job_id += 1
        self.job = LandscapeJob(self._job_id, self.source.info, request, self.signals)
        self._computed_step = request.step
        self._started = time.perf_counter()
        self.status.setText(f"Computing the landscape at step {request.step}…")
        self.pool.start(self.job)

    def cancel(self):
        """Ask the running computation (if any) to stop; its result will be ignored."""
        if self.job is not None:
            self.job.cancel()
            self.job = None

    def busy(self):
        return self.job is not None

    # -- results (GUI thread) ---------------------------------------------------------------
    def _progress(self, payload):
        job_id, fraction = payload
        if job_id == self._job_id and self.job is not None:
            self.status.setText(f"Computing the landscape… {fraction:.0%}")

    def _failed(self, payload):
        job_id, message = payload
        if job_id == self._job_id:
            self.job = None
            self.status.setText(message)

    def _finished(self, payload):
        job_id, result = payload
        if job_id != self._job_id or result is None:
            return
        self.job = None
        self.show_result(result)

    def show_result(self, result):
        """Draw ``result`` (a ``LandscapeResult``)."""
        self.result = result
        land = result.landscape
        self.contour.set_values(land.alphas, land.betas, display_values(land.loss))
        plane = land.plane
        axis = "principal direction" if plane.kind == "trajectory" else "random direction"
        self.map_plot.setLabels(bottom=f"α (1st {axis})", left=f"β (2nd {axis})")
        self.map_plot.setRange(xRange=(land.alphas[0], land.alphas[-1]),
                               yRange=(land.betas[0], land.betas[-1]), padding=0)
        path = land.path  # (m, 2), possibly empty
        self.path_curve.setData(path[:, 0], path[:, 1])
        self.start_marker.setData(path[:1, 0], path[:1, 1])
        self.current_marker.setData([0.0], [0.0])
        self.line_curve.setData(result.ts, result.line)
        ends = np.isin(result.ts, (0.0, 1.0))
        self.line_ends.setData(result.ts[ends], result.line[ends])
        self.status.setText(self._summary(result))
        self.resultShown.emit(result)

    @staticmethod
    def _summary(result):
        land, req = result.landscape, result.request
        text = (f"Step {req.step}: training loss {result.loss_now:.4g} at ★ (colours: log₁₀ "
                "loss). "
                f"{len(land.alphas)}×{len(land.betas)} grid in {result.seconds:.2f} s. ")
        if land.plane.kind == "trajectory":
            e1, e2 = land.plane.explained
            text += f"The plane holds {e1 + e2:.0%} of the path's variance ({e1:.0%} + {e2:.0%})."
        else:
            text += ("Directions filter-normalised per neuron (Li et al. 2018), biases not "
                     "moved; the path drawn is its shadow on this plane.")
        return text

    # -- auto update and lifecycle ----------------------------------------------------------
    def _settings_changed(self, *_):
        random = self.mode() == "random"
        self.span.setEnabled(random)
        self.seed.setEnabled(random)

    def _auto_toggled(self, *_):
        if self.auto.isChecked():
            self.auto_timer.start(self.interval.value() * 1000)
        else:
            self.auto_timer.stop()

    def _auto_tick(self):
        snap = self.source.snapshot
        if snap is not None and not self.busy() and snap.step != self._computed_step:
            self.refresh()

    def _run_changed(self, info):
        """A new network or dataset: the picture no longer applies; redo it when shown."""
        self.cancel()
        self.result = None
        self._computed_step = None
        self._default_resolution(info)
        self._refresh_on_snapshot = self.isVisible()
        if self._refresh_on_snapshot:
            self.status.setText("A new network: computing its landscape…")

    def _default_resolution(self, info):
        hidden = sum(info.sizes[1:-1]) or 1
        big = hidden * len(info.dataset.X_train) > BIG_NETWORK
        self.resolution.setValue(21 if big else 41)

    def _snapshot_changed(self):
        if self._refresh_on_snapshot and self.source.snapshot is not None:
            self._refresh_on_snapshot = False
            self.refresh()

    def showEvent(self, event):  # noqa: N802 - Qt's name
        super().showEvent(event)
        snap = self.source.snapshot
        stale = self.result is None or (snap is not None and
                                        self.result.request.step != snap.step)
        if stale and self.job is None:  # opened, or reopened after training went on
            self.refresh()

    def shutdown(self):
        """Stop auto-updates, cancel and wait for the computation (window closing)."""
        self.auto.setChecked(False)
        self.cancel()
        self.pool.waitForDone()

    def closeEvent(self, event):  # noqa: N802 - Qt's name
        self.auto.setChecked(False)
        self.cancel()
        super().closeEvent(event)
