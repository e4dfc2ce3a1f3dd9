"""Hostile files through the window's file-dialog code paths (the functions the dialogs call).

Exports with hostile names never run them; crafted weights and session files get a clear
error box and leave the current run as it was.
"""

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from core.config import TrainConfig
from core.datasets import load_csv
from gui.export import operations
from gui.main_window import MainWindow
from tests.gui.helpers import WORKER_TIMEOUT, in_worker, pause_training
from tests.test_export_hostile import HOSTILE, MARKER, _run_driver, write_hostile_csv


class Boxes:
    """Records the texts of ``QMessageBox.critical`` (and refuses every question)."""

    def __init__(self, monkeypatch):
        self.errors = []

        def critical(_parent, _title, text, *args, **kw):
            self.errors.append(text)
            return QMessageBox.StandardButton.Ok

        monkeypatch.setattr(QMessageBox, "critical", critical)
        monkeypatch.setattr(QMessageBox, "question",
                            lambda *a, **k: QMessageBox.StandardButton.No)


def wait_call(qtbot, call):
    assert call is not None
    with qtbot.waitSignal(call.finished, timeout=WORKER_TIMEOUT) as blocker:
        pass
    return blocker.args


@pytest.fixture
def hostile_window(qtbot, tmp_path):
    """The window on a CSV file whose name, header and labels are hostile."""
    path, X = write_hostile_csv(tmp_path / "csv")
    w = MainWindow(load_csv(path), TrainConfig(hidden=(3,), epochs=10**6))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.hostile_X = X
    yield w
    w.close()


def test_export_python_from_the_window_never_runs_hostile_names(qtbot, monkeypatch,
                                                                hostile_window, tmp_path):
    boxes = Boxes(monkeypatch)
    window = hostile_window
    pause_training(qtbot, window)
    out = tmp_path / "out"
    out.mkdir()
    model = out / f"{HOSTILE[0]}.py"
    ok, _ = wait_call(qtbot, operations.export_python_to(window, model))
    assert ok and not boxes.errors
    X = window.hostile_X
    expected = in_worker(qtbot, window, lambda t: t.predict(X))
    names = window.session.dataset.target_names
    work = tmp_path / "work"
    work.mkdir()
    [(outputs, labels, _doc)] = _run_driver(work, X, [model])
    np.testing.assert_allclose(outputs, expected, rtol=0, atol=1e-12)
    assert labels.tolist() == [names[i] for i in expected.argmax(axis=1)]
    assert not any(p.name == MARKER for p in tmp_path.rglob("*"))
