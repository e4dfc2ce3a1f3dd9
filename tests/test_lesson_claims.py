"""Every number a built-in lesson's text promises is what its trainer then produces.

Each test runs the lesson's own trainer (``core.teach.lessons.trainer_for``: the setup the
window installs) for the steps the text names and checks the claim. ``test_lesson_pace``
checks that the text's seconds follow from the lesson's speed.
"""

import math

import numpy as np
import pytest

from core.errors import TrainingDiverged
from core.teach.lessons import LESSONS, trainer_for
from core.watch.snapshot import take_snapshot


def lesson(lesson_id, variant=None):
    return trainer_for(LESSONS.get(lesson_id), variant)


def first_health_problem(lesson_id, variant=None):
    """``(kind, message, step)`` of the first problem the window's health watch would
    pause on (``tests.test_health.first_problem``), or ``None`` within 1,000 steps."""
    from tests.test_health import first_problem

    chosen = LESSONS.get(lesson_id)
    config = {**chosen.config, **(chosen.variant(variant).config if variant else {})}
    problem, steps = first_problem(chosen.dataset, 1000, chosen.dataset_params, **config)
    return None if problem is None else (problem.kind, problem.message, steps)


def layer_norms(trainer):
    """The Frobenius norm of every layer's last weight gradient, input layer first."""
    return np.array([np.linalg.norm(layer.dW) for layer in trainer.network.layers])


def test_zero_init_neurons_stay_identical_and_the_net_guesses():
    t = lesson("zero_init_symmetry")
    t.train()  # the lesson's 60 epochs
    assert t.step_count == 1920
    for layer in t.network.layers[:-1]:  # every hidden unit: the same incoming weights
        assert np.ptp(layer.W, axis=1).max() == 0.0
    values = t.evaluate()
    assert abs(values["train_loss"] - math.log(2)) < 0.02
    assert values["train_metric"] == 0.5 and values["test_metric"] == 0.5
    surface = take_snapshot(t).surface.output
    assert np.ptp(surface) < 0.05  # one even colour


def test_zero_init_random_variant_learns_within_20_epochs():
    t = lesson("zero_init_symmetry", "random_init")
    t.train(20)
    assert t.step_count == 640
    values = t.evaluate()
    assert values["train_metric"] == 1.0 and values["train_loss"] < 0.2


def test_vanishing_gradients_sigmoid_stack():
    t = lesson("vanishing_gradients")
    t.step()
    norms = layer_norms(t)
    assert norms[0] / norms[-1] < 1e-6  # six decades at the first step
    t.run_steps(99)
    assert layer_norms(t).max() < 1e-6  # every line below 10⁻⁶ within 100 steps
    values = t.evaluate()
    assert abs(values["train_loss"] - math.log(2)) < 0.01
    assert abs(values["train_metric"] - 0.5) < 0.05


@pytest.mark.parametrize("lesson_id, step", [("vanishing_gradients", 525),
                                              ("xor_needs_hidden_layer", 550)])
def test_a_flat_loss_pauses_where_the_lesson_says(lesson_id, step):
    kind, message, at = first_health_problem(lesson_id)
    assert (kind, at) == ("flat_loss", step) and "0.6931" in message
    assert f"step {step}" in LESSONS.get(lesson_id).look_at


@pytest.mark.parametrize("lesson_id, variant", [
    ("zero_init_symmetry", None), ("zero_init_symmetry", "random_init"),
    ("vanishing_gradients", "relu_he"), ("xor_needs_hidden_layer", "hidden_2"),
    ("he_vs_xavier", None), ("he_vs_xavier", "he"), ("divergent_learning_rate", "small_lr")])
def test_no_health_pause_interrupts_the_other_setups(lesson_id, variant):
    assert first_health_problem(lesson_id, variant) is None


def test_vanishing_gradients_relu_he_variant():
    t = lesson("vanishing_gradients", "relu_he")
    for _ in range(100):
        t.step()
        norms = layer_norms(t)
        assert norms.max() / norms.min() < 15  # within about a decade of each other
    values = t.evaluate()
    assert values["train_loss"] < 0.05 and values["train_metric"] == 1.0


def test_divergent_learning_rate_grows_then_stops_at_step_320_in_layer_2():
    t = lesson("divergent_learning_rate")
    with pytest.raises(TrainingDiverged) as caught:
        t.train()
    assert caught.value.step == 320 and "layer 2" in str(caught.value)
    losses = np.asarray(t.history["train_loss"])
    assert len(losses) == 319 and losses[0] == pytest.approx(2.18, abs=0.005)
    assert np.all(np.diff(losses) > 0)  # grows at every epoch
    factor = (losses[-1] / losses[0]) ** (1 / (len(losses) - 1))
    assert 5 < factor < 20  # about tenfold per epoch on average
    assert losses[-1] > 1e300


def test_divergent_learning_rate_small_variant_falls_every_epoch():
    t = lesson("divergent_learning_rate", "small_lr")
    t.train(200)
    losses = np.asarray(t.history["train_loss"])
    assert np.all(np.diff(losses) < 0)
    assert losses[0] == pytest.approx(2.18, abs=0.005)
    assert losses[-1] == pytest.approx(0.14, abs=0.01)


def test_xor_without_hidden_layer_answers_one_half():
    t = lesson("xor_needs_hidden_layer")
    for _ in range(10):
        t.train(100)
        assert t.evaluate()["train_metric"] <= 0.5  # never above 50 %
    assert t.evaluate()["train_loss"] == pytest.approx(math.log(2), abs=1e-3)
    surface = take_snapshot(t).surface.output
    assert np.abs(surface - 0.5).max() < 0.01  # one even colour


def test_xor_two_hidden_neurons_solve_it_within_1000_steps():
    t = lesson("xor_needs_hidden_layer", "hidden_2")
    t.train()
    assert t.step_count == 1000
    values = t.evaluate()
    assert values["train_metric"] == 1.0 and values["train_loss"] < 0.05


def test_he_vs_xavier_losses():
    xavier = lesson("he_vs_xavier")
    xavier.train(100)
    assert min(xavier.history["train_loss"]) > 0.6  # near 0.69 for 100 epochs
    xavier.train(200)
    assert xavier.evaluate()["train_loss"] < 0.1  # and only then falls
    he = lesson("he_vs_xavier", "he")
    he.train(60)
    assert he.evaluate()["train_loss"] < 0.25
    he.train(30)
    assert he.evaluate()["train_loss"] < 0.06


@pytest.mark.parametrize("lesson_id, steps, seconds", [
    ("zero_init_symmetry", 640, "about 6 s"),
    ("vanishing_gradients", 100, "about 3 s"),
    ("divergent_learning_rate", 320, "about 11 s"),
    ("xor_needs_hidden_layer", 1000, "10 s"),
    ("he_vs_xavier", 100, "about 3 s"),
])
def test_lesson_pace(lesson_id, steps, seconds):
    """Every lesson plays at a watchable speed, and the seconds it names follow from it."""
    chosen = LESSONS.get(lesson_id)
    assert chosen.speed in (10, 30, 100)
    shown = steps / chosen.speed
    assert seconds in chosen.look_at
    assert abs(shown - float(seconds.split()[-2])) <= 0.5 * shown
    assert 1 <= shown <= 60
