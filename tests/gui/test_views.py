"""The live pyqtgraph views, fed snapshots of real trainers (offscreen, no sleeping)."""

import dataclasses
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import QPointF  # noqa: E402
from PySide6.QtGui import QColor  # noqa: E402

from core.data import load_dataset  # noqa: E402
from core.train.config import TrainConfig  # noqa: E402
from core.train.trainer import Trainer  # noqa: E402
from core.watch.snapshot import take_snapshot  # noqa: E402
from gui.theme.style import POSITIVE_HEX  # noqa: E402
from gui.views.curves import LossCurvesView  # noqa: E402
from gui.views.digits import RIGHT_COLOR, WRONG_COLOR, DigitsView  # noqa: E402
from gui.views.heatmaps import WeightHeatmapsView  # noqa: E402
from gui.views.regression import RegressionSurfaceView  # noqa: E402
from gui.views.surface import DecisionSurfaceView  # noqa: E402

PNG_DIR = os.environ.get("VIEWS_PNG_DIR")  # set to keep the rendered PNGs for inspection


def trained(name, hidden=(8, 8), epochs=5, **data_kw):
    """A ``Trainer`` on dataset ``name`` after a few epochs."""
    trainer = Trainer(load_dataset(name, **data_kw), TrainConfig(hidden=hidden, lr=0.05))
    trainer.train(epochs)
    return trainer


@pytest.fixture(scope="module")
def circles():
    return trained("circles")


@pytest.fixture(scope="module")
def spirals():
    return trained("spirals", n_classes=3)


@pytest.fixture(scope="module")
def squares():
    return trained("squares_sum", hidden=(16, 16), epochs=20)


@pytest.fixture(scope="module")
def digits():
    return trained("digits", hidden=(32,), epochs=2)


def make_view(qtbot, cls, trainer):
    view = cls()
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    view.reset(trainer.info())
    return view


def scene_item_count(view):
    """All graphics items in every pyqtgraph scene of ``view``."""
    import pyqtgraph as pg

    return sum(len(w.scene().items()) for w in view.findChildren(pg.GraphicsView))


def assert_not_blank(view, name, tmp_path):
    path = tmp_path / f"{name}.png"
    image = view.grab().toImage()
    assert image.save(str(path))
    if PNG_DIR:
        image.save(os.path.join(PNG_DIR, f"{name}.png"))
    ptr = image.constBits()
    pixels = np.frombuffer(ptr, np.uint8, count=image.sizeInBytes())
    assert pixels.std() > 10, f"{name} renders blank"


# ---------------------------------------------------------------- decision surface
def test_binary_surface_uses_p1_with_fixed_levels(qtbot, circles, tmp_path):
    view = make_view(qtbot, DecisionSurfaceView, circles)
    assert view.hint.isVisible()
    snap = take_snapshot(circles, surface_resolution=100)
    view.show_snapshot(snap)
    assert not view.hint.isVisible()
    assert view.image.image.shape == (100, 100)
    assert view.image.image.dtype == np.float32
    assert tuple(view.image.getLevels()) == (0.0, 1.0)
    rect = view.image.mapRectToParent(view.image.boundingRect())
    assert rect.center().x() == pytest.approx(float(snap.surface.x.mean()), abs=1e-6)
    assert_not_blank(view, "surface_circles", tmp_path)


def test_multiclass_surface_is_rgb_by_argmax(qtbot, spirals, tmp_path):
    view = make_view(qtbot, DecisionSurfaceView, spirals)
    snap = take_snapshot(spirals, surface_resolution=100)
    view.show_snapshot(snap)
    rgb = view.image.image
    assert rgb.shape == (100, 100, 3) and rgb.dtype == np.uint8
    view.discretize.setChecked(True)
    assert len(np.unique(view.image.image.reshape(-1, 3), axis=0)) <= 3
    view.show_test.setChecked(True)
    assert view.test_scatter.isVisible()
    assert_not_blank(view, "surface_spirals", tmp_path)


