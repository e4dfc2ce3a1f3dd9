"""Deterministic train/test splits, stratified by class for classification."""

import math

import numpy as np

from core.errors import UserInputError


def check_train_ratio(train_ratio):
    """Validate a train fraction and return it as a Python float.

    Parameters
    ----------
    train_ratio : float
        Fraction of the rows used for training, ``0 < train_ratio <= 1``. A ratio of 1 puts
        every row in the training set and leaves the test set empty (the trainer then reports
        test metrics as NaN).

    Raises
    ------
    UserInputError
        If the ratio is not a number in (0, 1].
    """
    try:
        ratio = float(train_ratio)
    except (TypeError, ValueError):
        raise UserInputError(
            f"The train ratio must be a number in (0, 1], got {train_ratio!r}."
        ) from None
    if not (0.0 < ratio <= 1.0):
        raise UserInputError(
            f"The train ratio must be in (0, 1] (e.g. 0.8 for 80% training rows), got {ratio}."
        )
    return ratio


def check_seed(seed):
    """Validate a random seed (a whole number >= 0) and return it as a Python int."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise UserInputError(f"The seed must be a whole number >= 0, got {seed!r}.")
    return int(seed)


def _n_train(n, ratio):
    """How many of ``n`` rows go to training: at least one, and one test row when ratio < 1."""
    k = int(math.floor(ratio * n + 0.5))
    k = max(1, min(k, n))
    if ratio < 1.0 and k == n:
        k = n - 1  # a ratio below 1 promises a test set, however small
    return k


def _classes(labels):
    """The distinct values of ``labels`` (n,), sorted: what ``np.unique`` returns, without
    its first call's import of ``numpy.ma`` (~30 ms of the window's start-up, which splits
    every dataset to draw the dataset tiles)."""
    ordered = np.sort(labels.ravel())
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def _stratified_train(labels, n_train, rng):
    """Pick ``n_train`` row indices keeping each class's share (largest remainder rounding)."""
    classes = _classes(labels)
    members = [rng.permutation(np.flatnonzero(labels == c)) for c in classes]
    sizes = np.array([len(m) for m in members])
    exact = sizes * (n_train / len(labels))
    take = np.floor(exact).astype(int)
    # Hand the rows lost to rounding to the classes with the largest fractional parts.
    order = np.argsort(-(exact - take), kind="stable")
    for i in order[: n_train - int(take.sum())]:
        take[i] += 1
    return np.concatenate([m[:t] for m, t in zip(members, take, strict=True)])


def split_indices(n, train_ratio, rng, labels=None):
    """Shuffle ``n`` rows and cut them into train and test index arrays.

    Parameters
    ----------
    n : int
        Number of rows.
    train_ratio : float
        Fraction for training, ``0 < train_ratio <= 1`` (see :func:`check_train_ratio`).
    rng : numpy.random.Generator
        Source of the shuffle; the same seed gives the same split.
    labels : ndarray of int, shape (n,), optional
        Class index per row. When given, each class keeps its share in both sets.

    Returns
    -------
    train_idx, test_idx : ndarray of int, shapes (n_train,) and (n - n_train,)
        Disjoint, together a permutation of ``range(n)``; each in shuffled order.

    Raises
    ------
    UserInputError
        If there are no rows, or a single row that cannot be split.
    """
    ratio = check_train_ratio(train_ratio)
    if n < 1:
        raise UserInputError("The dataset has no rows to split.")
    if n == 1 and ratio < 1.0:
        raise UserInputError(
            "The dataset has a single row, which cannot be split into training and test sets. "
            "Add rows, or set the train ratio to 1 (no test set)."
        )
    n_train = _n_train(n, ratio)
    if labels is None:
        perm = rng.permutation(n)
        return perm[:n_train], perm[n_train:]
    train = _stratified_train(np.asarray(labels), n_train, rng)
    mask = np.ones(n, dtype=bool)
    mask[train] = False
    test = np.flatnonzero(mask)
    return rng.permutation(train), rng.permutation(test)
