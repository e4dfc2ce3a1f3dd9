"""The transport: Play/Pause, Step, Step epoch and Reset as ``QAction``s, a speed control,
and the epoch/step counters, all on one ``QToolBar``.

Reset starts again from new initial weights (R), as TensorFlow Playground does; its
drop-down arrow offers "Reset to the same initial weights" (``resetSame``, Shift+R).

Actions carry the object names the tests and the contract use: ``play``, ``step``,
``stepEpoch``, ``reset``, ``resetSame``; the step counter is the ``QLabel`` named
``stepCounter`` whose text is the step number. Shortcuts are window-wide, so they work
wherever the focus is, except that text fields keep their own keys (Space, arrows, letters).
"""

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMenu,
    QStyle,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

#: (label, steps per second; 0 = as fast as possible).
SPEEDS = [
    ("Max speed", 0),
    ("1000 steps/s", 1000),
    ("100 steps/s", 100),
    ("30 steps/s", 30),
    ("10 steps/s", 10),
    ("3 steps/s", 3),
    ("1 step/s", 1),
]
#: What a first-time user gets: slow enough to watch the network learn (two circles take
#: seconds to tens of seconds), not a run that is over before the eye can follow it.
DEFAULT_SPEED = 100
MAX_SPEED = 0


def _counter(name, caption, tooltip):
    """A caption above a big number; returns ``(widget, number_label)``."""
    box = QWidget()
    box.setToolTip(tooltip)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(10, 0, 10, 0)
    layout.setSpacing(0)
    title = QLabel(caption)
    title.setStyleSheet("color: #777; font-size: 9pt;")
    number = QLabel("0")
    number.setObjectName(name)
    number.setToolTip(tooltip)
    number.setStyleSheet("font-size: 16pt; font-weight: 600;")
    number.setMinimumWidth(90)
    layout.addWidget(title)
    layout.addWidget(number)
    return box, number