def test_surface_columns_request_and_wait(qtbot):
    trainer = trained("iris", hidden=(8,), epochs=2)
    view = make_view(qtbot, DecisionSurfaceView, trainer)
    assert view.picker.isVisible()
    view.show_snapshot(take_snapshot(trainer, 30, surface_columns=(0, 1)))
    with qtbot.waitSignal(view.columnsChanged) as blocker:
        view.picker.set_columns(2, 3)
    assert blocker.args == [(2, 3)]
    view.show_snapshot(take_snapshot(trainer, 30, surface_columns=(0, 1)))
    assert view.shown_columns() == (0, 1)  # old surface kept until the new one arrives
    view.show_snapshot(take_snapshot(trainer, 30, surface_columns=(2, 3)))
    assert view.shown_columns() == (2, 3)
    assert view.plot.getAxis("bottom").labelText == trainer.dataset.input_names[2]


def test_nan_surface_keeps_last_image(qtbot, circles):
    view = make_view(qtbot, DecisionSurfaceView, circles)
    snap = take_snapshot(circles, surface_resolution=40)
    view.show_snapshot(snap)
    before = view.image.image.copy()
    bad = dataclasses.replace(snap.surface, output=np.full_like(snap.surface.output, np.nan))
    view.show_snapshot(dataclasses.replace(snap, surface=bad))
    np.testing.assert_array_equal(view.image.image, before)


# ---------------------------------------------------------------- regression
def test_regression_shows_prediction_and_true_surface(qtbot, squares, tmp_path):
    view = make_view(qtbot, RegressionSurfaceView, squares)
    view.show_3d.setChecked(False)  # the 2-D pair (3-D where OpenGL starts: test_regression_3d)
    view.resize(500, 300)
    snap = take_snapshot(squares, surface_resolution=60)
    view.show_snapshot(snap)
    pair = view.pair
    assert pair.pred_image.image.shape == pair.true_image.image.shape == (60, 60)
    assert tuple(pair.pred_image.getLevels()) == tuple(pair.true_image.getLevels())
    assert view.true_source() in ("function", "nearest")
    assert_not_blank(view, "regression_squares", tmp_path)


# ---------------------------------------------------------------- curves
def test_curves_follow_history_and_log_toggle(qtbot, circles, tmp_path):
    view = make_view(qtbot, LossCurvesView, circles)
    assert view.hint.isVisible()
    snap = take_snapshot(circles)
    view.show_snapshot(snap)
    assert not view.hint.isVisible()
    x, y = view.train_loss.getOriginalDataset()
    np.testing.assert_array_equal(x, snap.history["epoch"])
    with qtbot.waitSignal(view.logScaleChanged) as blocker:
        view.set_log_scale(True)
    assert blocker.args == [True]
    assert view.log_check.isChecked() and view.loss_plot.ctrl.logYCheck.isChecked()
    view.log_check.setChecked(False)
    assert not view.is_log_scale()
    assert_not_blank(view, "curves_circles", tmp_path)


def test_curves_say_when_steps_were_taken_inside_the_first_epoch(qtbot):
    """A long first epoch (or a run that diverged in it) must not still say "Press Play"."""
    trainer = Trainer(load_dataset("digits"), TrainConfig(hidden=(8,), batch_size=32))
    view = make_view(qtbot, LossCurvesView, trainer)
    assert "Press Play" in view.hint.toPlainText()
    for _ in range(3):
        trainer.step()
    view.show_snapshot(take_snapshot(trainer))
    assert view.hint.isVisible()
    assert "Step 3 is inside epoch 1" in view.hint.toPlainText()
    trainer.run_epoch()
    view.show_snapshot(take_snapshot(trainer))
    assert not view.hint.isVisible()
    view.reset(trainer.info())
    assert "Press Play" in view.hint.toPlainText()


def test_one_epoch_is_drawn_as_a_dot_and_more_as_lines(qtbot, tmp_path):
    trainer = trained("circles", epochs=1)
    view = make_view(qtbot, LossCurvesView, trainer)
    view.show_snapshot(take_snapshot(trainer))
    for curve in view.curves():
        assert curve.opts["symbol"] == "o" and len(curve.getData()[0]) == 1
    image = view.grab().toImage()
    blue = QColor(POSITIVE_HEX)
    dots = sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
               if QColor(image.pixel(x, y)) == blue)
    assert dots > 0, "the single epoch's point is not drawn"
    trainer.train(1)
    view.show_snapshot(take_snapshot(trainer))
    assert all(curve.opts["symbol"] is None for curve in view.curves())


