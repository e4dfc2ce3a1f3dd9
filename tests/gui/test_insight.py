"""Gradient norms, lessons, gradient check and timeline, through the real window (offscreen).

Set ``BPS_DOCS_PNG=1`` to also write ``docs/gradient_norms.png``.
"""

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractButton, QComboBox, QDialog, QSlider

from core.data import load_dataset
from core.teach.lessons import LESSONS
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from core.watch.pacing import RecordPacer
from gui.norms.view import GradientNormsView, summary_text
from gui.running.observers import (
    TIMELINE_BYTES,
    NormsData,
    NormsObserver,
    TimelineData,
    TimelineObserver,
)
from tests.gui.helpers import action, in_worker
from tests.gui.helpers import pause_training as pause

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 20_000


def step_now(window):
    return window.session.counters[0]


def train(qtbot, window, steps):
    """Play until at least ``steps`` steps are done, then pause."""
    window.session.play()
    qtbot.waitUntil(lambda: step_now(window) >= steps or window.banner.kind == "error",
                    timeout=TIMEOUT)
    pause(qtbot, window)


def single_steps(qtbot, window, n):
    """``n`` Step requests (each one training step), waiting until all are done."""
    target = step_now(window) + n
    for _ in range(n):
        window.session.step()
    qtbot.waitUntil(lambda: step_now(window) == target, timeout=TIMEOUT)


def norms_shown(qtbot, window):
    """Wait until the norms view holds the data of the step the window shows."""
    view = window.norms.view
    qtbot.waitUntil(lambda: view.data is not None and view.data.step == step_now(window),
                    timeout=TIMEOUT)
    return view


def timeline_shown(qtbot, window):
    bar = window.timeline.bar
    qtbot.waitUntil(lambda: bar.data is not None and bar.data.current == step_now(window),
                    timeout=TIMEOUT)
    return bar


def points(curve):
    return 0 if curve.yData is None else len(curve.yData)


def params(trainer):
    return [p.copy() for p in trainer.network.params()]


# ------------------------------------------------------------------------ installation
def test_actions_menus_and_tooltips_are_installed(window):
    names = ["checkGradients", "timeline", *(f"lesson_{lid}" for lid in LESSONS.names())]
    for name in names:
        assert action(window, name).toolTip(), name
    assert action(window, "checkGradients") in window.menu("tools").actions()
    assert action(window, "timeline") in window.menu("view").actions()
    examples = [a.menu() for a in window.menu("help").actions() if a.menu()]
    assert [a.objectName() for a in examples[0].actions()] == names[2:]
    for widget in (window.norms.view, window.timeline.bar, window.lessons.menu.panel):
        controls = [c for kind in (QAbstractButton, QComboBox, QSlider)
                    for c in widget.findChildren(kind)]
        for control in controls:
            if control.isVisibleTo(widget) and control.objectName() != "qt_toolbar_ext_button":
                assert control.toolTip(), f"{type(control).__name__} {control.objectName()!r}"


# ------------------------------------------------------------------------ gradient norms
def test_norms_view_gets_one_positive_curve_per_layer_on_log_axes(qtbot, window):
    window.norms.dock.raise_()
    window.norms.view.set_mode("Both")
    train(qtbot, window, 60)
    view = norms_shown(qtbot, window)
    n_layers = len(window.session.info.sizes) - 1
    assert len(view.grad_curves) == len(view.weight_curves) == n_layers == 3
    for curve in (*view.grad_curves, *view.weight_curves):
        y = np.asarray(curve.yData)
        assert y.size >= 50 and np.all(y > 0) and np.all(np.isfinite(y))
    assert [c.name() for c in view.grad_curves] == ["layer 1", "layer 2", "layer 3 (output)"]
    legend = view.legend.text().replace("&nbsp;", " ")
    for curve in view.grad_curves:  # each name next to a dash in its curve's colour
        assert f'{curve.opts["pen"].color().name()}; font-weight:bold">━━</span> ' \
               f"{curve.name()}" in legend
    for plot in view.plots():
        assert plot.getAxis("left").logMode
    assert view.grad_widget.isVisible() and view.weight_widget.isVisible()
    view.set_mode("Gradients")
    assert not view.weight_widget.isVisible()
    assert view.summary.text().startswith(f"step {int(view.data.steps[-1]):,} · ")


