"""Generated toy data, shipped real data, the Dataset container and splits."""

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.data import (
    DATASET_INFO,
    DATASETS,
    TASKS,
    Dataset,
    dataset_from_spec,
    load_dataset,
    make_dataset_from_arrays,
    resources_dir,
    split_indices,
    true_function,
)
from core.data.dataset import all_finite
from core.data.regression import bump_surface
from core.errors import UserInputError

ALL = DATASETS.names()
TOYS = [n for n in ALL if DATASET_INFO[n].source == "generator"]
REAL = [n for n in ALL if DATASET_INFO[n].source == "builtin"]


def test_registry_names_in_selector_order():
    assert ALL == [
        "and", "or", "xor", "xor_quadrants", "circles", "blobs", "moons", "spirals",
        "squares_sum", "plane", "multi_gaussian", "digits", "iris", "wine", "breast_cancer",
    ]
    assert list(DATASET_INFO) == ALL


@pytest.mark.parametrize("name", ALL)
def test_every_dataset_loads_with_contract_shapes(name):
    ds = load_dataset(name)
    info = DATASET_INFO[name]
    assert ds.name == name and ds.task == info.task and ds.task in TASKS
    for X, y in ((ds.X_train, ds.y_train), (ds.X_test, ds.y_test)):
        assert X.dtype == np.float64 and y.dtype == np.float64
        assert X.ndim == 2 and y.ndim == 2 and len(X) == len(y)
        assert np.all(np.isfinite(X)) and np.all(np.isfinite(y))
    assert ds.X_train.shape[1] == len(ds.input_names) == ds.n_inputs
    if ds.task == "binary":
        assert ds.n_outputs == 1 and set(np.unique(ds.y_train)) <= {0.0, 1.0}
    elif ds.task == "multiclass":
        assert ds.n_outputs == ds.n_classes == len(ds.target_names)
        assert np.all(ds.y_train.sum(axis=1) == 1.0)
    else:
        assert ds.n_classes == 0 and ds.target_names == ["y"]
    json.dumps(ds.spec)  # the spec is saved next to models
    assert name in ds.summary() and name in repr(ds)


