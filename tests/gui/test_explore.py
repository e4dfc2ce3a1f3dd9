"""Optimizer playground and loss landscape, through the real window (offscreen).

``docs/make_explore_screens.py`` makes the README's pictures of both windows.
"""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from core.optim.optimizers import OPTIMIZERS
from core.optim.playground import RACE_OPTIMIZERS, SURFACES, log_scale
from core.watch.landscape import LandscapeRequest, LossProblem, compute_landscape
from core.watch.trajectory import flat_from_snapshot
from gui.explore import explore_of
from gui.explore.landscape_window import display_values
from gui.views.plot_style import as_image
from tests.gui.helpers import action

TIMEOUT = 60_000


def open_from_tools(qtbot, window, name):
    """Trigger Tools → ``name`` (checking it is in the Tools menu) and return the window."""
    tools = window.menu("tools")
    assert action(window, name) in tools.actions()
    action(window, name).trigger()
    explore = explore_of(window)
    shown = explore.playground if name == "optimizerPlayground" else explore.landscape
    qtbot.waitExposed(shown)
    return shown


def click_map(qtbot, playground, x, y):
    """Left-click the playground's map at plot coordinates ``(x, y)``."""
    vb = playground.plot.getViewBox()
    scene_point = vb.mapViewToScene(QPointF(x, y))
    pos = playground.plot_widget.mapFromScene(scene_point)
    qtbot.mouseClick(playground.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def own_updates(surface, start, name, lr, steps):
    """The path an ``OPTIMIZERS`` instance takes when stepped by hand, (steps + 1, 2)."""
    p = np.array(start, dtype=np.float64)
    opt = OPTIMIZERS.get(name)([p], lr=lr)
    path = [p.copy()]
    for _ in range(steps):
        gx, gy = surface.gradient(float(p[0]), float(p[1]))
        opt.step([np.array([gx, gy])])
        path.append(p.copy())
    return np.array(path)


# ------------------------------------------------------------------- optimizer playground
def test_playground_click_start_step_and_paths_equal_the_optimizers_own(qtbot, window):
    playground = open_from_tools(qtbot, window, "optimizerPlayground")
    assert playground.isVisible() and playground.surface.name == "rosenbrock"
    click_map(qtbot, playground, -0.5, 2.0)
    pixel = 4.0 / playground.plot_widget.width()
    assert playground.start == pytest.approx((-0.5, 2.0), abs=3 * pixel)
    assert playground.race.steps == 0
    for _ in range(25):
        qtbot.mouseClick(playground.step_button, Qt.MouseButton.LeftButton)
    assert playground.race.steps == 25
    drawn = playground.drawn_paths()
    assert set(drawn) == set(RACE_OPTIMIZERS)
    surface = SURFACES.get("rosenbrock")
    for name in RACE_OPTIMIZERS:
        lr = playground.lr_spins[name].value()
        assert lr == surface.learning_rates[name]
        expected = own_updates(surface, playground.start, name, lr, 25)
        assert np.array_equal(drawn[name], expected), name
    start = playground.start_marker.getData()
    assert (start[0][0], start[1][0]) == playground.start
    x, y, f = surface.grid(200)
    np.testing.assert_array_equal(playground.contour.image.image,
                                  as_image(log_scale(surface, f)))  # log-scaled colours


def test_playground_map_exports_as_png(qtbot, window, tmp_path):
    from PySide6.QtGui import QImage

    from gui.export.context_menu import VIEW_ACTION
    from gui.export.operations import export_view_to

    playground = open_from_tools(qtbot, window, "optimizerPlayground")
    scene = playground.plot_widget.scene()
    assert any(a.objectName() == VIEW_ACTION for a in scene.contextMenu)
    playground.step(20)
    path = export_view_to(window, playground.map_box, tmp_path / "playground.png", (600, 400))
    image = QImage(str(path))
    assert (image.width(), image.height()) == (600, 400)
    colours = {image.pixel(x, y) for x in range(0, 600, 15) for y in range(0, 400, 15)}
    assert len(colours) > 20  # a map with paths, not a blank picture


def test_playground_shared_rate_unticked_racers_surface_and_reset(qtbot, window):
    playground = open_from_tools(qtbot, window, "optimizerPlayground")
    playground.surface_combo.setCurrentIndex(playground.surface_combo.findData("narrow_valley"))
    assert playground.surface.name == "narrow_valley"
    assert playground.start == SURFACES.get("narrow_valley").start
    playground.shared.setChecked(True)
    playground.shared_lr.setValue(0.03)
    playground.included["adagrad"].setChecked(False)
    playground.step(10)
    assert [r.name for r in playground.race.racers] == [n for n in RACE_OPTIMIZERS
                                                       if n != "adagrad"]
    assert all(r.optimizer.lr == 0.03 for r in playground.race.racers)
    assert "adagrad" not in playground.drawn_paths()
    legend = [label.text for _sample, label in playground.legend.items]
    assert legend == [f"{r.name} (lr 0.03)" for r in playground.race.racers]
    expected = own_updates(playground.surface, playground.start, "adam", 0.03, 10)
    assert np.array_equal(playground.drawn_paths()["adam"], expected)
    qtbot.mouseClick(playground.reset_button, Qt.MouseButton.LeftButton)
    assert playground.race.steps == 0
    assert all(len(p) == 1 for p in playground.drawn_paths().values())


def test_playground_play_and_pause(qtbot, window):
    playground = open_from_tools(qtbot, window, "optimizerPlayground")
    playground.per_frame.setValue(3)
    qtbot.mouseClick(playground.play_button, Qt.MouseButton.LeftButton)
    assert playground.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: playground.race.steps >= 9, timeout=TIMEOUT)
    qtbot.mouseClick(playground.play_button, Qt.MouseButton.LeftButton)
    steps = playground.race.steps
    assert not playground.timer.isActive() and steps % 3 == 0
    assert len(playground.drawn_paths()["sgd"]) == steps + 1