def test_curves_long_history_is_cheap(qtbot, circles):
    view = make_view(qtbot, LossCurvesView, circles)
    snap = take_snapshot(circles)
    n = 100_000
    history = {k: np.linspace(1.0, 0.01, n) for k in snap.history}
    history["epoch"] = np.arange(1, n + 1, dtype=float)
    long = dataclasses.replace(snap, history=history)
    view.show_snapshot(long)
    assert view.train_loss.opts["clipToView"] and view.train_loss.opts["autoDownsample"]
    grown = dataclasses.replace(long, history={**history, "epoch": history["epoch"] + 1})
    view.show_snapshot(grown)
    assert view.train_loss.getData()[0][-1] == n + 1


def test_surface_on_a_hidden_tab_places_its_points_when_first_drawn(qtbot, circles):
    from PySide6.QtWidgets import QTabWidget, QWidget

    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(QWidget(), "other")
    view = DecisionSurfaceView()
    tabs.addTab(view, "surface")
    tabs.show()
    qtbot.waitExposed(tabs)
    view.reset(circles.info())
    assert len(view.train_scatter.data) == 0  # not drawn for a tab nobody sees
    tabs.setCurrentWidget(view)
    view.show_snapshot(take_snapshot(circles))  # what the session does when it is shown
    x, y = view.train_scatter.getData()
    np.testing.assert_array_equal(x, circles.dataset.X_train[:, 0])
    np.testing.assert_array_equal(y, circles.dataset.X_train[:, 1])
    assert view.plot.getAxis("bottom").labelText == circles.dataset.input_names[0]


# ---------------------------------------------------------------- heatmaps
def test_heatmaps_symmetric_levels_titles_and_modes(qtbot, circles, tmp_path):
    view = make_view(qtbot, WeightHeatmapsView, circles)
    snap = take_snapshot(circles)
    view.show_snapshot(snap)
    low, high = view.levels()
    assert low == -high > -np.inf and high >= max(float(np.abs(w).max()) for w in snap.weights)
    assert len(view.cells) == 3
    assert view.cells[0].w_plot.titleLabel.text == "Layer 1: 2×8 (tanh)"
    assert view.cells[0].w_image.image.shape == (2, 8)
    assert view.cells[0].b_image.image.shape == (1, 8)
    view.set_mode(1)
    np.testing.assert_allclose(view.cells[0].w_image.image, snap.weight_grads[0], rtol=1e-6)
    low, high = view.levels()
    assert low == -high
    assert_not_blank(view, "heatmaps_circles", tmp_path)


def test_heatmaps_reset_while_hidden_are_built_once_when_shown(qtbot, circles, monkeypatch):
    view = WeightHeatmapsView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    builds = []
    build = view._build_cells
    monkeypatch.setattr(view, "_build_cells", lambda n: builds.append(n) or build(n))
    view.reset(circles.info())
    snap = take_snapshot(circles)
    view.show_snapshot(snap)  # a hidden tab: nothing is built for a width not known yet
    assert builds == [] and view.cells == []
    view.show()
    qtbot.waitExposed(view)
    assert len(builds) == 1 and len(view.cells) == 3
    np.testing.assert_allclose(view.cells[0].w_image.image, snap.weights[0], rtol=1e-6)


def test_heatmaps_hover_text(qtbot, circles):
    view = make_view(qtbot, WeightHeatmapsView, circles)
    snap = take_snapshot(circles)
    view.show_snapshot(snap)
    qtbot.wait(1)  # let the layout place the items (event loop turn, no sleep)
    image = view.cells[0].w_image
    inside = image.mapToScene(QPointF(0.5, 1.5))  # column 0, row 1
    first_line, names = view.hover_text(inside).splitlines()
    assert first_line == f"W[1, 0] = {float(snap.weights[0][1, 0]):.4g}"
    assert names == f"{view._info.feature_names[1]} → unit 0 of layer 1"
    bias = view.cells[0].b_image
    assert view.hover_text(bias.mapToScene(QPointF(2.5, 0.5))).startswith("b[2] = ")
    assert view.hover_text(inside - QPointF(1e5, 1e5)) is None


