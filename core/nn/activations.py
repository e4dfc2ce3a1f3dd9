"""Activation functions: ``a = f(z)`` applied to a layer's pre-activations.

Every activation works on a batch ``z`` of shape ``(n, k)`` and returns an array of the same
shape and dtype. None of them overflows at ``|z| = 1000`` in float32 or float64. The backward
pass reuses the cached output ``a`` wherever the derivative can be written in terms of it
(sigmoid, tanh, elu, softplus), so nothing is computed twice.

The registry ``ACTIVATIONS`` maps a name to a shared, stateless instance.
"""

import numpy as np

from core.registry import Registry

ACTIVATIONS = Registry("activation")

# Largest argument whose exp is finite, per dtype; bounding -z by it keeps exp(-z) finite.
_EXP_LIMIT = {np.dtype(np.float32): 88.0, np.dtype(np.float64): 709.0}


def sigmoid(z):
    """Logistic function ``1 / (1 + exp(-z))`` without overflow.

    Parameters
    ----------
    z : ndarray, shape (n, k)

    Returns
    -------
    ndarray, shape (n, k), same dtype as ``z``
    """
    # Bounding z from below keeps exp(-z) finite: beyond the bound the true value is already
    # below the smallest normal float, so the result is unchanged to working precision. This
    # form is as accurate as the textbook one for all finite z and as cheap (one allocation).
    t = np.maximum(z, -_EXP_LIMIT.get(z.dtype, 709.0))
    np.negative(t, out=t)
    np.exp(t, out=t)
    t += 1.0
    return np.divide(1.0, t, out=t)


def softmax(z):
    """Row-wise softmax through log-sum-exp (subtracting the row maximum first).

    Parameters
    ----------
    z : ndarray, shape (n, k)

    Returns
    -------
    ndarray, shape (n, k), same dtype; every row sums to 1
    """
    e = z - z.max(axis=1, keepdims=True)
    np.exp(e, out=e)
    e /= e.sum(axis=1, keepdims=True)
    return e


def log_softmax(z):
    """Row-wise ``log(softmax(z))`` computed stably, shape (n, k) -> (n, k)."""
    s = z - z.max(axis=1, keepdims=True)
    s -= np.log(np.exp(s).sum(axis=1, keepdims=True))
    return s


class Activation:
    """Base class: an elementwise (or row-wise, for softmax) nonlinearity.

    Subclasses set ``name`` and implement ``forward`` and ``derivative``; ``backward`` defaults
    to ``grad_a * derivative(z, a)`` and is overridden where a fused form is cheaper.
    """

    name = "activation"
    #: True when f'(z) is defined elementwise (all but softmax).
    elementwise = True

    def forward(self, z):
        """``a = f(z)``: (n, k) -> (n, k), same dtype."""
        raise NotImplementedError

    def derivative(self, z, a):
        """Elementwise ``f'(z)`` given ``z`` and the cached ``a = f(z)``; (n, k) each.

        Raises ``TypeError`` when ``elementwise`` is False (softmax).
        """
        raise NotImplementedError

    def backward(self, z, a, grad_a):
        """``dL/dz`` given ``dL/da``; ``z``, ``a``, ``grad_a`` and the result are (n, k)."""
        return grad_a * self.derivative(z, a)

    def __call__(self, z):
        return self.forward(z)

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r})"


class Identity(Activation):
    """``f(z) = z``. ``forward`` returns ``z`` itself (no copy)."""

    name = "identity"

    def forward(self, z):
        return z

    def derivative(self, z, a):
        return np.ones_like(z)

    def backward(self, z, a, grad_a):
        return grad_a


class Sigmoid(Activation):
    """``f(z) = 1 / (1 + e^-z)``, ``f' = a (1 - a)``."""

    name = "sigmoid"

    def forward(self, z):
        return sigmoid(z)

    def derivative(self, z, a):
        return a * (1.0 - a)

    def backward(self, z, a, grad_a):
        t = 1.0 - a
        t *= a
        t *= grad_a
        return t


