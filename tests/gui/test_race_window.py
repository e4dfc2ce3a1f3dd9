"""The race through the real window: Tools → Race from this run…, the dialog, Play, curves
overlaid (one per racer), surfaces side by side, one scrub for all, a lesson's race, and no
thread left when the race window closes."""

import numpy as np
from PySide6.QtCore import Qt

from core.data import load_dataset
from core.teach.lesson_file import lesson_from_setup, save_lesson
from core.train.config import TrainConfig
from gui.race import race_tools_of
from gui.race.curves import RACER_STYLES
from tests.gui.conftest import running_qthreads
from tests.gui.helpers import action

TIMEOUT = 60_000


def open_race(qtbot, window, count=3):
    """Tools → Race from this run…, racers B (Adam) and C (ReLU, full batch), Start race."""

    assert action(window, "raceFromRun") in window.menu("tools").actions()
    action(window, "raceFromRun").trigger()
    dialog = race_tools_of(window).dialog
    qtbot.waitExposed(dialog)
    dialog.count.setValue(count)
    b, c = dialog.columns[1].editors, dialog.columns[2].editors
    b["optimizer"].setCurrentText("adam")
    b["lr"].setValue(0.01)
    c["activation"].setCurrentText("relu")
    c["batch_size"].setValue(0)  # "full"
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    race = race_tools_of(window).race_window
    assert race is not None
    qtbot.waitExposed(race)
    return race


def play_until(qtbot, race, frames):
    with qtbot.waitSignal(race.runningChanged, timeout=TIMEOUT):
        qtbot.mouseClick(race.play_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(race.frames) >= frames, timeout=TIMEOUT)
    with qtbot.waitSignal(race.runningChanged, timeout=TIMEOUT):
        qtbot.mouseClick(race.pause_button, Qt.MouseButton.LeftButton)


def test_race_from_the_current_run_plays_overlays_and_scrubs(qtbot, window):
    race = open_race(qtbot, window)
    config = window.session.config
    assert race.names == [f"A: sgd lr {config.lr:g}", "B: adam lr 0.01",
                          "C: sgd lr 0.03, relu, batch full"]
    assert not window.session.running  # the main run waits while the race runs
    play_until(qtbot, race, 4)
    assert not race.running and race.play_button.isEnabled()

    # The curves overlay: one loss and one metric curve per racer, in distinct colours,
    # named in the legend.
    assert len(race.curves.loss_curves) == len(race.curves.metric_curves) == 3
    steps = [c.getData()[0] for c in race.curves.loss_curves]
    assert all(len(s) == len(race.rows[0]) >= 4 for s in steps)
    np.testing.assert_array_equal(steps[0], steps[1])  # lockstep: the same steps for all
    colors = {c.opts["pen"].color().name().lower() for c in race.curves.loss_curves}
    assert colors == {s[0].lower() for s in RACER_STYLES[:3]}
    legend = [label.text for _, label in race.curves.legend.items]
    assert legend == race.names

    # The surfaces sit side by side, one per racer, each drawn.
    panels = race.panels
    assert len(panels) == 3
    xs = [p.mapTo(race, p.rect().topLeft()).x() for p in panels]
    ys = [p.mapTo(race, p.rect().topLeft()).y() for p in panels]
    assert xs == sorted(xs) and len(set(xs)) == 3 and len(set(ys)) == 1
    assert all(p.view.image.isVisible() for p in panels)

    # The scrub moves every racer to the same recorded step.
    last = race.slider.maximum()
    assert race.slider.value() == last
    with qtbot.waitSignal(race.frameShown, timeout=TIMEOUT) as shown:
        race.slider.setValue(0)
    assert shown.args == [0]
    first = race.frames[0]
    assert first.step == 0
    for panel, snapshot in zip(panels, first.snapshots, strict=True):
        np.testing.assert_array_equal(panel.view.image.image.shape[:2],
                                      snapshot.surface.output.shape[:2])
        assert panel.values.text().startswith("step 0 ·")
        assert snapshot.step == 0
    assert race.curves.cursors[0].value() == 0
    assert race.step_label.text().startswith("step 0 ")
    race.slider.setValue(last)
    final = race.frames[last]
    assert {s.step for s in final.snapshots} == {final.step} and final.step > 0
    assert all(p.values.text().startswith(f"step {final.step:,} ·") for p in panels)
    assert race.curves.cursors[1].value() == final.step

    # Closing the race window ends its thread.
    race.close()
    assert race.thread is None
    assert not [t for t in running_qthreads() if t.objectName() == "raceThread"]


def test_stop_ends_the_race_and_the_recording_stays(qtbot, window):
    race = open_race(qtbot, window, count=2)
    assert len(race.panels) == 2
    play_until(qtbot, race, 2)
    qtbot.mouseClick(race.stop_button, Qt.MouseButton.LeftButton)
    assert not race.play_button.isEnabled() and not race.stop_button.isEnabled()
    frames = len(race.frames)
    qtbot.mouseClick(race.play_button, Qt.MouseButton.LeftButton)  # disabled: nothing
    assert len(race.frames) == frames
    assert "Race over" in race.status.text()


def test_closing_the_main_window_mid_race_leaves_no_thread(qtbot, window):
    race = open_race(qtbot, window, count=2)
    with qtbot.waitSignal(race.runningChanged, timeout=TIMEOUT):
        race.play()
    qtbot.waitUntil(lambda: len(race.frames) >= 2, timeout=TIMEOUT)
    window.close()
    assert race.thread is None
    assert not [t for t in running_qthreads() if t.objectName() == "raceThread"]


