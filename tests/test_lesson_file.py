"""Lesson files: save and load give the same setup; malformed or hostile files are refused
with a message naming the file and the field, and nothing is half-written."""

import json

import pytest

from core.data import load_dataset
from core.errors import UserInputError
from core.teach.lesson_file import (
    CONTROLS,
    FORMAT_VERSION,
    lesson_document,
    lesson_from_setup,
    load_lesson,
    parse_lesson,
    save_lesson,
)
from core.teach.lessons import LESSONS, builtin_lesson_files
from core.train.config import TrainConfig


def teacher_lesson():
    dataset = load_dataset("spirals", n_samples=300, noise=0.1, seed=3)
    config = TrainConfig(hidden=(6, 3), activation="relu", optimizer="adam", lr=0.01,
                         batch_size=16, epochs=400, features=("x1^2",), seed=7)
    return lesson_from_setup("Spirals with Adam", "Adam follows the arms.",
                             "the decision surface", dataset, config,
                             hidden=["optimizer"], locked=["hidden_layers", "dataset"])


def test_save_then_load_gives_the_same_setup(tmp_path):
    lesson = teacher_lesson()
    path = save_lesson(tmp_path / "spirals.bplesson", lesson)
    back = load_lesson(path)
    assert back == lesson
    assert back.make_config() == lesson.make_config()
    assert back.make_config().hidden == (6, 3) and back.make_config().features == ("x1^2",)
    original, rebuilt = lesson.make_dataset(), back.make_dataset()
    assert (rebuilt.X_train == original.X_train).all() and rebuilt.spec == original.spec
    assert back.hidden_controls == ("optimizer",)
    assert back.locked_controls == ("hidden_layers", "dataset")
    assert json.loads(path.read_text())["version"] == FORMAT_VERSION


def test_every_builtin_lesson_is_a_file_that_round_trips(tmp_path):
    files = builtin_lesson_files()
    assert len(files) == len(LESSONS.names()) == 5
    for lesson_id in LESSONS.names():
        lesson = LESSONS.get(lesson_id)
        back = load_lesson(save_lesson(tmp_path / f"{lesson_id}.bplesson", lesson))
        assert back == lesson


def test_every_builtin_lesson_builds_its_data_and_settings():
    # registered at import without building them (start-up time): built here instead
    for file in builtin_lesson_files():
        lesson = parse_lesson(file.read_bytes(), file.name)
        assert LESSONS.get(lesson.id) == lesson
        for variant in (None, *(v.name for v in lesson.variants)):
            lesson.make_config(variant).validate(lesson.make_dataset())


def test_drawn_or_csv_data_cannot_be_saved_as_a_lesson():
    dataset = load_dataset("circles")
    dataset.spec = {"source": "csv", "path": "/x.csv"}
    with pytest.raises(UserInputError, match="CSV file.*dataset tile"):
        lesson_from_setup("t", "", "", dataset, TrainConfig())


def document(**changes):
    doc = lesson_document(teacher_lesson())
    doc.update(changes)
    return json.dumps(doc)


@pytest.mark.parametrize("text, message", [
    (b"\xff\xfe not utf8", "not UTF-8"),
    ("{ broken", "not valid JSON \\(line 1"),
    ("[1, 2]", "not a JSON object"),
    ("[" * 100_000 + "]" * 100_000, "nests too deeply|too big"),
    (document(format="other"), '"format"'),
    (document(version=99), "newer than this app reads"),
    (document(version="1"), '"version"'),
    (document(title=""), '"title" is empty'),
    (document(title="x" * 1000), "shorten it"),
    (document(extra=1), "'extra' is not a lesson field"),
    (document(dataset={"name": "nope"}), 'not a built-in dataset; use one of .*circles'),
    (document(dataset={"name": "circles", "n_samples": 10**9}), '"n_samples"'),
    (document(dataset={"name": "circles", "noise": "loud"}), '"dataset" cannot be built'),
    (document(dataset={"name": "circles", "colour": 3}), '"dataset" cannot be built'),
    (document(config={"lr": -1}), '"config" does not fit'),
    (document(config={"hidden": [10**6] * 50}), '"config" does not fit'),
    (document(config={"speed": 1}), "not a training setting"),
    (document(config={"lr": [[[[1]]]]}), "nests too deeply"),
    (document(view="everything"), '"view"'),
    (document(controls={"hidden": ["the_sun"]}), "'the_sun', not a control"),
    (document(controls={"locked": "dataset"}), "is not a list"),
    (document(variants=[{"name": "a", "title": "A", "config": {"activation": "nope"}}]),
     "variant 'a' does not fit"),
    (document(variants=[{"name": "a", "title": "A"}] * 2), "repeats the name"),
    (document(variants=[{"name": "a", "title": "A"}] * 9), "at most 8"),
    ('{"format": "backprop-studio-lesson", "version": 1, "title": "t", "dataset": '
     '{"name": "circles"}, "config": {"lr": NaN}}', "NaN is not a number"),
])
def test_malformed_or_hostile_lessons_are_refused_clearly(text, message):
    with pytest.raises(UserInputError, match=message) as caught:
        parse_lesson(text, "bad.bplesson")
    assert "bad.bplesson" in str(caught.value) or "NaN" in str(caught.value)


def test_a_huge_or_missing_file_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.bplesson"
    big.write_bytes(b" " * 2_000_000)
    with pytest.raises(UserInputError, match="too big for a lesson"):
        load_lesson(big)
    with pytest.raises(UserInputError, match="Cannot read lesson file"):
        load_lesson(tmp_path / "missing.bplesson")


def test_a_failed_save_leaves_the_old_file(tmp_path):
    path = save_lesson(tmp_path / "a.bplesson", teacher_lesson())
    before = path.read_bytes()
    with pytest.raises(UserInputError, match="does not exist"):
        save_lesson(tmp_path / "no" / "a.bplesson", teacher_lesson())
    assert path.read_bytes() == before and len(list(tmp_path.iterdir())) == 1


def test_every_control_has_a_description():
    assert {"optimizer", "learning_rate", "activation", "dataset", "hidden_layers"} <= set(
        CONTROLS)
    assert all(CONTROLS.values())
