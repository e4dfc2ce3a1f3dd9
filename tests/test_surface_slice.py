"""Slices through data with more than two inputs: the grid the network sees, the distance of
each row from the slice."""

import numpy as np
import pytest

from core.data import load_dataset
from core.errors import UserInputError
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from core.watch.snapshot import SurfaceSlice, take_snapshot
from core.watch.surface_slice import slice_distance, slice_grid, slice_values


@pytest.fixture(scope="module")
def wine():
    trainer = Trainer(load_dataset("wine"), TrainConfig(hidden=(6,), seed=0))
    trainer.train(2)
    return trainer


def test_a_moved_slice_holds_the_other_inputs_at_its_values(wine):
    ds = wine.dataset
    fixed = tuple(float(v) for v in ds.X_train.max(axis=0))
    snap = take_snapshot(wine, 12, SurfaceSlice((0, 1), fixed))
    assert snap.surface.columns == (0, 1) and snap.surface.fixed == fixed
    x, y, raw = slice_grid(ds, (0, 1), 12, fixed)
    np.testing.assert_array_equal(raw[:, 2:], np.tile(fixed[2:], (144, 1)))
    np.testing.assert_array_equal(raw[:, 0].reshape(12, 12)[0], x)
    expected = wine.predict(raw).reshape(12, 12, -1)
    np.testing.assert_allclose(snap.surface.output, expected, rtol=1e-12)
    # at the means: a pair and a slice without values are the same surface
    at_means = take_snapshot(wine, 12, (0, 1)).surface
    assert at_means.fixed is None
    np.testing.assert_allclose(at_means.output, wine.predict(
        slice_grid(ds, (0, 1), 12)[2]).reshape(12, 12, -1), rtol=1e-12)
    assert not np.allclose(at_means.output, snap.surface.output)


def test_only_the_latest_moved_slice_is_cached(wine):
    ds = wine.dataset
    for shift in range(5):
        fixed = tuple(float(v) + shift for v in ds.X_train.mean(axis=0))
        take_snapshot(wine, 8, SurfaceSlice((2, 3), fixed))
    moved = [k for k in wine._surface_cache if k == "moved_slice"]
    assert len(moved) == 1 and wine._surface_cache["moved_slice"][0][2] == fixed


@pytest.mark.parametrize("fixed", [(1.0, 2.0), (np.nan,) * 13])
def test_a_slice_with_wrong_values_is_a_clear_error(wine, fixed):
    with pytest.raises(UserInputError, match="one finite value per input"):
        slice_values(wine.dataset, fixed)


def test_slice_distance_counts_only_the_held_inputs():
    X = np.array([[5.0, 7.0, 1.0, 2.0], [0.0, 0.0, 3.0, 2.0]])
    values = np.array([0.0, 0.0, 1.0, 2.0])
    scale = np.array([1.0, 1.0, 2.0, 0.0])  # a constant column counts in its raw units
    np.testing.assert_allclose(slice_distance(X, (0, 1), values, scale), [0.0, np.sqrt(0.5)])
    assert slice_distance(X[:, :2], (0, 1), values[:2], scale[:2]).tolist() == [0.0, 0.0]


def test_input_stats_and_slice_distances_are_computed_in_blocks_to_the_same_values(
        wine, monkeypatch):
    """No full-size temporaries (376 MB each on MNIST): statistics and distances in blocks of
    rows equal the whole-array formulas."""
    import core.data.dataset as dataset_module
    import core.watch.surface_slice as slice_module
    from core.data.dataset import InputStats

    ds = wine.dataset
    X = np.concatenate([ds.X_train, ds.X_test])
    values = slice_values(ds)
    whole = slice_distance(X, (0, 3), values, X.std(axis=0))
    monkeypatch.setattr(dataset_module, "STATS_BLOCK_ROWS", 7)
    monkeypatch.setattr(slice_module, "STATS_BLOCK_ROWS", 7)
    stats = InputStats.of(ds.X_train, ds.X_test)
    np.testing.assert_allclose(stats.scale, X.std(axis=0), rtol=1e-12)
    np.testing.assert_array_equal(stats.mean, ds.X_train.mean(axis=0))
    np.testing.assert_array_equal(stats.low, X.min(axis=0))
    np.testing.assert_array_equal(stats.high, X.max(axis=0))
    held = [k for k in range(X.shape[1]) if k not in (0, 3)]
    z = (X[:, held] - values[held]) / X.std(axis=0)[held]
    assert slice_distance(X, (0, 3), values, X.std(axis=0)).tolist() == whole.tolist()
    np.testing.assert_array_equal(whole, np.sqrt(np.mean(z * z, axis=1)))
