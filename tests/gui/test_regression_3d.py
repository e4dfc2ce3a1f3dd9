"""The regression view's 3-D surfaces (OpenGL) and its 2-D fallback.

The 3-D tests need an OpenGL context: run them under Xvfb with Mesa
(``Xvfb :77 & DISPLAY=:77 QT_QPA_PLATFORM=xcb python -m pytest tests/gui/test_regression_3d.py``);
under the offscreen platform, which has no OpenGL here, they skip and say why, unless
``BPS_REQUIRE_OPENGL=1`` (as ``.ci/run`` sets under Xvfb) makes a missing OpenGL a failure.
"""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from core.data import load_dataset, true_function  # noqa: E402
from core.train.config import TrainConfig  # noqa: E402
from core.train.trainer import Trainer  # noqa: E402
from core.watch.snapshot import take_snapshot  # noqa: E402
from gui.views import regression, surface3d  # noqa: E402
from gui.views.regression import RegressionSurfaceView  # noqa: E402

RESOLUTION = 40


@pytest.fixture(scope="module")
def squares():
    trainer = Trainer(load_dataset("squares_sum"), TrainConfig(hidden=(16, 8), lr=0.05))
    trainer.train(30)
    return trainer


@pytest.fixture
def needs_opengl(qapp):
    available, reason = surface3d.opengl_status()
    if not available and os.environ.get("BPS_REQUIRE_OPENGL") == "1":
        pytest.fail(f"BPS_REQUIRE_OPENGL=1 but {reason}")
    if not available:
        pytest.skip(f"{reason} (run under Xvfb with Mesa: see the module docstring)")


def open_view(qtbot, trainer):
    view = RegressionSurfaceView()
    qtbot.addWidget(view)
    view.resize(640, 360)
    view.show()
    view.reset(trainer.info())
    snapshot = take_snapshot(trainer, surface_resolution=RESOLUTION)
    view.show_snapshot(snapshot)
    return view, snapshot.surface


def grid_inputs(trainer, surface):
    """Raw grid points ``(ny * nx, 2)``, row-major with y slowest, as the snapshot's."""
    xx, yy = np.meshgrid(surface.x, surface.y)
    return np.column_stack([xx.ravel(), yy.ravel()])


