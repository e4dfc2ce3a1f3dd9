"""The activation-curve, distribution and confusion views, each opened on the data it is for.

Set ``VIEWS_PNG_DIR`` to keep a PNG of each view for inspection.
"""

import dataclasses
import os

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QDockWidget

from core.data import load_dataset
from core.nn.activations import ACTIVATIONS
from core.train.config import TrainConfig
from core.train.confusion import confusion_matrix, predicted_labels
from core.train.trainer import Trainer
from core.watch.distributions import KINDS, QUANTILES
from core.watch.snapshot import take_snapshot
from gui.shell.window import MainWindow
from gui.theme.style import class_color
from gui.views.activation_curves import ActivationCurvesView
from gui.views.confusion import ConfusionView
from gui.views.distributions import DistributionsView
from gui.views.surface import DecisionSurfaceView
from tests.gui.helpers import WORKER_TIMEOUT, action, in_worker

PNG_DIR = os.environ.get("VIEWS_PNG_DIR")


def trained(name, epochs=3, **config):
    data_kw = {"n_classes": 3} if name == "spirals" else {}
    trainer = Trainer(load_dataset(name, **data_kw), TrainConfig(lr=0.05, **config))
    trainer.train(epochs)
    return trainer


@pytest.fixture(scope="module")
def sigmoid_circles():
    return trained("circles", hidden=(8, 6), activation=("sigmoid", "relu"))


@pytest.fixture(scope="module")
def relu_spirals():
    return trained("spirals", hidden=(10,), activation="relu")


def open_view(qtbot, cls, trainer, size=(520, 420)):
    view = cls()
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    view.reset(trainer.info())
    return view


def save_png(view, name):
    if PNG_DIR:
        view.grab().save(os.path.join(PNG_DIR, name))


# ------------------------------------------------------------------ activation curves
def test_activation_view_draws_every_function_exactly(qtbot, sigmoid_circles):
    view = open_view(qtbot, ActivationCurvesView, sigmoid_circles)
    assert view.function() == "sigmoid"
    names = [view.function_combo.itemText(k) for k in range(view.function_combo.count())]
    assert names == list(ACTIVATIONS.names())
    for name in names:
        view.function_combo.setCurrentText(name)
        x, f = view.f_curve.getData()
        _, df = view.df_curve.getData()
        act = ACTIVATIONS.get(name)
        if act.elementwise:
            z = x[:, None].copy()
            a = act.forward(z.copy())
            np.testing.assert_allclose(f, a[:, 0], rtol=0, atol=1e-12)
            np.testing.assert_allclose(df, act.derivative(z, a)[:, 0], rtol=0, atol=1e-12)
        else:  # per class: the layer's other logits held at 0
            others = view._n_classes() - 1
            s = np.exp(x) / (np.exp(x) + others)
            np.testing.assert_allclose(f, s, rtol=0, atol=1e-12)
            np.testing.assert_allclose(df, s * (1 - s), rtol=0, atol=1e-12)
            assert "not elementwise" in view.summary.text()


def test_activation_view_histograms_the_snapshot_z(qtbot, sigmoid_circles):
    view = open_view(qtbot, ActivationCurvesView, sigmoid_circles)
    snap = take_snapshot(sigmoid_circles)
    view.show_snapshot(snap)
    for layer in range(2):
        view.set_layer(layer)
        assert view.function() == sigmoid_circles.network.activation_names[layer]
        z = snap.sample_z[layer]
        lo, hi = view.plot.getViewBox().viewRange()[0]
        expected, edges = np.histogram(z.ravel(), bins=len(view.counts), range=(lo, hi))
        np.testing.assert_array_equal(view.counts, expected)
        np.testing.assert_allclose(view.edges, edges)
        x, share = view.hist_item.getData()
        np.testing.assert_allclose(share.sum(), 100.0 * expected.sum() / z.size)
        assert np.abs(z).max() <= hi
    assert "where f′ is under 5%" in view.summary.text()
    save_png(view, "activation_curves.png")