@pytest.mark.parametrize("name", ALL)
def test_same_seed_same_data_other_seed_other_split(name):
    a, b, c = load_dataset(name, seed=3), load_dataset(name, seed=3), load_dataset(name, seed=4)
    for attr in ("X_train", "y_train", "X_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, attr), getattr(b, attr))
    if not DATASET_INFO[name].exact_table:
        assert not np.array_equal(a.X_train, c.X_train)


@pytest.mark.parametrize("name", ALL)
def test_dataset_rebuilds_from_its_spec(name):
    ds = load_dataset(name, seed=7, train_ratio=0.7)
    again = dataset_from_spec(json.loads(json.dumps(ds.spec)))
    np.testing.assert_array_equal(ds.X_test, again.X_test)
    np.testing.assert_array_equal(ds.y_train, again.y_train)


@pytest.mark.parametrize("name", ALL)
def test_metadata_is_complete(name):
    info = DATASET_INFO[name]
    assert info.title and info.description
    assert info.source in ("generator", "builtin")
    if info.source == "builtin":
        assert not info.samples_apply and not info.noise_apply
    else:
        assert info.noise_apply and info.noise_max > 0
        assert info.default_noise is not None and 0 <= info.default_noise <= info.noise_max


@pytest.mark.parametrize("name, truth", [
    ("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("xor", [0, 1, 1, 0]),
])
def test_truth_tables_are_exact_and_used_for_train_and_test(name, truth):
    ds = load_dataset(name, seed=123)
    corners = [[0, 0], [0, 1], [1, 0], [1, 1]]
    for X, y in ((ds.X_train, ds.y_train), (ds.X_test, ds.y_test)):
        np.testing.assert_array_equal(X, corners)
        np.testing.assert_array_equal(y, np.array(truth, dtype=float)[:, None])
    assert ds.spec["n_samples"] is None


def test_sampled_truth_table_is_noisy_balanced_and_split():
    ds = load_dataset("xor", n_samples=200, seed=1)
    assert (ds.n_train, ds.n_test) == (160, 40)
    X = np.vstack([ds.X_train, ds.X_test])
    labels = np.concatenate([ds.labels_train, ds.labels_test])
    assert ds.spec["noise"] == DATASET_INFO["xor"].sampled_noise > 0
    corner = np.round(X).clip(0, 1)
    assert np.mean(corner[:, 0] != corner[:, 1]) == pytest.approx(labels.mean(), abs=0.1)
    assert not np.array_equal(X, corner)  # noise was added
    exact = load_dataset("xor", n_samples=8, noise=0.0)
    assert set(map(tuple, np.vstack([exact.X_train, exact.X_test]))) == {
        (0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0)}


def test_circles_radii_and_class_order():
    ds = load_dataset("circles", n_samples=1000, noise=0.0)
    r = np.hypot(ds.X_train[:, 0], ds.X_train[:, 1])
    np.testing.assert_allclose(r[ds.labels_train == 0], 1.0)
    np.testing.assert_allclose(r[ds.labels_train == 1], 3.0)
    noisy = load_dataset("circles", n_samples=4000, noise=0.15)
    r = np.hypot(noisy.X_train[:, 0], noisy.X_train[:, 1])
    assert np.std(r[noisy.labels_train == 0]) == pytest.approx(0.15, rel=0.1)


@pytest.mark.parametrize("name, kw", [
    ("circles", {}), ("moons", {}), ("blobs", {}), ("spirals", {}),
    ("blobs", {"n_classes": 5}), ("spirals", {"n_classes": 2}), ("xor", {"n_samples": 300}),
])
def test_classes_are_balanced_and_stratified(name, kw):
    ds = load_dataset(name, seed=2, **kw)
    train, test = ds.class_counts()
    total = train + test
    assert total.max() - total.min() <= 1
    np.testing.assert_allclose(train / ds.n_train, total / total.sum(), atol=0.02)


def test_n_classes_parameter():
    assert load_dataset("spirals", n_classes=2).task == "binary"
    assert load_dataset("spirals", n_classes=5).n_classes == 5
    assert load_dataset("blobs", n_classes=4).target_names == ["0", "1", "2", "3"]
    with pytest.raises(UserInputError, match="n_classes"):
        load_dataset("spirals", n_classes=1)
    with pytest.raises(UserInputError, match="Valid parameters: n_classes"):
        load_dataset("blobs", n_clusters=3)
    with pytest.raises(UserInputError, match="no parameter 'n_classes'.*none"):
        load_dataset("circles", n_classes=3)


def test_xor_quadrants_labels_by_sign():
    ds = load_dataset("xor_quadrants", n_samples=500, noise=0.0)
    X = ds.X_train
    assert np.all(np.abs(X) <= 5)
    np.testing.assert_array_equal(ds.labels_train, (X[:, 0] * X[:, 1] < 0).astype(int))


def test_regression_targets():
    sq = load_dataset("squares_sum", noise=0.0)
    np.testing.assert_allclose(sq.y_train[:, 0], sq.X_train[:, 0] ** 2 + sq.X_train[:, 1] ** 2)
    assert np.all(np.abs(sq.X_train) <= 1)
    pl = load_dataset("plane", noise=0.0)
    np.testing.assert_allclose(pl.y_train[:, 0], pl.X_train.sum(axis=1) / 10)
    mg = load_dataset("multi_gaussian", noise=0.0)
    assert np.all(np.abs(mg.y_train) <= 1) and mg.y_train.max() > 0.5 > -0.5 > mg.y_train.min()
    peaks = np.array([[-4, 2.5], [0, 2.5], [0, 0], [10, 10]], dtype=float)
    np.testing.assert_allclose(bump_surface(peaks), [1, -1, 0, 0])
    noisy = load_dataset("squares_sum", noise=0.3)
    assert not np.allclose(noisy.y_train[:, 0], (noisy.X_train ** 2).sum(axis=1))


@pytest.mark.parametrize("name, shape, n_classes, task", [
    ("digits", (1797, 64), 10, "multiclass"),
    ("iris", (150, 4), 3, "multiclass"),
    ("wine", (178, 13), 3, "multiclass"),
    ("breast_cancer", (569, 30), 2, "binary"),
])
def test_real_data_counts(name, shape, n_classes, task):
    ds = load_dataset(name, train_ratio=1.0)
    assert ds.X_train.shape == shape and ds.n_test == 0
    assert ds.n_classes == n_classes and ds.task == task
    assert len(ds.target_names) == n_classes == len(np.unique(ds.labels_train))


def test_real_data_details():
    digits = load_dataset("digits", train_ratio=1.0)
    assert digits.X_train.min() == 0 and digits.X_train.max() == 16
    assert digits.input_names[:2] == ["pixel_0_0", "pixel_0_1"]
    iris = load_dataset("iris", train_ratio=1.0)
    np.testing.assert_array_equal(np.bincount(iris.labels_train), [50, 50, 50])
    assert iris.target_names == ["setosa", "versicolor", "virginica"]
    bc = load_dataset("breast_cancer", train_ratio=1.0)
    assert bc.target_names == ["malignant", "benign"]
    np.testing.assert_array_equal(np.bincount(bc.labels_train), [212, 357])
    wine = load_dataset("wine", train_ratio=1.0)
    np.testing.assert_array_equal(np.bincount(wine.labels_train), [59, 71, 48])


def test_the_digits_read_as_whole_numbers_are_the_file_s_values():
    from core.data.builtin import _read
    from core.data.resources import open_text

    with open_text("digits.csv.gz") as f:
        f.readline()
        table = np.loadtxt(f, delimiter=",", dtype=np.float64)
    _, X, y = _read("digits.csv.gz", whole_numbers=True)
    assert X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(X, table[:, :-1])
    np.testing.assert_array_equal(y, table[:, -1])


def test_real_data_cannot_be_resized_or_noised():
    with pytest.raises(UserInputError, match="fixed number of rows"):
        load_dataset("iris", n_samples=10)
    with pytest.raises(UserInputError, match="Noise does not apply"):
        load_dataset("iris", noise=0.1)


def test_shipped_files_match_readme_hashes():
    readme = (resources_dir() / "README.md").read_text(encoding="utf-8")
    listed = dict((f, h) for h, f in re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, re.M))
    assert set(listed) == {"digits.csv.gz", "iris.csv", "wine.csv", "breast_cancer.csv"}
    for f, h in listed.items():
        assert hashlib.sha256((resources_dir() / f).read_bytes()).hexdigest() == h


@pytest.mark.parametrize("kw, message", [
    ({"n_samples": 1}, "from 2 to"), ({"n_samples": 2.5}, "whole number"),
    ({"noise": -0.1}, ">= 0"), ({"noise": float("nan")}, ">= 0"), ({"noise": "x"}, ">= 0"),
    ({"train_ratio": 0}, r"\(0, 1\]"), ({"train_ratio": 1.5}, r"\(0, 1\]"),
    ({"seed": -1}, "seed must be a whole number"), ({"seed": 1.5}, "seed must be"),
])
def test_bad_arguments_raise_user_errors(kw, message):
    with pytest.raises(UserInputError, match=message):
        load_dataset("circles", **kw)


def test_unknown_dataset_lists_choices():
    with pytest.raises(UserInputError, match="Choose one of: and, or, xor"):
        load_dataset("mnist")


def test_train_ratio_one_leaves_test_set_empty():
    ds = load_dataset("moons", train_ratio=1.0)
    assert ds.n_train == 300 and ds.n_test == 0
    assert ds.X_test.shape == (0, 2) and ds.y_test.shape == (0, 1)
    assert ds.labels_test.shape == (0,)


def test_split_indices_partition_and_keep_a_test_row():
    rng = np.random.default_rng(0)
    tr, te = split_indices(10, 0.8, rng)
    assert sorted(np.concatenate([tr, te])) == list(range(10)) and len(tr) == 8
    assert [len(p) for p in split_indices(2, 0.9, rng)] == [1, 1]
    assert [len(p) for p in split_indices(2, 1.0, rng)] == [2, 0]
    labels = np.array([0] * 90 + [1] * 10)
    tr, te = split_indices(100, 0.8, rng, labels)
    assert (labels[tr] == 1).sum() == 8 and (labels[te] == 1).sum() == 2
    with pytest.raises(UserInputError, match="single row"):
        split_indices(1, 0.8, rng)


def test_make_dataset_from_arrays():
    X = np.array([[0, 0], [1, 1], [2, 2], [3, 3], [4, 4], [5, 5]], dtype=float)
    ds = make_dataset_from_arrays(X, [0, 1, 2, 0, 1, 2], "classification", train_ratio=0.5)
    assert ds.task == "multiclass" and ds.n_outputs == 3 and ds.spec == {"source": "arrays"}
    np.testing.assert_array_equal(np.bincount(ds.labels_train), [1, 1, 1])
    ds = make_dataset_from_arrays(X, [0, 1, 0, 1, 0, 1], "binary", target_names=["red", "blue"])
    assert ds.task == "binary" and ds.target_names == ["red", "blue"] and ds.y_train.shape[1] == 1
    ds = make_dataset_from_arrays(X, X.sum(axis=1), "regression")
    assert ds.y_train.shape == (ds.n_train, 1) and ds.target_names == ["y"]
    with pytest.raises(UserInputError, match="whole numbers"):
        make_dataset_from_arrays(X, [0, 0.5, 1, 1, 0, 1], "binary")
    with pytest.raises(UserInputError, match="binary task has 2 classes"):
        make_dataset_from_arrays(X, [0, 1, 2, 0, 1, 2], "binary")
    with pytest.raises(UserInputError, match="6 input rows but 2"):
        make_dataset_from_arrays(X, [0, 1], "binary")


def test_whole_number_inputs_give_the_same_float64_dataset_as_floats():
    rng = np.random.default_rng(3)
    pixels = rng.integers(0, 256, size=(40, 5)).astype(np.uint8)
    strided = np.column_stack([rng.integers(0, 3, size=40), pixels]).astype(np.uint8)[:, 1:]
    labels = rng.integers(0, 3, size=40)
    as_floats = make_dataset_from_arrays(pixels.astype(float), labels, "classification")
    for X in (pixels, strided, pixels.astype(np.int64)):
        ds = make_dataset_from_arrays(X, labels, "classification")
        for got, want in ((ds.X_train, as_floats.X_train), (ds.X_test, as_floats.X_test)):
            assert got.dtype == np.float64 and got.flags.c_contiguous
            np.testing.assert_array_equal(got, want)


def test_class_means_are_the_mean_training_input_of_each_class_present():
    X = np.arange(24.0).reshape(8, 3)
    ds = make_dataset_from_arrays(X, [0, 2, 0, 2, 0, 2, 0, 2], "multiclass",
                                  target_names=["a", "b", "c"], train_ratio=1.0)
    means = ds.class_means
    assert sorted(means) == [0, 2]  # class 1 has no rows
    for c in (0, 2):
        np.testing.assert_array_equal(means[c], ds.X_train[ds.labels_train == c].mean(axis=0))
    assert ds.class_means is means  # computed once


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_inputs_with_one_value_that_is_not_finite_are_refused(bad):
    X = np.arange(12.0).reshape(6, 2)
    X[4, 1] = bad
    assert not all_finite(X) and all_finite(np.delete(X, 4, axis=0))
    with pytest.raises(UserInputError, match="finite 2-D array"):
        make_dataset_from_arrays(X, [0, 1, 0, 1, 0, 1], "binary")
    assert all_finite(np.zeros((0, 3))) and all_finite(np.array([[2**62]]))


@pytest.mark.parametrize("name", ["squares_sum", "plane", "multi_gaussian"])
def test_true_function_is_the_noise_free_target(name):
    ds = load_dataset(name, noise=0.0)
    np.testing.assert_allclose(true_function(ds)(ds.X_train), ds.y_train[:, 0])
    noisy = load_dataset(name, noise=0.2)
    assert not np.allclose(true_function(noisy)(noisy.X_train), noisy.y_train[:, 0])


def test_true_function_is_none_without_a_known_formula():
    assert true_function(load_dataset("circles")) is None
    assert true_function(load_dataset("iris")) is None


def test_regression_has_no_labels():
    ds = load_dataset("plane")
    with pytest.raises(UserInputError, match="regression"):
        _ = ds.labels_train
    assert "targets: y in" in ds.summary()


def test_dataset_validates_task():
    z = np.zeros((2, 2))
    with pytest.raises(UserInputError, match="Unknown task"):
        Dataset("d", "clustering", z, z[:, :1], z, z[:, :1], ["a", "b"], ["y"])


def test_datasets_need_neither_scikit_learn_nor_qt():
    code = (
        "import sys, core.data as d; d.load_dataset('digits'); "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('sklearn', 'PySide6', 'pyqtgraph')]; "
        "sys.exit(1 if bad else 0)"
    )
    root = Path(__file__).resolve().parents[1]
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0


@pytest.mark.parametrize("labels", [[2, 0, 1, 0, 2], [3], [1, 1, 1], [5, -1, 7, 5, 0, 7]])
def test_a_split_finds_the_classes_np_unique_would(labels):
    from core.data.split import _classes

    labels = np.array(labels)
    assert np.array_equal(_classes(labels), np.unique(labels))


def test_making_every_dataset_does_not_import_numpy_ma():
    """The window makes every dataset at start-up (its tiles); ``np.unique`` would import
    ``numpy.ma`` on its first call, about 30 ms."""
    code = ("import sys; from core.data import DATASETS, load_dataset; "
            "[load_dataset(name) for name in DATASETS.names()]; "
            "print('numpy.ma' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parent.parent, check=True)
    assert result.stdout.strip() == "False"
