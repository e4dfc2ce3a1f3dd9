"""core.watch.remote_run: a trainer sent to a child process and back is exactly the trainer stepped
in place; the child's loop answers run / frame / stop and reports how it stopped."""

import multiprocessing
import pickle

import numpy as np
import pytest

from core.data import load_dataset
from core.errors import TrainingDiverged
from core.nn.network import Network
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from core.watch.norms import NormHistory
from core.watch.pacing import RecordPacer
from core.watch.remote_run import (
    Adopt,
    Frame,
    PacedRecorder,
    Progress,
    Quit,
    Run,
    RunOptions,
    SnapshotTaken,
    Stop,
    Stopped,
    apply_progress,
    capture_norms,
    capture_state,
    pack_trainer,
    progress_of,
    receive,
    serve,
    unpack_trainer,
)
from core.watch.snapshot import Snapshot
from tests.test_stepthrough import assert_same

CONFIGS = {
    "sgd": {},
    "adam_float32": {"optimizer": "adam", "lr": 0.01, "dtype": "float32"},
    "dropout_l2_momentum": {"dropout": 0.3, "l2": 0.01, "hidden": (8, 6), "optimizer": "momentum"},
    "clip_l1_features": {"clip_norm": 0.05, "l1": 0.001, "features": ("x1^2", "x2^2")},
}


def through_pickle(obj):
    return pickle.loads(pickle.dumps(obj))


def assert_same_trainer(got, expected):
    assert_same(got.state_dict(), expected.state_dict())
    assert np.array_equal(got.network.flat_grads, expected.network.flat_grads)
    for mine, theirs in zip(got.last_updates, expected.last_updates, strict=True):
        assert np.array_equal(mine, theirs)


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_sent_stepped_and_taken_back_equals_stepped_in_place(circles, name):
    config = TrainConfig(batch_size=7, epochs=10**6, **CONFIGS[name])
    here, there = Trainer(circles, config), Trainer(circles, config)
    for trainer in (here, there):  # mid-epoch, with gradients and updates of a last step
        for _ in range(33):
            trainer.step()
    child = unpack_trainer(through_pickle(pack_trainer(there)))
    assert_same_trainer(child, there)
    for trainer in (here, child):
        for _ in range(45):
            trainer.step()
    apply_progress(there, through_pickle(progress_of(child)))
    assert_same_trainer(there, here)
    assert there.network.layers[0].W.base is not None  # still views of the flat buffers
    there.step(), here.step()
    assert_same_trainer(there, here)


def test_a_pickled_network_keeps_its_flat_buffers():
    net = Network([2, 5, 1], ["tanh", "sigmoid"], rng=3, dropout=0.2)
    copy = through_pickle(net)
    for a, b in zip(net.params(), copy.params(), strict=True):
        assert np.array_equal(a, b)
    copy.flat_params[:] = 0.5  # writing the buffer changes every layer's arrays
    assert all((p == 0.5).all() for p in copy.params())
    assert copy.rng.bit_generator.state == net.rng.bit_generator.state


def test_training_diverged_survives_pickling():
    exc = through_pickle(TrainingDiverged(12, 1, "loss", "the outputs grew"))
    assert (exc.step, exc.layer, exc.what, exc.detail) == (12, 1, "loss", "the outputs grew")
    assert "step 12 in layer 2" in str(exc)


def test_paced_recorder_records_norms_as_the_history_would(circles):
    trainer = Trainer(circles, TrainConfig(epochs=10**6))
    history, recorder = NormHistory(3), PacedRecorder(capture_norms, 3, RecordPacer(1.0))
    for _ in range(20):
        trainer.step()
        history.record(trainer.step_count, trainer.network)
        recorder.after_steps(trainer)
    copy = NormHistory(3, spacing=3)
    for step, grad, weight in recorder.drain():
        copy.record_row(step, grad, weight)
    steps, grad, weight = copy.arrays()
    assert list(steps) == [1, 4, 7, 10, 13, 16, 19]
    mine = history.arrays()
    rows = np.searchsorted(mine[0], steps)
    assert np.array_equal(grad, mine[1][rows]) and np.array_equal(weight, mine[2][rows])
    assert recorder.drain() == []


