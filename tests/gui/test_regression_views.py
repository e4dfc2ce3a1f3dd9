"""Predicted vs actual: opened through the real window on a CSV regression with four inputs.

Set ``VIEWS_PNG_DIR`` to keep a PNG of the view for inspection.
"""

import json
import os

import numpy as np
import pytest

from cli.train import build_train_parser, config_from_args, main
from core.train.metrics import r2_score, rmse
from gui.shell.window import MainWindow
from gui.views.lazy_view import view_of
from tests.gui.helpers import WORKER_TIMEOUT, action, in_worker

PNG_DIR = os.environ.get("VIEWS_PNG_DIR")
CLI_ARGS = ["--target", "price", "--hidden", "8", "--lr", "0.003", "--seed", "0"]
EPOCHS = 4


def write_houses(path, n=120):
    """A house-price table: four inputs, a price in thousands (a plane plus noise)."""
    rng = np.random.default_rng(3)
    area, rooms = rng.uniform(40, 200, n), rng.integers(1, 7, n)
    age, distance = rng.uniform(0, 80, n), rng.uniform(1, 30, n)
    price = 1.5 * area + 12 * rooms - 0.6 * age - 3 * distance + 60 + rng.normal(0, 12, n)
    rows = [",".join(f"{v:.2f}" for v in r) for r in zip(area, rooms, age, distance, price,
                                                         strict=True)]
    path.write_text("area,rooms,age,distance,price\n" + "\n".join(rows) + "\n")
    return path


@pytest.fixture
def houses_window(qtbot, tmp_path):
    csv = write_houses(tmp_path / "houses.csv")
    args = build_train_parser().parse_args(["--csv", str(csv), *CLI_ARGS])
    dataset, config = config_from_args(args)
    w = MainWindow(dataset, config)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w, csv
    w.close()


def test_predicted_vs_actual_is_the_default_and_its_r2_is_the_clis(qtbot, capsys, houses_window):
    w, csv = houses_window
    view = w.fit_view
    assert view_of(w.tabs.currentWidget()) is view  # four inputs: no aspect-locked slice first
    assert w.tabs.tabBar().isVisible()
    for _ in range(EPOCHS):
        with qtbot.waitSignal(w.session.snapshotShown, timeout=WORKER_TIMEOUT):
            action(w, "stepEpoch").trigger()
    qtbot.waitUntil(lambda: view.scores is not None, timeout=5000)
    assert in_worker(qtbot, w, lambda t: t.epoch) == EPOCHS
    assert main(["--csv", str(csv), *CLI_ARGS, "--epochs", str(EPOCHS), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert view.scores["train"] == (cli["train_r2"], cli["train_rmse"])
    assert view.scores["test"] == (cli["test_r2"], cli["test_rmse"])
    text = view.scores_label.text()
    assert f"Train R² {cli['train_r2']:.3f}" in text and f"Test R² {cli['test_r2']:.3f}" in text
    # what is drawn: each row's target against the network's prediction for it
    predicted = in_worker(qtbot, w, lambda t: (t.predict(t.dataset.X_train),
                                               t.predict(t.dataset.X_test)))
    ds = w.session.dataset
    for which, y, p in (("train", ds.y_train, predicted[0]), ("test", ds.y_test, predicted[1])):
        actual, drawn = view.drawn(which)
        np.testing.assert_array_equal(actual, y[:, 0])
        np.testing.assert_allclose(drawn, p[:, 0], rtol=1e-12)
        assert view.scores[which] == pytest.approx((r2_score(p, y), rmse(p, y)), rel=1e-12)
    x_line, y_line = view.ideal.getData()
    np.testing.assert_array_equal(x_line, y_line)  # the line y = x
    residual_x, residual_y = view.points["residual"][1].getData()
    np.testing.assert_allclose(residual_y, ds.y_test[:, 0] - residual_x)
    if PNG_DIR:
        view.grab().save(os.path.join(PNG_DIR, "predicted_vs_actual.png"))


def test_the_fit_tab_is_offered_only_for_regression(qtbot, houses_window):
    w, _ = houses_window
    from core.data import load_dataset

    w.session.set_dataset(load_dataset("squares_sum"))
    assert w.tabs.isTabVisible(2) and w.tabs.currentIndex() == 0  # two inputs: the surface
    w.session.set_dataset(load_dataset("circles"))
    assert not w.tabs.isTabVisible(2) and not w.tabs.tabBar().isVisible()
