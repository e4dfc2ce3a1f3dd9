"""Edit → Undo / Redo of every change that replaces the run, through the real window.

Each test trains a few steps, makes one kind of change with the real widgets or actions,
then undoes it: the weights (bit for bit), the optimizer state, the step count, the
history, the timeline and the gradient-norm history must all be back, and the panels must
show the run's settings again.
"""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from core.data import load_dataset
from core.io import save_weights_file
from core.io.weights_files import read_weights
from core.train.config import TrainConfig
from gui.export import operations
from gui.running.change_words import config_changes
from gui.shell.window import MainWindow
from gui.undo.kept_runs import KeptRuns
from tests.gui.helpers import action, in_worker

TIMEOUT = 20_000
STEPS = 25


def single_steps(qtbot, window, n=STEPS):
    target = window.session.counters[0] + n
    for _ in range(n):
        window.session.step()
    qtbot.waitUntil(lambda: window.session.counters[0] == target, timeout=TIMEOUT)


def run_state(qtbot, window):
    """Everything the undo must bring back, read in the worker thread (copies)."""
    norms_observer, timeline_observer = window.norms.observer, window.timeline.observer

    def read(t):
        steps, grad, weight = norms_observer.history.arrays()
        return {"params": [p.copy() for p in t.network.params()],
                "optimizer": t.optimizer.state_dict(), "step": t.step_count,
                "epoch": t.epoch, "history": t.history.state_dict(),
                "timeline": timeline_observer.timeline.steps(),
                "norms": (steps, grad, weight), "config": t.config}
    return in_worker(qtbot, window, read)


def equal(a, b):
    """Deep equality of nested dicts, lists and arrays (NaN equals NaN)."""
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f")
    return a == b


def trained(qtbot, window):
    single_steps(qtbot, window)
    return run_state(qtbot, window)


def undo(qtbot, window):
    with qtbot.waitSignal(window.undo.history.restored, timeout=TIMEOUT):
        action(window, "undo").trigger()
    bar = window.timeline.bar
    qtbot.waitUntil(lambda: bar.data is not None
                    and bar.data.current == window.session.counters[0], timeout=TIMEOUT)


def assert_back(qtbot, window, before):
    after = run_state(qtbot, window)
    for key in ("params", "optimizer", "step", "epoch", "history", "timeline", "norms"):
        assert equal(before[key], after[key]), key
    assert window.session.counters[0] == before["step"]
    assert window.session.last_snapshot.step == before["step"]


def select(combo, value):
    combo.setCurrentIndex(combo.findData(value))


@pytest.mark.parametrize(("widget", "value", "words"), [
    ("activation", "relu", "activation tanh → relu"),
    ("init", "he_normal", "initializer xavier_uniform → he_normal"),
    ("schedule", "cosine", "learning-rate schedule constant → cosine"),
    ("optimizer", "adam", "optimizer sgd → adam"),
])
def test_undo_brings_back_the_run_a_setting_discarded(qtbot, window, widget, value, words):
    before = trained(qtbot, window)
    combo = getattr(window.hyper_panel, widget)
    with qtbot.waitSignal(window.session.trainerChanged, timeout=TIMEOUT):
        select(combo, value)
    assert window.session.counters[0] == 0
    message = window.statusBar().currentMessage()
    assert message == (f"Discarded {STEPS} steps of training: {words}. "
                       "Ctrl+Z brings them back.")
    assert action(window, "undo").text() == f"Undo {words}"
    undo(qtbot, window)
    assert_back(qtbot, window, before)
    assert combo.currentData() != value  # the panel shows the restored setting
    assert getattr(window.session.config, widget) == getattr(before["config"], widget)
    assert f"Undid {words}: back at step {STEPS}" in window.statusBar().currentMessage()


def test_training_on_after_undo_matches_never_having_changed(qtbot, window):
    single_steps(qtbot, window)
    with qtbot.waitSignal(window.session.trainerChanged, timeout=TIMEOUT):
        select(window.hyper_panel.activation, "silu")
    undo(qtbot, window)
    single_steps(qtbot, window, 5)
    resumed = run_state(qtbot, window)
    straight = MainWindow(load_dataset("circles"), TrainConfig(epochs=10**6))
    qtbot.addWidget(straight)
    try:
        single_steps(qtbot, straight, STEPS + 5)
        assert equal(run_state(qtbot, straight)["params"], resumed["params"])
    finally:
        straight.close()


def test_redo_makes_the_change_again_and_undo_once_more(qtbot, window):
    before = trained(qtbot, window)
    with qtbot.waitSignal(window.session.trainerChanged, timeout=TIMEOUT):
        select(window.hyper_panel.activation, "relu")
    single_steps(qtbot, window, 7)
    relu_run = run_state(qtbot, window)
    undo(qtbot, window)
    assert action(window, "redo").isEnabled()
    assert action(window, "redo").text() == "Redo activation tanh → relu"
    with qtbot.waitSignal(window.undo.history.restored, timeout=TIMEOUT):
        action(window, "redo").trigger()
    assert_back(qtbot, window, relu_run)
    assert window.hyper_panel.activation.currentData() == "relu"
    undo(qtbot, window)
    assert_back(qtbot, window, before)