class TransportBar(QToolBar):
    """Toolbar with the transport actions, speed and counters.

    Signals ``playToggled()``, ``stepRequested()``, ``epochRequested()``,
    ``resetRequested()`` (new initial weights), ``resetSameRequested()`` and
    ``speedChanged(object)`` (steps/s, 0 = no limit).
    """

    playToggled = Signal()
    stepRequested = Signal()
    epochRequested = Signal()
    resetRequested = Signal()
    resetSameRequested = Signal()
    speedChanged = Signal(object)

    def __init__(self, parent=None):
        super().__init__("Transport", parent)
        self.setObjectName("transportBar")
        self.setMovable(False)
        self.setIconSize(QSize(28, 28))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        style = self.style()
        self._icons = {
            "play": style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay),
            "pause": style.standardIcon(QStyle.StandardPixmap.SP_MediaPause),
        }
        self.reset = self._action("reset", "Reset", QStyle.StandardPixmap.SP_BrowserReload, "R",
                                  "Start again from new random initial weights (R); the "
                                  "arrow: the same initial weights (Shift+R)",
                                  self.resetRequested)
        self.reset_same = self._reset_same_menu()
        self.play = self._action("play", "Play", QStyle.StandardPixmap.SP_MediaPlay, "Space",
                                 "Train continuously; press again to pause (Space)",
                                 self.playToggled)
        self.step = self._action("step", "Step", QStyle.StandardPixmap.SP_MediaSkipForward,
                                 "Right", "Train exactly one mini-batch, then pause (→)",
                                 self.stepRequested)
        self.step_epoch = self._action(
            "stepEpoch", "Epoch", QStyle.StandardPixmap.SP_MediaSeekForward, "Shift+Right",
            "Train until the current epoch ends, then pause (Shift+→)", self.epochRequested)
        self.addSeparator()
        self.speed = self._speed_box()
        self.addWidget(self.speed)
        self.max_speed = self._max_speed_action()
        self.addSeparator()
        epoch_box, self.epoch_counter = _counter(
            "epochCounter", "Epoch", "Completed epochs (passes over the training set)")
        step_box, self.step_counter = _counter(
            "stepCounter", "Step", "Weight updates so far (one per mini-batch)")
        self.addWidget(epoch_box)
        self.addWidget(step_box)

    def _action(self, name, text, icon, key, tip, signal):
        action = QAction(self.style().standardIcon(icon), text, self)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(signal)
        self.addAction(action)
        return action

    def _reset_same_menu(self):
        """The Reset button's drop-down: both kinds of reset, the second one Shift+R."""
        same = QAction("Reset to the same initial weights", self)
        same.setObjectName("resetSame")
        same.setShortcut(QKeySequence("Shift+R"))
        same.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        tip = "Start again from the initial weights of this run (same seed) (Shift+R)"
        same.setToolTip(tip)
        same.setStatusTip(tip)
        same.triggered.connect(self.resetSameRequested)
        fresh = QAction("Reset with new initial weights\tR", self)  # R is the Reset action's
        fresh.triggered.connect(self.reset.trigger)
        menu = QMenu(self)
        menu.addAction(fresh)
        menu.addAction(same)
        button = self.widgetForAction(self.reset)
        button.setMenu(menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        if self.parentWidget() is not None:  # Shift+R works window-wide, without a button
            self.parentWidget().addAction(same)
        return same

    def _max_speed_action(self):
        """One click to train as fast as possible; another click back to the last speed."""
        action = QAction(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaSeekForward),
                         "Max speed", self)
        action.setObjectName("maxSpeed")
        action.setCheckable(True)
        tip = ("Train as fast as the computer can (the views update ~30 times a second); "
               "click again for the previous speed")
        action.setToolTip(tip)
        action.setStatusTip(tip)
        self._slower = DEFAULT_SPEED
        action.toggled.connect(self._on_max_speed)
        self.speed.currentIndexChanged.connect(self._sync_max_speed)
        self.addAction(action)
        self.max_speed = action
        self._sync_max_speed(self.speed.currentIndex())
        return action

    def _on_max_speed(self, on):
        current = self.speed.currentData()
        if on and current != MAX_SPEED:
            self._slower = current
            self.set_speed_value(MAX_SPEED)
        elif not on and current == MAX_SPEED:
            self.set_speed_value(self._slower)

    def _sync_max_speed(self, _index):
        """The button shows whether the speed is Max, whichever control set it."""
        at_max = self.speed.currentData() == MAX_SPEED
        if self.max_speed.isChecked() != at_max:
            self.max_speed.blockSignals(True)
            self.max_speed.setChecked(at_max)
            self.max_speed.blockSignals(False)

    def _speed_box(self):
        box = QComboBox()
        box.setObjectName("speed")
        box.setToolTip("How fast to train: slow speeds let you watch every step")
        box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        for label, value in SPEEDS:
            box.addItem(label, value)
        box.currentIndexChanged.connect(lambda i: self.speedChanged.emit(box.itemData(i)))
        return box

    def actions_by_name(self):
        return {a.objectName(): a for a in (self.reset, self.reset_same, self.play, self.step,
                                            self.step_epoch, self.max_speed)}

    def set_running(self, running):
        """Show Pause while training runs, Play otherwise."""
        self.play.setText("Pause" if running else "Play")
        self.play.setIcon(self._icons["pause" if running else "play"])
        verb = "Pause training" if running else "Train continuously; press again to pause"
        self.play.setToolTip(f"{verb} (Space)")

    def set_counters(self, step, epoch):
        self.step_counter.setText(str(step))
        self.epoch_counter.setText(str(epoch))

    def set_speed_value(self, value):
        """Select the speed entry whose steps/s is ``value`` (no-op when unknown)."""
        index = self.speed.findData(value)
        if index >= 0:
            self.speed.setCurrentIndex(index)