# ---------------------------------------------------------------------- the child's loop
@pytest.fixture
def child():
    parent_end, child_end = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(target=serve, args=(child_end,),
                                                           daemon=True)
    process.start()
    child_end.close()
    yield parent_end
    parent_end.send(Quit())
    process.join(10)
    assert process.exitcode == 0


def receive_until(conn, kind, timeout=30.0):
    """Messages up to and including the first of type ``kind`` (the last element)."""
    seen = []
    while conn.poll(timeout):
        seen.append(receive(conn))
        if isinstance(seen[-1], kind):
            return seen
    raise AssertionError(f"no {kind.__name__} within {timeout} s; got {seen}")


def run(conn, trainer, options=None, adopt=True):
    """Send ``trainer`` (unless ``adopt`` is False: the child has it) and start a run."""
    if adopt:
        conn.send(Adopt(pack_trainer(trainer)))
    conn.send(Run(progress_of(trainer), options or RunOptions()))


def stop_and_check_exact(conn, trainer, dataset, config):
    """Stop the child's run, take ``trainer`` back, and check it equals a trainer on
    ``dataset`` and ``config`` stepped as many times in place."""
    conn.send(Stop())
    stopped = receive_until(conn, Stopped)[-1]
    assert stopped.error is None
    apply_progress(trainer, stopped.progress)
    reference = Trainer(dataset, config)
    for _ in range(trainer.step_count):
        reference.step()
    assert_same_trainer(trainer, reference)


def test_a_paced_recorder_paces_states_by_their_size():
    class Clocked(RecordPacer):
        def next_step(self, step, due, now=None, cost=0.0, nbytes=0):
            self.sizes.append(nbytes)
            return super().next_step(step, due, now=float(step) / 1000, cost=0.01, nbytes=nbytes)

    pacer = Clocked(0.0, free=0, byte_rate=1e6)
    pacer.sizes = []
    state = {"weights": np.zeros(125_000)}  # 1 MB: one a second at 1 MB/s
    recorder = PacedRecorder(lambda trainer: (trainer.step_count, state), 1, pacer)

    class Stepping:
        step_count = 0

    trainer, dues = Stepping(), []
    for step in (0, 1, 1002):
        trainer.step_count = step
        dues.append(recorder.after_steps(trainer))
    assert pacer.sizes == [1_000_000 + 64] * 3  # the arrays' bytes, 64 for the step
    assert dues == [1, 1002, 2003]  # 1,000 steps/s: a state every 1.000064 s, 1,001 steps


def test_child_runs_sends_frames_and_progress_and_stops_exactly(child, circles):
    config = TrainConfig(epochs=10**6, optimizer="adam", lr=0.01)
    trainer = Trainer(circles, config)
    timeline = PacedRecorder(capture_state, 50, RecordPacer(0.0))
    run(child, trainer, RunOptions([timeline]))
    progress = receive_until(child, Progress)[-1]
    assert progress.step > 0
    child.send(Frame())
    snapshot = receive_until(child, SnapshotTaken)[-1]
    assert isinstance(snapshot.snapshot, Snapshot) and snapshot.snapshot.step == snapshot.step > 0
    assert snapshot.snapshot.test_probs is not None  # a run's first frame: whole, at once
    child.send(Frame())
    later = receive_until(child, SnapshotTaken)
    assert later[-1].snapshot.test_probs is None  # then the window's process makes them
    early = [progress, snapshot, *later]
    while max(m.step for m in early) <= 101:
        early += receive_until(child, Progress)  # until step 101 is recorded, at any speed
    child.send(Stop())
    messages = receive_until(child, Stopped)
    stopped = messages[-1]
    assert not stopped.finished and stopped.error is None
    apply_progress(trainer, stopped.progress)
    reference = Trainer(circles, config)
    for _ in range(trainer.step_count):
        reference.step()
    assert_same_trainer(trainer, reference)
    states = [r for m in (*early, *messages) for r in m.records[0]]
    assert [step for step, _ in states][:3] == [1, 51, 101]  # the first, then every 50
    assert_same(states[1][1], _state_at(circles, config, 51, history=False))
    assert "history" not in states[1][1] and states[1][1]["history_rows"] > 0