class Tanh(Activation):
    """``f(z) = tanh z``, ``f' = 1 - a^2``."""

    name = "tanh"

    def forward(self, z):
        return np.tanh(z)

    def derivative(self, z, a):
        return 1.0 - a * a

    def backward(self, z, a, grad_a):
        t = a * a
        np.subtract(1.0, t, out=t)
        t *= grad_a
        return t


class ReLU(Activation):
    """``f(z) = max(z, 0)``; ``f'(0)`` is taken as 0, as in PyTorch."""

    name = "relu"

    def forward(self, z):
        return np.maximum(z, 0.0)

    def derivative(self, z, a):
        return (z > 0).astype(z.dtype)

    def backward(self, z, a, grad_a):
        # Multiplying by a boolean mask keeps grad_a's dtype and fuses the branch.
        return grad_a * (z > 0)


class LeakyReLU(Activation):
    """``f(z) = z`` for z > 0, ``0.01 z`` otherwise (PyTorch's default slope)."""

    name = "leaky_relu"
    slope = 0.01

    def forward(self, z):
        # max(z, s z) equals the piecewise form because the slope is below 1.
        return np.maximum(z, self.slope * z)

    def derivative(self, z, a):
        return np.where(z > 0, z.dtype.type(1.0), z.dtype.type(self.slope))

    def backward(self, z, a, grad_a):
        return np.where(z > 0, grad_a, self.slope * grad_a)


class ELU(Activation):
    """``f(z) = z`` for z > 0, ``e^z - 1`` otherwise (alpha = 1); ``f' = a + 1`` for z <= 0."""

    name = "elu"

    def forward(self, z):
        # expm1 only sees z <= 0, so it can never overflow.
        return np.where(z > 0, z, np.expm1(np.minimum(z, 0.0)))

    def derivative(self, z, a):
        return np.where(z > 0, z.dtype.type(1.0), a + 1.0)

    def backward(self, z, a, grad_a):
        return np.where(z > 0, grad_a, grad_a * (a + 1.0))


class Softplus(Activation):
    """``f(z) = log(1 + e^z)`` via ``logaddexp``; ``f' = sigmoid(z) = 1 - e^-a``."""

    name = "softplus"

    def forward(self, z):
        return np.logaddexp(0.0, z)

    def derivative(self, z, a):
        # sigmoid(z) = 1 - exp(-softplus(z)); -expm1(-a) is exact for tiny and huge a alike.
        return -np.expm1(-a)

    def backward(self, z, a, grad_a):
        t = np.expm1(-a)
        t *= grad_a
        np.negative(t, out=t)
        return t


class SiLU(Activation):
    """``f(z) = z sigmoid(z)`` (swish); ``f' = s + a (1 - s)`` with ``s = sigmoid(z)``."""

    name = "silu"

    def forward(self, z):
        return z * sigmoid(z)

    def derivative(self, z, a):
        s = sigmoid(z)
        return s + a * (1.0 - s)

    def backward(self, z, a, grad_a):
        return grad_a * self.derivative(z, a)


class Softmax(Activation):
    """Row-wise softmax, for the output layer only. Its Jacobian is not diagonal."""

    name = "softmax"
    elementwise = False

    def forward(self, z):
        return softmax(z)

    def derivative(self, z, a):
        """Not defined: raises ``TypeError`` (see ``elementwise``)."""
        raise TypeError(
            "softmax has no elementwise derivative: each output depends on the whole row, so "
            "its Jacobian is not diagonal. Use backward(z, a, grad_a) for dL/dz instead, or, "
            "on the output layer, a cross-entropy loss fused with it (cce)."
        )

    def backward(self, z, a, grad_a):
        # Jacobian-vector product: dL/dz_j = a_j (g_j - sum_k g_k a_k), row by row.
        t = grad_a - (grad_a * a).sum(axis=1, keepdims=True)
        t *= a
        return t


for _cls in (Identity, Sigmoid, Tanh, ReLU, LeakyReLU, ELU, Softplus, SiLU, Softmax):
    ACTIVATIONS.add(_cls.name, _cls())
del _cls
