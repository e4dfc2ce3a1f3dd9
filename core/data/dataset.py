"""The ``Dataset`` container and a constructor from plain arrays."""

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from core.data.split import check_seed, split_indices
from core.errors import UserInputError

TASKS = ("binary", "multiclass", "regression")


#: Rows per block when statistics need temporaries (a full-size one is 376 MB on MNIST).
STATS_BLOCK_ROWS = 4096


@dataclass(frozen=True, eq=False)
class InputStats:
    """What views of the input space need of the raw inputs, per column (each shape (d,)):
    ``mean`` over the training rows; ``low``, ``high`` and ``scale`` (the standard
    deviation) over the training and test rows."""

    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    scale: np.ndarray

    @classmethod
    def of(cls, X_train, X_test):
        """The statistics of raw inputs ``X_train`` (n_train, d) and ``X_test`` (n_test, d),
        with no full-size temporary."""
        parts = [X for X in (X_train, X_test) if len(X)]
        low = np.min([X.min(axis=0) for X in parts], axis=0)
        high = np.max([X.max(axis=0) for X in parts], axis=0)
        rows = sum(len(X) for X in parts)
        center = sum(X.sum(axis=0) for X in parts) / max(rows, 1)
        squares = np.zeros_like(center)
        for X in parts:
            for start in range(0, len(X), STATS_BLOCK_ROWS):
                deviation = X[start:start + STATS_BLOCK_ROWS] - center
                squares += np.einsum("ij,ij->j", deviation, deviation)
        return cls(X_train.mean(axis=0), low, high, np.sqrt(squares / max(rows, 1)))


