"""Network: shapes, caches, dropout, dtype kept end to end, input validation, symmetry."""

import numpy as np
import pytest

from core.errors import UserInputError
from core.nn.network import Network, loss_and_gradients, loss_value


def make_data(n=12, d=3, k=1, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)).astype(dtype)
    y = (rng.random((n, k)) > 0.5).astype(dtype)
    return X, y


def test_shapes_of_caches_and_gradients():
    net = Network([3, 5, 4, 2], ["tanh", "relu", "identity"], rng=0)
    X, y = make_data(k=2)
    out = net.forward(X)
    assert out.shape == (12, 2)
    net.backward(np.ones((12, 2)))
    for layer, (fi, fo) in zip(net.layers, [(3, 5), (5, 4), (4, 2)], strict=True):
        assert layer.W.shape == layer.dW.shape == (fi, fo)
        assert layer.b.shape == layer.db.shape == (fo,)
        assert layer.x.shape == layer.grad_x.shape == (12, fi)
        assert layer.z.shape == layer.a.shape == layer.delta.shape == (12, fo)
    assert [p.shape for p in net.params()] == [g.shape for g in net.grads()]
    assert net.n_params == 3 * 5 + 5 + 5 * 4 + 4 + 4 * 2 + 2


def test_no_hidden_layer_is_logistic_regression():
    net = Network([2, 1], ["sigmoid"], rng=0)
    X, y = make_data(d=2)
    value, grads = loss_and_gradients(net, "bce", X, y)
    p = 1 / (1 + np.exp(-(X @ net.layers[0].W + net.layers[0].b)))
    assert grads[0] == pytest.approx(X.T @ (p - y) / len(X))
    assert grads[1] == pytest.approx((p - y).mean(axis=0))
    assert value == pytest.approx(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def test_backward_returns_input_gradient_unless_told_not_to():
    net = Network([3, 4, 1], ["tanh", "identity"], rng=0)
    X, _ = make_data()
    net.forward(X)
    g = net.backward(np.ones((12, 1)))
    assert g.shape == (12, 3) and g is net.layers[0].grad_x
    net.forward(X)
    assert net.backward(np.ones((12, 1)), need_input_grad=False) is None


def test_params_are_live_references():
    net = Network([2, 3, 1], ["relu", "identity"], rng=0)
    net.params()[0][0, 0] = 42.0
    assert net.layers[0].W[0, 0] == 42.0


def test_predict_and_forward_all_agree_with_forward_and_leave_caches_alone():
    net = Network([3, 6, 2], ["silu", "softmax"], rng=1)
    X, _ = make_data()
    a = net.forward(X)
    z_before = net.logits().copy()
    outs = net.forward_all(X[:5])
    assert [o.shape for o in outs] == [(5, 6), (5, 2)]
    assert np.array_equal(outs[-1], a[:5])
    assert np.array_equal(net.predict(X), a)
    assert np.array_equal(net.logits(), z_before)
    assert net.layers[-1].a.sum(axis=1) == pytest.approx(np.ones(12))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("loss, out", [("bce", "sigmoid"), ("cce", "softmax"), ("mse", "tanh")])
def test_dtype_is_kept_end_to_end(dtype, loss, out):
    k = 3 if loss == "cce" else 1
    net = Network(
        [3, 5, 4, k], ["relu", "elu", out], init="xavier_uniform", rng=0, dtype=dtype, dropout=0.2
    )
    # float64 targets must not promote a float32 network.
    X, y = make_data(k=k, dtype=dtype)
    value, grads = loss_and_gradients(net, loss, X, y.astype(np.float64), l1=0.01, l2=0.01)
    assert isinstance(value, float)
    for layer in net.layers:
        for arr in (layer.W, layer.b, layer.z, layer.a, layer.delta, layer.dW, layer.db):
            assert arr.dtype == dtype
    assert all(m.dtype == dtype for m in (net.layers[0].mask, net.layers[1].mask))
    assert all(g.dtype == dtype for g in grads)
    assert net.predict(X).dtype == dtype
    assert net.copy(dtype=np.float64).predict(X).dtype == np.float64


def test_dropout_is_inverted_hidden_only_and_training_only():
    net = Network([4, 200, 1], ["identity", "identity"], rng=0, dropout=0.5)
    X = np.ones((50, 4))
    net.forward(X, training=True)
    mask = net.layers[0].mask
    assert set(np.unique(mask)) == {0.0, 2.0}
    assert mask.mean() == pytest.approx(1.0, abs=0.05)
    assert net.layers[1].mask is None
    assert np.array_equal(net.layers[1].x, net.layers[0].a * mask)
    net.forward(X, training=False)
    assert net.layers[0].mask is None


def test_dropout_masks_replay_from_the_generator_state():
    net = Network([3, 8, 1], ["tanh", "sigmoid"], rng=5, dropout=0.3)
    X, y = make_data()
    state = net.rng.bit_generator.state
    first = loss_value(net, "bce", X, y, training=True)
    net.rng.bit_generator.state = state
    assert loss_value(net, "bce", X, y, training=True) == first
    assert loss_value(net, "bce", X, y, training=True) != first


def test_zeros_init_gives_identical_hidden_units():
    net = Network([2, 4, 1], ["tanh", "sigmoid"], init="zeros", rng=0)
    X, y = make_data(d=2)
    for _ in range(5):
        _, grads = loss_and_gradients(net, "bce", X, y)
        for p, g in zip(net.params(), grads, strict=True):
            p -= 0.5 * g
    W0 = net.layers[0].W
    assert np.all(W0[:, :1] == W0)
    assert np.all(net.layers[1].W[0] == net.layers[1].W)


def test_same_seed_same_network():
    a = Network([2, 3, 1], ["relu", "identity"], rng=3)
    b = Network([2, 3, 1], ["relu", "identity"], rng=np.random.default_rng(3))
    assert all(np.array_equal(p, q) for p, q in zip(a.params(), b.params(), strict=True))


def test_copy_is_independent():
    net = Network([2, 3, 1], ["relu", "identity"], rng=3, dropout=0.1)
    twin = net.copy()
    twin.params()[0][...] = 0.0
    assert np.any(net.params()[0] != 0.0)
    assert repr(twin) == repr(net)


def test_repr():
    net = Network([2, 8, 1], ["tanh", "sigmoid"], dtype="float32", dropout=0.1)
    assert repr(net) == "Network(2-8-1, activations=[tanh, sigmoid], dtype=float32, dropout=0.1)"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"sizes": [3], "activations": []}, "at least an input and an output"),
        ({"sizes": [3, 0, 1], "activations": ["relu", "identity"]}, "whole number"),
        ({"sizes": [3, 4, 1], "activations": ["relu"]}, "one activation name per layer"),
        ({"sizes": [3, 4, 1], "activations": ["softmax", "identity"]}, "output activation"),
        ({"sizes": [3, 1], "activations": ["gelu"]}, "Choose one of"),
        ({"sizes": [3, 1], "activations": ["identity"], "init": "orthogonal"}, "he_normal"),
        ({"sizes": [3, 1], "activations": ["identity"], "dtype": "int32"}, "float32"),
        ({"sizes": [3, 1], "activations": ["identity"], "dropout": 1.0}, r"\[0, 1\)"),
    ],
)
def test_bad_construction_raises_user_input_error(kwargs, message):
    with pytest.raises(UserInputError, match=message):
        Network(**kwargs)


def test_wrong_input_width_is_explained():
    net = Network([3, 1], ["identity"], rng=0)
    with pytest.raises(UserInputError, match=r"\(n, 3\)"):
        net.forward(np.zeros((4, 2)))