def test_untick_every_racer_explains_and_step_does_nothing(qtbot, window):
    playground = open_from_tools(qtbot, window, "optimizerPlayground")
    for check in playground.included.values():
        check.setChecked(False)
    assert playground.race is None and playground.drawn_paths() == {}
    qtbot.mouseClick(playground.step_button, Qt.MouseButton.LeftButton)
    assert "at least one optimizer" in playground.status.text()


# ------------------------------------------------------------------------- loss landscape
def steps(qtbot, window, n):
    target = window.session.counters[0] + n
    for _ in range(n):
        window.session.step()
    qtbot.waitUntil(lambda: window.session.counters[0] == target
                    and window.session.last_snapshot.step == target, timeout=TIMEOUT)


def wait_result(qtbot, landscape, step):
    qtbot.waitUntil(lambda: landscape.result is not None
                    and landscape.result.request.step == step and not landscape.busy(),
                    timeout=TIMEOUT)
    return landscape.result


def core_result(window, landscape, mode="random"):
    """The same picture computed directly by the core from the window's latest snapshot."""
    snapshot = window.session.last_snapshot
    source = explore_of(window).source
    request = LandscapeRequest(weights=flat_from_snapshot(snapshot),
                               path=source.trajectory.points(), mode=mode,
                               resolution=landscape.resolution.value(),
                               span=landscape.span.value(), seed=landscape.seed.value(),
                               step=snapshot.step)
    return compute_landscape(LossProblem.from_info(window.session.info), request)


def test_landscape_on_circles_draws_the_core_result(qtbot, window):
    steps(qtbot, window, 12)
    landscape = open_from_tools(qtbot, window, "lossLandscape")
    result = wait_result(qtbot, landscape, 12)
    expected = core_result(window, landscape)
    assert result.landscape.loss.shape == (41, 41)
    np.testing.assert_array_equal(result.landscape.loss, expected.landscape.loss)
    drawn = landscape.contour.image.image
    np.testing.assert_array_equal(drawn, as_image(display_values(expected.landscape.loss)))
    x, y = landscape.path_curve.getData()
    np.testing.assert_array_equal(np.column_stack([x, y]), expected.landscape.path)
    assert len(x) == 13  # step 0 and every one of the 12 steps
    ts, line = landscape.line_curve.getData()
    np.testing.assert_array_equal(line, expected.line)
    assert line[np.flatnonzero(ts == 1.0)[0]] == pytest.approx(
        expected.landscape.loss[20, 20], abs=1e-12)
    assert result.loss_now == pytest.approx(expected.landscape.loss[20, 20], abs=1e-12)
    assert "Step 12" in landscape.status.text()


