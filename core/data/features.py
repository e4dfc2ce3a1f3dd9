"""Derived input features for 2-D data, as in TensorFlow Playground."""

import numpy as np

from core.errors import UserInputError

# Canonical order: derived columns always follow the raw inputs in this order.
DERIVED_FEATURES = ["x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]

_FORMULAS = {
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}


def canonical_features(features):
    """Validate feature names and return them once each, in ``DERIVED_FEATURES`` order.

    Parameters
    ----------
    features : iterable of str

    Returns
    -------
    tuple of str

    Raises
    ------
    UserInputError
        For an unknown name (the message lists the valid ones).
    """
    if isinstance(features, str):
        features = (features,)
    wanted = set()
    for f in features:
        if f not in _FORMULAS:
            raise UserInputError(
                f"Unknown derived feature {f!r}. Choose from: {', '.join(DERIVED_FEATURES)}."
            )
        wanted.add(f)
    return tuple(f for f in DERIVED_FEATURES if f in wanted)


def add_features(X, features):
    """Append derived feature columns to 2-D raw inputs.

    Parameters
    ----------
    X : ndarray, shape (n, 2)
        Raw inputs ``x1, x2``.
    features : iterable of str
        Names from ``DERIVED_FEATURES``; order and repeats do not matter.

    Returns
    -------
    ndarray, shape (n, 2 + k), dtype of ``X``
        ``X`` followed by the ``k`` features in canonical order (``X`` itself when k = 0).

    Raises
    ------
    UserInputError
        If features are requested for data that does not have exactly 2 inputs.
    """
    names = canonical_features(features)
    if not names:
        return X
    if X.ndim != 2 or X.shape[1] != 2:
        raise UserInputError(
            f"Derived features ({', '.join(names)}) need exactly 2 inputs x1, x2; this data "
            f"has {X.shape[-1]}. Turn the derived features off."
        )
    x1, x2 = X[:, 0], X[:, 1]
    return np.column_stack([X] + [_FORMULAS[f](x1, x2) for f in names])
