"""Banners belong to the run they are about: a new run (Play again, a new network) closes them."""

import pytest

from core.train.config import TrainConfig
from tests.gui.helpers import action, pause_training, shown_window

TIMEOUT = 15_000


@pytest.fixture
def window(qtbot):
    w = shown_window(qtbot, "circles", TrainConfig(epochs=1))
    yield w
    w.close()


def finish_a_run(qtbot, window):
    with qtbot.waitSignal(window.session.finished, timeout=TIMEOUT):
        action(window, "play").trigger()
    qtbot.waitUntil(lambda: action(window, "play").text() == "Play", timeout=TIMEOUT)
    assert window.banner.isVisible() and "Training stopped" in window.banner.text()


def test_playing_again_closes_the_banner_of_the_finished_run(qtbot, window):
    finish_a_run(qtbot, window)
    window.session.set_live({"epochs": 10**6})
    assert window.banner.isVisible()  # a setting changed; no run has started yet
    with qtbot.waitSignal(window.session.runningChanged, timeout=TIMEOUT) as started:
        action(window, "play").trigger()
    assert started.args == [True]
    assert not window.banner.isVisible() and window.banner.text() == ""
    pause_training(qtbot, window)


def test_an_error_banner_closes_when_training_starts_again(qtbot, window):
    window.session.set_live({"epochs": 10**6})
    window.show_error("Training diverged at step 3 in layer 1.")
    assert window.banner.kind == "error"
    with qtbot.waitSignal(window.session.runningChanged, timeout=TIMEOUT):
        action(window, "play").trigger()
    assert window.banner.kind is None
    pause_training(qtbot, window)


def test_a_new_network_closes_the_banner(qtbot, window):
    finish_a_run(qtbot, window)
    with qtbot.waitSignal(window.session.trainerChanged, timeout=TIMEOUT):
        action(window, "resetSame").trigger()
    assert not window.banner.isVisible()
