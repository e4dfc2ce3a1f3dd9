"""A run that can no longer learn pauses with a banner saying what happened and what to try."""

import pytest

from core.train.config import TrainConfig
from tests.gui.helpers import action, pause_training, shown_window

TIMEOUT = 30_000


@pytest.fixture
def window(qtbot):
    w = shown_window(qtbot, "circles", TrainConfig(activation="relu", lr=10.0, epochs=10**6))
    yield w
    w.close()


def test_a_dead_relu_layer_pauses_the_run_with_a_banner(qtbot, window):
    action(window, "play").trigger()
    qtbot.waitUntil(lambda: window.health_watch.problem is not None, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not window.session.running, timeout=TIMEOUT)
    assert action(window, "play").text() == "Play"
    text = window.banner.text()
    assert window.banner.kind == "error" and "Training paused:" in text
    assert "outputs 0 for every training example" in text and "leaky_relu" in text
    assert window.health_watch.problem.kind == "dead_relu"

    # Playing on is the user's choice: the banner closes and the run is not paused again.
    with qtbot.waitSignal(window.session.runningChanged, timeout=TIMEOUT):
        action(window, "play").trigger()
    assert window.banner.kind is None
    start = window.session.last_snapshot.epoch
    qtbot.waitUntil(lambda: window.session.last_snapshot.epoch >= start + 3, timeout=TIMEOUT)
    assert window.session.running and window.banner.kind is None
    pause_training(qtbot, window)


def test_a_new_network_is_watched_afresh(qtbot, window):
    action(window, "play").trigger()
    qtbot.waitUntil(lambda: window.health_watch.problem is not None, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not window.session.running, timeout=TIMEOUT)
    with qtbot.waitSignal(window.session.trainerChanged, timeout=TIMEOUT):
        window.session.update_config({"activation": "tanh"})
    window.session.set_live({"lr": 0.03})
    assert window.health_watch.problem is None and window.banner.kind is None
    action(window, "play").trigger()
    qtbot.waitUntil(lambda: window.session.last_snapshot.epoch >= 10, timeout=TIMEOUT)
    assert window.health_watch.problem is None and window.session.running
    pause_training(qtbot, window)
