"""Which output activation and loss "Auto" means for a task, and which pairs cannot train.

Qt-free: the hyperparameter panel shows the results as combo texts and a warning line.
"""

from typing import NamedTuple

from core.errors import UserInputError
from core.nn.losses import check_compatible
from core.train.config import TrainConfig


class _TaskOnly(NamedTuple):
    """The part of a dataset that ``TrainConfig.resolved`` reads for output and loss."""

    task: str
    spec: dict


def resolved(task, output_activation, loss):
    """A ``TrainConfig`` with "Auto" (None) output activation and loss resolved for ``task``."""
    config = TrainConfig(output_activation=output_activation, loss=loss)
    return config.resolved(_TaskOnly(task, {}))


def compatibility_problem(task, output_activation, loss):
    """Why the resolved ``output_activation`` and ``loss`` cannot train ``task``, or ``""``."""
    try:
        check_compatible(loss, output_activation)
    except UserInputError as exc:
        return str(exc)
    if task == "regression" and loss != "mse":
        return f"{loss} needs 0/1 class targets; this is a regression task: use mse."
    if task == "binary" and output_activation == "softmax":
        return "softmax needs at least 2 outputs; a binary task has 1 output: use sigmoid."
    return ""
