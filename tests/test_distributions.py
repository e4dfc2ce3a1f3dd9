"""Per-layer distributions, activation curves and confusion counts (core, no Qt)."""

import numpy as np
import pytest

from core.data import load_dataset
from core.nn.activation_curves import curves, flat_share, z_histogram, z_span
from core.nn.activations import ACTIVATIONS
from core.train.config import TrainConfig
from core.train.confusion import (
    confusion_matrix,
    per_class_accuracy,
    predicted_labels,
    rows_in_cell,
)
from core.train.trainer import Trainer
from core.watch.distributions import (
    QUANTILES,
    SAMPLE_ROWS,
    DistributionHistory,
    dead_units,
    preactivations,
    quantile_bands,
    sample_indices,
    saturated_units,
    snapshot_stats,
)
from core.watch.snapshot import take_snapshot


@pytest.fixture(scope="module")
def trainer():
    t = Trainer(load_dataset("spirals", n_classes=3),
                TrainConfig(hidden=(8, 6), activation=("relu", "tanh"), lr=0.05))
    t.train(2)
    return t


def test_snapshot_carries_the_sample_preactivations(trainer):
    snap = take_snapshot(trainer, surface_resolution=0)
    rows = trainer.X_train[sample_indices(len(trainer.X_train))]
    expected = preactivations(trainer.network, rows)
    assert len(snap.sample_z) == 3
    for z, e, size in zip(snap.sample_z, expected, trainer.network.sizes[1:], strict=True):
        assert z.shape == (min(len(trainer.X_train), SAMPLE_ROWS), size)
        np.testing.assert_array_equal(z, e)
        assert not z.flags.writeable
    # z of the output layer is what the network's logits are on those rows
    trainer.network.forward(rows)
    np.testing.assert_allclose(snap.sample_z[-1], trainer.network.logits(), rtol=1e-12)


def test_sample_indices_are_spread_and_fixed():
    np.testing.assert_array_equal(sample_indices(5), np.arange(5))
    idx = sample_indices(1000, 10)
    assert idx[0] == 0 and idx[-1] == 999 and len(np.unique(idx)) == 10


def assert_numpy_quantiles(bands, values):
    """``bands`` are ``np.percentile(values, QUANTILES)`` to 1e-12 of the values' scale."""
    scale = max(float(np.abs(values).max()), 1e-300)
    np.testing.assert_allclose(bands, np.percentile(values, QUANTILES), rtol=0,
                               atol=1e-12 * scale)


@pytest.mark.parametrize("n", [1, 2, 3, 10, 257])
def test_fast_quantiles_match_numpy_on_any_size(n):
    values = np.random.default_rng(n).normal(size=n) * 1e-7
    assert_numpy_quantiles(quantile_bands(values), values)


def test_bands_equal_numpy_quantiles(trainer):
    snap = take_snapshot(trainer, surface_resolution=0)
    stats = snapshot_stats(snap, trainer.network.activation_names)
    for i, s in enumerate(stats):
        assert_numpy_quantiles(s.weights, snap.weights[i])
        assert_numpy_quantiles(s.gradients, snap.weight_grads[i])
        a = ACTIVATIONS.get(trainer.network.activation_names[i]).forward(snap.sample_z[i].copy())
        assert_numpy_quantiles(s.activations, a)
    assert stats[0].dead is not None and stats[0].saturated is None  # relu
    assert stats[1].dead is None and stats[1].saturated is not None  # tanh
    assert stats[2].dead is None and stats[2].saturated is None  # softmax


def test_dead_and_saturated_units_follow_their_definitions():
    a = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 2.0, 0.0]])
    assert dead_units(a) == 2
    t = np.concatenate([np.full((19, 1), 0.99), np.full((1, 1), 0.1)])  # 95 % in the tail
    half = np.concatenate([np.full((10, 1), -0.99), np.full((10, 1), 0.5)])
    assert saturated_units("tanh", np.hstack([t, half])) == 1
    s = np.array([[0.01, 0.5], [0.99, 0.5], [0.02, 0.96]])
    assert saturated_units("sigmoid", s) == 1
    assert saturated_units("relu", s) is None
    assert np.isnan(quantile_bands(np.empty(0))).all()


def test_history_keeps_steps_in_order_and_bounded(trainer):
    snap = take_snapshot(trainer, surface_resolution=0)
    stats = snapshot_stats(snap, trainer.network.activation_names)
    history = DistributionHistory(3, max_records=8)
    for step in range(1, 20):
        history.record(step, stats)
    assert len(history) <= 8
    steps = history.steps()
    assert np.all(np.diff(steps) > 0) and steps[-1] == 19
    history.record(5, stats)  # the timeline went back: later records are dropped
    assert history.steps()[-1] == 5
    assert history.bands(0, "weights").shape == (len(history), len(QUANTILES))
    assert history.counters(1, "dead").shape == (len(history),)
    assert np.isnan(history.counters(1, "dead")).all()


@pytest.mark.parametrize("name", ACTIVATIONS.names())
def test_curves_are_the_registry_functions(name):
    z = np.linspace(-6.0, 6.0, 121)
    f, df = curves(name, z, n_classes=4)
    act = ACTIVATIONS.get(name)
    if act.elementwise:
        np.testing.assert_allclose(f, act.forward(z[:, None].copy())[:, 0], rtol=0, atol=1e-12)
        # central differences agree with the derivative away from kinks
        h = 1e-6
        fd = (curves(name, z + h)[0] - curves(name, z - h)[0]) / (2 * h)
        away = np.abs(z) > 1e-3
        np.testing.assert_allclose(df[away], fd[away], atol=1e-6)
    else:  # softmax per class: s = e^z / (e^z + C - 1), s' = s (1 - s)
        s = np.exp(z) / (np.exp(z) + 3.0)
        np.testing.assert_allclose(f, s, atol=1e-12)
        np.testing.assert_allclose(df, s * (1 - s), atol=1e-12)


def test_z_span_histogram_and_flat_share():
    z = np.array([[-7.0, 0.5], [2.0, 30.0]])
    assert z_span(z) == 30.0 and z_span(z * 1.1) == 50.0 and z_span(np.zeros(3)) == 3.0
    counts, edges = z_histogram(z, 50.0, bins=10)
    expected = np.histogram(z.ravel(), bins=10, range=(-50.0, 50.0))
    np.testing.assert_array_equal(counts, expected[0])
    np.testing.assert_array_equal(edges, expected[1])
    assert flat_share("relu", np.array([-1.0, -2.0, 1.0, 3.0])) == 0.5
    assert flat_share("sigmoid", np.array([-20.0, 20.0, 0.0, 0.1])) == 0.5


def test_confusion_matrix_and_per_class_accuracy():
    true = np.array([0, 0, 1, 2, 2, 2])
    pred = np.array([0, 1, 1, 2, 0, 2])
    counts = confusion_matrix(true, pred, 4)
    assert counts.shape == (4, 4) and counts.sum() == 6
    assert counts[0, 0] == 1 and counts[0, 1] == 1 and counts[2, 0] == 1 and counts[2, 2] == 2
    acc = per_class_accuracy(counts)
    np.testing.assert_allclose(acc[:3], [0.5, 1.0, 2 / 3])
    assert np.isnan(acc[3])
    np.testing.assert_array_equal(rows_in_cell(true, pred, 2, 0), [4])
    np.testing.assert_array_equal(predicted_labels(np.array([[0.2], [0.7]])), [0, 1])
    np.testing.assert_array_equal(predicted_labels(np.array([[0.2, 0.5, 0.3]])), [1])
