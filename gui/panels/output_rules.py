"""Which output activation and loss "Auto" means for a task, which pairs cannot train, and
how a run's choice adapts when the data changes task.

Qt-free: the hyperparameter panel shows the results as combo texts and a warning line; the
session adapts the config when another dataset is chosen (``adapt_to_dataset``).
"""

import dataclasses
from typing import NamedTuple

from core.errors import UserInputError
from core.nn.losses import check_compatible
from core.train.config import TrainConfig

#: Output activations whose values are bounded: a regression target can lie outside them.
BOUNDED_OUTPUTS = ("sigmoid", "tanh", "softmax")


class _TaskOnly(NamedTuple):
    """The part of a dataset that ``TrainConfig.resolved`` reads for output and loss."""

    task: str
    spec: dict


def resolved(task, output_activation, loss):
    """A ``TrainConfig`` with "Auto" (None) output activation and loss resolved for ``task``."""
    config = TrainConfig(output_activation=output_activation, loss=loss)
    return config.resolved(_TaskOnly(task, {}))


def compatibility_problem(task, output_activation, loss):
    """Why the resolved ``output_activation`` and ``loss`` cannot train ``task``, or ``""``.

    The task rules come first: their fix is the one that works for this data.
    """
    if task == "regression" and loss != "mse":
        return f"{loss} needs 0/1 class targets; this is a regression task: use mse."
    if task == "binary" and output_activation == "softmax":
        return ("softmax needs at least 2 outputs; a binary task has 1 output: use sigmoid "
                "with bce.")
    try:
        check_compatible(loss, output_activation)
    except UserInputError as exc:
        return str(exc)
    return ""


def fits_task(task, output_activation, loss):
    """Whether the resolved pair suits ``task``: it trains, and its outputs mean what the
    targets mean (one softmax distribution over ≥ 3 classes, unbounded regression values)."""
    if compatibility_problem(task, output_activation, loss):
        return False
    if task == "multiclass":
        return output_activation == "softmax"
    if task == "regression":
        return output_activation not in BOUNDED_OUTPUTS
    return True


def task_words(dataset):
    """``"3 classes"``, ``"2 classes"`` or ``"regression"``: what the output must fit."""
    if dataset.task == "regression":
        return "regression"
    return f"{dataset.n_classes} classes"


def adapt_to_dataset(config, dataset):
    """``(config, note)``: ``config`` made to fit ``dataset``, and one sentence saying what
    changed (``""`` when nothing had to).

    An output activation and loss that do not suit the data's task go back to "Auto"
    (sigmoid + bce for 2 classes, softmax + cce for 3 or more, identity + mse for
    regression); early stopping, which watches the test loss, goes off when the data has
    no test rows.
    """
    notes = []
    chosen = config.resolved(dataset)
    if not fits_task(dataset.task, chosen.output_activation, chosen.loss):
        config = dataclasses.replace(config, output_activation=None, loss=None)
        auto = config.resolved(dataset)
        notes.append(f"Output layer and loss set to Auto ({auto.output_activation} + "
                     f"{auto.loss}) for {task_words(dataset)}, replacing "
                     f"{chosen.output_activation} + {chosen.loss}.")
    if config.early_stopping is not None and dataset.n_test == 0:
        config = dataclasses.replace(config, early_stopping=None)
        notes.append("Early stopping turned off: this data has no test rows to watch.")
    return config, " ".join(notes)