def _state_at(dataset, config, step, history=True):
    trainer = Trainer(dataset, config)
    for _ in range(step):
        trainer.step()
    return trainer.state_dict(history=history)


def test_child_stops_at_the_epoch_limit_and_reports_divergence(child):
    xor = load_dataset("xor")
    trainer = Trainer(xor, TrainConfig(hidden=(4,), epochs=30))
    run(child, trainer)
    stopped = receive_until(child, Stopped)[-1]
    assert stopped.finished and stopped.error is None
    apply_progress(trainer, stopped.progress)
    assert trainer.epoch == 30
    wild = Trainer(load_dataset("squares_sum", seed=0),
                   TrainConfig(optimizer="sgd", lr=10.0, activation="relu", epochs=10**6))
    run(child, wild)
    stopped = receive_until(child, Stopped)[-1]
    assert not stopped.finished and isinstance(stopped.error, TrainingDiverged)
    apply_progress(wild, stopped.progress)
    assert wild.step_count >= stopped.error.step - 1


def test_a_failing_snapshot_keeps_the_steps_done(child, circles):
    trainer = Trainer(circles, TrainConfig(epochs=10**6))
    run(child, trainer, RunOptions(surface_columns=(0, 7)))  # there is no column 7
    receive_until(child, Progress)
    child.send(Frame())
    stopped = receive_until(child, Stopped)[-1]
    assert "Surface columns" in str(stopped.error) and stopped.progress is not None
    apply_progress(trainer, stopped.progress)
    assert trainer.step_count > 0


def test_a_second_run_of_the_adopted_trainer_starts_from_the_progress_sent(child, circles):
    """The dataset travels once; each run brings the child's trainer to the parent's state
    (here: edited and rewound in between), and stepping stays exact."""
    config = TrainConfig(epochs=10**6, optimizer="adam", lr=0.01)
    trainer = Trainer(circles, config)
    run(child, trainer)
    receive_until(child, Progress)
    child.send(Stop())
    apply_progress(trainer, receive_until(child, Stopped)[-1].progress)
    trainer.load_state_dict(_state_at(circles, config, 5))  # rewound, as the timeline does
    trainer.apply_live({"lr": 0.05})
    run(child, trainer, adopt=False)
    receive_until(child, Progress)
    child.send(Stop())
    apply_progress(trainer, receive_until(child, Stopped)[-1].progress)
    reference = Trainer(circles, config)
    reference.load_state_dict(_state_at(circles, config, 5))
    reference.apply_live({"lr": 0.05})
    for _ in range(trainer.step_count - 5):
        reference.step()
    assert_same_trainer(trainer, reference)


def test_a_run_without_an_adopted_trainer_reports_an_error(child, circles):
    run(child, Trainer(circles, TrainConfig()), adopt=False)
    stopped = receive_until(child, Stopped)[-1]
    assert stopped.progress is None and "No trainer" in str(stopped.error)


def test_a_new_network_on_the_same_data_travels_without_it(child, circles):
    run(child, Trainer(circles, TrainConfig(epochs=10**6)))
    receive_until(child, Progress)
    child.send(Stop())
    receive_until(child, Stopped)
    config = TrainConfig(epochs=10**6, hidden=(5,), activation="relu")
    trainer = Trainer(circles, config)
    child.send(Adopt(pack_trainer(trainer, with_dataset=False)))
    child.send(Run(progress_of(trainer), RunOptions()))
    receive_until(child, Progress)
    stop_and_check_exact(child, trainer, circles, config)


def test_a_trainer_without_a_dataset_never_sent_is_an_error(child, circles):
    child.send(Adopt(pack_trainer(Trainer(circles, TrainConfig()), with_dataset=False)))
    run(child, Trainer(circles, TrainConfig()), adopt=False)
    stopped = receive_until(child, Stopped)[-1]
    assert stopped.progress is None and "never sent" in str(stopped.error)


