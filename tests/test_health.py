"""core.watch.health on real runs: a dead ReLU layer, saturated tanh units, a flat loss; healthy
runs (and a diverging one, before it diverges) raise nothing."""

import pytest

from core.data import load_dataset
from core.errors import TrainingDiverged
from core.teach.lessons import LESSONS
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from core.watch.health import diagnose
from core.watch.snapshot import take_snapshot

CHECK_EVERY = 25


def first_problem(dataset, steps, dataset_params=None, **config):
    """Train, diagnosing every ``CHECK_EVERY`` steps; ``(problem or None, steps trained)``."""
    trainer = Trainer(load_dataset(dataset, **(dataset_params or {})),
                      TrainConfig(**{"epochs": 10**6, **config}))
    info = trainer.info()
    while trainer.step_count < steps:
        try:
            trainer.run_steps(CHECK_EVERY)
        except TrainingDiverged:
            return None, trainer.step_count
        snapshot = take_snapshot(trainer, surface_resolution=None, with_neurons=False)
        problem = diagnose(info, snapshot)
        if problem is not None:
            return problem, trainer.step_count
    return None, trainer.step_count


def test_learning_rate_10_on_relu_kills_a_layer():
    problem, _ = first_problem("circles", 2000, activation="relu", lr=10.0)
    assert problem.kind == "dead_relu" and problem.layer is not None
    assert "outputs 0 for every training example" in problem.message
    assert "smaller learning rate" in problem.message and "leaky_relu" in problem.message


def test_learning_rate_10_on_tanh_saturates_and_the_gradients_vanish():
    problem, _ = first_problem("circles", 3000, activation="tanh", lr=10.0)
    assert problem.kind == "saturated" and problem.layer is not None
    assert "saturated" in problem.message and "vanished" in problem.message


def test_a_loss_flat_for_many_epochs_is_reported():
    problem, steps = first_problem("xor", 3000, hidden=(), lr=0.1)
    assert problem.kind == "flat_loss" and steps >= 500
    assert "not learning" in problem.message and "hidden layers" in problem.message


@pytest.mark.parametrize("dataset, config", [
    ("circles", {}),
    ("circles", {"activation": "tanh", "lr": 0.03}),
    ("circles", {"activation": "sigmoid", "lr": 10.0}),  # saturates, but it learned
    ("spirals", {}),
])
def test_healthy_runs_raise_nothing(dataset, config):
    assert first_problem(dataset, 2000, **config) == (None, 2000)


def test_the_divergence_lesson_diverges_before_any_health_problem():
    lesson = LESSONS.get("divergent_learning_rate")
    problem, steps = first_problem(lesson.dataset, 2000, lesson.dataset_params,
                                   **{**lesson.config, "epochs": 10**6})
    assert problem is None and steps < 2000  # it diverged first (step_guard reports it)
