"""Sessions keep the gradient-norm history and the timeline; old files open without them;
damaged records are refused with a clear message."""

import numpy as np
import pytest

from core.data import load_dataset
from core.errors import UserInputError
from core.io.archive import read_archive, write_archive
from core.io.session import load_session, open_session, save_session
from core.train.config import TrainConfig
from core.train.run_copy import copy_run, trainer_from_copy
from core.train.trainer import Trainer
from core.watch.norms import NormHistory
from core.watch.timeline import Timeline


@pytest.fixture
def recorded():
    """A 2-layer Adam run of 40 steps with its norms and a small timeline (thinned)."""
    trainer = Trainer(load_dataset("moons", n_samples=100),
                      TrainConfig(hidden=(5,), optimizer="adam", batch_size=8))
    norms, timeline = NormHistory(2, capacity=16), Timeline(max_states=8)
    for _ in range(40):
        trainer.step()
        norms.record(trainer.step_count, trainer.network)
        timeline.record_trainer(trainer)
    return trainer, norms, timeline


def test_norms_and_timeline_round_trip(recorded, tmp_path):
    trainer, norms, timeline = recorded
    path = save_session(tmp_path / "r.bpsession", trainer, norms=norms, timeline=timeline,
                        timeline_head=45)
    run = open_session(path)
    for a, b in zip(norms.arrays(), run.norms.arrays(), strict=True):
        np.testing.assert_array_equal(a, b, strict=True)
    assert run.norms.spacing == norms.spacing
    assert run.timeline.steps() == timeline.steps() and run.timeline_head == 45
    assert run.timeline.spacing == timeline.spacing
    for step in timeline.steps():
        a, b = Trainer(trainer.dataset, trainer.config), Trainer(trainer.dataset, trainer.config)
        timeline.restore(a, step)
        run.timeline.restore(b, step)
        for p, q in zip(a.network.params(), b.network.params(), strict=True):
            np.testing.assert_array_equal(p, q, strict=True)
        assert a.history.state_dict()["data"].shape == b.history.state_dict()["data"].shape


def test_files_without_records_open(recorded, tmp_path):
    trainer, _, _ = recorded
    run = open_session(save_session(tmp_path / "old.bpsession", trainer))
    assert run.norms is None and run.timeline is None
    resumed, ui_state = load_session(tmp_path / "old.bpsession")
    assert resumed.step_count == trainer.step_count and ui_state == {}


def _rewrite(path, change):
    document, arrays = read_archive(path, "session")
    change(document, arrays)
    write_archive(path, document, arrays)


@pytest.mark.parametrize(("what", "change"), [
    ("gradient-norm history", lambda d, a: d["norms"].update(n_layers=3)),
    ("gradient-norm history", lambda d, a: a.update({"norms.steps": a["norms.steps"][::-1]})),
    ("gradient-norm history", lambda d, a: a.update({"norms.grad": -a["norms.grad"]})),
    ("gradient-norm history", lambda d, a: a.update({"norms.weight": a["norms.weight"][:2]})),
    ("timeline", lambda d, a: d["timeline"].update(steps=d["timeline"]["steps"][::-1])),
    ("timeline", lambda d, a: d["timeline"].update(spacing=0)),
    ("timeline", lambda d, a: d["timeline"].update(branch=7777)),
    ("timeline", lambda d, a: d["timeline"]["states"].pop()),
    ("timeline state", lambda d, a: d["timeline"]["states"][0].update(step_count=999)),
    ("timeline state", lambda d, a: d["timeline"]["states"][1].update(version=99)),
])
def test_damaged_records_are_refused(recorded, tmp_path, what, change):
    trainer, norms, timeline = recorded
    path = save_session(tmp_path / "r.bpsession", trainer, norms=norms, timeline=timeline)
    _rewrite(path, change)
    with pytest.raises(UserInputError, match=what) as info:
        open_session(path)
    assert str(path) in str(info.value)


def test_timeline_weights_of_another_shape_are_refused_before_reading(recorded, tmp_path):
    trainer, norms, timeline = recorded
    path = save_session(tmp_path / "r.bpsession", trainer, timeline=timeline)
    _rewrite(path, lambda d, a: a.update({"timeline.states.0.params.0": np.zeros((9, 9))}))
    with pytest.raises(UserInputError, match="expected"):
        open_session(path)


def test_copied_run_continues_bit_identically(recorded):
    trainer, _, _ = recorded
    copy = copy_run(trainer)
    again = trainer_from_copy(copy)
    trainer.run_steps(13)
    again.run_steps(13)
    for p, q in zip(trainer.network.params(), again.network.params(), strict=True):
        np.testing.assert_array_equal(p, q, strict=True)
    assert copy.step_count == 40 and trainer_from_copy(copy).step_count == 40
