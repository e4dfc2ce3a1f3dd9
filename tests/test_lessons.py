"""Lessons: every lesson and variant loads and trains, and the quick claims hold."""

import numpy as np
import pytest

from core.errors import TrainingDiverged, UserInputError
from core.teach.lessons import LESSONS, Lesson, lesson_summary, lesson_trainer
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from core.watch.norms import gradient_norms

ALL = [(name, v) for name in LESSONS.names()
       for v in (None, *(x.name for x in LESSONS.get(name).variants))]


def test_the_five_lessons_are_registered():
    assert LESSONS.names() == ["zero_init_symmetry", "vanishing_gradients",
                               "divergent_learning_rate", "xor_needs_hidden_layer",
                               "he_vs_xavier"]
    for name in LESSONS.names():
        lesson = LESSONS.get(name)
        assert isinstance(lesson, Lesson) and lesson.id == name
        assert len(lesson.explanation) > 200 and lesson.look_at and lesson.variants
        assert lesson.title in lesson_summary(name)


@pytest.mark.parametrize("name, variant", ALL)
def test_every_lesson_and_variant_trains(name, variant):
    t = lesson_trainer(name, variant)
    assert isinstance(t, Trainer)
    if name == "divergent_learning_rate" and variant is None:
        return  # diverges by design: see below
    t.train(epochs=2)
    assert t.epoch == 2 and np.isfinite(t.history.last()["train_loss"])


def test_config_fields_are_train_config_fields():
    for name in LESSONS.names():
        lesson = LESSONS.get(name)
        assert isinstance(lesson.make_config(), TrainConfig)
        for v in lesson.variants:
            assert set(v.config) <= set(TrainConfig.__dataclass_fields__)


def test_zero_init_keeps_every_hidden_unit_identical():
    t = lesson_trainer("zero_init_symmetry")
    t.train(epochs=10)
    W0, W1, W2 = (layer.W for layer in t.network.layers)
    assert np.abs(W1).max() > 1e-3  # the weights did move ...
    for layer in t.network.layers[:-1]:  # ... but every unit's incoming weights are equal
        assert np.ptp(layer.W, axis=1).max() == 0.0 and np.ptp(layer.b) == 0.0
    for W in (W1, W2):  # and every unit's outgoing weights too
        assert np.ptp(W, axis=0).max() == 0.0


def test_random_init_breaks_the_symmetry():
    t = lesson_trainer("zero_init_symmetry", "random_init")
    t.train(epochs=1)
    W = t.network.layers[0].W
    assert np.ptp(W, axis=1).max() > 0.0


def test_no_hidden_layer_never_exceeds_50_percent_on_xor():
    t = lesson_trainer("xor_needs_hidden_layer")
    assert t.network.sizes == [2, 1]
    t.train(epochs=300)
    assert np.max(t.history["train_metric"]) <= 0.5


def test_a_hidden_layer_of_two_solves_xor():
    t = lesson_trainer("xor_needs_hidden_layer", "hidden_2")
    t.train()  # 1000 full-batch epochs of 4 rows
    assert t.history.last()["train_metric"] == 1.0


def test_learning_rate_2_diverges_and_the_variant_does_not():
    t = lesson_trainer("divergent_learning_rate")
    assert t.config.lr == 2.0 and t.config.batch_size is None
    with pytest.raises(TrainingDiverged, match="Training diverged at step"):
        t.train(epochs=400)
    ok = lesson_trainer("divergent_learning_rate", "small_lr")
    ok.train(epochs=20)
    assert ok.history.last()["train_loss"] < ok.history["train_loss"][0]


def _decades_first_to_last(trainer):
    grads = gradient_norms(trainer.network)
    return float(np.log10(grads[-1] / grads[0]))


def test_vanishing_gradient_lesson_shows_what_its_text_says():
    sigmoid, relu = (lesson_trainer("vanishing_gradients", v) for v in (None, "relu_he"))
    sigmoid.step()
    relu.step()
    assert _decades_first_to_last(sigmoid) >= 5.0  # "five or more decades" at first
    assert abs(_decades_first_to_last(relu)) < 1.0  # "within about a decade"
    sigmoid.train(epochs=150)
    relu.train(epochs=150)
    assert abs(sigmoid.last_loss - np.log(2)) < 1e-3  # "sticks at 0.69"
    assert relu.last_loss < 0.05 and abs(_decades_first_to_last(relu)) < 1.0


def test_he_keeps_the_signal_alive_where_xavier_lets_it_fade():
    def last_hidden_std(variant):
        t = lesson_trainer("he_vs_xavier", variant)
        return float(t.network.forward_all(t.X_train)[-2].std())

    assert last_hidden_std(None) < 0.05 * last_hidden_std("he")


def test_unknown_lesson_or_variant_lists_the_choices():
    with pytest.raises(UserInputError, match="zero_init_symmetry"):
        lesson_trainer("nope")
    with pytest.raises(UserInputError, match="relu_he"):
        lesson_trainer("vanishing_gradients", "nope")
