"""One SGD step of a 2-2-1 sigmoid network, worked out by hand and asserted to the digit.

Network: x = [0.05, 0.10], target y = 0.01, MSE loss L = (o - y)^2 (one sample, one output),
learning rate 0.5.

    W1 = [[0.15, 0.25],     b1 = [0.35, 0.35]     (W1 is (fan_in=2, fan_out=2): column j
          [0.20, 0.30]]                            feeds hidden unit j)
    W2 = [[0.40],           b2 = [0.60]
          [0.45]]

Forward:
    z1 = 0.05*0.15 + 0.10*0.20 + 0.35 = 0.3775      h1 = sigmoid(z1) = 0.59326999...
    z2 = 0.05*0.25 + 0.10*0.30 + 0.35 = 0.3925      h2 = sigmoid(z2) = 0.59688437...
    zo = 0.40*h1 + 0.45*h2 + 0.60     = 1.10590596...   o = sigmoid(zo) = 0.75136506...
    L  = (o - 0.01)^2                 = 0.54962216...
Backward (delta = dL/dz):
    delta_o  = 2 (o - y) * o (1 - o)          = 0.27699712...
    dW2      = [h1, h2] * delta_o             = [0.16433408..., 0.16533525...]   db2 = delta_o
    delta_h1 = delta_o * 0.40 * h1 (1 - h1)   = 0.02673584...
    delta_h2 = delta_o * 0.45 * h2 (1 - h2)   = 0.02999215...
    dW1[i, j] = x_i * delta_hj                 db1 = [delta_h1, delta_h2]
SGD step W <- W - 0.5 dW:
    W2 -> [0.31783295..., 0.36733237...], b2 -> 0.46150143...
    W1 -> [[0.14933160..., 0.24925019...], [0.19866320..., 0.29850039...]]
    b1 -> [0.33663207..., 0.33500392...]
"""

import math

import numpy as np
import pytest

from core.nn.network import DenseLayer, Network, loss_and_gradients


def sig(v):
    return 1.0 / (1.0 + math.exp(-v))


@pytest.fixture
def net():
    n = Network([2, 2, 1], ["sigmoid", "sigmoid"], init="zeros")
    n.layers[0].W[...] = [[0.15, 0.25], [0.20, 0.30]]
    n.layers[0].b[...] = [0.35, 0.35]
    n.layers[1].W[...] = [[0.40], [0.45]]
    n.layers[1].b[...] = [0.60]
    return n


X = np.array([[0.05, 0.10]])
Y = np.array([[0.01]])


def by_hand():
    """The same numbers with Python's math module, independent of NumPy and the engine."""
    h = [sig(0.05 * 0.15 + 0.10 * 0.20 + 0.35), sig(0.05 * 0.25 + 0.10 * 0.30 + 0.35)]
    o = sig(0.40 * h[0] + 0.45 * h[1] + 0.60)
    d_o = 2 * (o - 0.01) * o * (1 - o)
    d_h = [d_o * 0.40 * h[0] * (1 - h[0]), d_o * 0.45 * h[1] * (1 - h[1])]
    return h, o, (o - 0.01) ** 2, d_o, d_h


def test_forward_matches_hand_computation(net):
    h, o, loss, _, _ = by_hand()
    value, _ = loss_and_gradients(net, "mse", X, Y)
    assert net.layers[0].z == pytest.approx(np.array([[0.3775, 0.3925]]), abs=1e-15)
    assert net.layers[0].a[0] == pytest.approx(h, rel=1e-14)
    assert net.layers[0].a[0, 0] == pytest.approx(0.59326999210718, abs=1e-13)
    assert net.layers[1].a[0, 0] == pytest.approx(o, rel=1e-14)
    assert o == pytest.approx(0.75136506955231, abs=1e-13)
    assert value == pytest.approx(loss, rel=1e-14)
    assert value == pytest.approx(0.54962216635231, abs=1e-13)


def test_backward_matches_hand_computation(net):
    h, _, _, d_o, d_h = by_hand()
    loss_and_gradients(net, "mse", X, Y)
    out, hidden = net.layers[1], net.layers[0]
    assert out.delta[0, 0] == pytest.approx(d_o, rel=1e-13)
    assert d_o == pytest.approx(0.27699712325711, abs=1e-13)
    assert out.dW[:, 0] == pytest.approx([d_o * h[0], d_o * h[1]], rel=1e-13)
    assert out.dW[0, 0] == pytest.approx(0.16433408112846, abs=1e-13)
    assert hidden.delta[0] == pytest.approx(d_h, rel=1e-13)
    assert hidden.dW == pytest.approx(np.outer([0.05, 0.10], d_h), rel=1e-13)
    assert hidden.db == pytest.approx(d_h, rel=1e-13)
    assert d_h == pytest.approx([0.02673584084577, 0.02999215097779], abs=1e-13)


def test_one_sgd_step_gives_hand_computed_weights(net):
    _, grads = loss_and_gradients(net, "mse", X, Y)
    for p, g in zip(net.params(), grads, strict=True):
        p -= 0.5 * g
    W1, b1, W2, b2 = net.params()
    assert W2[:, 0] == pytest.approx([0.31783295943577, 0.36733237215247], abs=1e-13)
    assert b2 == pytest.approx([0.46150143837144], abs=1e-13)
    expected_W1 = [[0.14933160397886, 0.24925019622556], [0.19866320795771, 0.29850039245111]]
    assert pytest.approx(np.array(expected_W1), abs=1e-13) == W1
    assert b1 == pytest.approx([0.33663207957711, 0.33500392451110], abs=1e-13)


def test_dense_layer_repr_names_shape():
    layer = DenseLayer(np.zeros((2, 3)), np.zeros(3), "tanh")
    assert repr(layer) == "DenseLayer(2 -> 3, tanh)"
