"""core.remote_run: a trainer sent to a child process and back is exactly the trainer stepped
in place; the child's loop answers run / frame / stop and reports how it stopped."""

import multiprocessing
import pickle

import numpy as np
import pytest

from core.config import TrainConfig
from core.datasets import load_dataset
from core.errors import TrainingDiverged
from core.network import Network
from core.norms import NormHistory
from core.pacing import RecordPacer
from core.remote_run import (
    PacedRecorder,
    apply_progress,
    capture_norms,
    capture_state,
    pack_trainer,
    progress_of,
    serve,
    unpack_trainer,
)
from core.snapshot import Snapshot
from core.trainer import Trainer
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
    parent_end.send(("quit",))
    process.join(10)
    assert process.exitcode == 0


def receive_until(conn, kind, timeout=30.0):
    """Messages up to and including the first of ``kind`` (the last element)."""
    seen = []
    while conn.poll(timeout):
        seen.append(conn.recv())
        if seen[-1][0] == kind:
            return seen
    raise AssertionError(f"no {kind!r} message within {timeout} s; got {[m[0] for m in seen]}")


def test_child_runs_sends_frames_and_progress_and_stops_exactly(child, circles):
    config = TrainConfig(epochs=10**6, optimizer="adam", lr=0.01)
    trainer = Trainer(circles, config)
    timeline = PacedRecorder(capture_state, 50, RecordPacer(0.0))
    child.send(("run", pack_trainer(trainer), {"recorders": [timeline]}))
    progress = receive_until(child, "progress")[-1]
    assert progress[1] > 0
    child.send(("frame",))
    snapshot = receive_until(child, "snapshot")[-1]
    assert isinstance(snapshot[1], Snapshot) and snapshot[1].step == snapshot[2] > 0
    early = [progress, snapshot]
    while max(m[1] if m[0] == "progress" else m[2] for m in early) <= 101:
        early += receive_until(child, "progress")  # until step 101 is recorded, at any speed
    child.send(("stop",))
    messages = receive_until(child, "stopped")
    _, back, records, outcome = messages[-1]
    assert outcome is None
    apply_progress(trainer, back)
    reference = Trainer(circles, config)
    for _ in range(trainer.step_count):
        reference.step()
    assert_same_trainer(trainer, reference)
    states = [r for m in messages for r in m[-2 if m[0] == "stopped" else -1][0]]
    states = [s for m in early for s in m[-1][0]] + states
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
    child.send(("run", pack_trainer(trainer), {}))
    _, back, _, outcome = receive_until(child, "stopped")[-1]
    assert outcome == ("finished", None)
    apply_progress(trainer, back)
    assert trainer.epoch == 30
    wild = Trainer(load_dataset("squares_sum", seed=0),
                   TrainConfig(optimizer="sgd", lr=10.0, activation="relu", epochs=10**6))
    child.send(("run", pack_trainer(wild), {}))
    _, back, _, outcome = receive_until(child, "stopped")[-1]
    assert outcome[0] == "error" and isinstance(outcome[1], TrainingDiverged)
    apply_progress(wild, back)
    assert wild.step_count >= outcome[1].step - 1


def test_a_failing_snapshot_keeps_the_steps_done(child, circles):
    trainer = Trainer(circles, TrainConfig(epochs=10**6))
    child.send(("run", pack_trainer(trainer), {"surface_columns": (0, 7)}))  # no column 7
    receive_until(child, "progress")
    child.send(("frame",))
    _, back, _, outcome = receive_until(child, "stopped")[-1]
    assert outcome[0] == "error" and back is not None
    apply_progress(trainer, back)
    assert trainer.step_count > 0
