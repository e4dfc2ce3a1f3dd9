"""``RaceWindow``: 2–4 racers training in lockstep, their curves overlaid, their surfaces side
by side, and one scrub slider for all of them.

Top: Play, Pause, Stop and what the race is doing. Middle: ``RaceCurves`` (loss and metric
of every racer in one pair of plots, with a legend). Below: one panel per racer, its name in
its colour over its decision surface (or regression predictions) and its numbers at the
shown step. Bottom: the scrub slider over the recorded frames; it follows the newest frame
while it sits at its right end, and moves every racer's surface and the curves' step marker
together.

Training runs in a ``RaceWorker`` in this window's own ``QThread``; the window only ever gets
copied frames. Closing the window stops the worker and ends its thread (``shutdown``).
"""

import math

import numpy as np
from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.watch.race import HISTORY_COLUMNS
from gui.explore.contour import tool_window
from gui.race.curves import METRIC_NAMES, RACER_STYLES, RaceCurves
from gui.race.worker import RaceWorker, surface_columns, take_frame
from gui.views.regression import RegressionSurfaceView
from gui.views.surface import DecisionSurfaceView

#: Frames kept for the scrub slider; beyond it every other frame is dropped (the curves
#: keep every row).
MAX_FRAMES = 400


class RacerPanel(QWidget):
    """One racer: a coloured title, its numbers at the shown frame, and its surface view."""

    def __init__(self, index, name, info, columns, parent=None):
        super().__init__(parent)
        self.setObjectName(f"racerPanel{index}")
        self.name = name
        self.color = RACER_STYLES[index][0]
        self.title = QLabel("", objectName=f"racerTitle{index}")
        self.title.setToolTip(name)
        self.values = QLabel("", objectName=f"racerValues{index}")
        self.values.setWordWrap(True)
        for label in (self.title, self.values):
            # A long name is elided (whole in the tooltip and the legend), never widening
            # this panel: every racer gets the same width.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._set_title(10_000)
        regression = info.dataset.task == "regression"
        self.view = RegressionSurfaceView() if regression else DecisionSurfaceView()
        self.view.reset(info)
        if columns is not None and columns != (0, 1):
            self.view.picker.set_columns(*columns)
        self.view.picker.setVisible(False)  # every racer shows the same two input columns
        if regression:
            self.view.show_3d.setChecked(False)
            self.view.show_3d.setVisible(False)
        self.view.setMinimumSize(180, 180)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.values)
        layout.addWidget(self.view, 1)
        self.metric_name = info.metric_name

    def _set_title(self, width):
        font = QFont(self.title.font())
        font.setBold(True)
        swatch = QFontMetrics(self.title.font()).horizontalAdvance("■ ") * 2
        shown = QFontMetrics(font).elidedText(self.name, Qt.TextElideMode.ElideRight,
                                              max(20, width - swatch))
        self.title.setText(f'<span style="color:{self.color}; font-size:15pt">■</span> '
                           f"<b>{_escape(shown)}</b>")

    def resizeEvent(self, event):  # noqa: N802 - Qt's name
        self._set_title(self.width() - 8)
        super().resizeEvent(event)

    def show(self, snapshot, row, error):
        self.view.show_snapshot(snapshot)
        values = dict(zip(HISTORY_COLUMNS, row, strict=True))
        test = not math.isnan(values["test_loss"])
        loss = values["test_loss" if test else "train_loss"]
        metric = values["test_metric" if test else "train_metric"]
        which = "test" if test else "train"
        metric_text = (f"{100 * metric:.1f}%" if self.metric_name == "accuracy"
                       else f"{metric:.3f}")
        text = (f"step {int(values['step']):,} · epoch {int(values['epoch']):,}<br>"
                f"{which} loss {loss:.4g} · {which} {METRIC_NAMES[self.metric_name]} "
                f"{metric_text}")
        if error:
            text += f'<br><span style="color:#b00020">Stopped: {_escape(error)}</span>'
        self.values.setText(text)