def test_norms_view_draws_when_shown_after_training_hidden(qtbot, window):
    train(qtbot, window, 20)
    view = norms_shown(qtbot, window)
    assert not view.on_screen()  # a tab behind "Inside the network"
    assert points(view.grad_curves[0]) == 0
    window.norms.dock.raise_()
    qtbot.waitUntil(lambda: points(view.grad_curves[0]) >= 20, timeout=TIMEOUT)


def test_norms_view_draws_huge_zero_and_nonfinite_norms(qtbot):
    view = GradientNormsView()
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.set_mode("Both")
    view.show()
    qtbot.waitExposed(view)
    grad = np.array([[np.nan, np.nan], [0.0, 1e-300], [1e300, np.inf], [1e-9, 1e154]])
    view.show_norms(NormsData(np.arange(4), grad, grad * 2, 2, 3))
    assert points(view.grad_curves[0]) == 2 and points(view.grad_curves[1]) == 2
    assert "first layer 1e-09, last 1e+154: 1.0e+163× smaller" in view.summary.text()
    close = NormsData(np.array([1]), np.array([[1.7e-4, 2.2e-4]]), np.ones((1, 2)), 2, 1)
    assert summary_text(close) == "step 1 · ‖∂L/∂W‖ first layer 0.00017, last 0.00022"
    view.grab()
    view.resize(300, 400)  # a narrow column: the summary wraps, nothing is cut off
    qtbot.waitUntil(lambda: view.width() == 300)
    label = view.summary
    assert label.wordWrap() and label.height() >= 2 * label.fontMetrics().height()


def test_vanishing_lesson_first_layer_gradient_far_below_last(qtbot, window):
    action(window, "lesson_vanishing_gradients").trigger()
    view = window.norms.view
    assert window.session.config.activation == "sigmoid"
    assert len(view.grad_curves) == 9
    qtbot.waitUntil(view.on_screen, timeout=TIMEOUT)  # the lesson brings the view forward
    single_steps(qtbot, window, 5)
    norms_shown(qtbot, window)
    first, last = view.grad_curves[0].yData, view.grad_curves[-1].yData
    assert len(first) == len(last) == 5
    assert np.all(first < 1e-4 * last)  # over four decades apart
    button = window.findChild(QAbstractButton, "lessonVariant_relu_he")
    button.click()
    assert window.session.config.activation == "relu"
    single_steps(qtbot, window, 5)
    norms_shown(qtbot, window)
    first, last = view.grad_curves[0].yData, view.grad_curves[-1].yData
    assert np.all(first > 0.05 * last)  # same order of magnitude


@pytest.mark.parametrize("lesson_id", LESSONS.names())
def test_each_lesson_loads_from_the_menu_and_trains(qtbot, window, lesson_id):
    lesson = LESSONS.get(lesson_id)
    action(window, f"lesson_{lesson_id}").trigger()
    session = window.session
    assert session.dataset.name == lesson.dataset
    assert session.dataset is window.dataset_panel.current_dataset()
    assert session.config.hidden == lesson.config["hidden"]
    assert window.hyper_panel.config_fields()["lr"] == pytest.approx(lesson.config["lr"])
    assert window.lessons.menu.panel.title.text() == lesson.title
    assert window.lessons.menu.dock.isVisible()
    if "divergent" in lesson_id:  # trains until it diverges, then every view redraws
        with qtbot.waitSignal(session.error, timeout=TIMEOUT):
            window.session.play()
        qtbot.waitUntil(lambda: action(window, "play").text() == "Play", timeout=TIMEOUT)
        assert "diverged at step" in window.banner.text()
        assert not window.grab().isNull()  # no overflow warning (an error in this suite)
    else:
        window.session.play()
        qtbot.waitUntil(lambda: session.counters[1] >= 1, timeout=TIMEOUT)
        pause(qtbot, window)
    assert window.timeline.bar.data is not None


