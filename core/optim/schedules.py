"""Learning-rate schedules: the learning rate as a closed-form function of the epoch.

Each matches a PyTorch ``torch.optim.lr_scheduler`` class stepped once per epoch:
``lr_at(e)`` is the rate PyTorch's scheduler reports after ``e`` calls to ``step()``, i.e. the
rate used during epoch ``e`` (0-based). Closed forms keep a schedule stateless, so a restored
trainer needs nothing but its epoch count.
"""

import math

from core.optim.hyperparams import Hyper, check_params
from core.registry import Registry

SCHEDULES = Registry("learning-rate schedule")

_BASE_LR = Hyper(0.03, 0.0, 10.0, "learning rate at epoch 0")


class Schedule:
    """Base class.

    Parameters
    ----------
    base_lr : float
        Learning rate at epoch 0.
    **params
        Settings named in ``PARAMETERS``; ``UserInputError`` if unknown or out of range.
    """

    name = "schedule"
    PARAMETERS: dict = {}

    def __init__(self, base_lr, **params):
        owner = f"{self.name} schedule"
        self.base_lr = _BASE_LR.check(owner, "base_lr", base_lr)
        self._params = check_params(owner, self.PARAMETERS, params)
        for key, value in self._params.items():
            setattr(self, key, value)

    def parameters(self):
        """Current settings (without ``base_lr``), for display and saving."""
        return dict(self._params)

    def lr_at(self, epoch):
        """Learning rate (float) for 0-based ``epoch`` >= 0."""
        raise NotImplementedError

    def __repr__(self):
        params = "".join(f", {k}={v!r}" for k, v in self._params.items())
        return f"{type(self).__name__}(base_lr={self.base_lr!r}{params})"


@SCHEDULES.register("constant")
class Constant(Schedule):
    """The same learning rate every epoch."""

    name = "constant"

    def lr_at(self, epoch):
        return self.base_lr


@SCHEDULES.register("step")
class StepDecay(Schedule):
    """``base_lr · gamma^⌊epoch / step_size⌋``, as ``torch.optim.lr_scheduler.StepLR``."""

    name = "step"
    PARAMETERS = {
        "step_size": Hyper(100, 1, 1_000_000, "epochs between two decays"),
        "gamma": Hyper(0.5, 0.0, 1.0, "factor applied at each decay"),
    }

    def lr_at(self, epoch):
        return self.base_lr * self.gamma ** (epoch // self.step_size)


@SCHEDULES.register("exponential")
class ExponentialDecay(Schedule):
    """``base_lr · gamma^epoch``, as ``torch.optim.lr_scheduler.ExponentialLR``."""

    name = "exponential"
    PARAMETERS = {"gamma": Hyper(0.99, 0.0, 1.0, "factor applied every epoch")}

    def lr_at(self, epoch):
        return self.base_lr * self.gamma**epoch


@SCHEDULES.register("cosine")
class CosineAnnealing(Schedule):
    """``η_min + (base_lr − η_min)(1 + cos(π·epoch/T_max))/2``, as ``CosineAnnealingLR``.

    Pass ``T_max`` = the number of training epochs so the rate reaches ``eta_min`` at the end;
    past ``T_max`` the cosine rises again, as in PyTorch.
    """

    name = "cosine"
    PARAMETERS = {
        "T_max": Hyper(1000, 1, 10_000_000, "epochs from base_lr down to eta_min"),
        "eta_min": Hyper(0.0, 0.0, 10.0, "lowest learning rate"),
    }

    def lr_at(self, epoch):
        cos = math.cos(math.pi * epoch / self.T_max)
        return self.eta_min + (self.base_lr - self.eta_min) * (1.0 + cos) / 2.0
