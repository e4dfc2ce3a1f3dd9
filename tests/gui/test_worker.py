"""The training worker in its QThread, and the GUI-thread session, without the window."""

import dataclasses

import numpy as np
import pytest

from core.data import load_dataset
from core.errors import TrainingDiverged
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from gui.running.pending_call import CallTimeout
from gui.running.session import TrainingSession
from gui.running.worker import StepRate, TrainingWorker

TIMEOUT = 10_000


class Recorder:
    """Collects what a worker emits (in the GUI thread) and acknowledges each snapshot."""

    def __init__(self, worker):
        self.worker = worker
        self.snapshots = []
        self.counters = []
        self.errors = []
        worker.snapshotReady.connect(self.on_snapshot)
        worker.countersChanged.connect(self.counters.append)
        worker.error.connect(self.errors.append)

    def on_snapshot(self, payload):
        self.snapshots.append(payload[1])
        self.worker.snapshot_drawn()

    @property
    def last(self):
        return self.snapshots[-1]


@pytest.fixture
def circles():
    return load_dataset("circles")


@pytest.fixture
def make_worker(qtbot):
    """``make_worker(trainer, **kw)`` -> (worker, recorder), running in a QThread."""
    from PySide6.QtCore import QThread

    started = []

    def make(trainer, **kwargs):
        thread = QThread()
        worker = TrainingWorker(trainer, **kwargs)
        worker.moveToThread(thread)
        recorder = Recorder(worker)
        thread.finished.connect(worker.deleteLater)
        thread.start()
        started.append((thread, worker))
        return worker, recorder

    yield make
    for thread, worker in started:
        worker.stop()
        assert thread.wait(5000)


def request_and_wait(qtbot, worker, recorder, command, *args):
    """Send ``worker.<command>(*args)`` then ``refresh``, and wait for that snapshot."""
    n = len(recorder.snapshots)
    getattr(worker, command)(*args)
    worker.refresh()
    qtbot.waitUntil(lambda: len(recorder.snapshots) >= n + 1, timeout=TIMEOUT)
    return recorder.last


def test_step_runs_exactly_one_step_and_emits_a_snapshot(qtbot, make_worker, circles):
    trainer = Trainer(circles, TrainConfig())
    worker, rec = make_worker(trainer)
    with qtbot.waitSignal(worker.snapshotReady, timeout=TIMEOUT):
        worker.step()
    assert rec.last.step == 1
    with qtbot.waitSignal(worker.snapshotReady, timeout=TIMEOUT):
        worker.step()
    assert rec.last.step == 2
    assert trainer.step_count == 2


def test_step_epoch_completes_one_epoch(qtbot, make_worker, circles):
    trainer = Trainer(circles, TrainConfig(batch_size=10))
    worker, rec = make_worker(trainer)
    with qtbot.waitSignal(worker.snapshotReady, timeout=TIMEOUT):
        worker.step_epoch()
    assert rec.last.epoch == 1
    assert rec.last.step == int(np.ceil(len(circles.X_train) / 10))


def test_play_throttles_snapshots_and_pause_stops_before_next_step(qtbot, make_worker, circles):
    trainer = Trainer(circles, TrainConfig(epochs=10**6))
    worker, rec = make_worker(trainer, max_rate=30.0)
    with qtbot.waitSignal(worker.runningChanged, timeout=TIMEOUT):
        worker.play()
    qtbot.waitUntil(lambda: len(rec.snapshots) >= 5, timeout=TIMEOUT)
    with qtbot.waitSignal(worker.runningChanged, timeout=TIMEOUT) as paused:
        worker.pause()
    assert paused.args == [False]
    at_pause = request_and_wait(qtbot, worker, rec, "refresh").step
    assert request_and_wait(qtbot, worker, rec, "refresh").step == at_pause
    # Far more steps than snapshots: drawing does not pace training.
    assert at_pause > 3 * len(rec.snapshots)
    steps = [s.step for s in rec.snapshots]
    assert steps == sorted(steps)


def test_snapshots_are_copies(qtbot, make_worker, circles):
    trainer = Trainer(circles, TrainConfig(lr=0.3))
    worker, rec = make_worker(trainer)
    first = request_and_wait(qtbot, worker, rec, "step")
    kept = [w.copy() for w in first.weights]
    request_and_wait(qtbot, worker, rec, "step_epoch")
    for w, k in zip(first.weights, kept, strict=True):
        np.testing.assert_array_equal(w, k)
    assert not np.array_equal(rec.last.weights[0], kept[0])