def test_a_change_that_is_not_one_discards_nothing(qtbot, window):
    before = trained(qtbot, window)
    generation = window.session._generation
    window.hyper_panel.per_layer.setChecked(True)  # every layer still tanh
    assert window.session.update_config({"activation": "tanh"})  # the same value again
    window.hyper_panel.per_layer.setChecked(False)
    assert window.session._generation == generation
    assert not action(window, "undo").isEnabled() and action(window, "undo").text() == "Undo"
    assert_back(qtbot, window, before)
    with qtbot.waitSignal(window.session.trainerChanged, timeout=TIMEOUT):
        window.hyper_panel.per_layer.setChecked(True)
        window.hyper_panel._layers.combos[0].setCurrentIndex(
            window.hyper_panel._layers.combos[0].findData("relu"))
    assert "activation tanh/tanh → relu/tanh" in window.statusBar().currentMessage()


def test_undo_of_a_dataset_switch_brings_back_the_data_and_its_tile(qtbot, window):
    before = trained(qtbot, window)
    with qtbot.waitSignal(window.session.trainerChanged, timeout=TIMEOUT):
        window.dataset_panel.select_dataset("xor")
    assert "data circles → xor" in window.statusBar().currentMessage()
    undo(qtbot, window)
    assert_back(qtbot, window, before)
    assert window.session.dataset.name == "circles"
    assert window.dataset_panel._tiles.checked_name() == "circles"


@pytest.mark.parametrize("reset", ["reset", "resetSame"])
def test_undo_of_a_reset(qtbot, window, reset):
    before = trained(qtbot, window)
    with qtbot.waitSignal(window.session.trainerChanged, timeout=TIMEOUT):
        action(window, reset).trigger()
    message = window.statusBar().currentMessage()
    assert f"Discarded {STEPS} steps of training" in message
    assert "Ctrl+Z brings them back." in message
    if reset == "reset":  # the new seed's hint stays in the same message
        seed = window.session.config.seed
        assert f"reset with new initial weights (seed {seed})" in message
        assert message.endswith("Shift+R resets to these same weights.")
    undo(qtbot, window)
    assert_back(qtbot, window, before)
    assert window.session.config.seed == 0


def test_undo_of_a_lesson(qtbot, window, monkeypatch):
    before = trained(qtbot, window)
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    with qtbot.waitSignal(window.session.trainerChanged, timeout=TIMEOUT):
        action(window, "lesson_xor_needs_hidden_layer").trigger()
    assert window.session.dataset.name == "xor"
    undo(qtbot, window)
    assert_back(qtbot, window, before)
    assert window.session.dataset.name == "circles"
    assert window.hyper_panel.config_fields()["lr"] == pytest.approx(before["config"].lr)
    lessons = window.lessons.files
    assert lessons.lesson is None and not lessons.lock.active  # the lesson is left
    assert window.hyper_panel.isEnabled()


def test_undo_of_an_added_point(qtbot, window):
    before = trained(qtbot, window)
    n = window.session.dataset.n_train
    bar = window.drawing.bar
    qtbot.mouseClick(bar.edit, Qt.MouseButton.LeftButton)
    view = window.decision_view
    px, py = view.to_pixels([[0.5, -0.3]])[0]
    QTest.mouseClick(view.plot_widget.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, QPoint(int(px), int(py)))
    qtbot.waitUntil(lambda: window.session.dataset.n_train == n + 1, timeout=TIMEOUT)
    assert window.statusBar().currentMessage().endswith("Ctrl+Z undoes it.")
    undo(qtbot, window)
    assert_back(qtbot, window, before)
    assert window.session.dataset.n_train == n


def test_undo_of_loaded_weights_and_of_a_rebuild_from_a_file(qtbot, window, tmp_path,
                                                            monkeypatch):
    other = MainWindow(load_dataset("circles"), TrainConfig(hidden=(3,), seed=5))
    qtbot.addWidget(other)
    try:
        narrow = in_worker(qtbot, other, lambda t: save_weights_file(tmp_path / "n.npz", t))
    finally:
        other.close()
    same_shape = in_worker(qtbot, window, lambda t: save_weights_file(tmp_path / "s.npz", t))
    before = trained(qtbot, window)
    assert operations.load_weights_from(window, same_shape)
    assert "weights loaded from s.npz" in window.statusBar().currentMessage()
    undo(qtbot, window)
    assert_back(qtbot, window, before)
    assert read_weights(narrow) is not None
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    assert operations.load_weights_from(window, narrow)
    assert window.session.config.hidden == (3,)
    undo(qtbot, window)
    assert_back(qtbot, window, before)
    assert window.session.config.hidden == (8, 8)


