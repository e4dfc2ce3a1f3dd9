"""Flat buffers: the network's parameters and gradients as views of one vector each, and the
bias-gradient column sums that must equal NumPy's ``sum(axis=0)`` bit for bit."""

import numpy as np
import pytest

from core.nn import flat
from core.nn.network import Network, column_sums, loss_and_gradients

DTYPES = [np.float32, np.float64]


def test_allocate_split_and_tiled_buffer():
    buffer, views = flat.allocate([(2, 3), (3,), (3, 1), (1,)], np.float32)
    assert buffer.shape == (13,) and buffer.dtype == np.float32
    assert [v.shape for v in views] == [(2, 3), (3,), (3, 1), (1,)]
    views[2][1, 0] = 7.0
    assert buffer[2 * 3 + 3 + 1] == 7.0
    assert flat.tiled_buffer(views) is buffer
    assert flat.tiled_buffer(views[:3]) is None  # does not cover the whole buffer
    assert flat.tiled_buffer([views[1], views[0], *views[2:]]) is None  # out of order
    assert flat.tiled_buffer([np.zeros(3), np.zeros(2)]) is None  # separate arrays
    assert flat.tiled_buffer([]) is None
    with pytest.raises(ValueError, match="hold 6 values"):
        flat.split(buffer, [(2, 3)])


@pytest.mark.parametrize("dtype", DTYPES)
def test_parameters_and_gradients_are_views_of_the_flat_buffers(dtype):
    net = Network([3, 5, 4, 2], ["tanh", "relu", "sigmoid"], rng=0, dtype=dtype)
    assert net.flat_params.dtype == net.flat_grads.dtype == dtype
    assert net.flat_params.shape == net.flat_grads.shape == (net.n_params,)
    np.testing.assert_array_equal(net.flat_params,
                                  np.concatenate([p.ravel() for p in net.params()]))
    assert flat.tiled_buffer(net.params()) is net.flat_params
    net.layers[1].W[2, 3] = 42.0  # written in place: seen in the flat buffer
    assert 42.0 in net.flat_params
    X = np.random.default_rng(1).standard_normal((6, 3)).astype(dtype)
    y = (np.random.default_rng(2).random((6, 2)) > 0.5).astype(dtype)
    _, grads = loss_and_gradients(net, "bce", X, y)
    assert flat.tiled_buffer(grads) is net.flat_grads
    assert all(g is h for g, h in zip(grads, net.grads(), strict=True))
    np.testing.assert_array_equal(net.flat_grads, np.concatenate([g.ravel() for g in grads]))


def test_same_values_as_the_network_built_before_the_flat_buffers():
    # Initial weights come from the same generator calls as before: the seed gives the same
    # network whatever the storage.
    from core.nn.initializers import INITIALIZERS

    net = Network([2, 4, 1], ["tanh", "sigmoid"], init="xavier_uniform", rng=3)
    rng = np.random.default_rng(3)
    init = INITIALIZERS.get("xavier_uniform")
    expected = [*init(2, 4, rng, np.float64), *init(4, 1, rng, np.float64)]
    for p, e in zip(net.params(), expected, strict=True):
        np.testing.assert_array_equal(p, e)


def test_copy_has_its_own_buffers():
    net = Network([2, 3, 1], ["relu", "identity"], rng=3)
    twin = net.copy(dtype=np.float32)
    assert twin.flat_params.dtype == np.float32
    assert flat.tiled_buffer(twin.params()) is twin.flat_params
    assert not np.shares_memory(twin.flat_params, net.flat_params)
    np.testing.assert_array_equal(twin.flat_params, net.flat_params.astype(np.float32))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [1, 7, 63, 64, 400, 1797])
@pytest.mark.parametrize("k", [1, 2, 10, 16, 128])
def test_column_sums_equal_numpy_sum_bit_for_bit(dtype, n, k):
    a = (np.random.default_rng(n * k).standard_normal((n, k)) * 37.0).astype(dtype)
    out = np.empty(k, dtype)
    assert column_sums(a, out=out) is out
    np.testing.assert_array_equal(out, a.sum(axis=0))
    np.testing.assert_array_equal(column_sums(a), a.sum(axis=0))
    f = np.asfortranarray(a)  # NumPy sums its columns pairwise: other bits, also kept
    np.testing.assert_array_equal(column_sums(f), f.sum(axis=0))
