"""After every kind of edit the loss, the metrics, the counters and the curves describe the
edited network at once, through the real window: a weight typed into the diagram, weights
loaded (of this network or of another one, rebuilt), points added, a blank canvas."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from core.data import load_dataset
from core.io import save_weights_file
from core.teach import editing as point_data
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from gui.export import operations
from gui.views.curve_summary import fmt
from tests.gui.helpers import shown_window
from tests.gui.test_drawing_window import click_at, start_editing
from tests.gui.test_weight_editing import click, edge_point, type_value

TIMEOUT = 15_000
KEYS = ("train_loss", "test_loss", "train_metric", "test_metric")


def open_window(qtbot, name, **config):
    return shown_window(qtbot, name, TrainConfig(epochs=10**6, **config))


@pytest.fixture
def window(qtbot):
    w = open_window(qtbot, "circles")
    yield w
    w.close()


def run_epochs(qtbot, window, n):
    session = window.session
    for _ in range(n):
        with qtbot.waitSignal(session.snapshotShown, timeout=TIMEOUT):
            session.step_epoch()
    qtbot.waitUntil(lambda: session.last_snapshot.epoch == session.counters[1]
                    and session.counters[1] >= n, timeout=TIMEOUT)


def evaluation(window):
    return window.session.call(lambda t: t.evaluate())


def assert_shows(qtbot, window, values, epoch):
    """The last history row, the loss view's curves and its summary hold ``values``."""
    def shown():
        history = window.session.last_snapshot.history
        return (history["epoch"].size and history["epoch"][-1] == epoch
                and history["train_loss"][-1] == pytest.approx(values["train_loss"]))

    qtbot.waitUntil(shown, timeout=TIMEOUT)
    history = window.session.last_snapshot.history
    for key in KEYS:
        np.testing.assert_allclose(history[key][-1], values[key], equal_nan=True)
    x, y = window.loss_view.train_loss.xData, window.loss_view.train_loss.yData
    assert x[-1] == epoch and y[-1] == pytest.approx(values["train_loss"])
    tip = window.loss_view.summary.toolTip()
    assert fmt(values["train_loss"], digits=6) in tip
    assert fmt(values["test_metric"], percent=True) in tip


class Answers:
    """Message boxes answered without showing them; what they said is kept."""

    def __init__(self, monkeypatch, answer=QMessageBox.StandardButton.Yes):
        self.errors, self.questions = [], []
        monkeypatch.setattr(QMessageBox, "critical",
                            lambda _p, _t, text, *a, **k: self.errors.append(text))
        monkeypatch.setattr(QMessageBox, "question",
                            lambda _p, _t, text, *a, **k: self.questions.append(text) or answer)


def test_a_typed_weight_is_scored_at_once(qtbot, window):
    run_epochs(qtbot, window, 2)
    steps = window.session.counters[:2]
    diagram = window.diagram
    with qtbot.waitSignal(diagram.editStarted, timeout=TIMEOUT):
        click(qtbot, diagram, edge_point(diagram, 0, 0, 0))
    with qtbot.waitSignal(window.weight_edits.applied, timeout=TIMEOUT):
        type_value(qtbot, diagram, "-7")
    values = evaluation(window)
    assert_shows(qtbot, window, values, epoch=2)  # at the end of epoch 2: a jump at x = 2
    assert len(window.session.last_snapshot.history["epoch"]) == 3
    assert window.session.counters[:2] == steps


def test_loaded_weights_show_their_own_epoch_and_values(qtbot, monkeypatch, window, tmp_path):
    answers = Answers(monkeypatch)
    donor = Trainer(window.session.dataset, window.session.config)
    donor.train(3)
    path = save_weights_file(tmp_path / "three epochs.npz", donor)
    run_epochs(qtbot, window, 1)
    assert operations.load_weights_from(window, path)
    assert not answers.errors and not answers.questions
    qtbot.waitUntil(lambda: window.session.counters[:2] == (donor.step_count, 3),
                    timeout=TIMEOUT)
    assert window.transport.step_counter.text() == str(donor.step_count)
    assert window.transport.epoch_counter.text() == "3"
    assert_shows(qtbot, window, donor.evaluate(), epoch=3)
    assert len(window.session.last_snapshot.history["epoch"]) == 1
    run_epochs(qtbot, window, 1)  # training goes on from the file's epoch
    assert window.session.counters[1] == 4