# ------------------------------------------------------------------ distributions
def test_distribution_bands_equal_numpy_quantiles(qtbot, relu_spirals):
    view = open_view(qtbot, DistributionsView, relu_spirals, size=(520, 600))
    snaps = []
    for _ in range(4):
        relu_spirals.train(1)
        snaps.append(take_snapshot(relu_spirals, surface_resolution=0))
        view.record(snaps[-1])
    view.show_snapshot(snaps[-1])
    assert len(view.history) == 4
    names = relu_spirals.network.activation_names
    for layer in range(len(names)):
        view.set_layer(layer)
        for kind, arrays in (("weights", [s.weights[layer] for s in snaps]),
                             ("gradients", [s.weight_grads[layer] for s in snaps]),
                             ("activations", [ACTIVATIONS.get(names[layer]).forward(
                                 s.sample_z[layer].copy()) for s in snaps])):
            band_plot = view.band_plots[kind]
            for k, q in enumerate(QUANTILES):
                steps, drawn = band_plot.edges[k].getData()
                np.testing.assert_array_equal(steps, [s.step for s in snaps])
                expected = [np.percentile(a, q) for a in arrays]
                scale = max(float(np.abs(arrays).max()), 1e-300)
                np.testing.assert_allclose(drawn, expected, rtol=0, atol=1e-12 * scale)
            for k, band in enumerate(band_plot.bands):  # each fill runs out along one edge
                upper = band_plot.edges[k].getData()  # and back along its partner
                lower = band_plot.edges[len(QUANTILES) - 1 - k].getData()
                x, y = band.getData()
                np.testing.assert_array_equal(x, np.concatenate([upper[0], lower[0][::-1]]))
                np.testing.assert_array_equal(y, np.concatenate([upper[1], lower[1][::-1]]))
                assert band.opts["fillLevel"] == "enclosed" and band.opts["brush"] is not None
    view.set_layer(0)  # relu: the dead-unit count of the last snapshot
    a = np.maximum(snaps[-1].sample_z[0], 0.0)
    dead = int((a == 0).all(axis=0).sum())
    assert view.counter_label.full_text().startswith(f"dead units: {dead} of 10")
    assert view.counter_plot.isVisible()
    np.testing.assert_array_equal(view.counter_curve.getData()[1][-1], dead)
    save_png(view, "distributions.png")


def test_distribution_axes_hold_every_band_and_move_seldom(qtbot, relu_spirals):
    """Each plot frames all its bands, and 30 single Steps move its axes a few times, not
    30 (every move regenerates the axis and its grid)."""
    view = open_view(qtbot, DistributionsView, relu_spirals, size=(520, 600))
    ranges = {kind: set() for kind in view.band_plots}
    for _ in range(30):
        relu_spirals.step()
        view.show_snapshot(take_snapshot(relu_spirals, surface_resolution=0))
        for kind, band_plot in view.band_plots.items():
            band_plot.plot.getViewBox().updateAutoRange()
            (x0, x1), (y0, y1) = band_plot.plot.getViewBox().viewRange()
            ranges[kind].add((x0, x1, y0, y1))
            for edge in band_plot.edges:
                steps, values = edge.getData()
                assert x0 <= steps.min() and steps.max() <= x1
                assert y0 <= values.min() and values.max() <= y1, kind
    for kind, seen in ranges.items():
        assert 1 <= len(seen) <= 8, (kind, len(seen))


