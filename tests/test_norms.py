"""Layer norms, NormHistory (bounded, cheap) and the vanishing-gradient lesson in numbers."""


import numpy as np
import pytest

from core.data import load_dataset
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from core.watch.norms import NormHistory, gradient_norms, layer_norms, weight_norms


def test_layer_norms_are_frobenius_norms():
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=(3, 4)), rng.normal(size=(4, 1))]
    expected = [np.linalg.norm(a) for a in arrays]
    np.testing.assert_allclose(layer_norms(arrays), expected, rtol=1e-14)


def test_network_norms_use_weights_and_last_gradients(circles, small_config):
    t = Trainer(circles, small_config)
    t.step()
    layers = t.network.layers
    np.testing.assert_allclose(gradient_norms(t.network), [np.linalg.norm(x.dW) for x in layers])
    np.testing.assert_allclose(weight_norms(t.network), [np.linalg.norm(x.W) for x in layers])


def test_history_records_every_step_then_thins(circles, small_config):
    t = Trainer(circles, small_config)
    h = NormHistory(2, capacity=8)
    for _ in range(100):
        t.step()
        h.record(t.step_count, t.network)
    steps, grads, weights = h.arrays()
    assert len(h) <= 8 and grads.shape == weights.shape == (len(h), 2)
    assert steps[0] == 1 and 100 - steps[-1] < h.spacing
    assert np.all(np.diff(steps) >= h.spacing)  # evenly thinned
    assert np.all(np.isfinite(grads)) and np.all(grads > 0)


def test_history_values_match_the_network_at_each_recorded_step(circles, small_config):
    t = Trainer(circles, small_config)
    h = NormHistory(2, capacity=1000)
    expected = []
    for _ in range(20):
        t.step()
        h.record(t.step_count, t.network)
        expected.append((gradient_norms(t.network), weight_norms(t.network)))
    steps, grads, weights = h.arrays()
    assert steps.tolist() == list(range(1, 21))
    np.testing.assert_array_equal(grads, [g for g, _ in expected])
    np.testing.assert_array_equal(weights, [w for _, w in expected])


def test_a_rewind_drops_the_later_rows(circles, small_config):
    t = Trainer(circles, small_config)
    h = NormHistory(2, capacity=100)
    for step in range(1, 11):
        t.step()
        h.record(step, t.network)
    h.record(4, t.network)
    assert h.arrays()[0].tolist() == [1, 2, 3, 4]


@pytest.fixture(scope="module")
def circles400():
    return load_dataset("circles", n_samples=400, noise=0.15, seed=0)


@pytest.mark.parametrize("activation, init, vanishes", [
    ("sigmoid", "xavier_uniform", True),
    ("relu", "he_normal", False),
])
def test_eight_sigmoid_layers_vanish_and_relu_with_he_does_not(circles400, activation, init,
                                                               vanishes):
    cfg = TrainConfig(hidden=(16,) * 8, activation=activation, init=init, batch_size=None)
    t = Trainer(circles400, cfg)
    h = NormHistory(9)
    for _ in range(5):
        t.step()
        h.record(t.step_count, t.network)
    _, grads, _ = h.arrays()
    ratio = grads[:, 0] / grads[:, -1]  # first layer vs output layer, every step
    if vanishes:
        assert np.all(ratio < 1e-4)
    else:
        assert np.all(ratio > 1e-1)


def test_next_due_lets_a_loop_skip_the_steps_that_would_not_be_recorded(circles, small_config):
    t = Trainer(circles, small_config)
    every, sparse = NormHistory(2, capacity=8), NormHistory(2, capacity=8)
    assert sparse.next_due() == 0
    for _ in range(200):
        t.step()
        every.record(t.step_count, t.network)
        if t.step_count >= sparse.next_due():
            assert sparse.record(t.step_count, t.network)  # due means it records
    for a, b in zip(every.arrays(), sparse.arrays(), strict=True):
        np.testing.assert_array_equal(a, b)
