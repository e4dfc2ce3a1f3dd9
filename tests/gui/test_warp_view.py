"""The warp view (ConvNetJS): the input plane's grid and the data as two neurons of a hidden
layer see them, opened through the real window on two circles.

Set ``VIEWS_PNG_DIR`` to keep a PNG of the view for inspection.
"""

import os

import numpy as np
import pytest
from PySide6.QtWidgets import QDockWidget

from core.data import load_dataset
from core.train.config import TrainConfig
from core.watch.warp import plane_lines
from gui.shell.window import MainWindow
from tests.gui.helpers import WORKER_TIMEOUT, action, in_worker

PNG_DIR = os.environ.get("VIEWS_PNG_DIR")


@pytest.fixture
def circles_window(qtbot):
    w = MainWindow(load_dataset("circles"), TrainConfig(hidden=(6, 3), lr=0.1, seed=0,
                                                        epochs=10**6))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def activations(qtbot, w, raw, layer, units):
    """The network's own activations of ``units`` of ``layer`` for raw inputs ``raw (n, 2)``."""
    def run(t):
        return t.network.forward_all(t.pipeline.transform(raw, dtype=t.dtype))[layer]
    return in_worker(qtbot, w, run)[:, list(units)]


def test_the_drawn_grid_and_points_are_the_chosen_neurons_activations(qtbot, circles_window):
    w = circles_window
    view = w.analysis.warp_view
    dock = w.findChild(QDockWidget, "warpDock")
    assert action(w, "showWarp").toolTip()
    dock.raise_()
    qtbot.waitUntil(lambda: view.isVisible(), timeout=5000)
    assert [view.layer_combo.itemText(i) for i in range(view.layer_combo.count())] == [
        "layer 1 · tanh · 6 units", "layer 2 · tanh · 3 units"]
    for _ in range(3):
        with qtbot.waitSignal(w.session.snapshotShown, timeout=WORKER_TIMEOUT):
            action(w, "stepEpoch").trigger()
    raw_lines = plane_lines(w.session.info.surface_bounds)
    X = w.session.dataset.X_train
    for layer, units in ((0, (4, 1)), (1, (2, 0))):
        view.choose(layer, *units)
        assert view.layer() == layer and view.neurons() == units
        lines = activations(qtbot, w, raw_lines.reshape(-1, 2), layer, units)
        np.testing.assert_allclose(view.drawn_lines(), lines.reshape(raw_lines.shape),
                                   rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(view.drawn_points(), activations(qtbot, w, X, layer, units),
                                   rtol=1e-12, atol=1e-15)
        label = view.plot.getAxis("bottom").labelText
        assert label == f"neuron {units[0] + 1} of layer {layer + 1}"
    # live: another epoch moves what is drawn to the new weights
    before = view.drawn_points()
    with qtbot.waitSignal(w.session.snapshotShown, timeout=WORKER_TIMEOUT):
        action(w, "stepEpoch").trigger()
    qtbot.waitUntil(lambda: not np.array_equal(view.drawn_points(), before), timeout=5000)
    np.testing.assert_allclose(view.drawn_points(), activations(qtbot, w, X, 1, (2, 0)),
                               rtol=1e-12, atol=1e-15)
    if PNG_DIR:
        view.grab().save(os.path.join(PNG_DIR, "warp_circles.png"))


def test_data_with_more_inputs_gets_a_hint_not_a_picture(qtbot, circles_window):
    w = circles_window
    w.session.set_dataset(load_dataset("wine"))
    view = w.analysis.warp_view
    assert view.hint.isVisible() and not view.layer_combo.isEnabled()
    assert "two inputs" in view.hint.toPlainText()