def test_a_buffered_message_arrives_whole(circles):
    from core.watch.remote_run import Buffered, receive, send_buffered

    parent_end, child_end = multiprocessing.Pipe()
    X = np.arange(6000.0).reshape(1000, 6)
    message = Adopt({"X": X, "strided": X[:, ::2], "ints": np.arange(5), "name": "x"})
    sent = []
    spy = type("Spy", (), {"send": lambda _s, m: (sent.append(m), parent_end.send(m)),
                           "send_bytes": lambda _s, b: parent_end.send_bytes(b)})()
    send_buffered(spy, message)
    assert isinstance(sent[0], Buffered) and len(sent[0].head) < X.nbytes  # arrays not inside
    got = receive(child_end)
    assert isinstance(got, Adopt) and got.package["name"] == "x"
    for key in ("X", "strided", "ints"):
        np.testing.assert_array_equal(got.package[key], message.package[key])
        assert got.package[key].dtype == message.package[key].dtype
    parent_end.send(Stop())
    assert isinstance(receive(child_end), Stop)  # plain messages pass as they are


def test_a_trainer_sent_buffered_runs_exactly(child, circles):
    from core.watch.remote_run import send_buffered

    config = TrainConfig(epochs=10**6, optimizer="adam", lr=0.01)
    trainer = Trainer(circles, config)
    send_buffered(child, Adopt(pack_trainer(trainer)))
    run(child, trainer, adopt=False)
    receive_until(child, Progress)
    child.send(Stop())
    apply_progress(trainer, receive_until(child, Stopped)[-1].progress)
    reference = Trainer(circles, config)
    for _ in range(trainer.step_count):
        reference.step()
    assert_same_trainer(trainer, reference)


class FakeClock:
    """``time`` for the child's loop: each step and each snapshot advance it by a set time."""

    def __init__(self):
        self.now = 0.0

    def perf_counter(self):
        return self.now


class StepsOnTheClock:
    """A trainer whose steps each take ``step_seconds`` of ``clock``; never finishes."""

    def __init__(self, clock, step_seconds):
        self.clock, self.step_seconds = clock, step_seconds
        self.step_count = self.epoch = 0
        self.stopped_early = False
        self.config = TrainConfig(epochs=10**9)

    def step(self):
        self.clock.now += self.step_seconds
        self.step_count += 1


class EagerParent:
    """A connection whose parent asks for the next frame as soon as one arrives, and says
    Stop after ``frames`` frames; keeps ``(clock time, step)`` of each snapshot sent."""

    def __init__(self, clock, frames):
        self.clock, self.frames = clock, frames
        self.inbox = [Frame()]
        self.snapshots = []

    def poll(self):
        return bool(self.inbox)

    def recv(self):
        return self.inbox.pop(0)

    def send(self, message):
        if isinstance(message, SnapshotTaken):
            self.snapshots.append((self.clock.now, message.step))
            self.inbox.append(Stop() if len(self.snapshots) == self.frames else Frame())


def test_snapshots_take_at_most_their_share_of_the_childs_time(monkeypatch):
    from core.watch import remote_run

    clock = FakeClock()
    cost = 0.1  # copies of a big network's weights, gradients and updates
    monkeypatch.setattr(remote_run, "time", clock)

    def slow_snapshot(trainer, *args, **options):
        clock.now += cost
        return trainer.step_count

    monkeypatch.setattr(remote_run, "take_snapshot", slow_snapshot)
    trainer = StepsOnTheClock(clock, step_seconds=0.004)
    parent = EagerParent(clock, frames=6)
    assert remote_run._steps(parent, trainer, (), RunOptions()) is False  # stopped
    starts = [t - cost for t, _ in parent.snapshots]
    assert starts[0] < 0.01  # the first frame is served at once
    gaps = np.diff(starts)
    assert gaps.min() >= cost / remote_run.SNAPSHOT_SHARE - 0.01  # then the steps go on
    assert gaps.max() <= cost / remote_run.SNAPSHOT_SHARE + 0.01  # and no frame waits more
    stepping = np.diff([step for _, step in parent.snapshots]) * trainer.step_seconds
    assert (stepping / gaps).min() >= 1 - remote_run.SNAPSHOT_SHARE - 0.01