def test_3d_surfaces_hold_the_model_and_the_true_function(qtbot, squares, needs_opengl):
    view, surface = open_view(qtbot, squares)
    assert view.showing_3d() and view.show_3d.isChecked() and not view.gl_reason.isVisible()
    raw = grid_inputs(squares, surface)
    net_in = squares.pipeline.transform(raw, dtype=squares.dtype)
    predicted = squares.network.predict(net_in)[:, 0].reshape(RESOLUTION, RESOLUTION)
    true = true_function(squares.dataset)(raw).reshape(RESOLUTION, RESOLUTION)
    pred_item = view.pair3d.pred_panel.surface
    true_item = view.pair3d.true_panel.surface
    # GLSurfacePlotItem keeps z as (len(x), len(y)): the transpose of the (ny, nx) grid.
    lo, hi = view.pair3d.colorbar.levels()
    span = hi - lo
    assert predicted.min() > lo - span and predicted.max() < hi + span  # nothing clipped
    np.testing.assert_allclose(pred_item._z, predicted.T, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(true_item._z, true.T, rtol=1e-6)  # true surface: float32
    np.testing.assert_array_equal(pred_item._x, surface.x)
    np.testing.assert_array_equal(pred_item._y, surface.y)
    ds = squares.dataset
    y_all = np.concatenate([ds.y_train[:, 0], ds.y_test[:, 0]])
    assert (lo, hi) == (y_all.min(), y_all.max())  # one colour scale: the targets' range
    for panel in view.pair3d.panels():  # the scatter item stores float32
        np.testing.assert_allclose(panel.points.pos[:, :2], ds.X_train, rtol=1e-6)
        np.testing.assert_allclose(panel.points.pos[:, 2], ds.y_train[:, 0], rtol=1e-6)


def test_a_new_dataset_clears_the_3d_surfaces_until_its_first_frame(qtbot, squares,
                                                                     needs_opengl):
    view, _ = open_view(qtbot, squares)
    plane = Trainer(load_dataset("plane"), TrainConfig(hidden=(4,)))
    view.reset(plane.info())
    assert not any(p.surface.visible() or p.points.visible() for p in view.pair3d.panels())
    view.show_snapshot(take_snapshot(plane, surface_resolution=RESOLUTION))
    assert all(p.surface.visible() and p.points.visible() for p in view.pair3d.panels())
    np.testing.assert_allclose(view.pair3d.true_panel.points.pos[:, 2], plane.dataset.y_train[:, 0],
                               rtol=1e-6)


def test_3d_surface_follows_training(qtbot, needs_opengl):
    trainer = Trainer(load_dataset("squares_sum"), TrainConfig(hidden=(8,), lr=0.05))
    view, _ = open_view(qtbot, trainer)
    before = view.pair3d.pred_panel.surface._z.copy()
    trainer.train(3)
    view.show_snapshot(take_snapshot(trainer, surface_resolution=RESOLUTION))
    after = view.pair3d.pred_panel.surface._z
    assert not np.array_equal(before, after)
    raw = grid_inputs(trainer, view._last_surface)
    net_in = trainer.pipeline.transform(raw, dtype=trainer.dtype)
    now = trainer.network.predict(net_in)[:, 0].reshape(RESOLUTION, RESOLUTION)
    np.testing.assert_allclose(after, now.T, rtol=1e-12, atol=1e-12)


def test_a_diverged_prediction_stays_inside_the_box(qtbot, squares, needs_opengl):
    import dataclasses
    import warnings

    view, surface = open_view(qtbot, squares)
    huge = dataclasses.replace(surface, output=np.full_like(surface.output, 1e153))
    snapshot = take_snapshot(squares, surface_resolution=RESOLUTION)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view.show_snapshot(dataclasses.replace(snapshot, surface=huge))
        view.pair3d.grab()
    lo, hi = view.pair3d.colorbar.levels()
    z = view.pair3d.pred_panel.surface._z
    assert np.isfinite(z).all() and z.max() == hi + (hi - lo) * surface3d.Z_OVERSHOOT


def test_turning_one_camera_turns_the_other(qtbot, squares, needs_opengl):
    view, _ = open_view(qtbot, squares)
    pred_view, true_view = view.pair3d.pred_panel.view, view.pair3d.true_panel.view
    pred_view.orbit(35.0, -12.0)
    assert true_view.cameraParams() == pred_view.cameraParams()
    true_view.pan(3.0, -2.0, 0.0, relative="view")
    assert pred_view.cameraParams() == true_view.cameraParams()
    assert pred_view.cameraParams()["azimuth"] == surface3d.CAMERA["azimuth"] + 35.0


def test_toggle_switches_between_3d_and_2d(qtbot, squares, needs_opengl):
    view, surface = open_view(qtbot, squares)
    view.show_3d.setChecked(False)
    assert view.surfaces.currentWidget() is view.pair and not view.showing_3d()
    shown = view.pair.pred_image.image
    np.testing.assert_allclose(shown, np.clip(surface.output[..., 0], *view._levels),
                               rtol=1e-6)
    view.show_3d.setChecked(True)
    assert view.showing_3d()


def test_without_opengl_the_2d_view_shows_the_reason(qtbot, squares, monkeypatch):
    reason = "3-D off: OpenGL cannot start on the 'test' display"
    monkeypatch.setattr(regression, "opengl_status", lambda: (False, reason))
    view, surface = open_view(qtbot, squares)
    assert view.pair3d is None and not view.showing_3d()
    assert view.surfaces.currentWidget() is view.pair
    assert view.gl_reason.isVisible()
    assert view.gl_reason.text() == reason and "2-D heatmaps" in view.gl_reason.toolTip()
    assert not view.show_3d.isEnabled() and view.show_3d.toolTip() == reason
    assert view.pair.pred_image.image.shape == (RESOLUTION, RESOLUTION)
    assert view.pair.pred_image.isVisible() and view.pair.true_image.isVisible()


def test_reason_hidden_where_no_surface_is_drawn(qtbot, monkeypatch):
    monkeypatch.setattr(regression, "opengl_status", lambda: (False, "3-D off: test"))
    view = RegressionSurfaceView()
    qtbot.addWidget(view)
    view.show()
    trainer = Trainer(load_dataset("circles"), TrainConfig(hidden=(4,)))
    view.reset(trainer.info())
    assert not view.gl_reason.isVisible() and not view.show_3d.isVisible()


def test_probe_names_a_missing_pyopengl(qapp, monkeypatch):
    monkeypatch.setitem(sys.modules, "OpenGL", None)  # makes ``import OpenGL`` fail
    available, reason = surface3d._probe_opengl()
    assert not available and "PyOpenGL is not installed" in reason


def test_probe_names_the_platform_when_no_context_starts(qapp):
    available, reason = surface3d._probe_opengl()
    assert available or qapp.platformName() in reason


def test_export_draws_the_2d_pair_up_to_date_while_3d_is_shown(qtbot, squares, needs_opengl,
                                                                 tmp_path):
    from gui.export.plot_export import export_view

    view, surface = open_view(qtbot, squares)
    assert view.showing_3d()
    path = export_view(view, tmp_path / "regression.png")
    assert path.stat().st_size > 0 and view.showing_3d()  # the user's page stays 3-D
    np.testing.assert_allclose(view.pair.pred_image.image,
                               np.clip(surface.output[..., 0], *view._levels), rtol=1e-6)
    assert view.pair.true_image.isVisible()


def test_main_window_shows_2_input_regression_in_3d(qtbot, needs_opengl):
    from gui.shell.window import MainWindow
    from gui.views.lazy_view import view_of

    window = MainWindow(load_dataset("squares_sum"), TrainConfig(epochs=10**6))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    view = window.regression_view
    assert view_of(window.surface_stack.currentWidget()) is view and view.showing_3d()
    qtbot.waitUntil(lambda: view.pair3d.pred_panel.surface._z is not None)
    surface = view._last_surface
    raw = grid_inputs(None, surface)

    def predict(trainer):  # run by the worker that owns the trainer
        return trainer.network.predict(trainer.pipeline.transform(raw, dtype=trainer.dtype))

    res = len(surface.x)
    expected = window.session.call(predict)[:, 0].reshape(res, res)
    np.testing.assert_allclose(view.pair3d.pred_panel.surface._z, expected.T, rtol=1e-12)
    window.close()


def test_opengl_is_probed_only_when_surfaces_are_first_drawn(qtbot, squares, monkeypatch):
    calls = []
    reason = "3-D off: test"
    monkeypatch.setattr(regression, "opengl_status", lambda: calls.append(1) or (False, reason))
    view = RegressionSurfaceView()
    qtbot.addWidget(view)
    view.show()
    view.reset(Trainer(load_dataset("circles"), TrainConfig(hidden=(4,))).info())
    assert calls == [] and view.pair3d is None  # a classifier: no OpenGL at start-up
    view.reset(squares.info())
    view.reset(squares.info())
    assert calls == [1] and view.gl_reason.text() == reason  # probed once, reason shown