def test_live_learning_rate_applies_without_reset(qtbot, make_worker, circles):
    trainer = Trainer(circles, TrainConfig(lr=0.03))
    worker, rec = make_worker(trainer)
    request_and_wait(qtbot, worker, rec, "step")
    snap = request_and_wait(qtbot, worker, rec, "set_live", {"lr": 0.3, "epochs": 50})
    assert snap.lr == pytest.approx(0.3)
    assert snap.step == 1
    assert request_and_wait(qtbot, worker, rec, "step").step == 2
    assert trainer.config.epochs == 50


def test_epoch_limit_stops_training(qtbot, make_worker, circles):
    trainer = Trainer(circles, TrainConfig(epochs=3))
    worker, rec = make_worker(trainer)
    with qtbot.waitSignal(worker.finished, timeout=TIMEOUT) as done:
        worker.play()
    assert "3 epochs" in done.args[0]
    assert request_and_wait(qtbot, worker, rec, "refresh").epoch == 3
    with qtbot.waitSignal(worker.finished, timeout=TIMEOUT):
        worker.play()  # already at the limit: reports again, does not train
    assert trainer.epoch == 3


def test_divergence_pauses_and_reports_step_and_layer(qtbot, make_worker):
    dataset = load_dataset("squares_sum")
    trainer = Trainer(dataset, TrainConfig(lr=10.0, activation="relu", hidden=(16, 16)))
    worker, rec = make_worker(trainer)
    with qtbot.waitSignal(worker.error, timeout=TIMEOUT) as failed:
        worker.play()
    exc = failed.args[0]
    assert isinstance(exc, TrainingDiverged)
    assert exc.step >= 1
    snap = request_and_wait(qtbot, worker, rec, "refresh")
    assert all(np.isfinite(w).all() for w in snap.weights)
    assert snap.step == exc.step - 1


def test_any_exception_is_reported_and_the_thread_survives(qtbot, make_worker, circles):
    trainer = Trainer(circles, TrainConfig())
    calls = []

    def broken_step():
        calls.append(1)
        raise ZeroDivisionError("boom")

    trainer.step = broken_step
    worker, rec = make_worker(trainer)
    with qtbot.waitSignal(worker.error, timeout=TIMEOUT) as failed:
        worker.play()
    assert isinstance(failed.args[0], ZeroDivisionError)
    assert len(calls) == 1
    assert request_and_wait(qtbot, worker, rec, "refresh").step == 0


def test_speed_limit_slows_training(qtbot, make_worker, circles):
    trainer = Trainer(circles, TrainConfig(epochs=10**6))
    worker, rec = make_worker(trainer)
    worker.set_speed(100)
    worker.play()
    qtbot.waitUntil(lambda: bool(rec.counters) and rec.counters[-1][1] >= 20, timeout=TIMEOUT)
    snap = request_and_wait(qtbot, worker, rec, "pause")
    rates = [c[3] for c in rec.counters if c[3] > 0]
    assert rates and max(rates) < 200
    assert snap.step < 100


def test_step_rate_window():
    rate = StepRate(window=1.0)
    assert rate.rate() == 0.0
    for i in range(11):
        rate.add(step=100 * i, now=0.1 * i)
    assert rate.rate() == pytest.approx(1000.0)


# -- the session ----------------------------------------------------------------------------
class FakeView:
    def __init__(self):
        self.infos, self.snapshots = [], []

    def reset(self, info):
        self.infos.append(info)

    def show_snapshot(self, snapshot):
        self.snapshots.append(snapshot)


@pytest.fixture
def session(qtbot, circles):
    s = TrainingSession(circles, TrainConfig())
    yield s
    assert s.shutdown()


def test_session_resets_views_and_drops_snapshots_of_old_trainers(qtbot, session):
    view = FakeView()
    session.add_view(view)
    assert len(view.infos) == 1 and view.snapshots[-1].step == 0
    session.play()
    qtbot.waitUntil(lambda: view.snapshots[-1].step > 0, timeout=TIMEOUT)
    with qtbot.waitSignal(session.trainerChanged, timeout=TIMEOUT):
        assert session.update_config({"hidden": (3,)})
    assert len(view.infos) == 2
    assert list(view.infos[-1].sizes)[1:-1] == [3]
    n = len(view.snapshots)
    assert view.snapshots[-1].step == 0
    session.step()
    qtbot.waitUntil(lambda: len(view.snapshots) > n and view.snapshots[-1].step == 1,
                    timeout=TIMEOUT)
    assert all(s.weights[0].shape[1] == 3 for s in view.snapshots[n - 1:])


