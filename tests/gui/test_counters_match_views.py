"""At full speed the step and epoch counters show the step the views show."""

from tests.gui.helpers import pause_training

TIMEOUT = 30_000


def test_counters_show_the_drawn_step_at_full_speed(qtbot, window):
    session, transport = window.session, window.transport
    assert transport.speed.currentData() == 0  # Max speed (the tests' settings)
    seen = []

    def check(snapshot):
        if session.running:
            seen.append((snapshot.step, snapshot.epoch, transport.step_counter.text(),
                         transport.epoch_counter.text()))

    session.snapshotShown.connect(check)
    session.countersChanged.connect(lambda _c: check(session.last_snapshot))
    session.play()
    qtbot.waitUntil(lambda: len(seen) >= 60 and seen[-1][0] > 2000, timeout=TIMEOUT)
    pause_training(qtbot, window)
    session.snapshotShown.disconnect(check)
    for step, epoch, step_text, epoch_text in seen:
        assert (step_text, epoch_text) == (str(step), str(epoch))
    qtbot.waitUntil(lambda: session.last_snapshot.step == session.counters[0], timeout=TIMEOUT)
    assert transport.step_counter.text() == str(session.last_snapshot.step)