def test_landscape_is_computed_off_the_gui_thread(qtbot, window, monkeypatch):
    import threading

    import gui.explore.landscape_job as job_module

    threads = []
    real = job_module.compute_landscape

    def recording(*args, **kwargs):
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(job_module, "compute_landscape", recording)
    landscape = open_from_tools(qtbot, window, "lossLandscape")
    wait_result(qtbot, landscape, 0)
    assert threads and threading.get_ident() not in threads
    before = flat_from_snapshot(window.session.last_snapshot)
    np.testing.assert_array_equal(landscape.result.request.weights, before)


def test_landscape_trajectory_plane_and_refresh(qtbot, window):
    steps(qtbot, window, 30)
    landscape = open_from_tools(qtbot, window, "lossLandscape")
    wait_result(qtbot, landscape, 30)
    landscape.mode_combo.setCurrentIndex(landscape.mode_combo.findData("trajectory"))
    assert not landscape.span.isEnabled()
    qtbot.mouseClick(landscape.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: landscape.result.landscape.plane.kind == "trajectory"
                    and not landscape.busy(), timeout=TIMEOUT)
    expected = core_result(window, landscape, mode="trajectory")
    np.testing.assert_array_equal(landscape.contour.image.image,
                                  as_image(display_values(expected.landscape.loss)))
    assert "variance" in landscape.status.text()


def test_landscape_trajectory_plane_before_training_explains(qtbot, window):
    landscape = open_from_tools(qtbot, window, "lossLandscape")
    wait_result(qtbot, landscape, 0)
    landscape.mode_combo.setCurrentIndex(landscape.mode_combo.findData("trajectory"))
    landscape.refresh()
    qtbot.waitUntil(lambda: not landscape.busy(), timeout=TIMEOUT)
    assert "train" in landscape.status.text()
    assert landscape.result.landscape.plane.kind == "random"  # the old picture stays


def test_a_new_request_cancels_the_running_one(qtbot, window):
    landscape = open_from_tools(qtbot, window, "lossLandscape")
    wait_result(qtbot, landscape, 0)
    landscape.resolution.setValue(61)
    landscape.refresh()
    first = landscape.job
    landscape.seed.setValue(5)
    landscape.refresh()
    assert first.cancelled()
    result = wait_result(qtbot, landscape, 0)
    assert result.request.seed == 5 and result.landscape.loss.shape == (61, 61)


def test_auto_update_follows_training(qtbot, window):
    landscape = open_from_tools(qtbot, window, "lossLandscape")
    wait_result(qtbot, landscape, 0)
    landscape.interval.setValue(1)
    landscape.auto.setChecked(True)
    steps(qtbot, window, 5)
    wait_result(qtbot, landscape, 5)
    landscape.auto.setChecked(False)
    assert not landscape.auto_timer.isActive()


def test_a_new_network_redraws_the_open_landscape(qtbot, window):
    landscape = open_from_tools(qtbot, window, "lossLandscape")
    wait_result(qtbot, landscape, 0)
    old_size = landscape.result.request.weights.size
    window.session.set_hidden((4,))
    qtbot.waitUntil(lambda: landscape.result is not None
                    and landscape.result.request.weights.size != old_size
                    and not landscape.busy(), timeout=TIMEOUT)
    assert landscape.result.request.weights.size == 2 * 4 + 4 + 4 + 1


def test_reopening_after_training_recomputes(qtbot, window):
    landscape = open_from_tools(qtbot, window, "lossLandscape")
    wait_result(qtbot, landscape, 0)
    landscape.close()
    assert not landscape.isVisible()
    steps(qtbot, window, 3)
    assert landscape.result.request.step == 0  # closed: nothing computed meanwhile
    assert open_from_tools(qtbot, window, "lossLandscape") is landscape
    wait_result(qtbot, landscape, 3)
