"""Weight initializers: the starting point of training for one dense layer.

Every initializer has the signature ``init(fan_in, fan_out, rng, dtype) -> (W, b)`` with ``W`` of
shape ``(fan_in, fan_out)`` and ``b`` of shape ``(fan_out,)``, both of ``dtype``. Scales follow
``torch.nn.init`` (Xavier with gain 1; He = Kaiming with ``fan_in`` and the ReLU gain sqrt(2);
LeCun = Kaiming with gain 1). Biases are 0 unless stated. ``W`` is drawn before ``b``, so the
same generator state always gives the same network.

Scales are Python floats: multiplying a float32 array by a NumPy float64 scalar would silently
promote it to float64 (NEP 50).
"""

import math

import numpy as np

from core.registry import Registry

INITIALIZERS = Registry("initializer")


def _normal(fan_in, fan_out, rng, dtype, std):
    """``std * N(0, 1)`` of shape (fan_in, fan_out) in ``dtype``."""
    W = rng.standard_normal((fan_in, fan_out), dtype=dtype)
    W *= float(std)
    return W


def _uniform(shape, rng, dtype, bound):
    """``U(-bound, bound)`` of ``shape`` in ``dtype``."""
    W = rng.random(shape, dtype=dtype)
    W *= 2.0 * float(bound)
    W -= float(bound)
    return W


def _bias(fan_out, dtype, value=0.0):
    """A bias vector (fan_out,) filled with ``value``."""
    return np.full(fan_out, value, dtype=dtype)


@INITIALIZERS.register("zeros")
def zeros(fan_in, fan_out, rng, dtype=np.float64):
    """All weights and biases 0: every hidden unit stays identical (the symmetry problem)."""
    return np.zeros((fan_in, fan_out), dtype=dtype), _bias(fan_out, dtype)


@INITIALIZERS.register("small_normal")
def small_normal(fan_in, fan_out, rng, dtype=np.float64):
    """``W ~ 0.1 N(0, 1)``, ``b = 1.0``."""
    return _normal(fan_in, fan_out, rng, dtype, 0.1), _bias(fan_out, dtype, 1.0)


@INITIALIZERS.register("uniform")
def uniform(fan_in, fan_out, rng, dtype=np.float64):
    """``W ~ U(-0.5, 0.5)``, ``b = 0.1``, as TensorFlow Playground."""
    return _uniform((fan_in, fan_out), rng, dtype, 0.5), _bias(fan_out, dtype, 0.1)


@INITIALIZERS.register("xavier_normal")
def xavier_normal(fan_in, fan_out, rng, dtype=np.float64):
    """Glorot normal: ``std = sqrt(2 / (fan_in + fan_out))``."""
    std = math.sqrt(2.0 / (fan_in + fan_out))
    return _normal(fan_in, fan_out, rng, dtype, std), _bias(fan_out, dtype)


@INITIALIZERS.register("xavier_uniform")
def xavier_uniform(fan_in, fan_out, rng, dtype=np.float64):
    """Glorot uniform: ``U(-a, a)``, ``a = sqrt(6 / (fan_in + fan_out))``."""
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    return _uniform((fan_in, fan_out), rng, dtype, bound), _bias(fan_out, dtype)


@INITIALIZERS.register("he_normal")
def he_normal(fan_in, fan_out, rng, dtype=np.float64):
    """Kaiming normal (ReLU gain): ``std = sqrt(2 / fan_in)``."""
    return _normal(fan_in, fan_out, rng, dtype, math.sqrt(2.0 / fan_in)), _bias(fan_out, dtype)


@INITIALIZERS.register("he_uniform")
def he_uniform(fan_in, fan_out, rng, dtype=np.float64):
    """Kaiming uniform (ReLU gain): ``U(-a, a)``, ``a = sqrt(6 / fan_in)``."""
    bound = math.sqrt(6.0 / fan_in)
    return _uniform((fan_in, fan_out), rng, dtype, bound), _bias(fan_out, dtype)


@INITIALIZERS.register("lecun_normal")
def lecun_normal(fan_in, fan_out, rng, dtype=np.float64):
    """LeCun normal: ``std = sqrt(1 / fan_in)``."""
    return _normal(fan_in, fan_out, rng, dtype, math.sqrt(1.0 / fan_in)), _bias(fan_out, dtype)
