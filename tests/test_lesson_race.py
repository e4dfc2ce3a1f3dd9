"""A lesson file may carry a race: it round-trips, and a bad race is refused by name."""

import json

import pytest

from core.data import load_dataset
from core.errors import UserInputError
from core.teach.lesson_file import lesson_document, lesson_from_setup, load_lesson, save_lesson
from core.train.config import TrainConfig

RACE = ({}, {"optimizer": "adam", "lr": 0.01}, {"batch_size": None, "activation": "relu"})


def _lesson(race=RACE):
    return lesson_from_setup("Optimizers race", "Watch them.", "the curves",
                             load_dataset("moons", n_samples=100, seed=1),
                             TrainConfig(hidden=(5,), lr=0.1), hidden=["optimizer"],
                             race=race)


def test_race_round_trips_through_the_file(tmp_path):
    lesson = _lesson()
    path = save_lesson(tmp_path / "race.bplesson", lesson)
    again = load_lesson(path)
    assert again == lesson
    assert [dict(r) for r in again.race] == [dict(r) for r in RACE]
    configs = again.make_race_configs()
    assert [(c.optimizer, c.lr, c.batch_size, c.activation) for c in configs] == [
        ("sgd", 0.1, 10, "tanh"), ("adam", 0.01, 10, "tanh"), ("sgd", 0.1, None, "relu")]
    assert again.hidden_controls == ("optimizer",)


def test_a_lesson_without_race_writes_no_race_field():
    lesson = _lesson(race=())
    assert "race" not in lesson_document(lesson)
    assert lesson.make_race_configs() == []


@pytest.mark.parametrize("race, words", [
    ([{}], '"race" is not a list of 2 to 4'),
    ([{}, {"lr": -2}], '"race"'),
    ([{}, {"speed": 3}], '"race racer 2" "speed" is not a training setting'),
    ({"lr": 1}, '"race" is not a list'),
])
def test_bad_race_in_a_file_is_refused_by_name(tmp_path, race, words):
    document = lesson_document(_lesson())
    document["race"] = race
    path = tmp_path / "bad.bplesson"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(UserInputError) as info:
        load_lesson(path)
    assert words in str(info.value) and str(path) in str(info.value)
