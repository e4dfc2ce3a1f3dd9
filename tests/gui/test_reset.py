"""Reset: new initial weights by default; the same ones from the drop-down or Shift+R."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSpinBox

from tests.gui.helpers import action

TIMEOUT = 15_000


def initial_weights(qtbot, window, trigger):
    """Trigger a reset; the new network's weights (its first snapshot, step 0)."""
    with qtbot.waitSignal(window.session.trainerChanged, timeout=TIMEOUT):
        trigger()
    qtbot.waitUntil(lambda: window.session.last_snapshot is not None
                    and window.session.last_snapshot.step == 0, timeout=TIMEOUT)
    return [w.copy() for w in window.session.last_snapshot.weights]


def train_a_little(qtbot, window):
    with qtbot.waitSignal(window.session.snapshotShown, timeout=TIMEOUT):
        action(window, "step").trigger()


def same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_reset_draws_new_initial_weights_and_shows_the_seed(qtbot, window):
    seed_box = window.hyper_panel.findChild(QSpinBox, "seed")
    first = initial_weights(qtbot, window, action(window, "resetSame").trigger)
    train_a_little(qtbot, window)
    fresh = initial_weights(qtbot, window, action(window, "reset").trigger)
    assert not same(fresh, first)
    assert window.session.config.seed != 0 and seed_box.value() == window.session.config.seed
    assert "new initial weights" in window.statusBar().currentMessage()
    again = initial_weights(qtbot, window, action(window, "reset").trigger)
    assert not same(again, fresh)


def test_same_initial_weights_one_click_away_and_on_shift_r(qtbot, window):
    fresh = initial_weights(qtbot, window, action(window, "reset").trigger)
    seed = window.session.config.seed
    train_a_little(qtbot, window)
    button = window.transport.widgetForAction(action(window, "reset"))
    menu_texts = [a.text() for a in button.menu().actions()]
    assert menu_texts[1] == "Reset to the same initial weights"
    assert menu_texts[0].startswith("Reset with new initial weights")
    same_again = initial_weights(qtbot, window, button.menu().actions()[1].trigger)
    assert same(same_again, fresh) and window.session.config.seed == seed
    train_a_little(qtbot, window)
    window.diagram.setFocus()
    by_key = initial_weights(qtbot, window, lambda: qtbot.keyClick(
        window.diagram, Qt.Key.Key_R, Qt.KeyboardModifier.ShiftModifier))
    assert same(by_key, fresh)