def test_distributions_show_one_readable_plot_in_a_short_panel(qtbot, relu_spirals):
    """A docked tab is ~200 px high: four stacked plots would be slivers, so a short view
    shows the one the "Show" choice names, at a readable size, and all four when tall."""
    from gui.views.distributions import BANDS_TEXT

    view = open_view(qtbot, DistributionsView, relu_spirals, size=(520, 230))
    for _ in range(3):
        relu_spirals.train(1)
        view.show_snapshot(take_snapshot(relu_spirals, surface_resolution=0))
    qtbot.wait(1)
    combo = view.show_combo

    def pick(key):
        index = combo.findData(key)
        combo.setCurrentIndex(index)
        combo.activated.emit(index)
        qtbot.wait(1)

    def readable(key, height=90):
        plot = view.counter_plot if key == "counter" else view.band_plots[key].plot
        box = plot.getViewBox().sceneBoundingRect()
        return plot.isVisible() and box.height() >= height and box.width() >= 160

    assert view.shown_plots() == ["weights"] and readable("weights")
    assert not combo.model().item(combo.findData("all")).isEnabled()
    assert BANDS_TEXT in view.band_plots["weights"].plot.titleLabel.text
    pick("gradients")
    assert view.shown_plots() == ["gradients"] and readable("gradients")
    for _ in range(3):  # shown alone, its step axis still follows the steps
        relu_spirals.train(1)
        view.show_snapshot(take_snapshot(relu_spirals, surface_resolution=0))
    box = view.band_plots["gradients"].plot.getViewBox()
    box.updateAutoRange()
    assert box.viewRange()[0][1] >= relu_spirals.step_count
    assert not view.band_plots["weights"].plot.isVisible()
    assert BANDS_TEXT in view.band_plots["gradients"].plot.titleLabel.text
    pick("counter")
    assert view.shown_plots() == ["counter"] and readable("counter")
    assert "output 0 on all" in view.counter_plot.titleLabel.text  # the rule, in full
    view.resize(520, 760)  # tall: the user's choice stays until they pick all four
    qtbot.wait(1)
    assert view.shown_plots() == ["counter"]
    pick("all")
    assert view.shown_plots() == ["weights", "activations", "gradients", "counter"]
    assert all(readable(k) for k in KINDS)
    assert readable("counter", height=60)  # stacked, the count is a strip: 0, half, all
    view.set_layer(len(relu_spirals.network.layers) - 1)  # sigmoid output: no count
    qtbot.wait(1)
    assert "counter" not in view.shown_plots()
    assert not combo.model().item(combo.findData("counter")).isEnabled()
    fresh = open_view(qtbot, DistributionsView, relu_spirals, size=(520, 230))
    index = fresh.show_combo.findData("activations")
    fresh.show_combo.activated.emit(index)  # nothing recorded yet: the hint says why
    assert fresh.hint.isVisible()
    hint_box = fresh.band_plots["activations"].plot.getViewBox()
    assert fresh.hint.getViewBox() is hint_box
    assert hint_box.sceneBoundingRect().contains(fresh.hint.sceneBoundingRect().center())
    reset = open_view(qtbot, DistributionsView, relu_spirals, size=(520, 230))
    pick_in = reset.show_combo.findData("counter")
    reset.show_combo.activated.emit(pick_in)
    reset.show_snapshot(take_snapshot(relu_spirals, surface_resolution=0))
    assert "dead units" in reset.counter_plot.titleLabel.text
    tanh = trained("circles", epochs=1, hidden=(4,), activation="tanh")
    reset.reset(tanh.info())  # a new network: nothing of the old count is left
    assert not reset.counter_plot.titleLabel.isVisible()  # no rule until tanh's is known
    assert reset.shown_plots() == ["counter"] and reset.hint.isVisible()


def test_distributions_count_saturated_tanh_units(qtbot):
    trainer = trained("circles", epochs=1, hidden=(6,), activation="tanh")
    view = open_view(qtbot, DistributionsView, trainer)
    snap = take_snapshot(trainer, surface_resolution=0)
    view.show_snapshot(snap)
    a = np.tanh(snap.sample_z[0])
    saturated = int(((np.abs(a) > 0.97).mean(axis=0) > 0.9).sum())
    assert view.counter_label.full_text().startswith(f"saturated units: {saturated} of 6")
    view.set_layer(1)  # sigmoid output: saturation counted too
    assert "saturated units" in view.counter_label.full_text()


