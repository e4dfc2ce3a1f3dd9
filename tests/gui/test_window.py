"""The whole window, offscreen: transport, counters, live changes, errors, closing, PNG."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel

from core.data import load_dataset
from core.train.config import TrainConfig
from gui.shell.app import display_available, no_display_message
from gui.shell.menus import about_text, app_version
from gui.shell.window import MainWindow, app_settings
from tests.gui.helpers import action

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 15_000


def step_count(window):
    return int(window.findChild(QLabel, "stepCounter").text())


def epoch_count(window):
    return int(window.findChild(QLabel, "epochCounter").text())


def image_of(widget):
    img = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    ptr = img.constBits()
    arr = np.frombuffer(ptr, dtype=np.uint8, count=img.sizeInBytes())
    return arr.reshape(img.height(), img.bytesPerLine())[:, : img.width() * 4].copy()


def test_default_window_opens_on_two_circles(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    assert w.session.dataset.name == "circles"
    assert w.dataset_panel.current_dataset() is w.session.dataset
    assert w.session.config == TrainConfig()
    w.close()


def test_window_has_transport_actions_and_counters(window):
    for name in ("play", "step", "stepEpoch", "reset"):
        assert action(window, name).toolTip()
    assert step_count(window) == 0
    assert window.width() >= 1024 and window.height() >= 680
    assert window.windowTitle() == "Backprop Studio"


def test_play_advances_epochs_and_pause_stops_the_counters(qtbot, window):
    play = action(window, "play")
    assert window.statusBar().currentMessage().startswith("Ready.")
    play.trigger()
    qtbot.waitUntil(lambda: epoch_count(window) >= 2, timeout=TIMEOUT)
    assert not window.statusBar().currentMessage().startswith("Ready.")  # no stale hint
    assert play.text() == "Pause", window.banner.text()
    with qtbot.waitSignal(window.session.runningChanged, timeout=TIMEOUT):
        play.trigger()
    assert play.text() == "Play"
    with qtbot.waitSignal(window.session.snapshotShown, timeout=TIMEOUT):
        window.session.refresh()
    stopped = step_count(window)
    assert stopped == window.session.last_snapshot.step
    with qtbot.waitSignal(window.session.snapshotShown, timeout=TIMEOUT):
        window.session.refresh()
    assert step_count(window) == stopped
    assert window.rate_label.text() == "paused"


def test_step_advances_exactly_one_step_and_the_weight_view_changes(qtbot, window):
    window.session.set_live({"lr": 3.0})
    before = image_of(window.weights_view)
    with qtbot.waitSignal(window.session.snapshotShown, timeout=TIMEOUT):
        action(window, "step").trigger()
    assert step_count(window) == 1
    assert window.session.last_snapshot.step == 1
    assert not np.array_equal(image_of(window.weights_view), before)
    with qtbot.waitSignal(window.session.snapshotShown, timeout=TIMEOUT):
        action(window, "step").trigger()
    assert step_count(window) == 2


def test_keyboard_space_plays_and_right_arrow_steps(qtbot, window):
    window.diagram.setFocus()
    with qtbot.waitSignal(window.session.snapshotShown, timeout=TIMEOUT):
        qtbot.keyClick(window.diagram, Qt.Key.Key_Right)
    assert step_count(window) == 1
    with qtbot.waitSignal(window.session.runningChanged, timeout=TIMEOUT) as ran:
        qtbot.keyClick(window.diagram, Qt.Key.Key_Space)
    assert ran.args == [True]
    with qtbot.waitSignal(window.session.runningChanged, timeout=TIMEOUT) as ran:
        qtbot.keyClick(window.diagram, Qt.Key.Key_Space)
    assert ran.args == [False]


def test_learning_rate_changes_mid_training_without_reset(qtbot, window):
    action(window, "play").trigger()
    qtbot.waitUntil(lambda: step_count(window) > 50, timeout=TIMEOUT)
    info = window.session.info
    window.session.set_live({"lr": 0.1})
    qtbot.waitUntil(lambda: window.session.last_snapshot.lr == pytest.approx(0.1),
                    timeout=TIMEOUT)
    assert window.session.info is info
    assert step_count(window) > 50
    assert "no reset" in window.statusBar().currentMessage()


def test_new_network_resets_and_says_so(qtbot, window):
    with qtbot.waitSignal(window.session.snapshotShown, timeout=TIMEOUT):
        action(window, "step").trigger()
    with qtbot.waitSignal(window.session.trainerChanged, timeout=TIMEOUT):
        window.session.set_hidden((4, 2))
    assert step_count(window) == 0
    assert window.statusBar().currentMessage() == (
        "Discarded 1 step of training: hidden layers 8–8 → 4–2. Ctrl+Z brings it back.")


def test_divergence_pauses_and_shows_step_and_layer(qtbot, window):
    window.session.update_config({"activation": "relu", "hidden": (16, 16)})
    window.session.set_live({"lr": 10.0})
    window.session.set_dataset(load_dataset("squares_sum"))
    window.session.set_live({"lr": 10.0})
    with qtbot.waitSignal(window.session.error, timeout=TIMEOUT):
        action(window, "play").trigger()
    qtbot.waitUntil(lambda: action(window, "play").text() == "Play", timeout=TIMEOUT)
    text = window.banner.text()
    assert "diverged at step" in text
    snap = window.session.last_snapshot
    assert all(np.isfinite(w).all() for w in snap.weights)


def test_close_while_training_stops_the_thread(qtbot, window):
    action(window, "play").trigger()
    qtbot.waitUntil(lambda: step_count(window) > 0, timeout=TIMEOUT)
    thread = window.session.thread
    window.close()
    assert not thread.isRunning()
    assert window.session.thread is None


def test_settings_are_remembered(qtbot, temporary_settings):
    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    first.transport.set_speed_value(10)
    first.resize(1300, 850)
    first.dataset_panel.select_dataset("xor")
    first.session.set_live({"lr": 0.1})
    first.close()
    assert app_settings().fileName().startswith(temporary_settings)
    second = MainWindow()
    qtbot.addWidget(second)
    assert second.transport.speed.currentData() == 10
    assert (second.width(), second.height()) == (1300, 850)
    assert second.session.dataset.name == "xor"
    assert second.session.config.lr == 0.1
    assert second.hyper_panel.lr.value() == 0.1
    second.close()


def test_stale_settings_fall_back_to_defaults(qtbot):
    settings = app_settings()
    settings.setValue("run/config", '{"hidden": [4], "activation": "nope"}')
    settings.setValue("run/dataset", "not json")
    settings.sync()
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.session.dataset.name == "circles"
    assert window.session.config.activation == "tanh"
    window.close()


def test_window_renders_to_a_png_that_is_not_blank(qtbot, window, tmp_path):
    action(window, "play").trigger()
    qtbot.waitUntil(lambda: epoch_count(window) >= 3, timeout=TIMEOUT)
    action(window, "play").trigger()
    path = tmp_path / "window.png"
    assert window.grab().save(str(path))
    pixels = image_of(window).reshape(-1, 4)[:, :3]
    colours = np.unique(pixels.view([("", pixels.dtype)] * 3))
    assert path.stat().st_size > 10_000
    assert len(colours) > 200


def test_about_names_the_version():
    assert app_version() in about_text()
    assert "Backprop Studio" in about_text()


def test_display_check():
    assert not display_available({}, "linux")
    assert display_available({"DISPLAY": ":0"}, "linux")
    assert display_available({"QT_QPA_PLATFORM": "offscreen"}, "linux")
    assert display_available({}, "darwin")


@pytest.mark.skipif(sys.platform != "linux", reason="the no-display check is for Linux")
def test_main_without_a_display_says_so_and_exits_2():
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "main.py"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert lines == [no_display_message()]  # more in tests/test_startup.py


def test_window_refuses_headless_only_options(capsys):
    """--json, --save-weights … do nothing in the window: one line, exit status 2."""
    from gui.shell.app import parse_window_args, run

    assert run(["--hidden", "4", "--json", "--save-weights", "w.npz"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert "--json, --save-weights" in lines[0] and "python main.py train" in lines[0]
    dataset, config = parse_window_args(["--dataset", "xor", "--hidden", "4", "--lr", "0.1"])
    assert dataset.name == "xor" and config.hidden == (4,) and config.lr == 0.1


def test_gradient_clip_from_the_panel_applies_without_reset(qtbot, window):
    info = window.session.info
    with qtbot.assertNotEmitted(window.session.trainerChanged):
        window.hyper_panel.clip_norm.setValue(2.5)
    assert window.session.config.clip_norm == 2.5
    assert window.session.info is info
    assert "no reset" in window.statusBar().currentMessage()
