"""``InputPipeline``: raw inputs -> what the network sees (derived features, standardisation).

The pipeline is fitted on the training rows only and saved with the model, so a reloaded
network receives inputs transformed exactly as during training.
"""

import numpy as np

from core.data.features import add_features, canonical_features
from core.errors import UserInputError

# A column whose spread is this small relative to its own largest magnitude is constant up
# to rounding: dividing by its std would blow rounding noise up to order 1. Relative to the
# column's scale, not to 1: a column measured in tiny units (values near 1e-13) is not
# constant.
_CONSTANT_RTOL = 1e-12


#: Above this many cells, the statistics are taken in blocks of rows (no full-size temporaries).
BLOCK_CELLS = 1 << 22


def _column_stats(X):
    """Per-column ``mean (d,)``, ``std (d,)`` (constant columns: 1) and ``scaled_ok (d,)``
    (every standardised value finite) of ``X (n, d)``.

    Big data (MNIST's 48,000 × 784) is taken ``BLOCK_CELLS`` at a time: ``X.std`` and the
    finite check would each make full-size temporaries (300 MB apiece) and take seconds;
    small data keeps NumPy's whole-array reductions (results unchanged to the bit).
    """
    if X.size <= BLOCK_CELLS:
        mean, std = X.mean(axis=0), X.std(axis=0)
        scale = np.maximum(X.max(axis=0), -X.min(axis=0))
        std[std <= _CONSTANT_RTOL * scale] = 1.0
        return mean, std, np.isfinite((X - mean) / std).all(axis=0)
    rows = max(1, BLOCK_CELLS // X.shape[1])
    blocks = [X[i:i + rows] for i in range(0, len(X), rows)]
    mean = sum(block.sum(axis=0) for block in blocks) / len(X)
    squares = np.zeros_like(mean)
    high, low = np.full_like(mean, -np.inf), np.full_like(mean, np.inf)
    for block in blocks:
        deviation = block - mean
        squares += np.einsum("ij,ij->j", deviation, deviation)
        np.maximum(high, block.max(axis=0), out=high)
        np.minimum(low, block.min(axis=0), out=low)
    std = np.sqrt(squares / len(X))
    std[std <= _CONSTANT_RTOL * np.maximum(high, -low)] = 1.0
    scaled_ok = np.ones(X.shape[1], dtype=bool)
    for block in blocks:
        scaled_ok &= np.isfinite((block - mean) / std).all(axis=0)
    return mean, std, scaled_ok


class InputPipeline:
    """Derived features then optional standardisation.

    Attributes
    ----------
    features : tuple of str
        Derived features appended after the raw inputs, canonical order (2-D data only).
    mean, std : ndarray of shape (d_net,) float64, or None
        Training statistics of the network inputs; None when not standardising. Constant
        columns (spread below 1e-12 of the column's largest magnitude) get ``std = 1`` so
        they map to 0 instead of dividing by zero.
    n_inputs : int or None
        Raw input count the pipeline was fitted on (checked by ``transform``).
    """

    def __init__(self, features=(), mean=None, std=None, n_inputs=None):
        self.features = canonical_features(features)
        self.mean = None if mean is None else np.asarray(mean, dtype=np.float64)
        self.std = None if std is None else np.asarray(std, dtype=np.float64)
        if (self.mean is None) != (self.std is None):
            raise ValueError("mean and std must both be given or both be None")
        self.n_inputs = n_inputs

    @classmethod
    def fit(cls, X_raw, features=(), standardize=True, input_names=None):
        """Learn the pipeline from training inputs.

        Parameters
        ----------
        X_raw : ndarray, shape (n, d)
            Raw training inputs (never the test set: its statistics must not leak in).
        features : iterable of str
            Derived features (``DERIVED_FEATURES``); needs ``d == 2``.
        standardize : bool
            Store per-column mean and std of the network inputs.
        input_names : list of str, optional
            Names of the raw columns, for messages.

        Returns
        -------
        InputPipeline

        Raises
        ------
        UserInputError
            A column's values are so large that its mean, spread or standardised values
            overflow (values near 1e308): the message names the column.
        """
        X_raw = np.asarray(X_raw, dtype=np.float64)
        X = add_features(X_raw, features)
        mean = std = None
        if standardize:
            if len(X) == 0:
                raise UserInputError("Cannot standardise inputs: the training set is empty.")
            with np.errstate(all="ignore"):  # overflow is reported below, naming the column
                mean, std, scaled_ok = _column_stats(X)
            bad = np.flatnonzero(~(np.isfinite(mean) & np.isfinite(std) & scaled_ok))
            if bad.size:
                names = list(input_names or [f"column {k + 1}" for k in range(X_raw.shape[1])])
                names += list(canonical_features(features))
                j = int(bad[0])
                raise UserInputError(
                    f"Input {names[j]!r} cannot be standardised: its values (up to "
                    f"{np.abs(X[:, j]).max():.3g}) are too large, their spread overflows. "
                    "Rescale that column (e.g. divide it by 1e300) or turn standardisation off.")
        return cls(features, mean, std, n_inputs=X_raw.shape[1])

    @property
    def standardize(self):
        return self.mean is not None

    @property
    def n_outputs(self):
        """Number of network inputs ``d_net`` (None if unknown: not fitted, no statistics)."""
        if self.mean is not None:
            return len(self.mean)
        return None if self.n_inputs is None else self.n_inputs + len(self.features)

    def transform(self, X_raw, dtype=np.float64):
        """Raw inputs to network inputs.

        Parameters
        ----------
        X_raw : ndarray, shape (n, d)
        dtype : numpy dtype
            Dtype of the result (computed in float64, then cast once).

        Returns
        -------
        ndarray, shape (n, d_net), ``dtype``
        """
        X_raw = np.asarray(X_raw, dtype=np.float64)
        if X_raw.ndim != 2:
            raise UserInputError(f"Inputs must be a 2-D array (rows × columns), got {X_raw.shape}.")
        if self.n_inputs is not None and X_raw.shape[1] != self.n_inputs:
            raise UserInputError(
                f"The pipeline was fitted on {self.n_inputs} inputs but got {X_raw.shape[1]}."
            )
        X = add_features(X_raw, self.features)
        if self.standardize:
            X = (X - self.mean) / self.std
        X = np.ascontiguousarray(X, dtype=dtype)
        # Never hand back the caller's array: the trainer rescales its inputs in place.
        return X.copy() if np.may_share_memory(X, X_raw) else X

    def feature_names(self, input_names):
        """Network input names: the raw ``input_names`` then the derived feature names."""
        return list(input_names) + list(self.features)

    def to_dict(self):
        """JSON-safe description (lists of Python floats round-trip exactly through JSON)."""
        return {
            "features": list(self.features),
            "mean": None if self.mean is None else self.mean.tolist(),
            "std": None if self.std is None else self.std.tolist(),
            "n_inputs": self.n_inputs,
        }

    @classmethod
    def from_dict(cls, d):
        """Inverse of :meth:`to_dict`."""
        return cls(d.get("features", ()), d.get("mean"), d.get("std"), d.get("n_inputs"))

    def __eq__(self, other):
        if not isinstance(other, InputPipeline):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # mutable arrays inside: equal pipelines need not hash alike

    def __repr__(self):
        feats = ", ".join(self.features) or "none"
        return (f"InputPipeline(features=[{feats}], standardize={self.standardize}, "
                f"n_inputs={self.n_inputs})")
