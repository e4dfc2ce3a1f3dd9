"""Learning-rate schedules against PyTorch's schedulers (stored fixture, and live)."""

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from core.errors import UserInputError
from core.optim.schedules import SCHEDULES

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = np.load(ROOT / "tests" / "data" / "optim_reference.npz")
CASES = json.loads(str(FIXTURE["meta"]))["schedules"]
CASE_IDS = [f"{i}-{name}-{'-'.join(params)}" for i, (name, _, params) in enumerate(CASES)]


def engine_lrs(name, base_lr, params, epochs):
    schedule = SCHEDULES.get(name)(base_lr, **params)
    return np.array([schedule.lr_at(e) for e in range(epochs)])


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)), ids=CASE_IDS)
def test_matches_pytorch_fixture(index, case):
    expected = FIXTURE[f"sched{index}"]
    ours = engine_lrs(*case, len(expected))
    np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-15)


def test_registry_names_in_order():
    assert SCHEDULES.names() == ["constant", "step", "exponential", "cosine"]


def test_constant():
    schedule = SCHEDULES.get("constant")(0.3)
    assert [schedule.lr_at(e) for e in (0, 1, 10_000)] == [0.3, 0.3, 0.3]
    assert schedule.parameters() == {}


def test_defaults():
    assert SCHEDULES.get("step")(1.0).lr_at(100) == 0.5
    assert SCHEDULES.get("step")(1.0).lr_at(99) == 1.0
    assert SCHEDULES.get("exponential")(1.0).lr_at(2) == pytest.approx(0.99**2)
    cosine = SCHEDULES.get("cosine")(1.0, T_max=10)
    assert cosine.lr_at(0) == 1.0 and cosine.lr_at(5) == pytest.approx(0.5)
    assert cosine.lr_at(10) == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize("name", ["constant", "step", "exponential", "cosine"])
def test_lr_is_python_float_and_parameters_described(name):
    cls = SCHEDULES.get(name)
    schedule = cls(np.float64(0.1))
    assert type(schedule.lr_at(3)) is float
    assert list(schedule.parameters()) == list(cls.PARAMETERS)
    for key, spec in cls.PARAMETERS.items():
        default, low, high = spec[:3]
        assert low <= default <= high and schedule.parameters()[key] == default
    assert type(schedule).__name__ in repr(schedule)


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("step", {"step_size": 0}, r"step schedule: step_size = 0 is out of range.*\[1, "),
        ("step", {"step_size": 2.5}, r"step_size must be a whole number"),
        ("step", {"gamma": 1.5}, r"gamma = 1\.5 is out of range.*\[0, 1\]"),
        ("exponential", {"gamma": -0.1}, r"gamma = -0\.1 is out of range"),
        ("cosine", {"T_max": 0}, r"T_max = 0 is out of range"),
        ("cosine", {"gamma": 0.5}, r"cosine schedule has no setting 'gamma'.*T_max, eta_min"),
        ("constant", {"gamma": 0.5}, r"constant schedule has no setting 'gamma'"),
    ],
)
def test_invalid_parameters_say_what_and_range(name, params, message):
    with pytest.raises(UserInputError, match=message):
        SCHEDULES.get(name)(0.1, **params)


def test_invalid_base_lr():
    with pytest.raises(UserInputError, match="base_lr = -1.0 is out of range"):
        SCHEDULES.get("constant")(-1.0)


def test_whole_float_step_size_accepted():
    assert SCHEDULES.get("step")(1.0, step_size=10.0).step_size == 10


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)), ids=CASE_IDS)
def test_matches_live_pytorch(index, case):
    pytest.importorskip("torch")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import torch_reference
    finally:
        sys.path.pop(0)
    expected = torch_reference.run_schedule(*case, epochs=250)
    np.testing.assert_allclose(engine_lrs(*case, 250), expected, rtol=1e-12, atol=1e-15)
    assert math.isfinite(expected[-1])


def test_cosine_t_max_is_fixed_when_the_trainer_is_built(tmp_path):
    # T_max left unset follows the config's epochs at creation and is then stored, so a run
    # resumed with more epochs keeps its schedule (unless T_max is set explicitly).
    from core.data import load_dataset
    from core.io import load_session, save_session
    from core.train.config import TrainConfig
    from core.train.trainer import Trainer

    ds = load_dataset("moons", n_samples=40, seed=0)
    t = Trainer(ds, TrainConfig(hidden=(3,), schedule="cosine", lr=0.1, epochs=4))
    assert t.config.schedule_params == {"T_max": 4}
    t.train()
    rates = [t.schedule.lr_at(e) for e in range(8)]
    resumed, _ = load_session(save_session(tmp_path / "s.bpsession", t))
    resumed.apply_live({"epochs": 8})
    assert resumed.schedule.T_max == 4
    assert [resumed.schedule.lr_at(e) for e in range(8)] == rates
    explicit = Trainer(ds, TrainConfig(hidden=(3,), schedule="cosine", epochs=4,
                                       schedule_params={"T_max": 10}))
    assert explicit.schedule.T_max == 10
