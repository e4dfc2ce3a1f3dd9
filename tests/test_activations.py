"""Activations: values, derivatives, stability at |z| = 1000, dtype and shape preservation."""

import numpy as np
import pytest

from core.nn.activations import ACTIVATIONS, log_softmax, sigmoid, softmax

NAMES = ACTIVATIONS.names()
ELEMENTWISE = [n for n in NAMES if n != "softmax"]
DTYPES = [np.float32, np.float64]


def test_registry_order_matches_contract():
    assert NAMES == [
        "identity",
        "sigmoid",
        "tanh",
        "relu",
        "leaky_relu",
        "elu",
        "softplus",
        "silu",
        "softmax",
    ]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_extreme_inputs_are_finite_and_keep_dtype(name, dtype):
    # pytest turns RuntimeWarning (overflow, divide, invalid) into errors for the whole run.
    z = np.array([[-1000.0, -80.0, 0.0, 80.0, 1000.0]], dtype=dtype)
    act = ACTIVATIONS.get(name)
    a = act.forward(z)
    grad = act.backward(z, a, np.ones_like(z))
    assert a.dtype == dtype and grad.dtype == dtype
    assert a.shape == z.shape and grad.shape == z.shape
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(grad))


@pytest.mark.parametrize(
    "name, reference",
    [
        ("identity", lambda z: z),
        ("sigmoid", lambda z: 1 / (1 + np.exp(-z))),
        ("tanh", np.tanh),
        ("relu", lambda z: np.where(z > 0, z, 0.0)),
        ("leaky_relu", lambda z: np.where(z > 0, z, 0.01 * z)),
        ("elu", lambda z: np.where(z > 0, z, np.exp(z) - 1)),
        ("softplus", lambda z: np.log1p(np.exp(z))),
        ("silu", lambda z: z / (1 + np.exp(-z))),
    ],
)
def test_values_match_textbook_formulas_on_moderate_inputs(name, reference):
    z = np.linspace(-20, 20, 401).reshape(-1, 1)
    assert ACTIVATIONS.get(name).forward(z) == pytest.approx(reference(z), rel=1e-12, abs=1e-15)


def test_saturated_values_are_exact_limits():
    z = np.array([[-1000.0, 1000.0]])
    assert sigmoid(z)[0, 0] < 1e-300 and sigmoid(z)[0, 1] == 1.0
    assert ACTIVATIONS.get("softplus").forward(z)[0] == pytest.approx([0.0, 1000.0])
    assert ACTIVATIONS.get("elu").forward(z)[0] == pytest.approx([-1.0, 1000.0])
    assert ACTIVATIONS.get("silu").forward(z)[0] == pytest.approx([0.0, 1000.0])


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_and_backward_match_central_differences(name):
    act = ACTIVATIONS.get(name)
    # Stay away from the kinks of relu / leaky_relu at 0.
    z = np.array([[-3.0, -1.2, -0.3, 0.4, 1.1, 2.7]])
    h = 1e-6
    numeric = (act.forward(z + h) - act.forward(z - h)) / (2 * h)
    a = act.forward(z)
    assert act.derivative(z, a) == pytest.approx(numeric, rel=1e-7, abs=1e-9)
    g = np.array([[0.5, -2.0, 1.0, 3.0, -0.25, 1.5]])
    assert act.backward(z, a, g) == pytest.approx(g * numeric, rel=1e-7, abs=1e-9)


def test_softmax_backward_is_the_jacobian_vector_product():
    rng = np.random.default_rng(3)
    z, g = rng.standard_normal((4, 5)), rng.standard_normal((4, 5))
    act = ACTIVATIONS.get("softmax")
    a = act.forward(z)
    jac = np.stack([np.diag(r) - np.outer(r, r) for r in a])
    expected = np.einsum("nij,nj->ni", jac, g)
    assert act.backward(z, a, g) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_softmax_derivative_is_refused_with_what_to_use_instead():
    act = ACTIVATIONS.get("softmax")
    z = np.zeros((1, 3))
    with pytest.raises(TypeError, match=r"no elementwise derivative.*Use backward\(z, a, grad_a\)"):
        act.derivative(z, act.forward(z))


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_rows_sum_to_one_even_for_huge_logits(dtype):
    z = np.array([[1000.0, 0.0, -1000.0], [1.0, 2.0, 3.0], [-1000.0, -1000.0, -999.0]], dtype)
    p = softmax(z)
    assert p.dtype == dtype
    assert p.sum(axis=1) == pytest.approx(np.ones(3), rel=1e-6)
    assert np.all(p >= 0)
    lp = log_softmax(z)
    assert np.all(np.isfinite(lp)) and lp.dtype == dtype
    assert lp[0, 2] == pytest.approx(-2000.0)


def test_identity_forward_does_not_copy():
    z = np.ones((2, 2))
    assert ACTIVATIONS.get("identity").forward(z) is z


def test_activation_repr_names_it():
    assert repr(ACTIVATIONS.get("relu")) == "ReLU(name='relu')"