def _fitting_size(parent, size):
    """``size`` (w, h), shrunk to fit the screen ``parent`` is on (a projector's 1024×768)."""
    screen = parent.screen() if parent is not None else None
    if screen is None:
        return size
    room = screen.availableGeometry()
    return min(size[0], room.width() - 40), min(size[1], room.height() - 60)


def _escape(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class RaceWindow(QWidget):
    """See the module docstring.

    Signals
    -------
    frameShown(object) : the index of the frame now shown (after a scrub or a new frame).
    runningChanged(object) : bool, the race is playing or not.
    """

    frameShown = Signal(object)
    runningChanged = Signal(object)
    playRequested = Signal()
    pauseRequested = Signal()
    stopRequested = Signal()
    frameDrawn = Signal()

    def __init__(self, race, main_window=None, title="Race"):
        super().__init__(main_window)
        tool_window(self, title, "raceWindow", _fitting_size(main_window, (1180, 840)))
        self.names = [r.name for r in race.racers]
        infos = [r.trainer.info() for r in race.racers]
        has_test = race.dataset.n_test > 0
        self.frames = [take_frame(race)]  # taken before the worker owns the race
        self.rows = [list(new) for new in self.frames[0].new_rows]
        self.running = False
        self.finished = False
        self._build(infos, has_test)
        self._start_worker(race)
        self._redraw_curves()
        self.show_frame(0)

    # -- building ---------------------------------------------------------------------------
    def _build(self, infos, has_test):
        self.play_button = QPushButton("▶ Play", objectName="racePlay")
        self.play_button.setToolTip("Train every racer, the same number of steps each")
        self.pause_button = QPushButton("Pause", objectName="racePause")
        self.stop_button = QPushButton("■ Stop", objectName="raceStop")
        self.stop_button.setToolTip("End the race (the recorded steps stay to scrub through)")
        self.status = QLabel("", objectName="raceStatus")
        self.play_button.clicked.connect(self.play)
        self.pause_button.clicked.connect(self.pause)
        self.stop_button.clicked.connect(self.stop)
        bar = QHBoxLayout()
        for w in (self.play_button, self.pause_button, self.stop_button):
            bar.addWidget(w)
        bar.addWidget(self.status, 1)
        self.curves = RaceCurves(self.names, infos[0].metric_name, has_test)
        surfaces = QWidget(objectName="raceSurfaces")
        row = QHBoxLayout(surfaces)
        row.setContentsMargins(0, 0, 0, 0)
        columns = surface_columns(infos[0].dataset)
        self.panels = [RacerPanel(i, name, info, columns) for i, (name, info)
                       in enumerate(zip(self.names, infos, strict=True))]
        for panel in self.panels:
            row.addWidget(panel, 1)
        surfaces_box = QWidget()
        box = QVBoxLayout(surfaces_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(surfaces, 1)
        n_inputs = infos[0].dataset.X_train.shape[1]
        if n_inputs > 2:
            names = infos[0].dataset.input_names
            note = QLabel(f"Surfaces over {names[columns[0]]} and {names[columns[1]]}, the two "
                          f"inputs that vary most; the other {n_inputs - 2} inputs are held at "
                          "their training mean.", objectName="raceSurfaceNote")
            note.setWordWrap(True)
            box.addWidget(note)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.curves)
        splitter.addWidget(surfaces_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        self.curves.setMinimumHeight(260)
        self.slider = QSlider(Qt.Orientation.Horizontal, objectName="raceScrub")
        self.slider.setToolTip("Scrub through the recorded steps: every racer moves together")
        self.slider.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.slider.setRange(0, 0)
        self.slider.valueChanged.connect(self.show_frame)
        self.step_label = QLabel("", objectName="raceStepLabel")
        self.step_label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        scrub = QHBoxLayout()
        scrub.addWidget(QLabel("Recorded steps"))
        scrub.addWidget(self.slider, 1)
        scrub.addWidget(self.step_label)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addLayout(scrub)
        self._update_buttons()

    def _start_worker(self, race):
        self.thread = QThread()
        self.thread.setObjectName("raceThread")
        self.worker = RaceWorker(race)
        self.worker.moveToThread(self.thread)
        self.playRequested.connect(self.worker.play)
        self.pauseRequested.connect(self.worker.pause)
        self.stopRequested.connect(self.worker.stop)
        self.worker.frameReady.connect(self._on_frame)
        self.frameDrawn.connect(self.worker.frame_drawn)
        self.worker.runningChanged.connect(self._on_running)
        self.worker.failed.connect(self._on_failed)
        self.thread.start()

    # -- commands ---------------------------------------------------------------------------
    def play(self):
        if not self.finished:
            self.playRequested.emit()

    def pause(self):
        self.pauseRequested.emit()

    def stop(self):
        self.finished = True
        self.stopRequested.emit()
        self._update_buttons()

    def shutdown(self):
        """Stop the worker and end its thread (waits for the tick under way, if any)."""
        if self.thread is None:
            return
        self.stopRequested.emit()
        self.thread.quit()
        self.thread.wait()
        self.thread = None
        self.worker = None
        self.running = False

    def closeEvent(self, event):  # noqa: N802 - Qt's name
        self.shutdown()
        super().closeEvent(event)

    # -- frames -----------------------------------------------------------------------------
    def _on_frame(self, frame):
        if self.thread is None:
            return  # delivered after the window closed
        following = self.slider.value() == self.slider.maximum()
        for rows, new in zip(self.rows, frame.new_rows, strict=True):
            rows.extend(new)
        self.frames.append(frame)
        if len(self.frames) > MAX_FRAMES:
            shown = self.frames[self.slider.value()]
            self.frames = self.frames[:-1:2] + [self.frames[-1]]
            following = following or shown not in self.frames
        self._redraw_curves()
        self.slider.blockSignals(True)
        self.slider.setMaximum(len(self.frames) - 1)
        self.slider.blockSignals(False)
        if following:
            self.slider.setValue(self.slider.maximum())
            self.show_frame(self.slider.maximum())
        else:
            self._update_step_label(self.slider.value())
        self._update_buttons()
        self.frameDrawn.emit()

    def _redraw_curves(self):
        self.curves.show_histories([self.history(i) for i in range(len(self.names))])

    def history(self, index):
        """Racer ``index``'s rows so far: ``{column: ndarray (rows,)}``."""
        table = np.array(self.rows[index], dtype=np.float64)
        return {name: table[:, k] for k, name in enumerate(HISTORY_COLUMNS)}

    def show_frame(self, index):
        """Show recorded frame ``index`` on every racer's panel and the curves' marker."""
        index = int(index)
        frame = self.frames[index]
        for panel, snapshot, row, error in zip(self.panels, frame.snapshots, frame.rows,
                                               frame.errors, strict=True):
            panel.show(snapshot, row, error)
        self.curves.set_cursor(frame.step)
        self._update_step_label(index)
        self.frameShown.emit(index)

    def _update_step_label(self, index):
        self.step_label.setText(f"step {self.frames[index].step:,} "
                                f"(frame {index + 1} of {len(self.frames)})")

    # -- state ------------------------------------------------------------------------------
    def _on_running(self, running):
        self.running = bool(running)
        if not running and not self.frames[-1].running:
            self.finished = True  # every racer stopped (diverged or early stopping)
        self._update_buttons()
        self.runningChanged.emit(self.running)

    def _on_failed(self, message):
        self.finished = True
        self.status.setText(message)
        self._update_buttons()

    def _update_buttons(self):
        self.play_button.setEnabled(not self.running and not self.finished)
        self.pause_button.setEnabled(self.running)
        self.stop_button.setEnabled(not self.finished)
        step = self.frames[-1].step
        if self.finished:
            text = f"Race over at step {step:,}: scrub to look back."
        elif self.running:
            text = "Racing: every racer takes the same mini-batch steps per tick."
        else:
            text = f"Paused at step {step:,}. Press Play to race."
        if not self.status.text().startswith("The race stopped"):
            self.status.setText(text)
