"""Toy 2-D classification datasets, generated from a seed.

Each raw generator takes ``(n_samples, noise, rng, **params)`` and returns ``RawData`` with
``X`` of shape (n, 2) and class indices ``y`` of shape (n,); ``catalog.register_dataset`` turns
it into a public ``fn(n_samples, noise, seed, train_ratio, **params) -> Dataset``.
"""

import numpy as np

from core.data.catalog import DatasetInfo, RawData, register_dataset
from core.errors import UserInputError

CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
CORNER_NOISE = 0.1  # default Gaussian std once corners are sampled (n_samples given)


def class_sizes(n, n_classes):
    """Split ``n`` rows as evenly as possible over classes: shape (n_classes,), int."""
    return np.array([n // n_classes + (c < n % n_classes) for c in range(n_classes)])


def _shuffled(X, y, rng):
    """Rows in random order, so the first rows are not all one class."""
    perm = rng.permutation(len(X))
    return X[perm], y[perm]


def _truth_table(truth):
    """Raw generator for a 2-input logic gate with outputs ``truth`` for the 4 corners."""

    def raw(n_samples, noise, rng):
        labels = np.array(truth, dtype=np.int64)
        if n_samples is None:
            # The exact table (seed notebook 000); noise, if asked for, jitters the 4 rows.
            return RawData(CORNERS + rng.normal(0.0, noise, CORNERS.shape), labels, ["0", "1"])
        idx = np.resize(np.arange(4), n_samples)  # balanced over corners
        X = CORNERS[idx] + rng.normal(0.0, noise, (n_samples, 2))
        return RawData(*_shuffled(X, labels[idx], rng), ["0", "1"])

    return raw


def _gate_info(name, title, rule):
    return DatasetInfo(
        name, title, "binary", "generator", default_samples=None, default_noise=0.0,
        samples_apply=True, noise_apply=True, noise_max=0.5, exact_table=True,
        sampled_noise=CORNER_NOISE,
        description=(f"The 4-row truth table of {rule} on inputs 0/1; train = test = the 4 "
                     "rows (noise > 0 jitters them). With a sample count, corners are sampled "
                     f"with Gaussian noise of std 'noise' (default {CORNER_NOISE}) and split "
                     "into train/test."),
    )


register_dataset(_gate_info("and", "AND gate", "x1 AND x2"))(_truth_table([0, 0, 0, 1]))
register_dataset(_gate_info("or", "OR gate", "x1 OR x2"))(_truth_table([0, 1, 1, 1]))
register_dataset(_gate_info("xor", "XOR gate", "x1 XOR x2"))(_truth_table([0, 1, 1, 0]))


@register_dataset(DatasetInfo(
    "xor_quadrants", "XOR quadrants", "binary", "generator", 400, 0.0, True, True,
    noise_max=0.5,
    description="Points uniform in [-5, 5]²; class 1 where x1 and x2 have opposite signs "
                "(x1·x2 < 0), as TensorFlow Playground's XOR. Noise shifts the point used for "
                "the label by uniform(-5, 5)·noise per axis, flipping labels near the axes.",
))
def xor_quadrants(n_samples, noise, rng):
    X = rng.uniform(-5.0, 5.0, (n_samples, 2))
    shifted = X + rng.uniform(-5.0, 5.0, (n_samples, 2)) * noise
    y = (shifted[:, 0] * shifted[:, 1] < 0).astype(np.int64)
    return RawData(X, y, ["0", "1"])


@register_dataset(DatasetInfo(
    "circles", "Two circles", "binary", "generator", 400, 0.15, True, True, noise_max=1.0,
    description="Two concentric rings of radius 1 (class 0) and 3 (class 1) at uniform "
                "angles; noise is the std of Gaussian noise on the radius (seed notebook 003).",
))
def circles(n_samples, noise, rng):
    # Same recipe as seed notebook 003; the odd row, if any, goes to the outer ring.
    t = rng.uniform(0.0, 2 * np.pi, n_samples)
    n_inner = n_samples // 2
    radius = np.concatenate([
        1.0 + rng.standard_normal(n_inner) * noise,
        3.0 + rng.standard_normal(n_samples - n_inner) * noise,
    ])
    X = np.column_stack([radius * np.cos(t), radius * np.sin(t)])
    y = (np.arange(n_samples) >= n_inner).astype(np.int64)
    return RawData(*_shuffled(X, y, rng), ["0", "1"])


def _check_n_classes(n_classes, low=2, high=10):
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) \
            or not low <= n_classes <= high:
        raise UserInputError(
            f"n_classes must be a whole number from {low} to {high}, got {n_classes!r}."
        )
    return int(n_classes)


@register_dataset(DatasetInfo(
    "blobs", "Gaussian blobs", "multiclass", "generator", 300, 1.0, True, True, noise_max=3.0,
    params={"n_classes": 3},
    description="n_classes round Gaussian clusters centred evenly on a circle of radius 3; "
                "noise is each cluster's standard deviation.",
))
def blobs(n_samples, noise, rng, n_classes=3):
    C = _check_n_classes(n_classes)
    angles = np.pi / 2 + 2 * np.pi * np.arange(C) / C
    centers = 3.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    y = np.repeat(np.arange(C), class_sizes(n_samples, C))
    X = centers[y] + rng.normal(0.0, noise, (n_samples, 2))
    return RawData(*_shuffled(X, y, rng), [str(c) for c in range(C)])


@register_dataset(DatasetInfo(
    "moons", "Two moons", "binary", "generator", 300, 0.1, True, True, noise_max=0.5,
    description="Two interleaving half circles (as scikit-learn's make_moons) at uniform "
                "angles; noise is the std of Gaussian noise added to both coordinates.",
))
def moons(n_samples, noise, rng):
    n_upper = n_samples - n_samples // 2
    t = rng.uniform(0.0, np.pi, n_samples)
    upper = np.column_stack([np.cos(t[:n_upper]), np.sin(t[:n_upper])])
    lower = np.column_stack([1.0 - np.cos(t[n_upper:]), 0.5 - np.sin(t[n_upper:])])
    X = np.vstack([upper, lower]) + rng.normal(0.0, noise, (n_samples, 2))
    y = (np.arange(n_samples) >= n_upper).astype(np.int64)
    return RawData(*_shuffled(X, y, rng), ["0", "1"])


@register_dataset(DatasetInfo(
    "spirals", "Spirals", "multiclass", "generator", 300, 0.2, True, True, noise_max=1.0,
    params={"n_classes": 3},
    description="n_classes interleaved spiral arms in the unit disc, as in the CS231n "
                "notes; noise is the std of Gaussian noise on each point's angle (radians).",
))
def spirals(n_samples, noise, rng, n_classes=3):
    C = _check_n_classes(n_classes)
    Xs, ys = [], []
    for c, size in enumerate(class_sizes(n_samples, C)):
        r = np.linspace(0.0, 1.0, size)
        # Each arm sweeps 4 radians; arms start 4 radians apart (CS231n's recipe).
        t = np.linspace(4.0 * c, 4.0 * (c + 1), size) + rng.standard_normal(size) * noise
        Xs.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        ys.append(np.full(size, c, dtype=np.int64))
    return RawData(*_shuffled(np.vstack(Xs), np.concatenate(ys), rng),
                   [str(c) for c in range(C)])
