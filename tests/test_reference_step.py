"""The one-page reference step (`core/nn/reference_step.py`) computes what `Trainer.step()` does."""

import numpy as np
import pytest

from core import TrainConfig, Trainer
from core.data import load_dataset
from core.nn.reference_step import sgd_step

CASES = [
    ("circles", {}, "tanh", "bce"),
    ("spirals", {"n_classes": 3}, "relu", "cce"),
    ("squares_sum", {}, "sigmoid", "mse"),
    ("xor", {}, "identity", "bce"),
]


@pytest.mark.parametrize(("name", "kwargs", "activation", "loss"), CASES)
def test_reference_step_equals_the_trainer(name, kwargs, activation, loss):
    data = load_dataset(name, seed=3, **kwargs)
    trainer = Trainer(data, TrainConfig(hidden=(6, 4), activation=activation, loss=loss,
                                        optimizer="sgd", lr=0.1, batch_size=None, seed=5))
    weights = [layer.W.copy() for layer in trainer.network.layers]
    biases = [layer.b.copy() for layer in trainer.network.layers]
    hidden = [activation] * 2
    for _ in range(40):
        expected_loss = trainer.step()
        loss_value = sgd_step(weights, biases, hidden, trainer.X_train, trainer.y_train, loss, 0.1)
        assert loss_value == pytest.approx(expected_loss, rel=1e-12, abs=1e-14)
    layers = trainer.network.layers
    moved = max(np.abs(w - layer.W).max() for w, layer in zip(weights, layers, strict=True))
    assert moved <= 1e-12
    for b, layer in zip(biases, trainer.network.layers, strict=True):
        np.testing.assert_allclose(b, layer.b, rtol=0, atol=1e-12)
    # The run really trained: the weights moved well beyond the tolerance.
    start = Trainer(data, trainer.config).network.layers[0].W
    assert np.abs(start - trainer.network.layers[0].W).max() > 1e-3
