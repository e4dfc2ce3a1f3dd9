"""Derived features and the input pipeline (fit on train, transform, save/load)."""

import json

import numpy as np
import pytest

from core.data import DERIVED_FEATURES, InputPipeline, add_features, load_dataset
from core.errors import UserInputError

X2 = np.array([[0.5, -2.0], [1.0, 3.0], [-1.5, 0.25]])


def test_feature_names_are_the_contract():
    assert DERIVED_FEATURES == ["x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]


def test_feature_values_in_canonical_order():
    out = add_features(X2, DERIVED_FEATURES)
    x1, x2 = X2[:, 0], X2[:, 1]
    expected = np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)])
    np.testing.assert_allclose(out, expected, rtol=0, atol=0)


def test_requested_order_and_repeats_do_not_matter():
    a = add_features(X2, ["sin(x2)", "x1^2", "sin(x2)"])
    b = add_features(X2, ["x1^2", "sin(x2)"])
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a[:, 2], X2[:, 0] ** 2)
    assert InputPipeline.fit(X2, ["sin(x2)", "x1*x2"]).features == ("x1*x2", "sin(x2)")


def test_unknown_feature_lists_choices():
    with pytest.raises(UserInputError, match=r"Unknown derived feature 'x3\^2'.*x1\^2, x2\^2"):
        add_features(X2, ["x3^2"])


def test_features_on_non_2d_data_raise():
    with pytest.raises(UserInputError, match="need exactly 2 inputs.*has 4"):
        InputPipeline.fit(np.zeros((5, 4)), ["x1^2"])
    assert InputPipeline.fit(np.zeros((5, 4)), ()).transform(np.ones((2, 4))).shape == (2, 4)


def test_standardisation_fits_train_only():
    ds = load_dataset("iris")
    pipe = InputPipeline.fit(ds.X_train)
    Z = pipe.transform(ds.X_train)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1, atol=1e-12)
    np.testing.assert_allclose(pipe.mean, ds.X_train.mean(axis=0))
    assert not np.allclose(pipe.transform(ds.X_test).mean(axis=0), 0, atol=1e-3)


def test_features_then_standardisation():
    pipe = InputPipeline.fit(X2, ["x1*x2"], standardize=True)
    expected = add_features(X2, ["x1*x2"])
    expected = (expected - expected.mean(axis=0)) / expected.std(axis=0)
    np.testing.assert_allclose(pipe.transform(X2), expected)
    assert pipe.feature_names(["x1", "x2"]) == ["x1", "x2", "x1*x2"]
    assert pipe.n_outputs == 3


def test_constant_columns_do_not_divide_by_zero():
    X = np.column_stack([np.full(6, 0.1), np.arange(6.0), np.zeros(6)])
    pipe = InputPipeline.fit(X)
    np.testing.assert_array_equal(pipe.std[[0, 2]], [1.0, 1.0])
    Z = pipe.transform(X)
    assert np.all(np.isfinite(Z))
    np.testing.assert_allclose(Z[:, [0, 2]], 0.0, atol=1e-15)


def test_no_standardisation_is_identity_on_raw_inputs():
    pipe = InputPipeline.fit(X2, standardize=False)
    assert pipe.mean is None and pipe.std is None and not pipe.standardize
    np.testing.assert_array_equal(pipe.transform(X2), X2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_transform_keeps_the_requested_dtype(dtype):
    pipe = InputPipeline.fit(X2, DERIVED_FEATURES)
    out = pipe.transform(X2.astype(np.float32), dtype=dtype)
    assert out.dtype == dtype and out.flags.c_contiguous
    np.testing.assert_allclose(out, pipe.transform(X2), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("standardize", [True, False])
def test_round_trip_through_json_is_exact(standardize):
    ds = load_dataset("circles", seed=3)
    pipe = InputPipeline.fit(ds.X_train, ["x2^2", "x1^2", "sin(x1)"], standardize)
    back = InputPipeline.from_dict(json.loads(json.dumps(pipe.to_dict())))
    assert back == pipe and back.features == pipe.features
    np.testing.assert_array_equal(back.transform(ds.X_test), pipe.transform(ds.X_test))
    if standardize:
        np.testing.assert_array_equal(back.mean, pipe.mean)
        np.testing.assert_array_equal(back.std, pipe.std)
    assert "x1^2" in repr(back)


def test_transform_checks_input_width_and_handles_empty_sets():
    pipe = InputPipeline.fit(X2, ["x1^2"])
    with pytest.raises(UserInputError, match="fitted on 2 inputs but got 3"):
        pipe.transform(np.zeros((4, 3)))
    assert pipe.transform(np.zeros((0, 2))).shape == (0, 3)


def test_a_column_in_tiny_units_is_standardised_not_dropped():
    rng = np.random.default_rng(0)
    tiny = rng.normal(size=50) * 1e-13
    X = np.column_stack([tiny, np.full(50, 3e-13), rng.normal(size=50)])
    pipe = InputPipeline.fit(X)
    assert pipe.std[0] == pytest.approx(tiny.std())  # its own spread, not "constant"
    Z = pipe.transform(X)
    np.testing.assert_allclose(Z[:, 0].std(), 1.0)
    assert pipe.std[1] == 1.0 and np.all(Z[:, 1] == 0.0)  # truly constant: still constant


def test_transform_never_returns_the_raw_array_itself():
    X_raw = np.arange(12, dtype=np.float64).reshape(6, 2)
    pipeline = InputPipeline.fit(X_raw, (), standardize=False)
    X = pipeline.transform(X_raw)
    assert not np.may_share_memory(X, X_raw)
    X *= 2  # what rescaling in place does to the network's copy
    np.testing.assert_array_equal(X_raw, np.arange(12, dtype=np.float64).reshape(6, 2))


def test_big_data_statistics_in_blocks_match_the_whole_array(monkeypatch):
    from core.data import pipeline

    rng = np.random.default_rng(3)
    X = rng.normal(5.0, 2.0, size=(1000, 7))
    X[:, 3] = 4.0  # a constant column keeps std 1
    whole = InputPipeline.fit(X)
    monkeypatch.setattr(pipeline, "BLOCK_CELLS", 700)  # 100 rows a block
    blocks = InputPipeline.fit(X)
    np.testing.assert_allclose(blocks.mean, whole.mean, rtol=1e-13)
    np.testing.assert_allclose(blocks.std, whole.std, rtol=1e-12)
    assert blocks.std[3] == 1.0 == whole.std[3]
    X[500, 2] = 1e308  # its standardised values overflow: still named
    with pytest.raises(UserInputError, match="cannot be standardised"):
        InputPipeline.fit(X)