def test_other_architecture_rebuilds_with_the_files_output_and_loss(qtbot, monkeypatch,
                                                                      tmp_path):
    """The window asks for sigmoid + bce on two circles; the file holds a 2-5-3 softmax
    network trained on blobs with cce: Yes rebuilds it on blobs, and it trains."""
    window = open_window(qtbot, "circles", output_activation="sigmoid", loss="bce")
    try:
        answers = Answers(monkeypatch)
        donor = Trainer(load_dataset("blobs"),
                        TrainConfig(hidden=(5,), activation="relu", epochs=2))
        donor.train()
        path = save_weights_file(tmp_path / "blobs.json", donor)
        assert operations.load_weights_from(window, path)
        assert answers.questions and not answers.errors
        info = window.session.info
        assert tuple(info.sizes) == (2, 5, 3) and info.dataset.name == "blobs"
        assert (info.config.output_activation, info.config.loss) == ("softmax", "cce")
        assert window.dataset_panel._tiles.checked_name() == "blobs"
        assert window.session.counters[:2] == (donor.step_count, 2)
        assert_shows(qtbot, window, donor.evaluate(), epoch=2)
        run_epochs(qtbot, window, 3)
        history = window.session.last_snapshot.history
        assert np.isfinite(history["train_loss"]).all() and window.session.counters[1] == 5
    finally:
        window.close()


def test_other_output_on_the_same_data_rebuilds_with_its_loss(qtbot, monkeypatch, window,
                                                             tmp_path):
    Answers(monkeypatch)
    donor = Trainer(load_dataset("circles"),
                    TrainConfig(hidden=(3,), output_activation="tanh", loss="mse"))
    path = save_weights_file(tmp_path / "tanh.npz", donor)
    assert operations.load_weights_from(window, path)
    info = window.session.info
    assert tuple(info.sizes) == (2, 3, 1) and info.config.loss == "mse"
    assert window.hyper_panel.loss.currentData() == "mse"
    assert_shows(qtbot, window, donor.evaluate(), epoch=0)
    run_epochs(qtbot, window, 1)


def test_an_added_point_is_scored_and_the_history_kept(qtbot, window):
    run_epochs(qtbot, window, 2)
    session = window.session
    before = {k: v.copy() for k, v in session.last_snapshot.history.items()}
    n = session.dataset.n_train
    start_editing(qtbot, window, 1)
    click_at(window, 0.2, 0.1)  # class 1 in the middle of the inner ring: a wrong point
    qtbot.waitUntil(lambda: session.dataset.n_train == n + 1, timeout=TIMEOUT)
    values = evaluation(window)
    assert_shows(qtbot, window, values, epoch=2)
    history = session.last_snapshot.history
    for key, column in before.items():
        np.testing.assert_array_equal(history[key][:2], column)  # kept up to the edit
    assert session.counters[1] == 2


def test_a_blank_canvas_scores_the_new_network_on_the_first_points(qtbot, window):
    run_epochs(qtbot, window, 1)
    session = window.session
    qtbot.mouseClick(window.drawing.bar.blank, Qt.MouseButton.LeftButton)
    for x, y, label in ((-3, 2, 0), (-2, -3, 0), (3, 3, 1), (2, -2, 1)):
        window.drawing.bar.picker.set_current(label)
        click_at(window, x, y)
    qtbot.waitUntil(lambda: session.dataset.name == point_data.BLANK_NAME
                    and session.dataset.n_train == 4, timeout=TIMEOUT)
    assert session.counters[:2] == (0, 0)
    assert_shows(qtbot, window, evaluation(window), epoch=0)
