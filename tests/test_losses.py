"""Losses: values, fused gradients, stability from logits, compatibility checks."""

import numpy as np
import pytest

from core.errors import UserInputError
from core.nn.activations import ACTIVATIONS, sigmoid, softmax
from core.nn.losses import LOSSES, check_compatible


def test_registry_names():
    assert LOSSES.names() == ["mse", "bce", "cce"]
    assert [LOSSES.get(n).link for n in LOSSES.names()] == [None, "sigmoid", "softmax"]


def test_mse_is_mean_over_all_elements_like_pytorch():
    a = np.array([[1.0, 2.0], [3.0, 5.0]])
    y = np.array([[0.0, 2.0], [1.0, 1.0]])
    mse = LOSSES.get("mse")
    assert mse.value(a, y) == pytest.approx((1 + 0 + 4 + 16) / 4)
    assert mse.grad(a, y) == pytest.approx(2 * (a - y) / 4)


def test_bce_value_matches_definition_and_logits_form():
    z = np.array([[-2.0], [0.5], [3.0]])
    y = np.array([[0.0], [1.0], [1.0]])
    p = 1 / (1 + np.exp(-z))
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    bce = LOSSES.get("bce")
    assert bce.value(p, y) == pytest.approx(expected, rel=1e-12)
    assert bce.value_from_logits(z, y) == pytest.approx(expected, rel=1e-12)
    assert bce.grad_from_logits(z, y) == pytest.approx((p - y) / 3, rel=1e-12)


def test_cce_value_matches_definition_and_logits_form():
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    expected = -np.mean(np.log(p[y == 1]))
    cce = LOSSES.get("cce")
    assert cce.value(p, y) == pytest.approx(expected, rel=1e-12)
    assert cce.value_from_logits(z, y) == pytest.approx(expected, rel=1e-12)
    assert cce.grad_from_logits(z, y) == pytest.approx((p - y) / 2, rel=1e-12)


@pytest.mark.parametrize("name, link", [("bce", sigmoid), ("cce", softmax)])
def test_unfused_gradient_chained_through_link_equals_fused(name, link):
    rng = np.random.default_rng(1)
    z = rng.standard_normal((5, 3))
    y = np.eye(3)[rng.integers(0, 3, 5)]
    loss = LOSSES.get(name)
    act = ACTIVATIONS.get(loss.link)
    a = link(z)
    chained = act.backward(z, a, loss.grad(a, y))
    assert chained == pytest.approx(loss.grad_from_logits(z, y), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_from_logits_is_stable_at_1000(dtype):
    z = np.array([[1000.0, -1000.0, 0.0]], dtype)
    y = np.array([[0.0, 1.0, 0.0]], dtype)
    cce = LOSSES.get("cce")
    assert cce.value_from_logits(z, y) == pytest.approx(2000.0)
    g = cce.grad_from_logits(z, y)
    assert g.dtype == dtype and g == pytest.approx(np.array([[1.0, -1.0, 0.0]]))
    bce = LOSSES.get("bce")
    zb = z.reshape(3, 1)
    yb = np.array([[0.0], [0.0], [1.0]], dtype)
    # Wrong by 1000 on the first row, right on the second, log 2 on the third.
    assert bce.value_from_logits(zb, yb) == pytest.approx((1000.0 + 0.0 + np.log(2)) / 3, rel=1e-6)
    gb = bce.grad_from_logits(zb, yb)
    assert gb.dtype == dtype and np.all(np.isfinite(gb))


@pytest.mark.parametrize("name", ["mse", "bce", "cce"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_on_saturated_activations_are_finite(name, dtype):
    a = np.array([[0.0, 1.0], [1.0, 0.0]], dtype)
    y = np.array([[1.0, 0.0], [1.0, 0.0]], dtype)
    loss = LOSSES.get(name)
    assert np.isfinite(loss.value(a, y))
    g = loss.grad(a, y)
    assert g.dtype == dtype and np.all(np.isfinite(g))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, link", [("bce", sigmoid), ("cce", softmax)])
def test_link_and_value_equal_link_and_value_from_logits_bit_for_bit(name, link, dtype):
    # The training forward pass takes both from one call (CCE shares its exp and row sums).
    rng = np.random.default_rng(4)
    z = (rng.standard_normal((9, 3 if name == "cce" else 1)) * 20).astype(dtype)
    y = (np.eye(3)[rng.integers(0, 3, 9)] if name == "cce"
         else rng.integers(0, 2, (9, 1))).astype(dtype)
    loss = LOSSES.get(name)
    a, value = loss.link_and_value(z, y)
    assert a.dtype == dtype
    np.testing.assert_array_equal(a, link(z))
    assert value == loss.value_from_logits(z, y)


@pytest.mark.parametrize("method, instead", [
    ("value_from_logits", r"Use value\(a, y\)"),
    ("grad_from_logits", r"Use grad\(a, y\).*backward\(z, a, grad_a\)"),
    ("link_and_value", r"Use the output activation's forward\(z\), then value\(a, y\)"),
    ("grad_from_link_output", r"Use grad\(a, y\)"),
])
def test_mse_has_no_logits_form_and_says_what_to_use_instead(method, instead):
    with pytest.raises(TypeError, match=rf"'mse' has no {method}: it is not fused.*{instead}"):
        getattr(LOSSES.get("mse"), method)(np.zeros((1, 1)), np.zeros((1, 1)))


@pytest.mark.parametrize(
    "loss, output, ok",
    [
        ("bce", "sigmoid", True),
        ("cce", "softmax", True),
        ("mse", "identity", True),
        ("mse", "softmax", True),
        ("mse", "tanh", True),
        ("bce", "identity", False),
        ("bce", "softmax", False),
        ("cce", "sigmoid", False),
        ("cce", "relu", False),
    ],
)
def test_check_compatible(loss, output, ok):
    if ok:
        check_compatible(loss, output)
    else:
        with pytest.raises(UserInputError, match="Set the output activation to"):
            check_compatible(loss, output)


def test_unknown_names_list_the_choices():
    with pytest.raises(UserInputError, match="mse, bce, cce"):
        check_compatible("hinge", "sigmoid")
    with pytest.raises(UserInputError, match="Unknown activation"):
        check_compatible("mse", "gelu")


def test_loss_repr():
    assert repr(LOSSES.get("bce")) == "BCE(name='bce', link='sigmoid')"