# ------------------------------------------------------------------------ gradient check
def open_gradient_check(qtbot, window):
    action(window, "checkGradients").trigger()
    dialog = window.findChild(QDialog, "gradientCheckDialog")
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0 and dialog.again.isEnabled(),
                    timeout=TIMEOUT)
    return dialog


def test_check_gradients_of_a_tanh_net_are_ok(qtbot, window):
    train(qtbot, window, 7)  # mid-epoch: the next mini-batch of the shuffled order
    dialog = open_gradient_check(qtbot, window)
    assert window.session.config.activation == "tanh"
    errors = dialog.errors()
    assert len(errors) == 3 and max(errors) < 1e-6
    assert dialog.verdicts() == ["OK < 1e-6"] * 3
    assert "10 training examples" in dialog.header.text()  # batch size 10 (≤ 32)
    assert not window.session.running
    dialog.close()


def test_check_gradients_calls_vanishing_gradients_too_small_not_wrong(qtbot, window):
    action(window, "lesson_vanishing_gradients").trigger()
    dialog = open_gradient_check(qtbot, window)
    verdicts = dialog.verdicts()
    assert len(verdicts) == 9 and "suspicious" not in verdicts
    assert verdicts[-1] == "OK < 1e-6"
    assert "32 training examples" in dialog.header.text()  # full batch: capped at 32
    dialog.close()


# ------------------------------------------------------------------------ timeline
def scrub(qtbot, bar, step=None, index=None):
    """Move the slider to position ``index`` (a step, as a user would) or scrub to ``step``;
    the step shown."""
    with qtbot.waitSignal(bar.restored, timeout=TIMEOUT) as blocker:
        if index is not None:
            bar.slider.setValue(index)
        else:
            bar.scrub_to(step)
    restored = blocker.args[0]
    qtbot.waitUntil(lambda: step_now(bar.parent()) == restored, timeout=TIMEOUT)
    return restored