def test_session_bad_config_reports_and_keeps_the_network(qtbot, session):
    before = session.info
    with qtbot.waitSignal(session.error, timeout=TIMEOUT) as failed:
        assert not session.update_config({"activation": "no_such_activation"})
    assert "no_such_activation" in failed.args[0]
    assert session.info is before


def test_session_live_change_keeps_network_and_says_so(qtbot, session):
    before = session.info
    with qtbot.waitSignal(session.message, timeout=TIMEOUT) as said:
        session.set_live({"lr": 0.1})
    assert "no reset" in said.args[0]
    assert session.info is before
    assert session.config.lr == 0.1
    assert dataclasses.replace(session.config, lr=0.03) == TrainConfig()


def test_session_shutdown_while_playing(qtbot, session):
    session.play()
    qtbot.waitUntil(lambda: session.counters[0] > 0, timeout=TIMEOUT)
    assert session.shutdown()
    assert session.shutdown()


def test_a_thread_slower_to_stop_than_the_wait_is_kept_until_it_ends(qtbot, session):
    from gui.running import session as session_module

    session.play()
    qtbot.waitUntil(lambda: session.counters[0] > 0, timeout=TIMEOUT)
    thread = session.thread
    assert not session.shutdown(timeout_ms=0)  # told to stop, not yet ended
    assert thread in session_module._STOPPING  # not destroyed while it runs
    assert thread.wait(TIMEOUT)


class CountingObserver:
    """A worker observer that records, in the worker thread, what it was told."""

    def __init__(self):
        self.replaced, self.steps_seen, self.snapshot_steps = [], [], []

    def on_replace(self, trainer):
        self.replaced.append(trainer)

    def after_steps(self, trainer):
        self.steps_seen.append(trainer.step_count)

    def on_snapshot(self, trainer):
        self.snapshot_steps.append(trainer.step_count)


def test_observers_see_every_step_snapshot_and_replacement(qtbot, make_worker, circles):
    trainer = Trainer(circles, TrainConfig())
    worker, rec = make_worker(trainer)
    observer = CountingObserver()
    worker.add_observer(observer)
    request_and_wait(qtbot, worker, rec, "step")
    request_and_wait(qtbot, worker, rec, "step")
    assert observer.replaced == [trainer]
    assert observer.steps_seen == [1, 2]
    assert observer.snapshot_steps[-1] == 2
    other = Trainer(circles, TrainConfig(seed=1))
    request_and_wait(qtbot, worker, rec, "replace", other, 1, None)
    assert observer.replaced == [trainer, other]
    n = len(observer.steps_seen)
    request_and_wait(qtbot, worker, rec, "play")
    qtbot.waitUntil(lambda: len(observer.steps_seen) > n + 20, timeout=TIMEOUT)
    request_and_wait(qtbot, worker, rec, "pause")
    played = observer.steps_seen[n:]
    assert played == list(range(1, len(played) + 1))


def test_a_call_returns_its_value_between_two_steps_while_playing(qtbot, make_worker, circles):
    worker, rec = make_worker(Trainer(circles, TrainConfig(epochs=10**6)))
    request_and_wait(qtbot, worker, rec, "play")
    qtbot.waitUntil(lambda: rec.counters[-1][1] > 50, timeout=TIMEOUT)
    seen = [worker.call(lambda t: t.step_count) for _ in range(3)]
    assert seen == sorted(seen) and seen[0] > 0  # training goes on between the calls
    state = worker.call(lambda t, key: t.state_dict()[key], "step_count")
    assert state >= seen[-1]
    with pytest.raises(ZeroDivisionError):  # what the function raised, in the caller
        worker.call(lambda t: 1 / 0)
    request_and_wait(qtbot, worker, rec, "pause")
    assert worker.call(lambda t: t.step_count) == rec.last.step  # paused exactly there


def test_a_call_nobody_serves_times_out_and_never_runs(qtbot, circles):
    from PySide6.QtCore import QThread

    thread = QThread()  # never started: nobody serves the worker's commands
    worker = TrainingWorker(Trainer(circles, TrainConfig()))
    worker.moveToThread(thread)
    ran = []
    with pytest.raises(CallTimeout, match="nothing was changed"):
        worker.call(ran.append, timeout=0.05)
    worker._drain()  # what the worker's thread would do later
    assert ran == []


