"""Hostile files through the window's file-dialog code paths (the functions the dialogs call).

Exports with hostile names never run them; crafted weights and session files get a clear
error box and leave the current run as it was.
"""

import json

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from core.data import load_csv
from core.io import save_weights_file
from core.io.archive import read_archive, write_archive
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from gui.export import operations
from gui.export.ui_state import check_ui_state
from gui.shell.window import MainWindow
from tests.gui.helpers import in_worker, pause_training
from tests.test_export_hostile import HOSTILE, MARKER, _run_driver, write_hostile_csv
from tests.test_hostile_archives import WEIGHTS_CASES, session_bombs, weights_bombs


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
    assert operations.export_python_to(window, model) and not boxes.errors
    X = window.hostile_X
    expected = in_worker(qtbot, window, lambda t: t.predict(X))
    names = window.session.dataset.target_names
    work = tmp_path / "work"
    work.mkdir()
    [(outputs, labels, _doc)] = _run_driver(work, X, [model])
    np.testing.assert_allclose(outputs, expected, rtol=0, atol=1e-12)
    assert labels.tolist() == [names[i] for i in expected.argmax(axis=1)]
    assert not any(p.name == MARKER for p in tmp_path.rglob("*"))


# ----------------------------------------------------------------------------- sessions
def _saved_session(qtbot, window, path):
    ok = operations.save_session_to(window, path)
    assert ok and path.is_file()
    return path


def _set_ui_state(path, ui_state, good_path=None):
    """Write to ``path`` the session at ``good_path`` (default: ``path``) with ``ui_state``."""
    document, arrays = read_archive(good_path or path, "session")
    document["ui_state"] = ui_state
    write_archive(path, document, arrays)
    return path


HOSTILE_UI_STATE = {
    "version": 1,
    "tab": 10**30,
    "speed": 1e308,
    "edge_mode": 42,
    "checks": {"DecisionSurfaceView.discretize": "yes", "Nowhere.thing": True},
    "combos": {"DecisionSurfaceView.anything": 10**20, "LossView.other": -5,
               "WeightsView.mode": True},
}


def test_session_with_out_of_range_window_state_opens_and_says_what_was_ignored(
        qtbot, monkeypatch, window, tmp_path):
    boxes = Boxes(monkeypatch)
    session = window.session
    pause_training(qtbot, window)
    sizes = tuple(session.info.sizes)
    path = _set_ui_state(_saved_session(qtbot, window, tmp_path / "s.bpsession"),
                         HOSTILE_UI_STATE)
    session.update_config({"hidden": (3,)})
    assert tuple(session.info.sizes) != sizes
    tab = window.tabs.currentIndex()

    assert operations.open_session_from(window, path)
    assert not boxes.errors
    assert tuple(session.info.sizes) == sizes  # the session's run, whole
    assert window.tabs.currentIndex() == tab
    assert window.diagram.edge_mode() == "weight"
    status = window.statusBar().currentMessage()
    assert "ignored" in status
    for part in ("tab: 10000000000", "speed: 1e+308", "edge colouring: 42", "'yes'",
                 "100000000000000000000", "-5", "True is not an index"):
        assert part in status, (part, status)


def test_session_whose_window_state_is_not_an_object_keeps_the_current_run(
        qtbot, monkeypatch, window, tmp_path):
    boxes = Boxes(monkeypatch)
    pause_training(qtbot, window)
    good = _saved_session(qtbot, window, tmp_path / "s.bpsession")
    info = window.session.info
    for i, ui_state in enumerate([[1, 2], "tab", 7]):
        path = _set_ui_state(tmp_path / f"s{i}.bpsession", ui_state,
                             good_path=good)
        assert not operations.open_session_from(window, path)
        assert "ui_state" in boxes.errors[-1] and str(path) in boxes.errors[-1]
        assert window.session.info is info
    assert len(boxes.errors) == 3


def test_check_ui_state_keeps_what_is_valid(window):
    clean, notes = check_ui_state(window, {"tab": 1, "speed": "fast", "edge_mode": "update",
                                           "checks": {"A.b": False}, "combos": {"A.c": 2}})
    assert clean == {"tab": 1, "edge_mode": "update", "checks": {"A.b": False},
                     "combos": {"A.c": 2}}
    assert len(notes) == 1 and notes[0].startswith("speed: 'fast'")
    assert check_ui_state(window, None) == ({}, [])


