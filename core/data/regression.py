"""Toy 2-D regression datasets: one target ``y`` per point of the plane.

Raw generators return ``RawData`` with ``X`` (n, 2) and ``y`` (n,) float64.
"""

import numpy as np

from core.data import synthetic  # noqa: F401  (its datasets are registered, so listed, first)
from core.data.catalog import DatasetInfo, RawData, register_dataset

# TensorFlow Playground's "multi gaussian" bumps: centre (x, y) and sign of the peak.
BUMPS = np.array([
    [-4.0, 2.5, 1.0], [0.0, 2.5, -1.0], [4.0, 2.5, 1.0],
    [-4.0, -2.5, -1.0], [0.0, -2.5, 1.0], [4.0, -2.5, -1.0],
])
PLAYGROUND_RADIUS = 6.0  # both Playground regressions sample the square [-6, 6]²


def _squares(X):
    return X[:, 0] ** 2 + X[:, 1] ** 2


def _plane(X):
    return (X[:, 0] + X[:, 1]) / 10.0


@register_dataset(DatasetInfo(
    "squares_sum", "x1² + x2²", "regression", "generator", 200, 0.0, True, True, noise_max=0.5,
    description="y = x1² + x2² on points uniform in [-1, 1]² (seed notebook 000, which used "
                "30 rows); noise is the std of Gaussian noise added to y.",
))
def squares_sum(n_samples, noise, rng):
    X = rng.uniform(-1.0, 1.0, (n_samples, 2))
    return RawData(X, _squares(X) + rng.normal(0.0, noise, n_samples), ["y"])


def _playground_shift(X, noise, rng):
    """Playground's noise: the label is read at a point moved by uniform(-6, 6)·noise."""
    return X + rng.uniform(-PLAYGROUND_RADIUS, PLAYGROUND_RADIUS, X.shape) * noise


@register_dataset(DatasetInfo(
    "plane", "Plane", "regression", "generator", 200, 0.0, True, True, noise_max=0.5,
    description="y = (x1 + x2) / 10 on points uniform in [-6, 6]², as TensorFlow "
                "Playground's plane; noise moves the point the label is read at by "
                "uniform(-6, 6)·noise per axis.",
))
def plane(n_samples, noise, rng):
    X = rng.uniform(-PLAYGROUND_RADIUS, PLAYGROUND_RADIUS, (n_samples, 2))
    return RawData(X, _plane(_playground_shift(X, noise, rng)), ["y"])


def bump_surface(X):
    """TF Playground's multi-Gaussian target at points ``X`` (n, 2) -> (n,).

    Six signed bumps whose height falls linearly from 1 at the centre to 0 at distance 2; at
    each point the bump largest in absolute value wins (the Playground takes the maximum,
    not the sum, so the bumps never add up beyond ±1).
    """
    dist = np.hypot(X[:, None, 0] - BUMPS[:, 0], X[:, None, 1] - BUMPS[:, 1])  # (n, 6)
    heights = BUMPS[:, 2] * np.clip(1.0 - dist / 2.0, 0.0, 1.0)
    strongest = np.argmax(np.abs(heights), axis=1)
    return heights[np.arange(len(X)), strongest]


@register_dataset(DatasetInfo(
    "multi_gaussian", "Multi Gaussian", "regression", "generator", 400, 0.0, True, True,
    noise_max=0.5,
    description="Six positive and negative bumps on [-6, 6]², as TensorFlow Playground's "
                "multi-Gaussian regression (y in [-1, 1]); noise moves the point the label is "
                "read at by uniform(-6, 6)·noise per axis.",
))
def multi_gaussian(n_samples, noise, rng):
    X = rng.uniform(-PLAYGROUND_RADIUS, PLAYGROUND_RADIUS, (n_samples, 2))
    return RawData(X, bump_surface(_playground_shift(X, noise, rng)), ["y"])


_TRUE_FUNCTIONS = {"squares_sum": _squares, "plane": _plane, "multi_gaussian": bump_surface}


def true_function(dataset):
    """The noise-free function behind a generated regression dataset, or None.

    Parameters
    ----------
    dataset : Dataset

    Returns
    -------
    callable or None
        ``f(X)`` mapping raw inputs (n, 2) to targets (n,), for ``squares_sum``, ``plane``
        and ``multi_gaussian``; None for any other dataset (CSV, real data, classification).
    """
    if dataset.spec.get("source") != "generator":
        return None
    return _TRUE_FUNCTIONS.get(dataset.spec.get("name"))
