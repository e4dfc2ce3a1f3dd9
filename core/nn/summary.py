"""Model summary: the shape and parameter count of every dense layer, from the layer sizes.

Pure arithmetic on ``sizes = [n_in, h1, ..., n_out]`` (no network needed), so the diagram can
state the model it draws and the numbers agree with ``Network``'s arrays (``W`` of shape
``(fan_in, fan_out)``, ``b`` of shape ``(fan_out,)``).
"""

from core.errors import UserInputError


def _checked(sizes):
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or any(s < 1 for s in sizes):
        raise UserInputError(
            f"Layer sizes {sizes} must list at least an input and an output size, each a "
            "positive whole number (e.g. [2, 16, 8, 1]).")
    return sizes


def layer_shapes(sizes):
    """``[(W shape, b shape), ...]`` per dense layer: ``((fan_in, fan_out), (fan_out,))``."""
    sizes = _checked(sizes)
    return [((fan_in, fan_out), (fan_out,))
            for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True)]


def parameter_counts(sizes):
    """Weights plus biases of each dense layer: ``fan_in * fan_out + fan_out`` (list of int)."""
    return [w[0] * w[1] + b[0] for w, b in layer_shapes(sizes)]


def total_parameters(sizes):
    """All weights and biases of a network with layer ``sizes`` (int)."""
    return sum(parameter_counts(sizes))
