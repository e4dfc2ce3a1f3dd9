"""File → Record… through the real window: a GIF of a view or the window, while training plays."""

import pytest
from PIL import Image
from PySide6.QtWidgets import QDialog

from gui.recording.dialog import RecordDialog
from tests.gui.helpers import WORKER_TIMEOUT, action, pause_training, shown_window


@pytest.fixture
def window(qtbot):
    w = shown_window(qtbot)
    yield w
    pause_training(qtbot, w)
    w.close()


def _choose(monkeypatch, source, path, fps, duration):
    """Make the Record dialog answer as a user would, then press Record."""
    def exec_(dialog):
        dialog.source.setCurrentText(source)
        dialog.fps.setCurrentIndex(dialog.fps.findData(fps))
        dialog.duration.setValue(duration)
        dialog.path.setText(str(path))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(RecordDialog, "exec", exec_)


def _gif_facts(path):
    """(frame count, size, total milliseconds) of a GIF."""
    with Image.open(path) as gif:
        total = 0
        for i in range(gif.n_frames):
            gif.seek(i)
            total += gif.info["duration"]
        return gif.n_frames, gif.size, total


def _distinct_runs(frames):
    """Frames left once consecutive identical frames are merged (as GIF files do)."""
    return 1 + sum(a.tobytes() != b.tobytes() for a, b in zip(frames[:-1], frames[1:], strict=True))


def test_recording_a_view_for_a_duration_writes_the_expected_gif(qtbot, monkeypatch, window,
                                                                 tmp_path):
    _choose(monkeypatch, "Loss curves", tmp_path / "curves", fps=20, duration=0.5)
    running = []
    window.session.runningChanged.connect(running.append)
    action(window, "recordStart").trigger()
    recorder = window.recording.recorder
    assert recorder is not None and action(window, "recordStop").isEnabled()
    with qtbot.waitSignal(recorder.stopped, timeout=WORKER_TIMEOUT):
        pass
    qtbot.waitUntil(lambda: True in running, timeout=WORKER_TIMEOUT)  # training played
    path = tmp_path / "curves.gif"  # the suffix was added
    qtbot.waitUntil(path.exists, timeout=WORKER_TIMEOUT)
    frames = recorder.frames
    assert len(frames) == 10  # 0.5 s at 20 frames/s
    size = window.loss_view.grab().size()
    count, gif_size, total_ms = _gif_facts(path)
    # the first frame sets the size (the dock may settle while training starts)
    assert gif_size == recorder.size and gif_size[0] == size.width()
    assert count == _distinct_runs(frames)
    assert total_ms == 10 * 50
    assert action(window, "recordStart").isEnabled()
    assert not action(window, "recordStop").isEnabled()
    assert "Recording saved" in window.statusBar().currentMessage()


def test_stop_recording_writes_the_whole_window(qtbot, monkeypatch, window, tmp_path):
    _choose(monkeypatch, "Whole window", tmp_path / "window.gif", fps=10, duration=0.0)
    action(window, "recordStart").trigger()
    recorder = window.recording.recorder
    qtbot.waitUntil(lambda: len(recorder.frames) >= 3, timeout=WORKER_TIMEOUT)
    action(window, "recordStop").trigger()
    path = tmp_path / "window.gif"
    assert path.exists()
    count, gif_size, total_ms = _gif_facts(path)
    width, height = recorder.frames[0].size
    assert gif_size == (width, height) and width == min(window.grab().width(), 1280)
    assert count == _distinct_runs(recorder.frames)
    assert total_ms == len(recorder.frames) * 100
    qtbot.waitUntil(lambda: not window.session.running, timeout=WORKER_TIMEOUT)  # paused again
