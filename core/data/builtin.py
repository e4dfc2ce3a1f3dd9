"""Real datasets shipped in ``resources/`` (see ``resources/README.md`` for sources and licenses).

Each file is a CSV with a header row (input names, then ``target``) and the class index in
the last column; class names live here. Only NumPy is needed to read them.
"""

from functools import cache

import numpy as np

from core.data import regression  # noqa: F401  (toy datasets are registered, so listed, first)
from core.data.catalog import DatasetInfo, RawData, register_dataset
from core.data.resources import open_text


@cache
def _read(filename, whole_numbers=False):
    """Input names, inputs (n, d) float64 and class indices (n,) int64 of one shipped file.

    ``whole_numbers``: every value is an integer, parsed as one (the digits' ink counts:
    five times faster than as floats; the dataset panel draws their tile at every start)."""
    with open_text(filename) as f:
        names = f.readline().strip().split(",")
        table = np.loadtxt(f, delimiter=",", dtype=np.int64 if whole_numbers else np.float64,
                           ndmin=2)
    return names[:-1], np.asarray(table[:, :-1], dtype=np.float64), table[:, -1].astype(np.int64)


def _builtin(filename, class_names, whole_numbers=False):
    """Raw generator for a shipped table; returns copies so callers cannot alter the cache."""

    def raw(n_samples, noise, rng):
        names, X, y = _read(filename, whole_numbers)
        return RawData(X.copy(), y.copy(), list(class_names), list(names))

    return raw


def _info(name, title, task, description):
    return DatasetInfo(name, title, task, "builtin", default_samples=None, default_noise=None,
                       samples_apply=False, noise_apply=False, description=description)


register_dataset(_info(
    "digits", "Handwritten digits 8×8", "multiclass",
    "1,797 handwritten digits as 8×8 images of ink counts 0–16 (64 inputs, row by row: "
    "pixel_<row>_<column>), 10 classes. UCI optical digits, Alpaydin & Kaynak.",
))(_builtin("digits.csv.gz", [str(d) for d in range(10)], whole_numbers=True))

register_dataset(_info(
    "iris", "Iris flowers", "multiclass",
    "150 iris flowers, 4 measurements in cm (sepal/petal length and width), 3 species. "
    "R.A. Fisher (1936).",
))(_builtin("iris.csv", ["setosa", "versicolor", "virginica"]))

register_dataset(_info(
    "wine", "Wine cultivars", "multiclass",
    "178 Italian wines, 13 chemical measurements, 3 cultivars. Forina et al., UCI.",
))(_builtin("wine.csv", ["class_0", "class_1", "class_2"]))

register_dataset(_info(
    "breast_cancer", "Breast cancer (Wisconsin)", "binary",
    "569 breast mass samples, 30 cell nucleus features; class 1 = benign, 0 = malignant. "
    "Wolberg, Street & Mangasarian, UCI.",
))(_builtin("breast_cancer.csv", ["malignant", "benign"]))
