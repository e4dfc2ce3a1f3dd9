"""``PlaygroundWindow``: race the app's optimizers on a classic two-parameter surface.

Left, the surface as a contour map (log-scaled, so Rosenbrock's curved valley shows) with the
minima starred, the start point ringed and one coloured path per optimizer, drawn live.
Right, the controls: the surface; per optimizer a check box (the legend colour), its learning
rate and its current value; or one learning rate for all; Step, Play/Pause, Reset and the
steps per frame. Click the map to start the race from that point. Changing the surface, an
optimizer's inclusion or a learning rate restarts the race from the current start point
(a path must come from one setting). Right-click the map → "Export view…" saves it as PNG/SVG.

The race is ``core.optim.playground.Race``: every step calls each optimizer's own ``step``.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.optim.playground import RACE_OPTIMIZERS, SURFACES, Race, log_scale
from gui.explore.contour import PATH_COLORS, ContourMap, tool_window
from gui.explore.widgets import add_export_action, guard_wheel
from gui.panels.widgets import LadderSpinBox
from gui.views.plot_style import new_plot_widget

FRAME_MS = 33
#: Play stops here (paths stay bounded in memory and drawing time).
MAX_STEPS = 20_000
GRID_RESOLUTION = 200
LR_LADDER = (1e-5, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


class PlaygroundWindow(QWidget):
    """The optimizer playground (see module docstring). ``raceChanged`` after each redraw."""

    raceChanged = Signal()

    def __init__(self, main_window=None):
        super().__init__(main_window)
        tool_window(self, "Optimizer playground", "optimizerPlayground", (1100, 680))
        self.race = None
        self.start = None
        self.timer = QTimer(self, interval=FRAME_MS)
        self.timer.timeout.connect(self._tick)
        self._build(main_window)
        self.set_surface(SURFACES.names()[0])

    # -- building ---------------------------------------------------------------------------
    def _build(self, main_window):
        layout = QHBoxLayout(self)
        self.map_box = QWidget(objectName="playgroundMap")
        box = QVBoxLayout(self.map_box)
        box.setContentsMargins(0, 0, 0, 0)
        self.plot_widget = new_plot_widget()
        box.addWidget(self.plot_widget)
        layout.addWidget(self.map_box, 3)
        layout.addWidget(self._controls(), 1)
        self.plot = self.plot_widget.getPlotItem()
        self.plot.setLabels(bottom="x", left="y")
        self.contour = ContourMap(self.plot)
        self.legend = self.plot.addLegend(offset=(-8, 8), labelTextColor="#222222",
                                          brush=pg.mkBrush(255, 255, 255, 210))
        self.minima = pg.ScatterPlotItem(symbol="star", size=16, brush=pg.mkBrush("#ffd700"),
                                         pen=pg.mkPen("#333333"))
        self.start_marker = pg.ScatterPlotItem(symbol="o", size=13, brush=pg.mkBrush(None),
                                               pen=pg.mkPen("#111111", width=2))
        self.plot.addItem(self.minima)
        self.plot.addItem(self.start_marker)
        self.curves, self.heads = {}, {}
        for name, color in zip(RACE_OPTIMIZERS, PATH_COLORS, strict=False):
            self.curves[name] = self.plot.plot([], [], pen=pg.mkPen(color, width=2), name=name)
            head = pg.ScatterPlotItem(size=9, brush=pg.mkBrush(color), pen=pg.mkPen("w"))
            self.plot.addItem(head)
            self.heads[name] = head
        self.plot_widget.scene().sigMouseClicked.connect(self._clicked)
        add_export_action(main_window, self.map_box, "playground")
        guard_wheel(self)

    def _controls(self):
        panel = QWidget()
        v = QVBoxLayout(panel)
        self.surface_combo = QComboBox(objectName="surfaceCombo")
        for name in SURFACES.names():
            self.surface_combo.addItem(SURFACES.get(name).title, name)
        self.surface_combo.setToolTip("The function the optimizers minimise")
        self.surface_combo.currentIndexChanged.connect(
            lambda _i: self.set_surface(self.surface_combo.currentData()))
        self.formula = QLabel(objectName="surfaceFormula", wordWrap=True)
        self.note = QLabel(objectName="surfaceNote", wordWrap=True)
        self.note.setStyleSheet("QLabel { color: #444444; font-style: italic; }")
        v.addWidget(QLabel("Surface"))
        v.addWidget(self.surface_combo)
        v.addWidget(self.formula)
        v.addWidget(self.note)
        self.shared = QCheckBox("One learning rate for all", objectName="sharedLr")
        self.shared_lr = LadderSpinBox(LR_LADDER, 0.01)
        self.shared_lr.setObjectName("sharedLrSpin")
        self.shared.toggled.connect(self._shared_toggled)
        self.shared_lr.valueChanged.connect(
            lambda _v: self.restart() if self.shared.isChecked() else None)
        row = QHBoxLayout()
        row.addWidget(self.shared)
        row.addWidget(self.shared_lr)
        v.addLayout(row)
        v.addLayout(self._racer_grid())
        v.addLayout(self._buttons())
        self.status = QLabel(objectName="playgroundStatus", wordWrap=True)
        v.addWidget(self.status)
        v.addStretch(1)
        return panel

    def _racer_grid(self):
        grid = QGridLayout()
        for col, title in enumerate(("optimizer", "learning rate", "f now")):
            grid.addWidget(QLabel(f"<b>{title}</b>"), 0, col)
        self.included, self.lr_spins, self.value_labels = {}, {}, {}
        for row, (name, color) in enumerate(zip(RACE_OPTIMIZERS, PATH_COLORS, strict=False), 1):
            check = QCheckBox(name, objectName=f"race_{name}", checked=True)
            check.setStyleSheet(f"QCheckBox {{ color: {color}; font-weight: bold; }}")
            check.setToolTip(f"Race {name} (its path is drawn in this colour)")
            check.toggled.connect(lambda _c: self.restart())
            spin = LadderSpinBox(LR_LADDER, 0.01)
            spin.setObjectName(f"lr_{name}")
            spin.setToolTip(f"Learning rate of {name} (a change restarts the race)")
            spin.valueChanged.connect(lambda _v: self.restart())
            label = QLabel("", objectName=f"value_{name}")
            grid.addWidget(check, row, 0)
            grid.addWidget(spin, row, 1)
            grid.addWidget(label, row, 2)
            self.included[name], self.lr_spins[name], self.value_labels[name] = check, spin, label
        return grid

    def _buttons(self):
        row = QHBoxLayout()
        self.step_button = QPushButton("Step", objectName="playgroundStep")
        self.step_button.setToolTip("One step of every optimizer")
        self.step_button.clicked.connect(lambda: self.step(1))
        self.play_button = QPushButton("Play", objectName="playgroundPlay", checkable=True)
        self.play_button.setToolTip("Step continuously; press again to pause")
        self.play_button.toggled.connect(self._play_toggled)
        self.reset_button = QPushButton("Reset", objectName="playgroundReset")
        self.reset_button.setToolTip("Back to the start point, step 0")
        self.reset_button.clicked.connect(self.restart)
        self.per_frame = QSpinBox(objectName="stepsPerFrame", minimum=1, maximum=500, value=5)
        self.per_frame.setToolTip("Steps per frame while playing (about 30 frames a second)")
        for w in (self.step_button, self.play_button, self.reset_button, QLabel("steps/frame"),
                  self.per_frame):
            row.addWidget(w)
        return row

    # -- behaviour --------------------------------------------------------------------------
    def set_surface(self, name):
        """Show surface ``name``, load its suggested learning rates, start at its start."""
        surface = SURFACES.get(name)
        self.surface = surface
        index = self.surface_combo.findData(name)
        if index != self.surface_combo.currentIndex():
            self.surface_combo.blockSignals(True)
            self.surface_combo.setCurrentIndex(index)
            self.surface_combo.blockSignals(False)
        self.formula.setText(f"f(x, y) = {surface.formula}<br>colours: log₁₀(f − f_min + 0.001)")
        self.note.setText(surface.note)
        for name_, spin in self.lr_spins.items():
            spin.blockSignals(True)
            spin.setValue(surface.learning_rates[name_])
            spin.blockSignals(False)
        x, y, f = surface.grid(GRID_RESOLUTION)
        self.contour.set_values(x, y, log_scale(surface, f))
        xmin, xmax, ymin, ymax = surface.bounds
        self.plot.setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=0)
        self.minima.setData([m[0] for m in surface.minima], [m[1] for m in surface.minima])
        self.set_start(surface.start)

    def set_start(self, point):
        """Restart the race from ``point`` (x, y)."""
        self.start = (float(point[0]), float(point[1]))
        self.start_marker.setData([self.start[0]], [self.start[1]])
        self.restart()

    def chosen(self):
        """The optimizers ticked, in legend order."""
        return [n for n in RACE_OPTIMIZERS if self.included[n].isChecked()]

    def learning_rates(self):
        """``{optimizer: lr}`` as the race uses them (the shared one when ticked)."""
        if self.shared.isChecked():
            return {n: self.shared_lr.value() for n in RACE_OPTIMIZERS}
        return {n: spin.value() for n, spin in self.lr_spins.items()}

    def restart(self):
        """A new race from the start point with the current choices (step 0)."""
        names = self.chosen()
        if not names:
            self.race = None
            self.play_button.setChecked(False)
        else:
            self.race = Race(self.surface, self.start, names, self.learning_rates())
        self.legend.clear()  # rebuilt once per race: its entries show each learning rate
        for racer in [] if self.race is None else self.race.racers:
            self.legend.addItem(self.curves[racer.name],
                                f"{racer.name} (lr {racer.optimizer.lr:g})")
        self._redraw()

    def step(self, n=1):
        """``n`` steps of the race, then redraw."""
        if self.race is None:
            self.status.setText("Tick at least one optimizer to race.")
            return
        self.race.step(n)
        self._redraw()

    def _tick(self):
        if self.race is None or self.race.steps >= MAX_STEPS or \
                all(r.diverged for r in self.race.racers):
            self.play_button.setChecked(False)
            return
        self.step(min(self.per_frame.value(), MAX_STEPS - self.race.steps))

    def _play_toggled(self, on):
        self.play_button.setText("Pause" if on else "Play")
        if on:
            self.timer.start()
        else:
            self.timer.stop()

    def _shared_toggled(self, on):
        for spin in self.lr_spins.values():
            spin.setEnabled(not on)
        self.restart()

    def _clicked(self, event):
        if event.button() != Qt.MouseButton.LeftButton:
            return
        vb = self.plot.getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        point = vb.mapSceneToView(event.scenePos())
        self.set_start((point.x(), point.y()))
        event.accept()

    def _redraw(self):
        racers = {} if self.race is None else {r.name: r for r in self.race.racers}
        for name in RACE_OPTIMIZERS:
            racer = racers.get(name)
            curve, head, label = self.curves[name], self.heads[name], self.value_labels[name]
            if racer is None:
                curve.setData([], [])
                head.setData([], [])
                label.setText("")
                continue
            path = racer.path_array()
            curve.setData(path[:, 0], path[:, 1])
            head.setData(path[-1:, 0], path[-1:, 1])
            value = float(self.surface.value(*path[-1]))
            label.setText("diverged" if racer.diverged else f"{value:.4g}")
        steps = 0 if self.race is None else self.race.steps
        self.status.setText(f"Step {steps} from ({self.start[0]:.3g}, {self.start[1]:.3g}). "
                            "Click the map to start elsewhere.")
        self.raceChanged.emit()

    def closeEvent(self, event):  # noqa: N802 - Qt's name
        self.play_button.setChecked(False)
        super().closeEvent(event)

    def drawn_paths(self):
        """``{optimizer: (k, 2)}`` as drawn (the curves' data), for tests and exports."""
        out = {}
        for name, curve in self.curves.items():
            x, y = curve.getData()
            if x is not None and len(x):
                out[name] = np.column_stack([x, y])
        return out
