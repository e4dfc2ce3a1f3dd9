"""Speed: a first-time user watches the network learn; Max speed is one click away and
remembered."""

import pytest
from PySide6.QtWidgets import QLabel

from core.data import load_dataset
from core.train.config import TrainConfig
from gui.shell.transport import DEFAULT_SPEED, MAX_SPEED
from gui.shell.window import MainWindow, app_settings
from tests.gui.helpers import action, pause_training

TIMEOUT = 15_000


def open_window(qtbot):
    w = MainWindow(load_dataset("circles"), TrainConfig(epochs=10**6))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def fresh_window(qtbot, first_time_settings):
    w = open_window(qtbot)
    yield w
    w.close()


def test_a_first_time_user_sees_training_at_a_watchable_speed(qtbot, fresh_window):
    w = fresh_window
    assert w.transport.speed.currentData() == DEFAULT_SPEED > 0
    assert not action(w, "maxSpeed").isChecked()
    action(w, "play").trigger()
    step = w.findChild(QLabel, "stepCounter")
    qtbot.waitUntil(lambda: int(step.text()) >= 20, timeout=TIMEOUT)
    # a speed limit trains in the worker thread, paced; only Max speed hands the run to
    # the full-speed training process
    assert not w.session.worker._remote.running
    pause_training(qtbot, w)


def test_max_speed_is_one_click_away_and_remembered(qtbot, fresh_window):
    w = fresh_window
    speed_changes = []
    w.transport.speedChanged.connect(speed_changes.append)
    action(w, "maxSpeed").trigger()
    assert w.transport.speed.currentData() == MAX_SPEED
    assert speed_changes == [MAX_SPEED]
    assert int(app_settings().value("training/speed")) == MAX_SPEED
    w.close()
    again = open_window(qtbot)
    assert again.transport.speed.currentData() == MAX_SPEED
    assert action(again, "maxSpeed").isChecked()
    action(again, "maxSpeed").trigger()  # a second click: back to a watchable speed
    assert again.transport.speed.currentData() == DEFAULT_SPEED
    assert int(app_settings().value("training/speed")) == DEFAULT_SPEED
    again.transport.set_speed_value(10)
    assert not action(again, "maxSpeed").isChecked()
    again.close()