def test_heatmaps_big_network_shows_every_layer_as_float32_images(qtbot):
    trainer = trained("digits", hidden=(128, 64), epochs=1)
    view = make_view(qtbot, WeightHeatmapsView, trainer)
    view.show_snapshot(take_snapshot(trainer))
    shapes = [cell.w_image.image.shape for cell in view.cells]
    # each matrix is drawn whole, downsampled in blocks when larger than its plot's pixels
    assert shapes == [(-(-layer.W.shape[0] // cell.blocks[0]), -(-layer.W.shape[1]
                                                                  // cell.blocks[1]))
                      for cell, layer in zip(view.cells, trainer.network.layers, strict=True)]
    assert all(cell.w_image.image.dtype == np.float32 for cell in view.cells)


# ---------------------------------------------------------------- digits
def test_digits_grid_confusion_and_tiles(qtbot, digits, tmp_path):
    import pyqtgraph as pg

    assert DigitsView.supports(digits.dataset)
    view = make_view(qtbot, DigitsView, digits)
    view.resize(500, 350)
    snap = take_snapshot(digits)
    view.show_snapshot(snap)
    assert view.confusion().sum() == digits.dataset.n_test
    assert view.n_weight_tiles == 32
    pred = snap.test_probs.argmax(axis=1)
    true = digits.dataset.labels_test
    wrong = [k for k in range(len(view.labels)) if pred[k] != true[k]]
    right = [k for k in range(len(view.labels)) if pred[k] == true[k]]
    assert 1 <= len(view.labels) <= 48  # as many as carry a readable label at this size
    for k in right:
        assert view.labels.text(k) == str(pred[k])
        assert view.labels.color(k) == pg.mkColor(RIGHT_COLOR)
    for k in wrong:
        assert view.labels.text(k) == f"{pred[k]}/{true[k]}"
        assert view.labels.color(k) == pg.mkColor(WRONG_COLOR)
    assert "accuracy" in view.conf_plot.titleLabel.text
    assert_not_blank(view, "digits", tmp_path)


def test_digits_confusion_cells_follow_every_snapshot(qtbot, digits):
    """Each cell shows its count (blank for 0), white on the cells above 55 % of the top
    count: also after steps that move the top count but leave most cells' texts alone."""
    import pyqtgraph as pg

    from gui.views.plot_style import FOREGROUND

    trainer = Trainer(digits.dataset, digits.config)
    view = make_view(qtbot, DigitsView, trainer)
    for _ in range(4):
        for _ in range(15):
            trainer.step()
        view.show_snapshot(take_snapshot(trainer))
        counts = view.confusion()
        top = max(int(counts.max()), 1)
        labels = view.counts_labels
        assert len(labels) == counts.size
        for k, n in enumerate(counts.ravel()):
            assert labels.text(k) == (str(n) if n else "")
            assert labels.color(k) == pg.mkColor("w" if n > 0.55 * top else FOREGROUND)


def _overlaps(rects):
    return [(a, b) for k, a in enumerate(rects) for b in rects[k + 1:]
            if a.intersected(b).width() > 0.5 and a.intersected(b).height() > 0.5]


@pytest.mark.parametrize("size", [(456, 190), (600, 260), (560, 420), (1100, 520)])
def test_digits_labels_and_counts_never_overprint(qtbot, digits, size):
    view = make_view(qtbot, DigitsView, digits)
    view.resize(*size)
    qtbot.waitUntil(lambda: view.grid_plot.getViewBox().size().width() > 0)
    view.show_snapshot(take_snapshot(digits))
    qtbot.wait(1)  # let the layout deliver its resize signals
    view._fit_grid()
    view._fit_counts()
    labels = view.labels.scene_rects()
    assert labels and not _overlaps(labels), "test-digit labels overprint"
    counts = view.counts_labels
    assert not (counts.isVisible() and _overlaps(counts.scene_rects())), \
        "confusion counts overprint"
    rows, cols = view._grid
    assert len(view.labels) == min(rows * cols, 48)
    # the class numbers on the confusion matrix's axes have room for their text
    box = view.conf_plot.getViewBox().size()
    for name, room in (("left", box.height()), ("bottom", box.width())):
        ticks = view.conf_plot.getAxis(name)._tickLevels[0]
        assert 2 <= len(ticks) <= 10 and room / len(ticks) >= 11, (name, len(ticks), room)


def test_digits_view_shows_all_48_when_there_is_room(qtbot, digits):
    view = make_view(qtbot, DigitsView, digits)
    view.resize(1400, 1000)
    qtbot.waitUntil(lambda: len(view.labels) == 48)


def test_digits_view_ignores_other_data(qtbot, circles):
    assert not DigitsView.supports(circles.dataset)
    view = make_view(qtbot, DigitsView, circles)
    view.show_snapshot(take_snapshot(circles))
    assert view.n_weight_tiles == 0


# ---------------------------------------------------------------- all views
@pytest.mark.parametrize(
    "cls, data",
    [
        (DecisionSurfaceView, "spirals"),
        (RegressionSurfaceView, "squares"),
        (LossCurvesView, "circles"),
        (WeightHeatmapsView, "circles"),
        (DigitsView, "digits"),
    ],
)
def test_items_are_reused_across_updates(qtbot, request, cls, data):
    trainer = request.getfixturevalue(data)
    view = make_view(qtbot, cls, trainer)
    view.show_snapshot(take_snapshot(trainer))
    count = scene_item_count(view)
    items = list(view.findChildren(object))
    for _ in range(100):
        trainer.step()
        view.show_snapshot(take_snapshot(trainer))
    assert scene_item_count(view) == count
    assert len(view.findChildren(object)) == len(items)


# ---------------------------------------------------------------- fixes
def test_curve_reaches_the_snapshot_epoch_and_nothing_hides_it(qtbot):
    """After a snapshot at epoch E the curves end at E, inside the visible x range, and no
    legend sits over the plot (a legend there once hid the last ~40 epochs)."""
    trainer = trained("circles", epochs=1)
    view = make_view(qtbot, LossCurvesView, trainer)
    view.resize(420, 220)
    for _ in range(60):
        trainer.run_epoch()
        if trainer.epoch % 7 == 0:
            view.show_snapshot(take_snapshot(trainer, surface_resolution=10))
    view.show_snapshot(take_snapshot(trainer, surface_resolution=10))
    qtbot.wait(1)
    for curve in view.curves():
        x, _ = curve.getData()
        assert x[-1] == trainer.epoch == 61
    for plot in (view.loss_plot, view.metric_plot):
        assert plot.legend is None
        assert plot.getViewBox().viewRange()[0][1] >= trainer.epoch


def test_curve_axes_move_in_steps(qtbot):
    """The epoch axis range changes only when the run outgrows a rounded bound."""
    from gui.views.curve_ranges import (
        band_span,
        epoch_span,
        loss_span,
        metric_span,
        nice_ceil,
        step_span,
    )

    assert [nice_ceil(v) for v in (190, 191, 1234, 0.73)] == [190, 200, 1300, 0.73]
    assert epoch_span(5) == (0.0, 5.0) and epoch_span(0) == (0.0, 1.0)
    assert loss_span([0.7, 0.002], log=True) == (-3.0, 0.0)
    assert loss_span([np.nan]) is None
    assert metric_span([0.53, 0.99]) == (0.5, 1.0)
    assert [step_span(s)[1] for s in (0, 7, 10, 11, 21, 31, 99, 101, 1234)] == \
        [10, 10, 10, 15, 30, 40, 100, 150, 1500]
    assert band_span(-0.83, 0.91) == (-1.2, 1.2)
    assert band_span(-0.8, 0.9, current=(-1.2, 1.2)) == (-1.2, 1.2)  # held while it fits
    assert band_span(-0.2, 0.3, current=(-1.2, 1.2)) == (-0.26, 0.36)  # fills < 40 %: shrinks
    assert band_span(-0.8, 1.5, current=(-1.2, 1.2)) == (-1.2, 1.8)  # outgrown: grows
    assert band_span(0.0, 0.0) == (-0.1, 0.1)
    assert band_span(-1e308, 1e308) == (-1e308, 1e308)  # the extent overflows: as they are
    assert band_span(0.0, 5e-324)[1] >= 5e-324  # a subnormal extent: no grid, no error
    trainer = trained("circles", epochs=101)
    view = make_view(qtbot, LossCurvesView, trainer)
    ranges = set()
    for _ in range(8):
        trainer.run_epoch()
        view.show_snapshot(take_snapshot(trainer, surface_resolution=10))
        ranges.add(tuple(view.loss_plot.getViewBox().viewRange()[0]))
    assert len(ranges) == 1  # epochs 102..109 all fit the range up to 110


def test_curve_header_fits_and_tooltip_has_everything(qtbot, circles):
    view = make_view(qtbot, LossCurvesView, circles)
    view.show_snapshot(take_snapshot(circles))
    full = view.summary.toolTip()
    assert f"Epoch {circles.epoch}:" in full and "test accuracy" in full
    for width in (260, 420, 900):
        view.resize(width, 220)
        qtbot.wait(1)
        label = view.summary
        shown = label.fontMetrics().horizontalAdvance(label.plain_text())
        assert shown <= label.contentsRect().width() or "loss" not in label.plain_text()
        assert "train" in label.plain_text() and "test" in label.plain_text()
    assert "epoch" in view.summary.plain_text()  # wide: the longest form


def test_as_image_clips_values_beyond_float32(recwarn):
    """A diverged regression (1e153) must not overflow the float32 cast or the rescale."""
    import warnings

    from gui.views.plot_style import IMAGE_LIMIT, as_image

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = as_image(np.array([[1e153, -1e300, np.nan, 2.0]]))
        clipped = as_image(np.array([5.0, -5.0, 0.5]), levels=(-1.0, 1.0))
    assert out.dtype == np.float32 and out.flags["C_CONTIGUOUS"]
    assert out[0, 0] == np.float32(IMAGE_LIMIT) and out[0, 1] == -np.float32(IMAGE_LIMIT)
    assert np.isnan(out[0, 2]) and out[0, 3] == 2.0
    np.testing.assert_array_equal(clipped, [1.0, -1.0, 0.5])


def test_regression_view_survives_a_diverged_prediction(qtbot, squares):
    import warnings

    view = make_view(qtbot, RegressionSurfaceView, squares)
    view.show_3d.setChecked(False)
    snap = take_snapshot(squares, surface_resolution=30)
    huge = dataclasses.replace(snap.surface, output=np.full_like(snap.surface.output, 1e153))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view.show_snapshot(dataclasses.replace(snap, surface=huge))
        view.grab()
    assert np.isfinite(view.pair.pred_image.image).all()


def test_heatmap_colour_bar_is_whole_in_a_small_dock(qtbot, circles):
    """The colour bar (both signs) is fully inside the visible part of the scroll area."""
    view = make_view(qtbot, WeightHeatmapsView, circles)
    view.resize(430, 190)
    qtbot.wait(1)
    view.show_snapshot(take_snapshot(circles))
    qtbot.wait(1)
    bar = view.colorbar
    rect = bar.mapRectToScene(bar.boundingRect())
    top_left = view.layout_widget.mapFromScene(rect.topLeft())
    bottom_right = view.layout_widget.mapFromScene(rect.bottomRight())
    viewport = view.scroll.viewport()
    visible = viewport.rect().translated(-view.layout_widget.x(), -view.layout_widget.y())
    assert visible.contains(top_left) and visible.contains(bottom_right)
    low, high = view.levels()
    assert low == -high and high >= float(np.abs(take_snapshot(circles).weights[0]).max())