@dataclass(eq=False, repr=False)
class Dataset:
    """Raw inputs and network-ready targets, already split into train and test sets.

    Attributes
    ----------
    name : str
        Registry name (``"circles"``), file stem for CSV data, or a user label.
    task : {"binary", "multiclass", "regression"}
    X_train : ndarray, shape (n_train, d), float64
        Raw inputs (no derived features, not standardised: see ``InputPipeline``).
    y_train : ndarray, shape (n_train, k), float64
        Binary: ``k = 1`` of 0/1. Multi-class: one-hot, ``k = C``. Regression: ``k`` targets.
    X_test : ndarray, shape (n_test, d)
        May have zero rows (train ratio 1, or none requested).
    y_test : ndarray, shape (n_test, k)
    input_names : list of str
        ``d`` input names, e.g. ``["x1", "x2"]``.
    target_names : list of str
        Class names (binary: two names, index 0 then 1) or regression target names.
    spec : dict
        How to rebuild the data: ``{"source": "generator"|"builtin"|"csv"|"arrays", ...}``
        (see ``dataset_from_spec``). JSON-safe.
    notes : list of str
        Decisions made while reading the data that the user should see (e.g. "no header
        row: line 1 was read as data"); shown by ``summary()``.
    row_order : ndarray of int, shape (n_train + n_test,), optional
        The source's row index of each training row, then of each test row, when the
        rows came from one array or file (``make_dataset_from_arrays``): with it,
        ``core.data.resplit`` makes a new split without reading the source again.
    """

    name: str
    task: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    input_names: list
    target_names: list
    spec: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    row_order: np.ndarray | None = field(default=None, compare=False)

    def __post_init__(self):
        if self.task not in TASKS:
            raise UserInputError(f"Unknown task {self.task!r}. Choose one of: {', '.join(TASKS)}.")
        parts = (("train", self.X_train, self.y_train), ("test", self.X_test, self.y_test))
        for part, X, y in parts:
            if X.ndim != 2 or y.ndim != 2 or len(X) != len(y):
                raise ValueError(f"{part} arrays must be 2-D with equal rows: {X.shape}, {y.shape}")
        d, k = self.X_train.shape[1], self.y_train.shape[1]
        if self.X_test.shape[1] != d or self.y_test.shape[1] != k:
            raise ValueError(f"train and test column counts differ: {self.X_test.shape}, "
                             f"{self.y_test.shape} vs {self.X_train.shape}, {self.y_train.shape}")
        if len(self.input_names) != d:
            raise ValueError(f"{len(self.input_names)} input names for {d} input columns")

    @cached_property
    def input_stats(self):
        """``InputStats`` of the raw inputs (computed once: datasets are never modified)."""
        return InputStats.of(self.X_train, self.X_test)

    @cached_property
    def class_means(self):
        """Mean raw training input of each class present, ``{class index: (d,) float64}``
        (computed once; classification only)."""
        labels = self.labels_train
        return {c: self.X_train[labels == c].mean(axis=0)
                for c in range(self.n_classes) if np.any(labels == c)}

    @property
    def n_inputs(self):
        """Number of raw input columns ``d``."""
        return self.X_train.shape[1]

    @property
    def n_outputs(self):
        """Number of network outputs ``k`` (1 for binary, C for multi-class)."""
        return self.y_train.shape[1]

    @property
    def n_train(self):
        return len(self.X_train)

    @property
    def n_test(self):
        return len(self.X_test)

    @property
    def is_classification(self):
        return self.task != "regression"

    @property
    def n_classes(self):
        """2 for binary, C for multi-class, 0 for regression."""
        if self.task == "binary":
            return 2
        return self.y_train.shape[1] if self.task == "multiclass" else 0

    @property
    def is_2d(self):
        """True when there are exactly two raw inputs (decision surfaces, derived features)."""
        return self.n_inputs == 2

    @property
    def labels_train(self):
        """Class index per training row, shape (n_train,), int64 (classification only)."""
        return self._labels(self.y_train)

    @property
    def labels_test(self):
        """Class index per test row, shape (n_test,), int64 (classification only)."""
        return self._labels(self.y_test)

    def _labels(self, y):
        if self.task == "binary":
            return (y[:, 0] > 0.5).astype(np.int64)
        if self.task == "multiclass":
            return np.argmax(y, axis=1).astype(np.int64)
        raise UserInputError(f"Dataset {self.name!r} is a regression task: it has no class labels.")

    def class_counts(self):
        """Rows per class as ``(train_counts, test_counts)``, each shape (C,), int64."""
        C = self.n_classes
        return (
            np.bincount(self.labels_train, minlength=C),
            np.bincount(self.labels_test, minlength=C),
        )

    def summary(self):
        """A few lines of plain text describing the data, for status bars and the CLI."""
        kind = {"binary": "binary classification", "multiclass": "multi-class classification",
                "regression": "regression"}[self.task]
        names = ", ".join(self.input_names[:6]) + (", …" if self.n_inputs > 6 else "")
        lines = [
            f"{self.name}: {kind}, {self.n_inputs} inputs ({names})",
            f"rows: {self.n_train} train, {self.n_test} test",
        ]
        if self.is_classification:
            tr, te = self.class_counts()
            per = ", ".join(
                f"{n} {a}/{b}" for n, a, b in zip(self.target_names, tr, te, strict=True)
            )
            lines.append(f"classes ({self.n_classes}, train/test): {per}")
        else:
            lo, hi = float(self.y_train.min()), float(self.y_train.max())
            lines.append(f"targets: {', '.join(self.target_names)} in [{lo:.3g}, {hi:.3g}]")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self):
        return (
            f"Dataset({self.name!r}, {self.task}, inputs={self.n_inputs}, "
            f"outputs={self.n_outputs}, train={self.n_train}, test={self.n_test})"
        )


def encode_labels(labels, n_classes):
    """Network-ready targets from class indices.

    Parameters
    ----------
    labels : array_like of int, shape (n,)
        Values in ``[0, n_classes)``.
    n_classes : int
        ``C >= 2``.

    Returns
    -------
    ndarray, float64
        ``(n, 1)`` of 0/1 when ``C == 2``; one-hot ``(n, C)`` otherwise.
    """
    labels = np.asarray(labels, dtype=np.int64).reshape(-1)
    if n_classes == 2:
        return labels.astype(np.float64)[:, None]
    return np.eye(n_classes, dtype=np.float64)[labels]