class SparseObserver(CountingObserver):
    """Wants ``after_steps`` only every ``every`` steps (returns the next due step)."""

    def __init__(self, every):
        super().__init__()
        self.every = every

    def after_steps(self, trainer):
        super().after_steps(trainer)
        return trainer.step_count + self.every


def test_an_observer_is_skipped_until_the_step_it_asks_for(qtbot, make_worker, circles):
    worker, rec = make_worker(Trainer(circles, TrainConfig()))
    sparse, dense = SparseObserver(every=10), CountingObserver()
    worker.add_observer(sparse)
    request_and_wait(qtbot, worker, rec, "play")
    qtbot.waitUntil(lambda: len(sparse.steps_seen) > 5, timeout=TIMEOUT)
    request_and_wait(qtbot, worker, rec, "pause")
    gaps = np.diff(sparse.steps_seen)
    # 10 apart while playing; a command in between (the refresh) asks again at once
    assert gaps.max() == 10 and (gaps >= 1).all() and np.mean(gaps == 10) > 0.5
    worker.add_observer(dense)  # None from after_steps: called after every step again
    seen = len(sparse.steps_seen)
    request_and_wait(qtbot, worker, rec, "play")
    qtbot.waitUntil(lambda: len(dense.steps_seen) > 300, timeout=TIMEOUT)
    request_and_wait(qtbot, worker, rec, "pause")
    assert np.diff(dense.steps_seen).max() == 1
    # ... and the dense one does not drag the sparse one along
    gaps = np.diff(sparse.steps_seen[seen:])
    assert gaps.max() == 10 and np.mean(gaps == 10) > 0.5


def test_painter_draws_one_view_per_turn_and_skips_hidden_ones(qtbot, session):
    """While training, views are updated in separate event-loop turns; a view hidden in
    a shown window is skipped and gets the latest snapshot when it is shown again."""
    from PySide6.QtWidgets import QTabWidget, QWidget

    class WidgetView(QWidget):
        def __init__(self):
            super().__init__()
            self.infos, self.snapshots = [], []

        def reset(self, info):
            self.infos.append(info)

        def show_snapshot(self, snapshot):
            self.snapshots.append(snapshot)

    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    shown, hidden = WidgetView(), WidgetView()
    tabs.addTab(shown, "shown")
    tabs.addTab(hidden, "hidden")
    tabs.show()
    qtbot.waitExposed(tabs)
    for view in (shown, hidden):
        session.add_view(view)
    session.play()
    qtbot.waitUntil(lambda: len(shown.snapshots) >= 3, timeout=TIMEOUT)
    session.pause()
    qtbot.waitUntil(lambda: not session.running, timeout=TIMEOUT)
    with qtbot.waitSignal(session.snapshotShown, timeout=TIMEOUT):
        session.worker.refresh()
    assert len(hidden.snapshots) == 1  # only the one from add_view: skipped while hidden
    assert id(hidden) in session.painter.stale
    session.painter.bring_up_to_date()  # what an export of hidden views calls first
    assert len(hidden.snapshots) == 2 and not session.painter.stale
    with qtbot.waitSignal(session.snapshotShown, timeout=TIMEOUT):
        session.worker.refresh()
    assert len(hidden.snapshots) == 2
    tabs.setCurrentWidget(hidden)
    qtbot.waitUntil(lambda: len(hidden.snapshots) >= 3, timeout=TIMEOUT)  # shown: caught up
    assert hidden.snapshots[-1] is session.last_snapshot
    assert shown.snapshots[-1] is session.last_snapshot


def test_painter_pass_spans_several_event_loop_turns(qtbot):
    from gui.running.frame_painter import FramePainter

    calls = []
    painter = FramePainter(lambda view, method, arg: calls.append(view) or True, gap_ms=0)
    painter.views.extend(["a", "b", "c"])
    done = []
    painter.show("snapshot 1", done.append)
    painter.show("snapshot 2", done.append)  # waits for the pass in progress
    assert calls == [] and painter.busy()
    qtbot.waitUntil(lambda: len(done) == 2, timeout=TIMEOUT)
    assert calls == ["a", "b", "c", "a", "b", "c"] and painter.latest == "snapshot 2"
