"""A lesson opened from Help → Examples plays at its own, watchable speed, and what its text
promises is what the window then shows (the XOR lesson through the real window)."""

import math

import numpy as np
import pytest

from core.teach.lessons import LESSONS
from tests.gui.helpers import action, pause_training

TIMEOUT = 60_000


@pytest.mark.parametrize("lesson_id", LESSONS.names())
def test_each_lesson_sets_its_speed(qtbot, window, lesson_id):
    assert window.transport.speed.currentData() == 0  # the tests' Max speed
    action(window, f"lesson_{lesson_id}").trigger()
    assert window.transport.speed.currentData() == LESSONS.get(lesson_id).speed


def test_a_lessons_pace_is_not_remembered_as_the_users_speed(qtbot, window):
    from gui.shell.window import app_settings

    name = next(n for n in LESSONS.names() if LESSONS.get(n).speed)
    lesson = LESSONS.get(name)
    action(window, f"lesson_{name}").trigger()
    assert window.transport.speed.currentData() == lesson.speed
    window.save_settings()
    assert int(app_settings().value("training/speed")) == 0  # the user's own Max speed
    window.transport.set_speed_value(30)  # the user's own choice is remembered
    assert int(app_settings().value("training/speed")) == 30


def test_xor_lesson_shows_what_it_says(qtbot, window):
    """No hidden layer: the surface one even colour, loss 0.693, accuracy at most 50 %."""
    action(window, "lesson_xor_needs_hidden_layer").trigger()
    window.transport.set_speed_value(0)  # the claims do not depend on the pace
    session = window.session
    session.play()
    qtbot.waitUntil(lambda: session.counters[1] >= 300, timeout=TIMEOUT)
    pause_training(qtbot, window)
    qtbot.waitUntil(lambda: session.last_snapshot.step == session.counters[0], timeout=TIMEOUT)
    snapshot = session.last_snapshot
    assert np.abs(snapshot.surface.output - 0.5).max() < 0.01
    assert snapshot.history["train_loss"][-1] == pytest.approx(math.log(2), abs=2e-3)
    assert np.all(snapshot.history["train_metric"] <= 0.5)
    assert "exceeds 50 %" in window.lessons.menu.panel.look_at.text()