def _labels_from_y(y, task, n_classes):
    """Class indices (n,) from 1-D labels, an (n, 1) 0/1 column or an (n, C) one-hot array."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1), y.shape[1]
    flat = y.reshape(-1)
    if not np.all(np.isfinite(flat)) or np.any(flat != np.round(flat)) or np.any(flat < 0):
        raise UserInputError(
            "Class labels must be whole numbers 0, 1, 2, … (or a one-hot array)."
        )
    flat = flat.astype(np.int64)
    C = n_classes or max(int(flat.max(initial=0)) + 1, 2)
    if task == "binary" and C != 2:
        raise UserInputError(f"A binary task has 2 classes, but labels go up to {C - 1}.")
    if flat.size and flat.max() >= C:
        raise UserInputError(f"Class label {int(flat.max())} is out of range for {C} classes.")
    return flat, C


def all_finite(a):
    """True when no element of ``a`` (any shape, numbers) is inf or NaN.

    Integers always are; for floats, the minimum and maximum tell (NaN propagates through
    both), which needs no boolean array the size of ``a``.
    """
    a = np.asarray(a)
    if a.size == 0 or not np.issubdtype(a.dtype, np.inexact):
        return True
    return bool(np.isfinite(a.min()) and np.isfinite(a.max()))


def _inputs_array(X):
    """``X`` as an array: integer arrays kept as they are (a CSV of pixels arrives as uint8,
    eight times less to gather in the split), anything else as float64."""
    X = np.asarray(X)
    if np.issubdtype(X.dtype, np.integer):
        return X
    return X.astype(np.float64, copy=False)


def _float_rows(X, rows):
    """Rows ``rows`` (int array) of ``X`` as a new C-contiguous float64 array."""
    return X[rows].astype(np.float64, copy=False)  # np.take would copy a strided X first


def make_dataset_from_arrays(X, y, task, name="custom", input_names=None, target_names=None,
                             train_ratio=0.8, seed=0, stratify=True, spec=None):
    """Build a split ``Dataset`` from arrays (e.g. points the user drew).

    Parameters
    ----------
    X : array_like, shape (n, d)
        Raw inputs (must be finite); the dataset holds them as float64.
    y : array_like
        Classification: class indices ``(n,)`` or ``(n, 1)``, or a one-hot ``(n, C)``.
        Regression: ``(n,)`` or ``(n, k)`` numbers.
    task : {"binary", "multiclass", "classification", "regression"}
        ``"classification"`` picks binary or multi-class from the number of classes.
    name : str
    input_names : list of str, optional
        Defaults to ``x1 … xd``.
    target_names : list of str, optional
        Class names (their count fixes C) or regression target names; defaults to
        ``"0" … "C-1"`` or ``y1 … yk`` (``["y"]`` for a single target).
    train_ratio : float
        ``0 < train_ratio <= 1``; 1 leaves the test set empty.
    seed : int
        Seed of the shuffle that splits the rows.
    stratify : bool
        Keep each class's share in both sets (classification only).
    spec : dict, optional
        Stored on the dataset; defaults to ``{"source": "arrays"}``.

    Returns
    -------
    Dataset
    """
    X = _inputs_array(X)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or not all_finite(X):
        raise UserInputError(f"Inputs must be a finite 2-D array (rows × columns); got {X.shape}.")
    y = np.asarray(y, dtype=np.float64)
    if len(y) != len(X):
        raise UserInputError(f"{len(X)} input rows but {len(y)} target rows.")
    allowed = (*TASKS, "classification")
    if task not in allowed:
        raise UserInputError(f"Unknown task {task!r}. Choose one of: {', '.join(allowed)}.")
    labels = None
    if task == "regression":
        y_net = y[:, None] if y.ndim == 1 else y
        if not np.all(np.isfinite(y_net)):
            raise UserInputError("Regression targets must be finite numbers.")
        k = y_net.shape[1]
        names = list(target_names or (["y"] if k == 1 else [f"y{i + 1}" for i in range(k)]))
    else:
        labels, C = _labels_from_y(y, task, len(target_names) if target_names else None)
        task = "binary" if C == 2 else "multiclass"
        y_net = encode_labels(labels, C)
        names = [str(t) for t in target_names] if target_names else [str(i) for i in range(C)]
    rng = np.random.default_rng(check_seed(seed))
    tr, te = split_indices(len(X), train_ratio, rng, labels if stratify else None)
    inputs = list(input_names or [f"x{i + 1}" for i in range(X.shape[1])])
    return Dataset(name, task, _float_rows(X, tr), y_net[tr], _float_rows(X, te), y_net[te],
                   inputs, names,
                   dict(spec) if spec else {"source": "arrays"},
                   row_order=np.concatenate([tr, te]))