def test_undo_of_opening_a_session(qtbot, window, tmp_path, monkeypatch):
    other = MainWindow(load_dataset("moons"), TrainConfig(hidden=(4,)))
    qtbot.addWidget(other)
    try:
        assert operations.save_session_to(other, tmp_path / "m.bpsession")
    finally:
        other.close()
    before = trained(qtbot, window)
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "m.bpsession"), "")))
    with qtbot.waitSignal(window.session.trainerChanged, timeout=TIMEOUT):
        action(window, "openSession").trigger()
    assert window.session.dataset.name == "moons"
    assert "opened session m.bpsession" in window.statusBar().currentMessage()
    undo(qtbot, window)
    assert_back(qtbot, window, before)


def test_undo_with_nothing_to_undo_says_so(qtbot, window):
    action(window, "undo").setEnabled(True)  # the shortcut of a disabled action does nothing
    action(window, "undo").trigger()
    assert window.statusBar().currentMessage() == "Nothing to undo."


def test_edit_menu_and_shortcuts_dialog_list_undo_and_redo(qtbot, window):
    from gui.shell.help_dialog import shortcuts_html

    edit = window.menu("edit")
    assert edit is not None
    assert [a.objectName() for a in edit.actions()] == ["undo", "redo"]
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus.index("&Edit") == menus.index("&File") + 1
    html = shortcuts_html(window)
    assert "Ctrl+Z" in html and "Ctrl+Shift+Z" in html


class _Kept:
    def __init__(self, nbytes):
        self.nbytes = nbytes


def test_kept_runs_are_bounded_by_count_and_memory():
    runs = KeptRuns(max_entries=3, max_bytes=100)
    for size in (10, 20, 30, 40):
        runs.push(_Kept(size))
    assert len(runs) == 3 and runs.nbytes == 90
    runs.push(_Kept(60))
    assert len(runs) == 2 and runs.nbytes == 100
    runs.push(_Kept(500))  # the newest is always kept
    assert len(runs) == 1 and runs.peek().nbytes == 500


def test_clicking_the_chosen_dataset_tile_again_discards_nothing(qtbot, window):
    before = trained(qtbot, window)
    generation = window.session._generation
    window.dataset_panel.select_dataset("circles")
    assert window.session._generation == generation
    assert not action(window, "undo").isEnabled()
    assert_back(qtbot, window, before)


def shown_bands(view):
    """The Distributions view's recorded steps and first layer's bands (copies)."""
    history = view.history
    return {"steps": history.steps(),
            **{kind: history.bands(0, kind) for kind in ("weights", "gradients")}}


def test_undo_brings_back_the_distributions_history(qtbot, window):
    view = window.analysis.distributions_view
    single_steps(qtbot, window)
    qtbot.waitUntil(lambda: view.history.steps()[-1:].tolist() == [STEPS], timeout=TIMEOUT)
    before = shown_bands(view)
    assert len(before["steps"]) > 2
    with qtbot.waitSignal(window.session.trainerChanged, timeout=TIMEOUT):
        select(window.hyper_panel.activation, "relu")
    assert view.history.steps().tolist() == [0]  # the new run's own history
    undo(qtbot, window)
    assert equal(shown_bands(view), before)
    drawn_steps, _ = view.band_plots["weights"].median.getData()
    assert np.array_equal(drawn_steps, before["steps"])  # drawn, not only kept
    with qtbot.waitSignal(window.undo.history.restored, timeout=TIMEOUT):
        action(window, "redo").trigger()
    assert view.history.steps().tolist() == [0]  # redo: the relu run's history, not tanh's


def test_undo_back_to_a_lesson_run_reopens_the_lesson_and_its_locks(qtbot, window,
                                                                    monkeypatch, tmp_path):
    files, menu = window.lessons.files, window.lessons.menu
    path = tmp_path / "held.bplesson"
    assert files.save_to(path, "Held lesson", "text", "look", [], ["learning_rate"])
    assert files.open_file(path)
    assert not window.hyper_panel.lr.isEnabled()
    before = trained(qtbot, window)
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Discard))
    with qtbot.waitSignal(window.session.trainerChanged, timeout=TIMEOUT):
        action(window, "lesson_xor_needs_hidden_layer").trigger()
    assert menu.panel.title.text() != "Held lesson"
    assert window.hyper_panel.lr.isEnabled()
    undo(qtbot, window)
    assert_back(qtbot, window, before)
    assert files.lesson.title == "Held lesson"
    assert menu.panel.title.text() == "Held lesson" and menu.dock.isVisible()
    assert files.lock.active and files.lock.bar.isVisible()
    assert not window.hyper_panel.lr.isEnabled()  # its hold on controls is back too
    assert action(window, "leaveLesson").isEnabled()
    with qtbot.waitSignal(window.undo.history.restored, timeout=TIMEOUT):
        action(window, "redo").trigger()
    assert files.lesson.title == menu.panel.title.text() != "Held lesson"
    assert window.hyper_panel.lr.isEnabled()


def test_no_activation_change_is_named_for_a_network_without_hidden_layers():
    deep, flat = TrainConfig(hidden=(8, 8), activation="tanh"), TrainConfig(hidden=())
    assert config_changes(deep, flat) == ["hidden layers 8–8 → none"]
    assert config_changes(flat, deep) == ["hidden layers none → 8–8"]
