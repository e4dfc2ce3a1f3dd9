"""Backprop against central finite differences, for every activation, loss and depth."""

import numpy as np
import pytest

from core.nn.activations import ACTIVATIONS
from core.nn.gradcheck import gradient_check, numerical_gradients, relative_error
from core.nn.network import Network, loss_and_gradients

HIDDEN = [n for n in ACTIVATIONS.names() if n != "softmax"]
# (loss, output activation): the fused cross-entropies and MSE through several outputs.
HEADS = [
    ("mse", "identity"),
    ("bce", "sigmoid"),
    ("cce", "softmax"),
    ("mse", "sigmoid"),
    ("mse", "tanh"),
    ("mse", "softmax"),
]
KINKED = {"relu", "leaky_relu"}
TOL = 1e-7
# Central-difference step for the full matrix. Deep sigmoid stacks have first-layer gradients
# near 1e-3, where the rounding error of the default 1e-6 step alone reaches ~1e-7 in the norm
# ratio; 1e-5 keeps the truncation error (~eps^2) negligible and the rounding error 10x lower.
# The other tests use the default step.
EPS = 1e-5


def problem(loss, output, hidden, depth, seed=0, dropout=0.0):
    """A small deterministic network and batch; 3 inputs, 5 units per hidden layer."""
    k = 3 if output == "softmax" else 2
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((7, 3))
    if loss == "mse":
        y = rng.standard_normal((7, k)) * 0.5
    elif loss == "bce":
        y = (rng.random((7, k)) > 0.5).astype(float)
    else:
        y = np.eye(k)[rng.integers(0, k, 7)]
    sizes = [3] + [5] * depth + [k]
    net = Network(
        sizes, [hidden] * depth + [output], init="he_normal", rng=seed + 1, dropout=dropout
    )
    # Non-zero biases: with zero biases a row whose units below are all dead has z exactly 0.
    for layer in net.layers:
        layer.b[...] = rng.normal(0.0, 0.5, layer.b.shape)
    return net, X, y


def assert_away_from_kinks(net, X):
    """Finite differences straddling a ReLU kink are meaningless: make sure none is near."""
    h = X
    for layer in net.layers:
        z = h @ layer.W + layer.b
        if layer.activation.name in KINKED:
            assert np.abs(z).min() > 1e-4
        h = layer.activation.forward(z)


@pytest.mark.parametrize("loss, output", HEADS)
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("depth", [1, 3])
def test_backprop_matches_finite_differences(loss, output, hidden, depth):
    net, X, y = problem(loss, output, hidden, depth)
    assert_away_from_kinks(net, X)
    errors = gradient_check(net, loss, X, y, eps=EPS)
    assert len(errors) == depth + 1
    assert max(errors) < TOL, errors


@pytest.mark.parametrize("loss, output", HEADS)
def test_backprop_matches_finite_differences_without_hidden_layers(loss, output):
    net, X, y = problem(loss, output, "identity", 0)
    assert max(gradient_check(net, loss, X, y)) < TOL


@pytest.mark.parametrize("hidden", ["tanh", "relu", "softplus"])
@pytest.mark.parametrize("loss, output", HEADS[:3])
def test_backprop_with_l1_l2_penalties(hidden, loss, output):
    net, X, y = problem(loss, output, hidden, 2, seed=4)
    assert_away_from_kinks(net, X)
    assert max(gradient_check(net, loss, X, y, l1=0.03, l2=0.2)) < TOL


@pytest.mark.parametrize("hidden", ["tanh", "sigmoid", "elu"])
def test_backprop_with_dropout_masks(hidden):
    net, X, y = problem("bce", "sigmoid", hidden, 2, seed=2, dropout=0.4)
    errors = gradient_check(net, "bce", X, y, l2=0.1, training=True)
    assert max(errors) < TOL


def test_dropout_changes_the_gradients_being_checked():
    # Guards the test above: with training=True the masks really are in the objective.
    net, X, y = problem("bce", "sigmoid", "tanh", 2, seed=2, dropout=0.4)
    _, off = loss_and_gradients(net, "bce", X, y, training=False)
    off = [g.copy() for g in off]
    state = net.rng.bit_generator.state
    on = numerical_gradients(net, "bce", X, y, training=True)
    assert net.rng.bit_generator.state == state
    assert relative_error(off, on) > 1e-3


def test_a_wrong_gradient_is_detected():
    net, X, y = problem("mse", "identity", "tanh", 1)
    _, grads = loss_and_gradients(net, "mse", X, y)
    wrong = [g.copy() for g in grads]
    wrong[0][0, 0] += 1e-4
    assert relative_error(wrong, numerical_gradients(net, "mse", X, y)) > 1e-6


def test_check_leaves_the_network_unchanged_and_works_for_float32():
    net = Network([3, 4, 1], ["tanh", "sigmoid"], rng=0, dtype=np.float32)
    X = np.random.default_rng(0).standard_normal((5, 3)).astype(np.float32)
    y = np.array([[0.0], [1.0], [1.0], [0.0], [1.0]], np.float32)
    before = [p.copy() for p in net.params()]
    errors = gradient_check(net, "bce", X, y)
    assert max(errors) < TOL
    assert all(np.array_equal(p, q) for p, q in zip(net.params(), before, strict=True))
    assert net.layers[0].W.dtype == np.float32


def test_numerical_gradients_restore_parameters_exactly():
    net, X, y = problem("cce", "softmax", "silu", 1)
    before = [p.copy() for p in net.params()]
    numerical_gradients(net, "cce", X, y)
    assert all(np.array_equal(p, q) for p, q in zip(net.params(), before, strict=True))


def test_relative_error_of_zero_gradients_is_zero():
    assert relative_error([np.zeros(3)], [np.zeros(3)]) == 0.0
