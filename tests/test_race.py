"""The race (``core.watch.race``): lockstep stepping equals training alone, shared initial
weights where the shapes agree, checked configs whose errors name the racer and the key."""

import dataclasses

import numpy as np
import pytest

from core.data import load_dataset
from core.errors import UserInputError
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from core.watch.race import Race, race_configs, racer_name


@pytest.fixture(scope="module")
def circles():
    return load_dataset("circles", n_samples=120)


def _configs():
    base = TrainConfig(hidden=(6, 4), seed=3)
    return [base,
            dataclasses.replace(base, optimizer="adam", lr=0.01),
            dataclasses.replace(base, activation="relu", batch_size=7, l2=0.001)]


def test_lockstep_weights_equal_each_config_trained_alone(circles):
    configs = _configs()
    race = Race(configs, circles)
    for _ in range(3):
        race.step(13)  # ticks that end mid-epoch
    for config, racer in zip(configs, race.racers, strict=True):
        alone = Trainer(circles, config)
        # Same initial weights as the racer (the race seed is the config's own here).
        np.testing.assert_array_equal(alone.network.flat_params,
                                      race.initial_weights[race.racers.index(racer)])
        alone.run_steps(39)
        assert racer.trainer.step_count == 39
        assert np.array_equal(alone.network.flat_params, racer.trainer.network.flat_params)


def test_shared_initial_weights_when_shapes_agree_own_when_not(circles):
    base = TrainConfig(hidden=(6,), seed=1)
    race = Race([base, dataclasses.replace(base, optimizer="momentum", activation="relu"),
                 dataclasses.replace(base, hidden=(5,)),
                 dataclasses.replace(base, init="he_normal")], circles, seed=9)
    assert race.shares_initial_weights(0, 1)
    assert not race.shares_initial_weights(0, 2)  # another shape
    assert not race.shares_initial_weights(0, 3)  # another initializer
    # The racer of another shape starts from what its own config gives for the race seed.
    own = Trainer(circles, dataclasses.replace(base, hidden=(5,), seed=9))
    np.testing.assert_array_equal(own.network.flat_params, race.initial_weights[2])
    # ...and a copy shares nothing with the racer it was copied from.
    race.step(5)
    assert not np.array_equal(race.racers[0].trainer.network.flat_params,
                              race.racers[1].trainer.network.flat_params)


def test_copied_weights_are_the_first_racers_even_when_the_seed_would_differ(circles):
    base = TrainConfig(hidden=(4,), seed=0)
    race = Race([base, dataclasses.replace(base, seed=5)], circles, seed=2)
    assert race.shares_initial_weights(0, 1)
    assert all(r.trainer.config.seed == 2 for r in race.racers)


def test_histories_one_row_per_tick_and_results(circles):
    race = Race(_configs()[:2], circles)
    race.step(4)
    race.step(4)
    for racer in race.racers:
        h = racer.history()
        assert list(h["step"]) == [0, 4, 8]
        assert np.all(np.isfinite(h["test_loss"]))
    results = race.results()
    assert [r["name"] for r in results] == ["A: sgd lr 0.03", "B: adam lr 0.01"]
    assert results[1]["final"]["step"] == 8
    assert results[1]["history"]["train_loss"][-1] == results[1]["final"]["train_loss"]


def test_a_diverging_racer_stops_and_the_others_go_on(circles):
    base = TrainConfig(hidden=(6,), activation="relu", init="he_normal", seed=0)
    race = Race([base, dataclasses.replace(base, lr=10.0, optimizer="sgd", batch_size=None,
                                           loss="mse", output_activation="identity")],
                circles)
    for _ in range(30):
        race.step(10)
    assert race.racers[1].error is not None
    assert race.racers[0].error is None and race.racers[0].trainer.step_count == 300


def test_racer_names_say_what_differs():
    base = TrainConfig()
    other = dataclasses.replace(base, optimizer="adam", lr=0.001, batch_size=None, l2=0.01,
                                activation="relu")
    assert racer_name(0, base, base) == "A: sgd lr 0.03"
    assert racer_name(1, other, base) == "B: adam lr 0.001, relu, batch full, L2 0.01"


@pytest.mark.parametrize("overrides, words", [
    ([{}], "2 to 4"),
    ({"lr": 1}, "not a list"),
    ([{}, {}, {}, {}, {}], "5 items"),
    ([{}, 3], "racer B (item 2) is int"),
    ([{}, {"lrr": 0.1}], "racer B (item 2): 'lrr' is not a training setting"),
    ([{"lr": -1}, {}], "racer A (item 1), setting 'lr': Learning rate"),
    ([{}, {}, {"optimizer": "adamm"}], "racer C (item 3), setting 'optimizer'"),
    ([{}, {"hidden": "abc"}], "racer B (item 2), setting 'hidden'"),
])
def test_bad_overrides_name_the_racer_and_the_key(circles, overrides, words):
    with pytest.raises(UserInputError, match=None) as info:
        race_configs(TrainConfig(), overrides, circles, where="race.json")
    assert words in str(info.value)
    assert str(info.value).startswith("race.json")


def test_overrides_apply_over_the_base(circles):
    configs = race_configs(TrainConfig(lr=0.1), [{}, {"optimizer": "adam", "lr": 0.01},
                                                 {"batch_size": None}], circles)
    assert [c.lr for c in configs] == [0.1, 0.01, 0.1]
    assert configs[2].batch_size is None and configs[1].optimizer == "adam"
