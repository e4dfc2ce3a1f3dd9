"""``resplit``: a new split from the rows in memory equals a new read of the file."""

import numpy as np
import pytest

from core.data import load_csv, make_dataset_from_arrays
from core.data.resplit import can_resplit, resplit
from core.errors import UserInputError


def _write_csv(path, n=300, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)).round(4)
    y = rng.integers(0, 3, size=n)
    lines = ["a,b,c,d,label"] + [",".join(f"{v:g}" for v in row) + f",{c}"
                                 for row, c in zip(X, y, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("ratio, seed", [(0.5, 3), (0.9, 0), (1.0, 7), (0.8, 0)])
def test_resplit_equals_reading_the_file_again(tmp_path, ratio, seed):
    path = _write_csv(tmp_path / "t.csv")
    loaded = load_csv(path, train_ratio=0.8, seed=0)
    again = resplit(loaded, ratio, seed)
    expected = load_csv(path, train_ratio=ratio, seed=seed)
    for name in ("X_train", "y_train", "X_test", "y_test"):
        np.testing.assert_array_equal(getattr(again, name), getattr(expected, name))
    assert again.spec == expected.spec
    np.testing.assert_array_equal(again.row_order, expected.row_order)
    assert loaded.spec["train_ratio"] == 0.8  # the original is untouched


def test_resplit_of_a_resplit_and_regression(tmp_path):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 2)), rng.normal(size=50)
    first = make_dataset_from_arrays(X, y, "regression", train_ratio=0.7, seed=2)
    twice = resplit(resplit(first, 0.5, 9), 0.6, 4)
    direct = make_dataset_from_arrays(X, y, "regression", train_ratio=0.6, seed=4)
    np.testing.assert_array_equal(twice.X_train, direct.X_train)
    np.testing.assert_array_equal(twice.y_test, direct.y_test)


def test_one_class_in_training_is_refused_with_the_file_and_column(tmp_path):
    path = tmp_path / "few.csv"
    path.write_text("x,label\n1,a\n2,a\n3,a\n4,b\n")
    loaded = load_csv(path, train_ratio=1.0)
    with pytest.raises(UserInputError, match=r"few\.csv, column 'label': with train ratio 0\.25"):
        resplit(loaded, 0.25, 0)


def test_a_dataset_without_source_order_cannot_be_resplit():
    ds = make_dataset_from_arrays(np.zeros((4, 1)), [0, 1, 0, 1], "binary")
    edited = ds.__class__(ds.name, ds.task, ds.X_train, ds.y_train, ds.X_test, ds.y_test,
                          ds.input_names, ds.target_names)
    assert can_resplit(ds) and not can_resplit(edited)
    with pytest.raises(ValueError, match="source order"):
        resplit(edited, 0.5, 0)
