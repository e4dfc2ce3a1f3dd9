"""Nothing lost by accident, through the real window: "Save / Discard / Cancel" before an
unsaved run is closed or replaced, and sessions that bring back the gradient-norm history
and the timeline with the run."""

import numpy as np
from PySide6.QtWidgets import QFileDialog, QMessageBox

from gui.export import operations
from tests.gui.helpers import action
from tests.gui.test_undo import equal, run_state, select, single_steps

TIMEOUT = 20_000
Button = QMessageBox.StandardButton


class Questions:
    """Answers ``QMessageBox.question`` with ``answer`` and records the texts asked."""

    def __init__(self, monkeypatch, answer):
        self.texts, self.answer = [], answer

        def question(parent, title, text, *args, **kwargs):
            self.texts.append(text)
            return self.answer
        monkeypatch.setattr(QMessageBox, "question", staticmethod(question))


def save_dialog_returns(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))


def test_quit_asks_and_cancel_keeps_the_window_and_the_run(qtbot, window, monkeypatch):
    single_steps(qtbot, window, 6)
    asked = Questions(monkeypatch, Button.Cancel)
    action(window, "quit").trigger()
    assert len(asked.texts) == 1 and "6 steps of training that are not saved" in asked.texts[0]
    assert window.isVisible() and window.session.thread is not None
    assert window.session.counters[0] == 6


def test_cancel_leaves_a_training_run_training(qtbot, window, monkeypatch):
    session = window.session
    session.set_speed(None)
    asked = Questions(monkeypatch, Button.Cancel)
    session.play()
    qtbot.waitUntil(lambda: session.running and session.counters[0] >= 3, timeout=TIMEOUT)
    action(window, "quit").trigger()
    assert len(asked.texts) == 1 and window.isVisible()
    asked_at = session.counters[0]
    # paused to ask, playing again after Cancel: it trains on far past the question
    qtbot.waitUntil(lambda: session.running and session.counters[0] >= asked_at + 200,
                    timeout=TIMEOUT)
    with qtbot.waitSignal(session.runningChanged, timeout=TIMEOUT):
        session.pause()


def test_quit_discard_closes_without_saving(qtbot, window, monkeypatch, tmp_path):
    single_steps(qtbot, window, 3)
    Questions(monkeypatch, Button.Discard)
    action(window, "quit").trigger()
    assert not window.isVisible() and window.session.thread is None
    assert list(tmp_path.iterdir()) == []


def test_quit_save_writes_a_session_then_closes(qtbot, window, monkeypatch, tmp_path):
    single_steps(qtbot, window, 4)
    Questions(monkeypatch, Button.Save)
    save_dialog_returns(monkeypatch, tmp_path / "run")
    action(window, "quit").trigger()
    assert (tmp_path / "run.bpsession").is_file()
    assert not window.isVisible() and window.session.thread is None


def test_save_cancelled_in_its_file_dialog_cancels_the_quit(qtbot, window, monkeypatch):
    single_steps(qtbot, window, 2)
    Questions(monkeypatch, Button.Save)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    action(window, "quit").trigger()
    assert window.isVisible() and window.session.thread is not None


def test_nothing_is_asked_without_unsaved_training(qtbot, window, monkeypatch, tmp_path):
    asked = Questions(monkeypatch, Button.Cancel)
    single_steps(qtbot, window, 3)
    assert operations.save_session_to(window, tmp_path / "s.bpsession")
    assert window.session.unsaved_steps() == 0
    single_steps(qtbot, window, 2)
    assert window.session.unsaved_steps() == 2  # trained since the last save
    assert operations.save_session_to(window, tmp_path / "s.bpsession")
    action(window, "quit").trigger()
    assert asked.texts == [] and not window.isVisible()


def test_open_session_asks_first_and_cancel_changes_nothing(qtbot, window, monkeypatch):
    single_steps(qtbot, window, 5)
    asked = Questions(monkeypatch, Button.Cancel)
    dialogs = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: dialogs.append(a) or ("", "")))
    action(window, "openSession").trigger()
    assert len(asked.texts) == 1 and "Opening a session" in asked.texts[0]
    assert dialogs == [] and window.session.counters[0] == 5


def test_opening_a_lesson_over_unsaved_training_asks(qtbot, window, monkeypatch):
    single_steps(qtbot, window, 5)
    asked = Questions(monkeypatch, Button.Cancel)
    action(window, "lesson_he_vs_xavier").trigger()
    assert "Opening the lesson" in asked.texts[0] and window.session.counters[0] == 5
    asked.answer = Button.Discard
    with qtbot.waitSignal(window.session.trainerChanged, timeout=TIMEOUT):
        action(window, "lesson_he_vs_xavier").trigger()
    assert window.session.counters[0] == 0


def test_a_session_brings_back_the_norms_and_the_timeline(qtbot, window, tmp_path):
    single_steps(qtbot, window, 30)
    before = run_state(qtbot, window)
    assert len(before["timeline"]) > 10 and len(before["norms"][0]) == 30
    path = tmp_path / "s.bpsession"
    assert operations.save_session_to(window, path)
    with qtbot.waitSignal(window.session.trainerChanged, timeout=TIMEOUT):
        select(window.hyper_panel.activation, "relu")
    assert operations.open_session_from(window, path)
    bar = window.timeline.bar
    qtbot.waitUntil(lambda: bar.data is not None and len(bar.data.steps) == len(
        before["timeline"]), timeout=TIMEOUT)
    after = run_state(qtbot, window)
    for key in ("params", "optimizer", "step", "history", "timeline", "norms"):
        assert equal(before[key], after[key]), key
    view = window.norms.view
    qtbot.waitUntil(lambda: view.data is not None and len(view.data.steps) == 30,
                    timeout=TIMEOUT)
    assert window.session.unsaved_steps() == 0
    bar.scrub_to(10)  # the reopened timeline goes back in time like the original
    restored = run_state(qtbot, window)
    assert restored["step"] == 10 and restored["history"] is not None


def test_a_session_without_records_still_opens(qtbot, window, tmp_path):
    from core.io.session import open_session, save_session

    single_steps(qtbot, window, 4)
    path = tmp_path / "old.bpsession"
    window.session.pause()
    window.session.call(lambda t: save_session(path, t, {}))  # as before records existed
    run = open_session(path)
    assert run.norms is None and run.timeline is None and run.timeline_head is None
    assert operations.open_session_from(window, path)
    assert window.session.counters[0] == 4
    assert np.isfinite(window.session.last_snapshot.weights[0]).all()


class WindowManagerClose:
    """A close request from the window manager (the title bar's ×): spontaneous."""

    def __init__(self):
        self.ignored = False

    def spontaneous(self):
        return True

    def ignore(self):
        self.ignored = True


def test_closing_from_the_title_bar_asks_too(qtbot, window, monkeypatch):
    single_steps(qtbot, window, 3)
    asked = Questions(monkeypatch, Button.Cancel)
    event = WindowManagerClose()
    window.closeEvent(event)
    assert event.ignored and len(asked.texts) == 1
    assert window.session.thread is not None and window.session.counters[0] == 3
