"""Gradient-descent optimizers with PyTorch's ``torch.optim`` formulas and defaults.

Every optimizer updates the parameter arrays it was given **in place** and returns the change
it applied, so the GUI can show Δw (the shared machinery, state buffers and saving are in
``core.optim.base.Optimizer``, importable from here too). Each update works on
preallocated buffers with in-place ufuncs, one row at a time from ``Optimizer._rows``: one row
per parameter, or a single row over every parameter at once (see ``core.optim.base``).

Each class's ``HYPERPARAMETERS`` maps a name to a ``core.optim.hyperparams.Hyper`` (default and
valid
range): the GUI builds its spin boxes from it and the command line validates with it.
"""

import math

import numpy as np

from core.errors import UserInputError
from core.optim.base import Optimizer
from core.optim.hyperparams import Hyper
from core.registry import Registry

OPTIMIZERS = Registry("optimizer")


#: Largest learning rate accepted. The optimizers take any rate down to 0 (a schedule may
#: reach 0); a user's base rate must be above 0 (``TrainConfig.validate``).
MAX_LR = 10.0


def _lr(default):
    return Hyper(default, 0.0, MAX_LR, "learning rate (step size)")


_WEIGHT_DECAY = Hyper(0.0, 0.0, 1.0, "L2 penalty added to the gradient: g + weight_decay·w")
_MOMENTUM = Hyper(0.0, 0.0, 1.0, "momentum factor (0 = none)", open_high=True)