def test_scrub_back_restores_the_recorded_state(qtbot, window):
    train(qtbot, window, 300)
    bar = timeline_shown(qtbot, window)
    shown_head = bar.data.head
    s = bar.data.steps[len(bar.data.steps) // 3]
    assert scrub(qtbot, bar, index=s) == s  # the slider's positions are steps
    observer = window.timeline.observer

    def now_and_recorded(t):
        recorded = [p.copy() for p in observer.timeline.state_at(s)["params"]]
        return t.step_count, params(t), recorded, observer.head, len(observer.timeline)

    step, weights, recorded, head, kept = in_worker(qtbot, window, now_and_recorded)
    assert step == s
    for w, r in zip(weights, recorded, strict=True):
        np.testing.assert_array_equal(w, r)
    # The newest step reached may have grown past the one shown before the scrub: steps
    # taken after the last snapshot are recorded but only shown with the next update.
    assert head >= shown_head
    qtbot.waitUntil(lambda: bar.label.text() == f"step {s:,} of {head:,} (kept {kept})",
                    timeout=TIMEOUT)
    assert bar.slider.value() == s and bar.resume.isEnabled()
    qtbot.waitUntil(lambda: window.session.last_snapshot.step == s, timeout=TIMEOUT)


def test_resuming_from_a_scrubbed_step_is_deterministic(qtbot, window):
    train(qtbot, window, 1200)
    bar = timeline_shown(qtbot, window)
    steps = bar.data.steps
    s, following = steps[len(steps) // 2], steps[len(steps) // 2 + 1]
    observer = window.timeline.observer
    original = in_worker(qtbot, window, lambda t: [p.copy() for p in
                                                   observer.timeline.state_at(following)["params"]])
    n = following - s
    runs = []
    for _ in range(2):
        assert scrub(qtbot, bar, step=s) == s
        single_steps(qtbot, window, n)
        runs.append(in_worker(qtbot, window, params))
    for a, b, c in zip(runs[0], runs[1], original, strict=True):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)
    timeline_shown(qtbot, window)
    assert bar.data.head == s + n  # the old future was dropped: a new branch
    assert max(bar.data.steps) <= s + n


def test_resume_button_plays_on_from_the_restored_step(qtbot, window):
    train(qtbot, window, 100)
    bar = timeline_shown(qtbot, window)
    s = scrub(qtbot, bar, step=bar.data.steps[1])
    qtbot.waitUntil(bar.resume.isEnabled, timeout=TIMEOUT)
    bar.resume.click()
    qtbot.waitUntil(lambda: step_now(window) > s + 20, timeout=TIMEOUT)
    pause(qtbot, window)
    # The last timeline update (head == current again) follows the pause from the worker.
    qtbot.waitUntil(lambda: not bar.resume.isEnabled(), timeout=TIMEOUT)


def test_timeline_memory_stays_under_its_cap():
    cap, most = 400_000, 64
    observer = TimelineObserver(max_states=most, max_bytes=cap)
    received = []
    observer.timelineChanged.connect(received.append)
    config = TrainConfig(hidden=(16, 16), optimizer="adam", epochs=10**6)
    trainer = Trainer(load_dataset("circles"), config)
    observer.on_replace(trainer)
    for _ in range(3000):
        trainer.step()
        observer.after_steps(trainer)
    observer.on_snapshot(trainer)
    timeline = observer.timeline
    assert timeline.nbytes <= cap and 8 <= len(timeline) <= most  # the byte cap binds
    data = received[-1]
    assert isinstance(data, TimelineData)
    assert data.steps[0] == 0 and data.head == data.current == 3000
    assert 3000 - data.steps[-1] <= data.spacing
    assert TIMELINE_BYTES <= 200_000_000
    roomy = TimelineObserver(max_states=most)
    roomy.on_replace(trainer)
    for _ in range(3000):
        trainer.step()
        roomy.after_steps(trainer)
    assert most // 2 <= len(roomy.timeline) <= most  # the count cap binds


def test_norm_history_is_bounded_and_copied():
    observer = NormsObserver(capacity=64)
    received = []
    observer.normsChanged.connect(received.append)
    trainer = Trainer(load_dataset("xor"), TrainConfig(hidden=(4,), epochs=10**6))
    observer.on_replace(trainer)
    for _ in range(1000):
        trainer.step()
        observer.after_steps(trainer)
    observer.on_snapshot(trainer)
    data = received[-1]
    assert len(observer.history) <= 64 and data.steps[-1] <= 1000
    assert data.grad.shape == data.weight.shape == (len(data.steps), 2)
    data.grad[:] = -1.0  # a copy: the history is untouched
    assert (observer.history.arrays()[1] >= 0).all()


def test_record_pacer_spaces_recordings_in_time_only_when_training_is_fast():
    pacer = RecordPacer(gap=0.02, free=2)
    assert pacer.next_step(0, 1, now=0.0) == 1  # the start of a run: as asked
    assert pacer.next_step(1, 2, now=0.00001) == 2
    assert pacer.next_step(100, 101, now=10.0) == 101  # 10 steps/s: as asked
    # 10,000 steps/s: 0.02 s is 200 steps, later than the history asks
    assert 309 <= pacer.next_step(110, 111, now=10.001) <= 311
    # 100 steps/s (the speed control): 2 steps in 0.02 s, the history's own due wins
    assert pacer.next_step(310, 320, now=12.001) == 320
    # a rewind (restored state) or a new run: as asked
    assert pacer.next_step(50, 51, now=12.002) == 51
    pacer.reset()  # a new run starts free again
    assert pacer.next_step(0, 1, now=13.0) == 1
    assert pacer.next_step(1, 2, now=13.00001) == 2


def test_record_pacer_keeps_costly_recordings_to_their_share_of_the_time():
    pacer = RecordPacer(gap=0.02, free=256, share=0.02)
    assert pacer.next_step(0, 1, now=0.0, cost=0.003) == 1  # nothing to pace by yet
    # 1,000 steps/s, a 3 ms recording: the next may come 0.15 s (150 steps) later, free or not
    assert pacer.next_step(100, 101, now=0.1, cost=0.003) == 250
    # 10 steps/s (the speed control): 1.5 steps, so the history's own due step wins
    assert pacer.next_step(110, 115, now=1.1, cost=0.003) == 115
    # a cheap recording (a small network) in the free start: as asked
    assert pacer.next_step(1110, 1111, now=2.1, cost=1e-6) == 1111
    # 50 us at 10,000 steps/s would be 25 steps at 2 %; in the free start: still as asked
    assert pacer.next_step(1111, 1112, now=2.1001, cost=50e-6) == 1112
    pacer.skip(100)  # recorded in the training process meanwhile: no rate to pace by here
    assert pacer.next_step(90_000, 90_001, now=12.0, cost=0.003) == 90_001
    assert pacer.next_step(90_010, 90_011, now=13.0, cost=0.003) == 90_012  # 10 steps/s


def test_record_pacer_keeps_big_recordings_to_its_bytes_a_second():
    pacer = RecordPacer(gap=0.02, free=256, share=0.02, byte_rate=8e6)
    assert pacer.next_step(0, 1, now=0.0, cost=0.003, nbytes=2e6) == 1
    # 1,000 steps/s, 2 MB (a 784-128-10 state): 0.25 s (250 steps) at 8 MB/s, more than
    # the 0.15 s its 3 ms copy asks at 2 %
    assert pacer.next_step(100, 101, now=0.1, cost=0.003, nbytes=2e6) == 350
    # a cheap recording in the free start is as asked, however big
    assert pacer.next_step(350, 351, now=0.35, cost=1e-6, nbytes=2e6) == 351
    # past the free start a small state is paced by the gap alone: 0.02 s, 20 steps
    later = pacer.continued()
    assert later.byte_rate == 8e6
    later.free = 0
    assert later.next_step(351, 352, now=0.351) == 352
    assert later.next_step(451, 452, now=0.451, cost=1e-6, nbytes=10_000) == 471
    # without a byte rate the size does not count
    plain = RecordPacer(gap=0.02, free=0)
    assert plain.next_step(0, 1, now=0.0) == 1
    assert plain.next_step(100, 101, now=0.1, nbytes=2e9) == 120



def test_timeline_states_are_paced_by_their_cost_in_the_window_and_in_the_child():
    from core.watch.pacing import STATE_SHARE
    from gui.running.observers import NormsObserver, TimelineObserver

    timeline = TimelineObserver()
    assert timeline.pacer.share == timeline.remote_recorder().pacer.share == STATE_SHARE
    assert NormsObserver().pacer.share is None  # norms keep their exact start


# ------------------------------------------------------------------------ picture
def test_gradient_norms_png_of_the_vanishing_lesson(qtbot, window, tmp_path):
    action(window, "lesson_vanishing_gradients").trigger()
    train(qtbot, window, 120)
    view = norms_shown(qtbot, window)
    window.resizeDocks([window.norms.dock], [400], Qt.Orientation.Vertical)
    # tall enough for a readable picture (the loss plots above keep their own room)
    qtbot.waitUntil(lambda: view.height() >= 250, timeout=TIMEOUT)
    image = window.grab()
    paths = [tmp_path / "gradient_norms.png"]
    if os.environ.get("BPS_DOCS_PNG"):
        paths.append(ROOT / "docs" / "gradient_norms.png")
    for path in paths:
        assert image.save(str(path))
    plot = view.grad_widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    ptr = plot.constBits()
    pixels = np.frombuffer(ptr, dtype=np.uint8, count=plot.sizeInBytes())
    colours = np.unique(pixels.reshape(-1, 4)[:, :3], axis=0)
    assert len(colours) > 50  # curves in several colours, not a blank plot
