"""The model summary's shapes and counts agree with a real Network's arrays."""

import pytest

from core.errors import UserInputError
from core.nn.network import Network
from core.nn.summary import layer_shapes, parameter_counts, total_parameters


@pytest.mark.parametrize("sizes", [[2, 1], [2, 16, 8, 1], [64, 32, 10], [13, 5, 5, 5, 3]])
def test_summary_matches_the_network_arrays(sizes):
    net = Network(sizes, ["tanh"] * (len(sizes) - 2) + ["identity"], rng=0)
    shapes = layer_shapes(sizes)
    assert shapes == [(layer.W.shape, layer.b.shape) for layer in net.layers]
    assert parameter_counts(sizes) == [layer.W.size + layer.b.size for layer in net.layers]
    assert total_parameters(sizes) == net.n_params == net.flat_params.size


def test_the_notebook_network():
    # 2 → 16 → 8 → 1: 2·16+16 + 16·8+8 + 8·1+1 = 48 + 136 + 9
    assert parameter_counts([2, 16, 8, 1]) == [48, 136, 9]
    assert total_parameters([2, 16, 8, 1]) == 193


@pytest.mark.parametrize("sizes", [[], [3], [2, 0, 1], [2, -4, 1]])
def test_bad_sizes_say_what_is_wrong(sizes):
    with pytest.raises(UserInputError, match="positive whole number"):
        total_parameters(sizes)