def test_the_trainer_sent_feeds_its_network_through_the_pipeline_sent(circles):
    from core.data import InputPipeline

    trainer = Trainer(circles, TrainConfig(features=("x1^2",)))
    rescaled = InputPipeline.fit(circles.X_train * 3 + 1, ("x1^2",), True, circles.input_names)
    trainer.set_pipeline(rescaled)  # weights loaded with another input scaling
    copy = unpack_trainer(through_pickle(pack_trainer(trainer)))
    np.testing.assert_array_equal(copy.X_train, trainer.X_train)
    np.testing.assert_array_equal(copy.X_test, trainer.X_test)
    assert copy.pipeline.mean.tolist() == rescaled.mean.tolist()


def test_a_pipeline_of_other_features_is_refused(circles):
    from core.data import InputPipeline
    from core.errors import UserInputError

    squares = InputPipeline.fit(circles.X_train, ("x1^2",), True, circles.input_names)
    with pytest.raises(UserInputError, match="derived features"):
        Trainer(circles, TrainConfig(), pipeline=squares)


def test_a_trainer_taken_back_copies_its_shuffled_rows_only_when_it_steps(circles):
    config = TrainConfig(batch_size=10, optimizer="adam", lr=0.01)
    held, stepped = Trainer(circles, config), Trainer(circles, config)
    stepped.run_steps(7)  # mid-epoch, as a training process hands it back
    apply_progress(held, progress_of(stepped))
    assert held._Xp is None  # MNIST: 300 MB the window's process need not hold
    held.step()
    stepped.step()
    assert_same_trainer(held, stepped)
    np.testing.assert_array_equal(held._Xp, held.X_train[held._order])


def test_the_child_trains_without_the_raw_inputs_and_draws_the_same_surfaces():
    """The raw input values stay in the window's process: the child gets the network inputs,
    and its dataset holds NaN stand-ins (no memory) and the statistics a surface needs."""
    from core.data.dataset import InputStats
    from core.watch.snapshot import take_snapshot
    from core.watch.surface_slice import SurfaceSlice

    wine = load_dataset("wine")  # 13 inputs, standardised
    trainer = Trainer(wine, TrainConfig(batch_size=16, optimizer="adam", lr=0.01))
    trainer.run_steps(25)
    child = unpack_trainer(through_pickle(pack_trainer(trainer)))
    assert child.dataset.X_train.shape == wine.X_train.shape
    assert child.dataset.X_train.strides == (0, 0) and np.isnan(child.dataset.X_test).all()
    np.testing.assert_array_equal(child.X_train, trainer.X_train)
    expected = InputStats.of(wine.X_train, wine.X_test)
    for got, want in ((child.dataset.input_stats, expected), (wine.input_stats, expected)):
        for name in ("mean", "low", "high"):
            np.testing.assert_array_equal(getattr(got, name), getattr(want, name))
    np.testing.assert_array_equal(expected.mean, wine.X_train.mean(axis=0))
    both = np.concatenate([wine.X_train, wine.X_test])
    np.testing.assert_array_equal(expected.low, both.min(axis=0))
    np.testing.assert_array_equal(expected.high, both.max(axis=0))
    fixed = tuple(float(v) for v in wine.X_train[3])
    for plane in ((0, 5), SurfaceSlice((2, 7), fixed)):
        mine, theirs = take_snapshot(trainer, 12, plane), take_snapshot(child, 12, plane)
        for a, b in ((mine.surface.x, theirs.surface.x), (mine.surface.y, theirs.surface.y),
                     (mine.surface.output, theirs.surface.output)):
            assert np.isfinite(b).all()
            np.testing.assert_array_equal(a, b)
    child.run_steps(40), trainer.run_steps(40)
    assert_same_trainer(child, trainer)


def test_network_inputs_of_another_shape_are_refused(circles):
    from core.errors import UserInputError

    trainer = Trainer(circles, TrainConfig())
    with pytest.raises(UserInputError, match="network inputs"):
        Trainer(circles, TrainConfig(), pipeline=trainer.pipeline,
                inputs=(trainer.X_train[:, :1], trainer.X_test))
    with pytest.raises(UserInputError, match="without the input pipeline"):
        Trainer(circles, TrainConfig(), inputs=(trainer.X_train, trainer.X_test))
