"""Backprop Studio core: a from-scratch NumPy neural-network engine (no Qt).

Train from a Python shell with nothing but this package::

    from core import TrainConfig, Trainer, load_dataset
    trainer = Trainer(load_dataset("circles"), TrainConfig(hidden=(16, 8), activation="relu"))
    trainer.train(epochs=200)
    print(trainer.history.last())
"""

from core.activations import ACTIVATIONS
from core.config import TrainConfig
from core.datasets import (
    DATASETS,
    DERIVED_FEATURES,
    Dataset,
    InputPipeline,
    load_csv,
    load_dataset,
)
from core.errors import TrainingDiverged, UserInputError
from core.history import History
from core.initializers import INITIALIZERS
from core.losses import LOSSES
from core.network import DenseLayer, Network
from core.optimizers import OPTIMIZERS
from core.registry import Registry
from core.schedules import SCHEDULES
from core.snapshot import Snapshot, SurfaceGrid, TrainerInfo, surface_for_columns, take_snapshot
from core.trainer import Trainer
from core.weights_io import load_weights, load_weights_into, save_weights

__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "DERIVED_FEATURES",
    "INITIALIZERS",
    "LOSSES",
    "OPTIMIZERS",
    "SCHEDULES",
    "Dataset",
    "DenseLayer",
    "History",
    "InputPipeline",
    "Network",
    "Registry",
    "Snapshot",
    "SurfaceGrid",
    "TrainConfig",
    "Trainer",
    "TrainerInfo",
    "TrainingDiverged",
    "UserInputError",
    "load_csv",
    "load_dataset",
    "load_weights",
    "load_weights_into",
    "save_weights",
    "surface_for_columns",
    "take_snapshot",
]
