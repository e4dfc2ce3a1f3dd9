"""Initializers: shapes, dtypes, statistics of big matrices, constant biases, determinism."""

import math

import numpy as np
import pytest

from core.nn.initializers import INITIALIZERS

FAN_IN, FAN_OUT = 400, 300

# name -> (expected std of W, bias value)
EXPECTED = {
    "zeros": (0.0, 0.0),
    "small_normal": (0.1, 1.0),
    "uniform": (1 / math.sqrt(12), 0.1),  # U(-0.5, 0.5)
    "xavier_normal": (math.sqrt(2 / (FAN_IN + FAN_OUT)), 0.0),
    "xavier_uniform": (math.sqrt(6 / (FAN_IN + FAN_OUT)) / math.sqrt(3), 0.0),
    "he_normal": (math.sqrt(2 / FAN_IN), 0.0),
    "he_uniform": (math.sqrt(6 / FAN_IN) / math.sqrt(3), 0.0),
    "lecun_normal": (math.sqrt(1 / FAN_IN), 0.0),
}


def test_registry_names():
    assert INITIALIZERS.names() == list(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_shapes_dtypes_and_statistics(name, dtype):
    W, b = INITIALIZERS.get(name)(FAN_IN, FAN_OUT, np.random.default_rng(0), dtype)
    std, bias = EXPECTED[name]
    assert W.shape == (FAN_IN, FAN_OUT) and b.shape == (FAN_OUT,)
    assert W.dtype == dtype and b.dtype == dtype
    # 120,000 samples: the sample std is within about 0.5% of the true one.
    assert W.std() == pytest.approx(std, rel=0.02, abs=1e-12)
    assert abs(W.mean()) <= 0.05 * std
    assert np.all(b == np.asarray(bias, dtype))


@pytest.mark.parametrize(
    "name, bound",
    [
        ("uniform", 0.5),
        ("xavier_uniform", math.sqrt(6 / (FAN_IN + FAN_OUT))),
        ("he_uniform", math.sqrt(6 / FAN_IN)),
    ],
)
def test_uniform_initializers_respect_their_bound(name, bound):
    W, _ = INITIALIZERS.get(name)(FAN_IN, FAN_OUT, np.random.default_rng(1), np.float64)
    assert np.abs(W).max() <= bound
    assert np.abs(W).max() > 0.99 * bound


@pytest.mark.parametrize("name", list(EXPECTED))
def test_same_generator_state_gives_same_weights(name):
    W1, b1 = INITIALIZERS.get(name)(3, 4, np.random.default_rng(7), np.float64)
    W2, b2 = INITIALIZERS.get(name)(3, 4, np.random.default_rng(7), np.float64)
    assert np.array_equal(W1, W2) and np.array_equal(b1, b2)