@OPTIMIZERS.register("sgd")
class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum, as ``torch.optim.SGD``.

    ``g ← g + λw``; with momentum μ: ``b ← g`` on the first step, else ``b ← μb + (1−τ)g``;
    ``g ← g + μb`` (Nesterov) or ``g ← b``; then ``w ← w − lr·g``.
    """

    name = "sgd"
    HYPERPARAMETERS = {
        "lr": _lr(0.01),
        "momentum": _MOMENTUM,
        "dampening": Hyper(0.0, 0.0, 1.0, "fraction of the new gradient left out of momentum"),
        "weight_decay": _WEIGHT_DECAY,
        "nesterov": Hyper(False, doc="look-ahead (Nesterov) momentum"),
    }
    BUFFERS = ("momentum_buffer",)

    @classmethod
    def validate(cls, **hyper):
        values = super().validate(**hyper)
        if values["nesterov"] and (values["momentum"] <= 0 or values["dampening"] != 0):
            raise UserInputError(
                f"{cls.name} optimizer: Nesterov momentum needs momentum > 0 and dampening = 0 "
                f"(got momentum {values['momentum']}, dampening {values['dampening']})."
            )
        return values

    def _update(self, grads):
        h = self._hyper
        mu, keep, wd = h["momentum"], 1.0 - h["dampening"], h["weight_decay"]
        nesterov, neg_lr, first = h["nesterov"], -self._lr, self.t == 1
        if not (mu or wd):  # plain SGD, the most common case: keep its loop minimal
            for p, g, d, *_ in self._rows(grads):
                np.multiply(g, neg_lr, out=d)
                p += d
            return
        for p, g, d, tmp, buf in self._rows(grads):
            if wd:
                g = self._decayed(p, g, d)
            if mu:
                if first:  # PyTorch starts the buffer at g, without dampening
                    np.copyto(buf, g)
                else:
                    buf *= mu
                    if keep != 1.0:
                        buf += np.multiply(g, keep, out=tmp)
                    else:
                        buf += g
                g = np.add(g, np.multiply(buf, mu, out=tmp), out=d) if nesterov else buf
            np.multiply(g, neg_lr, out=d)
            p += d


@OPTIMIZERS.register("momentum")
class Momentum(SGD):
    """SGD with momentum 0.9 (``torch.optim.SGD(momentum=0.9)``)."""

    name = "momentum"
    HYPERPARAMETERS = {**SGD.HYPERPARAMETERS, "momentum": _MOMENTUM._replace(default=0.9)}


@OPTIMIZERS.register("nesterov")
class Nesterov(SGD):
    """SGD with Nesterov momentum 0.9 (``torch.optim.SGD(momentum=0.9, nesterov=True)``)."""

    name = "nesterov"
    HYPERPARAMETERS = {
        **SGD.HYPERPARAMETERS,
        "momentum": _MOMENTUM._replace(default=0.9),
        "nesterov": SGD.HYPERPARAMETERS["nesterov"]._replace(default=True),
    }


@OPTIMIZERS.register("adagrad")
class Adagrad(Optimizer):
    """Adagrad as ``torch.optim.Adagrad``.

    ``g ← g + λw``; ``s ← s + g²``; ``w ← w − lr/(1 + (t−1)·lr_decay) · g/(√s + ε)``.
    """

    name = "adagrad"
    HYPERPARAMETERS = {
        "lr": _lr(0.01),
        "lr_decay": Hyper(0.0, 0.0, 1.0, "learning-rate decay per step"),
        "weight_decay": _WEIGHT_DECAY,
        "initial_accumulator_value": Hyper(0.0, 0.0, 10.0, "starting value of the sum of g²"),
        "eps": Hyper(1e-10, 0.0, 1.0, "added to the denominator for stability"),
    }
    BUFFERS = ("sum",)
    NONNEGATIVE = ("sum",)

    def __init__(self, params, lr=None, **hyper):
        super().__init__(params, lr=lr, **hyper)
        for s in self._state["sum"]:
            s.fill(self._hyper["initial_accumulator_value"])

    def _update(self, grads):
        h = self._hyper
        eps, wd = h["eps"], h["weight_decay"]
        neg_clr = -self._lr / (1.0 + (self.t - 1) * h["lr_decay"])
        for p, g, d, tmp, s in self._rows(grads):
            if wd:
                g = self._decayed(p, g, d)
            s += np.multiply(g, g, out=tmp)
            np.sqrt(s, out=tmp)
            tmp += eps
            np.divide(g, tmp, out=d)
            d *= neg_clr
            p += d


@OPTIMIZERS.register("rmsprop")
class RMSprop(Optimizer):
    """RMSprop as ``torch.optim.RMSprop``.

    ``g ← g + λw``; ``v ← αv + (1−α)g²``; centered: ``ḡ ← lerp(ḡ, g, 1−α)``, ``v′ = v − ḡ²``;
    ``u = g/(√v′ + ε)``; with momentum ``b ← μb + u``, ``w ← w − lr·b``, else ``w ← w − lr·u``.
    """

    name = "rmsprop"
    HYPERPARAMETERS = {
        "lr": _lr(0.01),
        "alpha": Hyper(0.99, 0.0, 1.0, "smoothing of the running mean of g²", open_high=True),
        "eps": Hyper(1e-8, 0.0, 1.0, "added to the denominator for stability"),
        "weight_decay": _WEIGHT_DECAY,
        "momentum": _MOMENTUM,
        "centered": Hyper(False, doc="normalise by the variance of g instead of its mean square"),
    }
    BUFFERS = ("square_avg", "grad_avg", "momentum_buffer")
    NONNEGATIVE = ("square_avg",)

    def _update(self, grads):
        h = self._hyper
        alpha, rest, eps = h["alpha"], 1.0 - h["alpha"], h["eps"]
        wd, mu, centered, neg_lr = h["weight_decay"], h["momentum"], h["centered"], -self._lr
        for p, g, d, tmp, v, gbar, buf in self._rows(grads):
            if wd:
                g = self._decayed(p, g, d)
            v *= alpha
            np.multiply(g, g, out=tmp)
            tmp *= rest
            v += tmp
            if centered:
                np.subtract(g, gbar, out=tmp)  # lerp, as PyTorch: ḡ + (1−α)(g − ḡ)
                tmp *= rest
                gbar += tmp
                np.subtract(v, np.multiply(gbar, gbar, out=tmp), out=tmp)
                np.sqrt(tmp, out=tmp)
            else:
                np.sqrt(v, out=tmp)
            tmp += eps
            if mu > 0:
                buf *= mu
                buf += np.divide(g, tmp, out=tmp)
                np.multiply(buf, neg_lr, out=d)
            else:
                np.divide(g, tmp, out=d)
                d *= neg_lr
            p += d


@OPTIMIZERS.register("adam")
class Adam(Optimizer):
    """Adam as ``torch.optim.Adam`` (L2 ``weight_decay`` added to the gradient).

    ``m ← lerp(m, g, 1−β₁)``; ``v ← β₂v + (1−β₂)g²`` (AMSGrad: use ``v̂ = max(v̂, v)``);
    ``w ← w − lr/(1−β₁ᵗ) · m / (√v / √(1−β₂ᵗ) + ε)``.
    """

    name = "adam"
    HYPERPARAMETERS = {
        "lr": _lr(1e-3),
        "betas": Hyper(
            (0.9, 0.999), 0.0, 1.0, "decay of the running means of g and g²", open_high=True
        ),
        "eps": Hyper(1e-8, 0.0, 1.0, "added to the denominator for stability"),
        "weight_decay": _WEIGHT_DECAY,
        "amsgrad": Hyper(False, doc="use the running maximum of v (AMSGrad)"),
    }
    BUFFERS = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    NONNEGATIVE = ("exp_avg_sq", "max_exp_avg_sq")
    decoupled = False  # AdamW decays the weights directly instead of adding λw to g

    def _update(self, grads):
        h = self._hyper
        (b1, b2), eps, wd, amsgrad = h["betas"], h["eps"], h["weight_decay"], h["amsgrad"]
        lr, t = self._lr, self.t
        neg_step = -lr / (1.0 - b1**t)
        bc2_sqrt = math.sqrt(1.0 - b2**t)
        neg_decay = -lr * wd
        for p, g, d, tmp, m, v, vmax in self._rows(grads):
            if wd and not self.decoupled:
                g = self._decayed(p, g, d)
            np.subtract(g, m, out=tmp)  # lerp, as PyTorch: m + (1−β₁)(g − m)
            tmp *= 1.0 - b1
            m += tmp
            v *= b2
            np.multiply(g, g, out=tmp)
            tmp *= 1.0 - b2
            v += tmp
            if amsgrad:
                v = np.maximum(vmax, v, out=vmax)
            np.sqrt(v, out=tmp)
            tmp /= bc2_sqrt
            tmp += eps
            np.divide(m, tmp, out=d)
            d *= neg_step
            if wd and self.decoupled:
                d += np.multiply(p, neg_decay, out=tmp)
            p += d


@OPTIMIZERS.register("adamw")
class AdamW(Adam):
    """AdamW as ``torch.optim.AdamW``: Adam with decoupled decay ``w ← w − lr·λ·w``."""

    name = "adamw"
    HYPERPARAMETERS = {
        **Adam.HYPERPARAMETERS,
        "weight_decay": Hyper(0.01, 0.0, 1.0, "decoupled weight decay: w ← w − lr·weight_decay·w"),
    }
    decoupled = True


def clip_grad_norm(grads, max_norm):
    """Scale ``grads`` in place so their joint L2 norm is at most ``max_norm``.

    As ``torch.nn.utils.clip_grad_norm_``: the norm is over all gradients concatenated; when it
    exceeds ``max_norm`` every gradient is multiplied by ``max_norm / (norm + 1e-6)``.

    Parameters
    ----------
    grads : list of np.ndarray
        Gradients of any shapes; modified in place.
    max_norm : float
        Largest allowed norm, > 0.

    Returns
    -------
    float
        The total norm before clipping.
    """
    if not max_norm > 0:
        raise UserInputError(f"Gradient clipping norm must be > 0, got {max_norm!r}.")
    total = 0.0
    for g in grads:
        flat = g.reshape(-1)
        total += float(np.dot(flat, flat))
    total = math.sqrt(total)
    if total > max_norm:
        scale = float(max_norm) / (total + 1e-6)
        for g in grads:
            g *= scale
    return total