# ------------------------------------------------------------------ confusion
def test_confusion_view_on_iris_lists_a_clicked_cell(qtbot):
    trainer = trained("iris", epochs=10, hidden=(8,))
    view = ConfusionView()
    qtbot.addWidget(view)
    view.resize(480, 480)
    view.show()
    view.reset(trainer.info())
    view.show_snapshot(take_snapshot(trainer))
    pred = predicted_labels(trainer.network.predict(trainer.X_test))
    true = trainer.dataset.labels_test
    np.testing.assert_array_equal(view.matrix(), confusion_matrix(true, pred, 3))
    ticks = [t[1] for t in view.plot.getAxis("left")._tickLevels[0]]
    assert ticks == ["setosa", "versicolor", "virginica"]
    accuracy = np.diag(view.matrix()) / view.matrix().sum(axis=1)
    assert [view.accuracy_text(r) for r in range(3)] == [f"{100 * a:.0f}%" for a in accuracy]
    counts = view.matrix()
    assert [[view.count_text(r, c) for c in range(3)] for r in range(3)] == \
        [[str(n) if n else "·" for n in row] for row in counts.tolist()]
    # what is painted: one glyph box per cell and per class, none overprinting another
    qtbot.wait(1)  # the plot laid out at the view's size
    boxes = view.labels.scene_rects()
    assert len(boxes) == 3 * 3 + 3
    assert not any(a.intersects(b) for k, a in enumerate(boxes) for b in boxes[k + 1:])
    # inside the item's bounds, so that a repaint after a change covers every old glyph
    bounds = view.labels.sceneBoundingRect()
    assert all(bounds.contains(box) for box in boxes)
    # and painted there: every box changes pixels when the labels are drawn
    shown = view.plot_widget.grab().toImage()
    view.labels.setVisible(False)
    bare = view.plot_widget.grab().toImage()
    view.labels.setVisible(True)
    view_rect = view.plot_widget.mapFromScene(view.plot.sceneBoundingRect()).boundingRect()
    for box in boxes:
        at = view.plot_widget.mapFromScene(box).boundingRect()
        assert view_rect.contains(at), "a label outside the plot"
        assert any(shown.pixel(x, y) != bare.pixel(x, y)
                   for x in range(at.left(), at.right() + 1)
                   for y in range(at.top(), at.bottom() + 1)), box
    # a click in cell (true versicolor, predicted versicolor) lists those rows
    vb = view.plot.getViewBox()
    scene_pos = vb.mapViewToScene(QPointF(1.5, 1.5))
    pos = view.plot_widget.mapFromScene(scene_pos)
    with qtbot.waitSignal(view.cellSelected, timeout=5000) as blocker:
        qtbot.mouseClick(view.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    r, c, rows = blocker.args[0]
    assert (r, c) == (1, 1)
    np.testing.assert_array_equal(rows, np.flatnonzero((true == 1) & (pred == 1)))
    assert view.table.isVisible() and view.table.rowCount() == len(rows)
    assert [view.table.item(i, 0).text() for i in range(len(rows))] == [str(k) for k in rows]
    assert view.table.item(0, view.table.columnCount() - 2).text() == "versicolor"
    save_png(view, "confusion_iris.png")


def test_confusion_of_binary_data_and_regression_hint(qtbot, sigmoid_circles):
    view = open_view(qtbot, ConfusionView, sigmoid_circles)
    snap = take_snapshot(sigmoid_circles)
    view.show_snapshot(snap)
    pred = (snap.test_probs[:, 0] > 0.5).astype(int)
    np.testing.assert_array_equal(
        view.matrix(), confusion_matrix(sigmoid_circles.dataset.labels_test, pred, 2))
    regression = trained("squares_sum", epochs=1, hidden=(4,))
    view.reset(regression.info())
    view.show_snapshot(take_snapshot(regression))
    assert view.matrix() is None and view.hint.isVisible()


# ------------------------------------------------------------------ in the window
@pytest.fixture
def spirals_window(qtbot):
    w = MainWindow(load_dataset("spirals", n_classes=3), TrainConfig(hidden=(12,), lr=0.1,
                                                                      epochs=10**6))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def points_drawn(view):
    """Steps drawn by a ``DistributionsView``'s weight median."""
    x = view.band_plots["weights"].median.getData()[0]
    return 0 if x is None else len(x)


def test_window_docks_the_views_and_a_cell_rings_surface_points(qtbot, spirals_window):
    w = spirals_window
    for name in ("showActivations", "showDistributions", "showConfusion"):
        assert action(w, name).toolTip()
    w.findChild(QDockWidget, "confusionDock").raise_()
    qtbot.waitUntil(lambda: w.analysis.confusion_view.isVisible(), timeout=5000)
    assert not w.analysis.distributions_view.on_screen()  # behind another tab: not drawn
    for _ in range(3):
        with qtbot.waitSignal(w.session.snapshotShown, timeout=WORKER_TIMEOUT):
            action(w, "stepEpoch").trigger()
    probs = in_worker(qtbot, w, lambda t: t.network.predict(t.X_test))
    true = w.session.dataset.labels_test
    pred = predicted_labels(probs)
    np.testing.assert_array_equal(w.analysis.confusion_view.matrix(),
                                  confusion_matrix(true, pred, 3))
    # the hidden distributions view recorded every snapshot shown all the same, drew none
    assert len(w.analysis.distributions_view.history) >= 3
    distributions = w.analysis.distributions_view
    assert points_drawn(distributions) < len(distributions.history)
    w.findChild(QDockWidget, "distributionsDock").raise_()
    qtbot.waitUntil(lambda: points_drawn(w.analysis.distributions_view) == len(
        w.analysis.distributions_view.history), timeout=5000)
    wrong = [(r, c) for r in range(3) for c in range(3) if r != c
             and w.analysis.confusion_view.matrix()[r, c]] or [(0, 0)]
    w.analysis.confusion_view.select_cell(*wrong[0])
    rows = w.analysis.confusion_view.selected_rows()
    x, y = w.decision_view.rings.getData()
    X = w.session.dataset.X_test[rows]
    np.testing.assert_array_equal(x, X[:, 0])
    np.testing.assert_array_equal(y, X[:, 1])
    assert w.decision_view.show_test.isChecked() == bool(len(rows))
    w.analysis.confusion_view.select_cell(*wrong[0])  # again: cleared
    assert len(w.decision_view.rings.getData()[0]) == 0


def test_a_neuron_clicked_in_the_diagram_picks_its_layer(qtbot, spirals_window):
    w = spirals_window
    assert w.analysis.activation_view.layer() == 0
    w.diagram.neuronClicked.emit((2, 1))  # column 2: the output layer (softmax)
    curves = w.analysis.activation_view
    assert curves.layer() == 1 and curves.function() == "softmax"
    assert w.analysis.distributions_view.layer() == 1
    w.diagram.neuronClicked.emit((0, 0))  # an input: no layer to show
    assert w.analysis.activation_view.layer() == 1


def test_decision_surface_legend_names_the_classes(qtbot):
    trainer = trained("iris", epochs=1, hidden=(4,))
    view = open_view(qtbot, DecisionSurfaceView, trainer)
    labels = [label.text for _, label in view.legend.items]
    assert labels == ["setosa", "versicolor", "virginica"]
    brushes = [sample.item.opts["brush"].color().name() for sample, _ in view.legend.items]
    assert brushes == [class_color(k).name() for k in range(3)]
    binary = trained("circles", epochs=1, hidden=(4,))
    view.reset(binary.info())
    assert [label.text for _, label in view.legend.items] == ["class 0", "class 1"]
    assert view.legend.isVisible()


def test_distributions_skip_diverged_snapshots_and_accept_ones_without_z(qtbot, relu_spirals):
    view = open_view(qtbot, DistributionsView, relu_spirals)
    snap = take_snapshot(relu_spirals, surface_resolution=0)
    no_z = dataclasses.replace(snap, sample_z=None)
    view.show_snapshot(no_z)  # an older producer: weights and gradients only
    assert len(view.history) == 1
    assert np.isnan(view.history.bands(0, "activations")).all()
    broken = [w.copy() for w in snap.weights]
    broken[0][0, 0] = np.nan
    view.show_snapshot(dataclasses.replace(snap, step=snap.step + 1, weights=broken))
    assert len(view.history) == 1  # the diverged step is not recorded
    curves = ActivationCurvesView()
    qtbot.addWidget(curves)
    curves.reset(relu_spirals.info())
    curves.show_snapshot(no_z)
    assert curves.counts is None and curves.hint.isVisible()


def test_confusion_rows_of_digits_show_the_digit_images(qtbot):
    trainer = trained("digits", epochs=1, hidden=(16,))
    view = open_view(qtbot, ConfusionView, trainer, size=(520, 620))
    view.show_snapshot(take_snapshot(trainer, surface_resolution=0))
    assert view.matrix().shape == (10, 10)
    cell = np.unravel_index(int(view.matrix().argmax()), (10, 10))
    view.select_cell(int(cell[0]), int(cell[1]))
    rows = view.selected_rows()
    headers = [view.table.horizontalHeaderItem(j).text() for j in range(view.table.columnCount())]
    assert headers == ["row", "image", "true", "predicted", "P(predicted)"]
    assert view.table.rowCount() == len(rows) > 0
    pixmap = view.table.item(0, 1).data(Qt.ItemDataRole.DecorationRole)
    image = pixmap.toImage()
    assert image.width() == 32
    # the darkest block of the picture is the largest pixel of the digit
    pixels = trainer.dataset.X_test[rows[0]].reshape(8, 8)
    r, c = np.unravel_index(int(pixels.argmax()), (8, 8))
    assert image.pixelColor(int(c) * 4 + 2, int(r) * 4 + 2).value() == round(
        255 - pixels.max() * 255 / 16)
