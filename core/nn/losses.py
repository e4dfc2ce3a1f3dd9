"""Loss functions: a scalar measuring how far the network's outputs ``a`` are from targets ``y``.

All losses are means over the batch of ``n`` rows; MSE is a mean over all ``n * k`` elements,
as PyTorch's default. Cross-entropies are computed from the logits ``z`` of the output layer
(``value_from_logits``, ``grad_from_logits``), fused with their link activation (sigmoid for
BCE, softmax for CCE): this is stable for any ``z`` and gives the exact gradient
``(link(z) - y) / n``. ``value``/``grad`` on activations are kept for completeness and clip
``a`` away from 0 and 1.

The registry ``LOSSES`` maps a name to a shared, stateless instance.
"""

import numpy as np

from core.errors import UserInputError
from core.nn.activations import ACTIVATIONS, log_softmax, sigmoid, softmax
from core.registry import Registry

LOSSES = Registry("loss")


def _clip_probabilities(a):
    """``a`` clipped to ``[eps, 1 - eps]`` (eps of its dtype), so logs and divisions stay finite."""
    eps = float(np.finfo(a.dtype).eps)
    return np.clip(a, eps, 1.0 - eps)


class Loss:
    """Base class. ``link`` names the output activation the loss fuses with, or None."""

    name = "loss"
    link = None

    def value(self, a, y):
        """Loss of outputs ``a`` against targets ``y`` (both (n, k)), as a Python float."""
        raise NotImplementedError

    def grad(self, a, y):
        """``dL/da``, shape (n, k), same dtype as ``a``."""
        raise NotImplementedError

    def value_from_logits(self, z, y):
        """Loss from the output logits ``z`` (n, k); valid when the output uses ``link``.

        Raises ``TypeError`` for a loss without a ``link`` (MSE): use ``value(a, y)``.
        """
        raise self._not_fused("value_from_logits", "value(a, y) on the output activations a")

    def grad_from_logits(self, z, y):
        """``dL/dz`` (n, k) from logits ``z``: ``(link(z) - y) / n``.

        Raises ``TypeError`` for a loss without a ``link`` (MSE): use ``grad(a, y)`` and the
        output activation's ``backward``.
        """
        raise self._not_fused("grad_from_logits", "grad(a, y) (that is dL/da) and pass it "
                              "through the output activation's backward(z, a, grad_a)")

    def link_and_value(self, z, y):
        """``(link(z), value_from_logits(z, y))``: the output activation (n, k) and the loss,
        sharing whatever work they have in common (the training forward pass needs both).

        Raises ``TypeError`` for a loss without a ``link`` (MSE).
        """
        if self.link is None:
            raise self._not_fused("link_and_value", "the output activation's forward(z), "
                                  "then value(a, y)")
        return ACTIVATIONS.get(self.link).forward(z), self.value_from_logits(z, y)

    def grad_from_link_output(self, a, y):
        """``dL/dz`` (n, k) given ``a = link(z)`` already computed by the forward pass.

        Same value as ``grad_from_logits(z, y)``; saves recomputing the link on the hot path.
        Raises ``TypeError`` for a loss without a ``link`` (MSE), as ``grad_from_logits``.
        """
        if self.link is None:
            raise self._not_fused("grad_from_link_output", "grad(a, y) (that is dL/da) and "
                                  "pass it through the output activation's backward(z, a, grad_a)")
        g = a - y
        g *= 1.0 / a.shape[0]
        return g

    def _not_fused(self, method, instead):
        """The error for a logits-form method called on a loss it does not apply to."""
        if self.link is None:
            return TypeError(
                f"Loss {self.name!r} has no {method}: it is not fused with an output "
                f"activation (only 'bce' with a sigmoid output and 'cce' with a softmax "
                f"output are). Use {instead} instead."
            )
        return NotImplementedError(f"{type(self).__name__} must implement {method}")

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r}, link={self.link!r})"


class MSE(Loss):
    """Mean squared error ``mean((a - y)^2)`` over all n*k elements; ``dL/da = 2 (a - y)/(n k)``."""

    name = "mse"

    def value(self, a, y):
        d = a - y
        return float(np.vdot(d, d)) / d.size

    def grad(self, a, y):
        g = a - y
        g *= 2.0 / g.size
        return g


class BCE(Loss):
    """Binary cross-entropy ``-sum(y log a + (1 - y) log(1 - a)) / n`` with ``a = sigmoid(z)``.

    From logits it equals ``sum(softplus(z) - y z) / n`` (summed over outputs, mean over rows).
    """

    name = "bce"
    link = "sigmoid"

    def value(self, a, y):
        a = _clip_probabilities(a)
        total = np.sum(y * np.log(a) + (1.0 - y) * np.log1p(-a))
        return -float(total) / a.shape[0]

    def grad(self, a, y):
        a = _clip_probabilities(a)
        g = a - y
        g /= a * (1.0 - a)
        g *= 1.0 / a.shape[0]
        return g

    def value_from_logits(self, z, y):
        t = np.logaddexp(0.0, z)
        t -= y * z
        return float(t.sum()) / z.shape[0]

    def grad_from_logits(self, z, y):
        return self.grad_from_link_output(sigmoid(z), y)


class CCE(Loss):
    """Categorical cross-entropy ``-sum(y log a) / n``, ``a = softmax(z)``, ``y`` one-hot (n, C)."""

    name = "cce"
    link = "softmax"

    def value(self, a, y):
        return -float(np.sum(y * np.log(_clip_probabilities(a)))) / a.shape[0]

    def grad(self, a, y):
        g = -y / _clip_probabilities(a)
        g *= 1.0 / a.shape[0]
        return g

    def value_from_logits(self, z, y):
        return -float(np.vdot(y, log_softmax(z))) / z.shape[0]

    def link_and_value(self, z, y):
        # softmax and log_softmax share the shifted logits and the row sums of their exp:
        # the same operations as softmax(z) and log_softmax(z), so the same bits, once.
        s = z - z.max(axis=1, keepdims=True)
        a = np.exp(s)
        total = a.sum(axis=1, keepdims=True)
        a /= total
        s -= np.log(total)
        return a, -float(np.vdot(y, s)) / z.shape[0]

    def grad_from_logits(self, z, y):
        return self.grad_from_link_output(softmax(z), y)


for _cls in (MSE, BCE, CCE):
    LOSSES.add(_cls.name, _cls())
del _cls


def check_compatible(loss_name, output_activation_name):
    """Raise ``UserInputError`` unless the loss can be used with the output activation.

    BCE needs a sigmoid output (probabilities of independent 0/1 targets) and CCE a softmax
    output (a distribution over classes). MSE accepts any output activation.

    Parameters
    ----------
    loss_name : str
        A name in ``LOSSES``.
    output_activation_name : str
        A name in ``ACTIVATIONS``.
    """
    loss = LOSSES.get(loss_name)
    ACTIVATIONS.get(output_activation_name)
    if loss.link is not None and loss.link != output_activation_name:
        # The fix that trains: the cross-entropy made for this output if it has one (MSE on
        # a softmax output trains badly), else the output this loss is made for.
        own = next((n for n in LOSSES.names() if LOSSES.get(n).link == output_activation_name),
                   "mse")
        raise UserInputError(
            f"Loss {loss_name!r} needs a {loss.link!r} output activation, but the output layer "
            f"uses {output_activation_name!r}. Set the output activation to {loss.link!r}, or "
            f"choose the loss {own!r}."
        )
