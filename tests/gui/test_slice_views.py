"""Data with more than two inputs: the decision surface is a slice whose held inputs are
named and moved with sliders, through the real window on Wine.

Set ``VIEWS_PNG_DIR`` to keep a PNG of the view for inspection.
"""

import os

import numpy as np
import pytest
from PySide6.QtGui import QAction

from core.data import load_dataset
from core.train.config import TrainConfig
from core.watch.surface_slice import slice_distance, slice_grid, slice_values
from gui.shell.window import MainWindow
from gui.views.slice_points import point_alpha
from tests.gui.helpers import WORKER_TIMEOUT, action, in_worker

PNG_DIR = os.environ.get("VIEWS_PNG_DIR")


@pytest.fixture
def wine_window(qtbot):
    w = MainWindow(load_dataset("wine"), TrainConfig(hidden=(8,), lr=0.05, seed=0,
                                                     epochs=10**6))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    for _ in range(20):
        with qtbot.waitSignal(w.session.snapshotShown, timeout=WORKER_TIMEOUT):
            action(w, "stepEpoch").trigger()
    yield w
    w.close()


def wait_for_slice(qtbot, view, values):
    """Wait until the surface on screen is the one over ``values`` (None: the means)."""
    qtbot.waitUntil(lambda: view.shown_fixed() == values, timeout=WORKER_TIMEOUT)


def share_of_class(view, c):
    """Fraction of the surface on screen predicted as class ``c``."""
    return float(np.mean(view._surface.output.argmax(axis=-1) == c))


def test_sliders_move_the_slice_the_network_sees(qtbot, wine_window):
    w = wine_window
    view, sliders = w.decision_view, w.decision_view.slice_sliders
    ds = w.session.dataset
    assert sliders.isVisible() and len(sliders.sliders) == ds.n_inputs - 2
    means = ds.X_train.mean(axis=0)
    assert sliders.summary.full_text().startswith(
        f"Other inputs at their means: ash {means[2]:.4g}, alcalinity_of_ash {means[3]:.4g}")
    before = view._surface.output.copy()
    flavanoids = ds.input_names.index("flavanoids")
    sliders.set_value(flavanoids, float(ds.X_train[:, flavanoids].min()))
    values = sliders.values()
    assert values[flavanoids] != means[flavanoids]
    wait_for_slice(qtbot, view, values)
    assert sliders.summary.full_text().startswith("Other inputs fixed at: ")
    assert f"flavanoids {values[flavanoids]:.4g}" in sliders.summary.full_text() or \
        sliders.summary.full_text().endswith("more below)")
    surface = view._surface
    assert surface.fixed == values
    # the grid the network saw: the held columns at the slider values, its outputs on it
    _, _, raw = slice_grid(ds, (0, 1), len(surface.x), values)
    np.testing.assert_array_equal(raw[:, 2:], np.tile(values[2:], (len(raw), 1)))
    expected = in_worker(qtbot, w, lambda t: t.predict(raw))
    np.testing.assert_allclose(surface.output.reshape(len(raw), -1), expected, rtol=1e-12)
    assert not np.allclose(surface.output, before)
    # points far from the slice are faded by their distance in the held inputs
    scale = np.concatenate([ds.X_train, ds.X_test]).std(axis=0)
    alpha = point_alpha(slice_distance(ds.X_train, (0, 1), np.array(values), scale))
    np.testing.assert_array_equal(view.alphas["train"], alpha)
    brushes = view.train_scatter.data["brush"]
    assert [b.color().alphaF() for b in brushes] == pytest.approx(alpha.tolist(), abs=1 / 255)


def test_wines_third_class_is_reached_from_the_menu(qtbot, wine_window):
    w = wine_window
    view, sliders = w.decision_view, w.decision_view.slice_sliders
    ds = w.session.dataset
    third = ds.target_names[2]
    at_means = share_of_class(view, 2)
    w.findChild(QAction, f"sliceAt_{third}").trigger()
    third_means = ds.X_train[ds.labels_train == 2].mean(axis=0)
    values = sliders.values()
    np.testing.assert_array_equal(values[2:], third_means[2:])
    wait_for_slice(qtbot, view, values)
    assert sliders.summary.full_text().startswith(f"Other inputs at the means of {third} rows: ")
    # at the overall means the third class is a sliver, at its own rows' means it dominates
    assert share_of_class(view, 2) > max(0.5, 2 * at_means)
    if PNG_DIR:
        view.grab().save(os.path.join(PNG_DIR, "surface_slice_wine.png"))
    # new axes keep the held values; the freed column gets a slider at its mean
    view.picker.set_columns(6, 9)  # flavanoids across, colour intensity up
    assert 6 not in sliders.sliders and 0 in sliders.sliders
    wait_for_slice(qtbot, view, sliders.values())
    assert view.shown_columns() == (6, 9)
    assert sliders.values()[0] == ds.X_train.mean(axis=0)[0]
    assert sliders.values()[2] == third_means[2]
    w.findChild(QAction, "sliceAtMeans").trigger()
    wait_for_slice(qtbot, view, None)
    assert sliders.summary.full_text().startswith("Other inputs at their means: ")
    np.testing.assert_array_equal(slice_values(ds, None), ds.X_train.mean(axis=0))


def test_the_sliders_of_a_hidden_panel_are_built_when_it_is_first_shown(qtbot):
    from gui.views.slice_sliders import SliceSliders

    panel = SliceSliders()
    qtbot.addWidget(panel)
    d = 40
    names = [f"pixel{k}" for k in range(d)]
    means, lo, hi = np.full(d, 0.5), np.zeros(d), np.ones(d)
    panel.set_data(names, (0, 1), means, lo, hi)
    assert panel.sliders == {}  # hidden: nothing built yet
    assert "pixel2 0.5" in panel.summary.full_text()  # the summary is true at once
    assert panel.values() == tuple(means)
    panel.show()
    qtbot.waitExposed(panel)
    assert sorted(panel.sliders) == list(range(2, d))
    panel.hide()
    panel.set_columns((0, 5))  # rebuilt on the next show; a value set meanwhile builds them
    assert panel.sliders == {}
    panel.set_value(7, 1.0)
    assert 5 not in panel.sliders and panel.sliders[7].value() == panel.sliders[7].maximum()
    assert panel.values()[7] == 1.0