# ----------------------------------------------------------------------------- crafted files
def test_load_weights_dialog_refuses_crafted_files(qtbot, monkeypatch, window, tmp_path):
    boxes = Boxes(monkeypatch)
    before = in_worker(qtbot, window, lambda t: [p.copy() for p in t.network.params()])
    bombs = weights_bombs(tmp_path / "bombs")
    for case in WEIGHTS_CASES:
        path, words = bombs[case]
        assert operations.load_weights_from(window, path) is False, case
        assert all(word in boxes.errors[-1] for word in words), (case, boxes.errors[-1])
    assert len(boxes.errors) == len(WEIGHTS_CASES)
    after = in_worker(qtbot, window, lambda t: [p.copy() for p in t.network.params()])
    for a, b in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)


def test_open_session_dialog_refuses_crafted_sessions(qtbot, monkeypatch, window, tmp_path):
    boxes = Boxes(monkeypatch)
    pause_training(qtbot, window)
    good = _saved_session(qtbot, window, tmp_path / "good.bpsession")
    info = window.session.info
    for case, (path, words) in session_bombs(good, tmp_path / "crafted").items():
        assert not operations.open_session_from(window, path), case
        assert all(word in boxes.errors[-1] for word in words), (case, boxes.errors[-1])
        assert window.session.info is info
    assert len(boxes.errors) == 4


def test_load_weights_dialog_refuses_an_absurd_input_scaling(qtbot, monkeypatch, window,
                                                             tmp_path):
    boxes = Boxes(monkeypatch)
    pause_training(qtbot, window)
    donor = Trainer(window.session.dataset, window.session.config)
    path = save_weights_file(tmp_path / "w.json", donor)
    document = json.loads(path.read_text())
    document["meta"]["input_scaling"] = {"features": [], "mean": [0.0, 0.0],
                                         "std": [1e-300, 1.0], "n_inputs": 2}
    path.write_text(json.dumps(document))
    before = in_worker(qtbot, window, lambda t: (t.pipeline.to_dict(),
                                                 [p.copy() for p in t.network.params()]))
    assert operations.load_weights_from(window, path) is False
    assert len(boxes.errors) == 1 and "std of input 1 ('x1') is 1e-300" in boxes.errors[0]
    after = in_worker(qtbot, window, lambda t: (t.pipeline.to_dict(),
                                                [p.copy() for p in t.network.params()]))
    assert after[0] == before[0]
    for a, b in zip(before[1], after[1], strict=True):
        np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------------------- SVG
def test_svg_exports_keep_hostile_names_as_text(tmp_path):
    """Names drawn in the plots (the diagram's input names) stay text in the SVG: no
    element a name could open (``<script>``) appears, and the text reads back unchanged."""
    import xml.etree.ElementTree as ET

    from core.data import make_dataset_from_arrays
    from gui.export.headless import export_all_plots

    names = ['<script>alert("x")</script>', "b&amp;<x/>"]
    X = np.random.default_rng(0).normal(size=(40, 2))
    ds = make_dataset_from_arrays(X, (X[:, 0] > 0).astype(int), "binary", name="<svg onload=x>",
                                  input_names=names, target_names=["</text>", "]]>"])
    trainer = Trainer(ds, TrainConfig(hidden=(3,)))
    svgs = [p for p in export_all_plots(trainer, tmp_path) if p.suffix == ".svg"]
    texts = set()
    for path in svgs:
        elements = list(ET.parse(path).iter())
        assert not {e.tag.rsplit("}", 1)[-1] for e in elements} & {"script", "foreignObject"}
        texts |= {e.text for e in elements if e.text}
    for name in names:  # whole, or elided by the diagram ("<script>ale…") but still text
        assert any(t == name or (t.endswith("…") and len(t) > 3 and name.startswith(t[:-1]))
                   for t in texts), (name, sorted(texts))


def test_a_session_of_a_classifier_reopens_with_no_ignored_settings(qtbot, window, tmp_path):
    """Combos that are empty for this task (e.g. the regression target picker on circles)
    are not saved as index -1, so reopening the session has nothing to ignore."""
    from PySide6.QtWidgets import QComboBox

    from gui.export.ui_state import capture_ui_state

    window.views()  # views not shown yet are built (capture_ui_state builds them as well)
    empty = [c.objectName() for c in window.findChildren(QComboBox)
             if c.objectName() and c.currentIndex() < 0]
    assert empty, "this test needs a named combo that is empty on circles"
    state = capture_ui_state(window)
    assert not set(empty) & set(state["combos"])
    assert check_ui_state(window, state)[1] == []
    pause_training(qtbot, window)
    path = tmp_path / "c.bpsession"
    assert operations.save_session_to(window, path)
    assert operations.open_session_from(window, path)
    assert "ignored" not in window.statusBar().currentMessage()
