"""The dataset registry: name -> generator, metadata for selectors, and ``load_dataset``.

A generator module defines a *raw* function ``raw(n_samples, noise, rng, **params) ->
RawData`` and registers it with ``@register_dataset(DatasetInfo(...))``. The registry stores a
wrapper with the public signature ``fn(n_samples=None, noise=None, seed=0, train_ratio=0.8,
**params) -> Dataset`` that fills defaults, validates, splits and records the spec, so every
dataset is built the same way.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from core.data.csv_loader import load_csv_spec
from core.data.dataset import Dataset, encode_labels, make_dataset_from_arrays
from core.data.split import check_seed, check_train_ratio
from core.errors import UserInputError
from core.registry import Registry

DATASETS = Registry("dataset")
DATASET_INFO = {}  # name -> DatasetInfo, in registration order (same as DATASETS.names())


@dataclass(frozen=True)
class DatasetInfo:
    """What the GUI's selector and the CLI's help show about one dataset.

    Attributes
    ----------
    name : str
        Registry name.
    title : str
        Display title.
    task : {"binary", "multiclass", "regression"}
        Task with default parameters (``blobs``/``spirals`` become binary with ``n_classes=2``).
    source : {"generator", "builtin"}
        Generated from a seed, or shipped real data (fixed rows).
    default_samples : int or None
        Rows when ``n_samples`` is None; None for fixed tables.
    default_noise : float or None
        Noise when ``noise`` is None; None when noise does not apply.
    samples_apply, noise_apply : bool
        Whether ``n_samples`` / ``noise`` may be given at all.
    noise_max : float
        Upper end of a sensible noise slider.
    description : str
        One or two sentences, including what "noise" means for this dataset.
    params : dict
        Extra keyword parameters and their defaults, e.g. ``{"n_classes": 3}``.
    exact_table : bool
        With ``n_samples=None`` the exact rows are both the train and the test set (truth
        tables: splitting 4 points is meaningless).
    sampled_noise : float
        Default noise of an exact table once ``n_samples`` is given (its rows are sampled).
    """

    name: str
    title: str
    task: str
    source: str
    default_samples: int | None
    default_noise: float | None
    samples_apply: bool
    noise_apply: bool
    description: str
    noise_max: float = 0.0
    params: dict = field(default_factory=dict)
    exact_table: bool = False
    sampled_noise: float = 0.0


class RawData(NamedTuple):
    """What a raw generator returns: unsplit arrays and names.

    ``X`` (n, d) float64; ``y`` class indices (n,) for classification or (n,) / (n, k)
    regression targets; ``target_names`` class names (their count is C) or target names.
    """

    X: np.ndarray
    y: np.ndarray
    target_names: list
    input_names: tuple = ("x1", "x2")


def _check_samples(info, n_samples):
    if n_samples is None:
        return info.default_samples
    if not info.samples_apply:
        raise UserInputError(f"Dataset {info.name!r} has a fixed number of rows; "
                             "leave the sample count unset.")
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) \
            or not 2 <= n_samples <= 1_000_000:
        raise UserInputError(
            f"The sample count must be a whole number from 2 to 1,000,000, got {n_samples!r}."
        )
    return int(n_samples)


def _check_noise(info, noise, n_samples):
    if noise is None:
        sampled = info.exact_table and n_samples is not None
        return info.sampled_noise if sampled else info.default_noise
    if not info.noise_apply:
        raise UserInputError(f"Noise does not apply to dataset {info.name!r}; leave it unset.")
    try:
        value = float(noise)
    except (TypeError, ValueError):
        value = float("nan")
    if not (np.isfinite(value) and value >= 0.0):
        raise UserInputError(f"Noise must be a number >= 0, got {noise!r}.")
    return value


def _check_params(info, params):
    unknown = sorted(set(params) - set(info.params))
    if unknown:
        valid = ", ".join(info.params) or "none"
        raise UserInputError(f"Dataset {info.name!r} has no parameter {unknown[0]!r}. "
                             f"Valid parameters: {valid}.")
    return {**info.params, **params}


def _check_every_class_present(info, data, n_samples):
    """A generated classification set needs at least one row of every class."""
    if info.task == "regression" or n_samples is None:
        return
    C = len(data.target_names)
    if n_samples < C:
        raise UserInputError(
            f"Dataset {info.name!r} has {C} classes but only {n_samples} samples were asked "
            f"for: give at least {C} samples (--samples), or fewer classes.")


def register_dataset(info):
    """Decorator registering a raw generator under ``info.name`` (see module docstring)."""

    def add(raw):
        def build(n_samples=None, noise=None, seed=0, train_ratio=0.8, **params):
            seed, train_ratio = check_seed(seed), check_train_ratio(train_ratio)
            n = _check_samples(info, n_samples)
            eps = _check_noise(info, noise, n_samples)
            kw = _check_params(info, params)
            rng = np.random.default_rng(seed)
            data = raw(n, eps, rng, **kw)
            _check_every_class_present(info, data, n)
            spec = {"source": info.source, "name": info.name, "n_samples": n, "noise": eps,
                    "seed": seed, "train_ratio": train_ratio, **kw}
            task = "regression" if info.task == "regression" else "classification"
            if info.exact_table and n is None:
                return _whole_table(info.name, data, spec)
            return make_dataset_from_arrays(
                data.X, data.y, task, name=info.name, input_names=list(data.input_names),
                target_names=data.target_names, train_ratio=train_ratio, seed=seed, spec=spec)

        # Not functools.wraps: inspect would then show the raw generator's signature.
        build.__name__ = build.__qualname__ = raw.__name__
        build.__doc__ = f"{info.title}: {info.description}"
        DATASETS.add(info.name, build)
        DATASET_INFO[info.name] = info
        return raw

    return add


def _whole_table(name, data, spec):
    """Train and test are both every row, in table order (4 rows have nothing to hold out)."""
    C = len(data.target_names)
    y = encode_labels(data.y, C)
    task = "binary" if C == 2 else "multiclass"
    return Dataset(name, task, data.X.copy(), y, data.X.copy(), y.copy(),
                   list(data.input_names), list(data.target_names), spec)


def load_dataset(name, n_samples=None, noise=None, seed=0, train_ratio=0.8, **params):
    """Build a registered dataset.

    Parameters
    ----------
    name : str
        One of ``DATASETS.names()``.
    n_samples : int, optional
        Rows to generate (default per dataset; not allowed for shipped real data). For the
        truth tables ``and``/``or``/``xor``, None means the exact 4 rows (jittered only if
        ``noise > 0``), used as both train and test set, ``train_ratio`` ignored: a split of
        4 points is meaningless. A number samples the corners with Gaussian noise (default
        std 0.1) and splits normally.
    noise : float, optional
        Noise level, meaning per dataset (see ``DATASET_INFO[name].description``).
    seed : int
        Whole number >= 0. Seeds generation and split: same arguments, same arrays.
    train_ratio : float
        ``0 < train_ratio <= 1``; 1 leaves the test set empty.
    **params
        Dataset parameters such as ``n_classes`` (see ``DATASET_INFO[name].params``).

    Returns
    -------
    Dataset
    """
    return DATASETS.get(name)(n_samples, noise, seed, train_ratio, **params)


def dataset_from_spec(spec):
    """Rebuild a dataset from its ``spec`` dict (as saved next to a model).

    CSV specs re-read the file and check its sha256 so a model is never silently evaluated
    on different data.
    """
    spec = dict(spec)
    source = spec.pop("source", None)
    if source in ("generator", "builtin"):
        name = spec.pop("name")
        return load_dataset(name, **spec)
    if source == "csv":
        return load_csv_spec(spec)
    raise UserInputError(f"Cannot rebuild a dataset from source {source!r}; "
                         "expected 'generator', 'builtin' or 'csv'.")
