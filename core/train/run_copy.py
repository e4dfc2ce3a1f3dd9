"""A whole training run copied aside, and a trainer rebuilt from it (Qt-free).

``copy_run(trainer)`` takes what a run needs to continue bit-identically: its dataset, its
(resolved) config, its network's architecture, its input pipeline and its ``state_dict()``
(weights, optimizer state, RNG state, batch order, counters, history; all copies).
``trainer_from_copy(run)`` builds a new ``Trainer`` from that: training it on gives the same
weights and history as the original trainer would have.

The GUI keeps such copies for Edit → Undo of a change that replaced the run
(``gui.undo``); ``core.io.session`` builds trainers the same way from a file.
"""

from dataclasses import dataclass

from core.data import InputPipeline
from core.train.config import TrainConfig


def state_nbytes(value):
    """Approximate memory of a nested state (arrays' bytes plus 64 per other value)."""
    nbytes = getattr(value, "nbytes", None)
    if isinstance(nbytes, int):
        return nbytes
    if isinstance(value, dict):
        return sum(state_nbytes(v) for v in value.values())
    if isinstance(value, list | tuple):
        return sum(state_nbytes(v) for v in value)
    return 64


@dataclass(frozen=True)
class RunCopy:
    """One run, copied (immutable; its arrays are never written).

    Attributes
    ----------
    dataset : Dataset
        The data the run trained on (datasets are never modified in place).
    config : TrainConfig
        The trainer's resolved config.
    network : Network
        An independent copy, used for its architecture (sizes, activations, dtype, dropout).
    pipeline : dict
        ``InputPipeline.to_dict()`` of the run (it may differ from what the config fits:
        weights loaded from a file bring their own input scaling).
    state : dict
        ``Trainer.state_dict()``.
    """

    dataset: object
    config: TrainConfig
    network: object
    pipeline: dict
    state: dict

    @property
    def step_count(self):
        """Weight updates the run had made."""
        return int(self.state["step_count"])

    @property
    def epoch(self):
        """Completed epochs."""
        return int(self.state["epoch"])

    @property
    def nbytes(self):
        """Approximate memory held (the state and the network copy; the dataset is shared)."""
        return state_nbytes(self.state) + sum(p.nbytes for p in self.network.params())


def copy_run(trainer):
    """A :class:`RunCopy` of ``trainer`` now (copies; ``trainer`` is not changed)."""
    return RunCopy(trainer.dataset, trainer.config, trainer.network.copy(),
                   trainer.pipeline.to_dict(), trainer.state_dict())


def trainer_from_state(dataset, config, state, network=None, pipeline=None):
    """A new ``Trainer`` on ``dataset`` with ``config``, put into ``state``.

    Parameters
    ----------
    dataset : Dataset
    config : TrainConfig
    state : dict
        A ``Trainer.state_dict()`` of a run with this data and architecture.
    network : Network, optional
        Architecture to build on (it is used as is: pass a copy); default: ``config``'s.
    pipeline : InputPipeline, optional
        Input scaling to use when it differs from what ``config`` fits on ``dataset``.

    Returns
    -------
    Trainer
    """
    from core.train.trainer import Trainer

    trainer = Trainer(dataset, config, network=network)
    trainer.load_state_dict(state)
    if pipeline is not None and pipeline.to_dict() != trainer.pipeline.to_dict():
        trainer.set_pipeline(pipeline)
    return trainer


def trainer_from_copy(run):
    """A new ``Trainer`` exactly where ``run`` (a :class:`RunCopy`) was; ``run`` is kept."""
    return trainer_from_state(run.dataset, run.config, run.state, network=run.network.copy(),
                              pipeline=InputPipeline.from_dict(run.pipeline))
