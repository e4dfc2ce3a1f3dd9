"""The seed notebooks' demos, and the harder ones of the issue, reach their targets.

Every run is seeded (data and training); the hyperparameters are documented in
docs/demos.md. Targets are checked on the test set where the data has one (the truth tables
are 4 rows, train = test).
"""

import pytest

from core.data import load_dataset
from core.train.config import TrainConfig
from core.train.trainer import Trainer


def train(dataset, **config):
    trainer = Trainer(dataset, TrainConfig(**config))
    trainer.train()
    return trainer, trainer.history.last()


def test_and_gate_with_a_single_sigmoid_unit():
    # Seed 000, demo 1: 2 -> 1 sigmoid, MSE, lr 0.5, 1000 epochs, weights 0.1·N(0,1), bias 1.
    t, last = train(load_dataset("and"), hidden=(), output_activation="sigmoid", loss="mse",
                    init="small_normal", optimizer="sgd", lr=0.5, batch_size=None, epochs=1000)
    assert t.network.sizes == [2, 1]
    assert last["train_metric"] == 1.0


@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_xor_with_two_hidden_sigmoid_units(loss):
    # Seed 000, demo 2: 2-2-1 sigmoid. A 2-2-1 net has a well-known bad local minimum that
    # about a third of initialisations fall into; seed 0 escapes it for lr 0.5 to 2 and both
    # losses (checked over 20 seeds when choosing it).
    t, last = train(load_dataset("xor"), hidden=(2,), activation="sigmoid",
                    output_activation="sigmoid", loss=loss, init="xavier_uniform", lr=1.0,
                    batch_size=None, epochs=5000, seed=0)
    assert last["train_metric"] == 1.0


def test_xor_as_in_the_notebook_with_its_step_size():
    # Seed 000's exact setup: 2-2-1 sigmoid, MSE, 0.1·N(0,1) init, 10000 full-batch epochs.
    # The notebook summed the gradient over the 4 rows (4× our mean-MSE step at the same lr);
    # lr 0.4 reaches 100 % (docs/demos.md; seeds 0-5 checked).
    t, last = train(load_dataset("xor"), hidden=(2,), activation="sigmoid", loss="mse",
                    init="small_normal", optimizer="sgd", lr=0.4, batch_size=None,
                    epochs=10000, seed=0)
    assert t.config.output_activation == "sigmoid" and t.network.sizes == [2, 2, 1]
    assert last["train_metric"] == 1.0 and t.evaluate()["train_metric"] == 1.0


def test_two_circles_as_in_seed_003():
    # Seed 003: 400 points, noise 0.15, 2-16-8-1 ReLU/sigmoid, He init, BCE, lr 0.1, full batch.
    ds = load_dataset("circles", n_samples=400, noise=0.15, seed=0)
    t, last = train(ds, hidden=(16, 8), activation="relu", init="he_normal", loss="bce",
                    lr=0.1, batch_size=None, epochs=2000)
    assert last["test_metric"] >= 0.99


def test_sum_of_squares_regression():
    # Seed 000, demo 3: x1² + x2² with 2-10-1 (sigmoid hidden, identity output: the notebook's
    # sigmoid output cannot exceed 1). Adam, full batch, cosine decay.
    ds = load_dataset("squares_sum", seed=0)
    t, last = train(ds, hidden=(10,), activation="sigmoid", optimizer="adam", lr=0.03,
                    batch_size=None, epochs=3000, schedule="cosine")
    assert t.config.output_activation == "identity" and t.config.loss == "mse"
    assert last["test_loss"] < 0.005


def test_digits():
    ds = load_dataset("digits", seed=0)
    t, last = train(ds, hidden=(64,), activation="relu", init="he_normal", optimizer="adam",
                    lr=0.001, batch_size=32, epochs=40)
    assert t.config.standardize is True
    assert last["test_metric"] >= 0.97


def test_three_class_spirals():
    ds = load_dataset("spirals", n_classes=3, seed=0)
    t, last = train(ds, hidden=(32, 32), activation="relu", init="he_normal",
                    optimizer="adam", lr=0.01, batch_size=16, epochs=300)
    assert t.config.loss == "cce" and t.network.sizes[-1] == 3
    assert last["test_metric"] >= 0.95
