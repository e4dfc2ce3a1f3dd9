"""Timeline: thinning, bounded memory over a simulated 10⁶-step run, restore and branches."""

import dataclasses

import numpy as np
import pytest

from core.train.config import TrainConfig
from core.train.trainer import Trainer
from core.watch.timeline import Timeline, state_nbytes, thin_mask
from tests.test_stepthrough import assert_same


def test_thin_mask_keeps_every_other_evenly_spaced_step():
    steps = list(range(0, 20, 2))
    assert thin_mask(steps, 4).tolist() == [True, False] * 5
    assert thin_mask([0, 1, 5, 6, 7, 20], 5).tolist() == [True, False, True, False, False, True]


def test_spacing_doubles_and_states_stay_spread_over_the_run():
    tl = Timeline(max_states=8)
    for step in range(1000):
        tl.record(step, _fake_state(step))
    steps = tl.steps()
    assert 4 <= len(steps) <= 8
    assert steps[0] == 0 and 1000 - steps[-1] <= tl.spacing
    assert tl.spacing == 128 and steps == list(range(0, 1000, 128))


def _fake_state(step, template=None, history_rows=0):
    if template is None:
        return {"step_count": step, "params": [np.zeros(3)],
                "history": {"columns": [], "data": np.zeros((6, history_rows))}}
    state = dict(template, step_count=step)
    state["history"] = {"columns": template["history"]["columns"],
                        "data": np.zeros((6, history_rows))}
    return state


def test_a_simulated_million_step_run_stays_under_200_mb(circles):
    # A typical small network: 2-16-8-1, Adam (two buffers per parameter), batch 10.
    cfg = TrainConfig(hidden=(16, 8), activation="relu", optimizer="adam", batch_size=10)
    t = Trainer(circles, cfg)
    t.run_steps(3)
    template = t.state_dict()
    per_state = state_nbytes({k: v for k, v in template.items() if k != "history"})
    assert 5_000 < per_state < 50_000  # documented estimate: ~10 kB
    tl = Timeline()
    kept = 0
    steps_per_epoch = t.steps_per_epoch
    for step in range(1, 1_000_001):
        if tl.wants(step):  # the worker's check, every step: states are only built when kept
            kept += tl.record(step, _fake_state(step, template, step // steps_per_epoch))
    assert tl.nbytes < 200e6
    assert tl.max_states // 2 <= len(tl) <= tl.max_states
    steps = tl.steps()
    assert steps[0] == 1 and steps[-1] > 1_000_000 - tl.spacing
    assert kept < 20_000  # states were copied rarely, not a million times


def test_max_bytes_thins_big_states():
    tl = Timeline(max_states=1000, max_bytes=100_000)
    for step in range(200):
        tl.record(step, {"p": np.zeros(1000), "history": {"columns": [], "data": np.zeros((6, 0))}})
    assert tl.nbytes <= 100_000 and len(tl) >= 5


def _trainer(circles, **extra):
    cfg = TrainConfig(hidden=(6,), activation="tanh", optimizer="adam", lr=0.02, batch_size=16,
                      dropout=0.1, seed=3)
    return Trainer(circles, dataclasses.replace(cfg, **extra))


def test_restore_and_resume_reproduces_the_original_run(circles):
    original = _trainer(circles)
    tl = Timeline(max_states=16)
    reference = {}
    for _ in range(300):
        original.step()
        tl.record_trainer(original)
        reference[original.step_count] = original.state_dict()
    steps = tl.steps()
    assert len(steps) <= 16 and 300 - steps[-1] < tl.spacing
    s = steps[len(steps) // 3]
    resumed = _trainer(circles)
    assert tl.restore(resumed, s) == s
    assert_same(resumed.state_dict(), reference[s])
    resumed.run_steps(37)
    assert_same(resumed.state_dict(), reference[s + 37])


def test_states_recorded_without_history_restore_with_a_newer_one(circles):
    original = _trainer(circles)
    tl = Timeline(max_states=16)
    reference = {}
    for _ in range(300):
        original.step()
        tl.record(original.step_count, original.state_dict(history=False))
        reference[original.step_count] = original.state_dict()
    tl.set_history(original.history.state_dict())  # newest: covers every kept state
    for s in tl.steps()[1:]:
        resumed = _trainer(circles)
        tl.restore(resumed, s)
        assert_same(resumed.state_dict(), reference[s])


def test_nearest_picks_the_closest_kept_step():
    tl = Timeline(max_states=100, spacing=10)
    for step in range(0, 100):
        tl.record(step, _fake_state(step))
    assert tl.steps() == list(range(0, 100, 10))
    assert tl.nearest(44) == 40 and tl.nearest(46) == 50 and tl.nearest(45) == 40
    assert tl.nearest(-5) == 0 and tl.nearest(1000) == 90
    with pytest.raises(LookupError):
        Timeline().nearest(3)


def test_scrubbing_keeps_the_future_until_training_resumes(circles):
    t = _trainer(circles)
    tl = Timeline(max_states=64, spacing=5)
    tl.record_trainer(t)
    for _ in range(100):
        t.step()
        tl.record_trainer(t)
    assert tl.steps()[-1] == 100
    tl.restore(t, 40)
    assert t.step_count == 40 and tl.steps()[-1] == 100  # still there: scrub forward again
    tl.restore(t, 60)
    assert t.step_count == 60
    tl.restore(t, 30)
    t.step()  # continue training from step 30: a new branch, the old future goes
    tl.record_trainer(t)
    assert tl.steps() == [0, 5, 10, 15, 20, 25, 30]
    for _ in range(5):
        t.step()
        tl.record_trainer(t)
    assert tl.steps() == [0, 5, 10, 15, 20, 25, 30, 35]
    # The history kept for the early states is still the right prefix.
    assert tl.state_at(20)["history"]["data"].shape[1] == 20 // t.steps_per_epoch


def test_recording_at_the_restored_step_changes_nothing(circles):
    t = _trainer(circles)
    tl = Timeline(max_states=64)
    for _ in range(10):
        t.step()
        tl.record_trainer(t)
    tl.restore(t, 4)
    assert not tl.record_trainer(t)  # the worker's per-step call before training resumes
    assert tl.steps() == list(range(1, 11))
    t.step()
    assert tl.record_trainer(t)
    assert tl.steps() == [1, 2, 3, 4, 5]


def test_repr_and_clear():
    tl = Timeline(max_states=8)
    tl.record(0, _fake_state(0))
    assert "1 states" in repr(tl)
    tl.clear()
    assert len(tl) == 0 and tl.spacing == 1


def test_calls_skipped_before_next_due_keep_exactly_the_same_states(circles):
    """A training loop may skip ``record_trainer`` until ``next_due()``: same timeline."""
    every, sparse = Timeline(max_states=16), Timeline(max_states=16)
    t = _trainer(circles)
    every.record_trainer(t)
    sparse.record_trainer(t)
    assert every.next_due() == 1
    calls = 0
    for _ in range(300):
        t.step()
        every.record_trainer(t)
        if t.step_count >= sparse.next_due():
            sparse.record_trainer(t)
            calls += 1
    assert sparse.steps() == every.steps() and calls < 60
    tl_step = every.steps()[3]
    every.restore(t, tl_step)
    assert every.next_due() == tl_step + 1  # the first step after a restore starts a branch