def test_dialog_gives_each_racers_changes_and_refuses_what_does_not_fit(qtbot, window):
    action(window, "raceFromRun").trigger()
    dialog = race_tools_of(window).dialog
    qtbot.waitExposed(dialog)
    assert dialog.overrides() == [{}, {}]  # the others start as copies of the run
    b = dialog.columns[1].editors
    b["init"].setCurrentText("he_normal")
    b["batch_size"].setValue(5)
    b["optimizer"].setCurrentText("nesterov")
    assert dialog.overrides()[1] == {"init": "he_normal", "batch_size": 5,
                                     "optimizer": "nesterov", "momentum": None,
                                     "optimizer_params": {}}
    assert not dialog.columns[2].header.isVisible()
    dialog.count.setValue(4)
    assert dialog.columns[3].header.isVisible() and len(dialog.overrides()) == 4
    # Settings the data refuses: the error is shown, the dialog stays, no race starts.
    dialog.base = TrainConfig(hidden=(), dropout=0.5)
    dialog.accept()
    assert dialog.configs is None and dialog.isVisible()
    assert dialog.error.text().startswith("Race: the run's own settings: Dropout")
    assert race_tools_of(window).race_window is None
    dialog.reject()


def test_opening_a_lesson_with_a_race_opens_the_race(qtbot, window, tmp_path):
    lesson = lesson_from_setup("Optimizers race", "Compare them.", "the curves",
                               load_dataset("moons", n_samples=120, seed=1),
                               TrainConfig(hidden=(4,), lr=0.1), race=[
                                   {}, {"optimizer": "rmsprop", "lr": 0.01}])
    path = save_lesson(tmp_path / "race.bplesson", lesson)
    assert window.lessons.files.open_file(path)
    race = race_tools_of(window).race_window
    assert race is not None and race.windowTitle() == "Race: Optimizers race"
    assert race.names == ["A: sgd lr 0.1", "B: rmsprop lr 0.01"]
    assert race.frames[0].snapshots[0].surface is not None
    race.close()


def test_regression_racers_show_their_predictions_side_by_side(qtbot):
    import dataclasses

    from core.watch.race import Race
    from gui.race.window import RaceWindow
    from gui.views.regression import RegressionSurfaceView

    config = TrainConfig(hidden=(6,), epochs=10**6)
    race = RaceWindow(Race([config, dataclasses.replace(config, optimizer="adam", lr=0.01)],
                           load_dataset("squares_sum", n_samples=120)))
    qtbot.addWidget(race)
    race.show()
    qtbot.waitExposed(race)
    play_until(qtbot, race, 3)
    assert all(isinstance(p.view, RegressionSurfaceView) for p in race.panels)
    assert race.curves.metric_plot.titleLabel.text == "Test R²"
    for panel, snapshot in zip(race.panels, race.frames[-1].snapshots, strict=True):
        assert panel.view._has_pred and snapshot.surface is not None
        assert "test R²" in panel.values.text()
    # Every recorded row reached the curves, however many frames the window skipped.
    assert race.curves.loss_curves[0].getData()[0][-1] == race.frames[-1].step
    race.close()
    assert race.thread is None


def test_surfaces_span_the_two_inputs_that_vary_most():
    from gui.race.worker import surface_columns

    assert surface_columns(load_dataset("circles", n_samples=40)) == (0, 1)
    iris = load_dataset("iris")
    spread = iris.X_train.std(axis=0)
    i, j = surface_columns(iris)
    assert sorted(spread, reverse=True)[:2] == sorted([spread[i], spread[j]], reverse=True)
    digits = load_dataset("digits")
    assert all(digits.X_train[:, k].std() > 0 for k in surface_columns(digits))


def test_save_as_lesson_keeps_the_open_race_and_the_lesson_reopens_it(
        qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from core.teach.lesson_file import load_lesson

    race = open_race(qtbot, window)
    names = race.names
    files = window.lessons.files
    dialog = files.ask_save()
    assert dialog.include_race.isVisibleTo(dialog) and dialog.include_race.isChecked()
    assert "3 racers" in dialog.include_race.text()
    dialog.title.setText("Three racers")
    path = tmp_path / "three.bplesson"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    dialog.accept()
    lesson = load_lesson(path)
    assert [dict(r) for r in lesson.race] == [
        {}, {"optimizer": "adam", "lr": 0.01},
        {"activation": "relu", "batch_size": None}]
    race.close()
    assert files.open_file(path)
    reopened = race_tools_of(window).race_window
    assert reopened is not race and reopened.names == names
    reopened.close()


def test_rapid_play_pause_keeps_frames_in_order_and_lockstep(qtbot, window):
    race = open_race(qtbot, window, count=2)
    for _ in range(25):
        race.play()
        race.pause()
    race.play()
    qtbot.waitUntil(lambda: len(race.frames) >= 5, timeout=TIMEOUT)
    with qtbot.waitSignal(race.runningChanged, timeout=TIMEOUT):
        race.pause()
    steps = [f.step for f in race.frames]
    assert steps == sorted(steps) and len(set(steps)) == len(steps)
    for frame in race.frames:
        assert {s.step for s in frame.snapshots} == {frame.step}  # every racer in lockstep
    history = [race.history(i)["step"] for i in range(2)]
    np.testing.assert_array_equal(history[0], history[1])
    assert np.all(np.diff(history[0]) > 0)
    race.close()
