"""Backprop Studio core: a from-scratch NumPy neural-network engine (no Qt).

Train from a Python shell with nothing but this package::

    from core import TrainConfig, Trainer, load_dataset
    trainer = Trainer(load_dataset("circles"), TrainConfig(hidden=(16, 8), activation="relu"))
    trainer.train(epochs=200)
    print(trainer.history.last())
"""

from core.data import (
    DATASETS,
    DERIVED_FEATURES,
    Dataset,
    InputPipeline,
    load_csv,
    load_dataset,
)
from core.errors import TrainingDiverged, UserInputError
from core.io.weights_files import load_weights_into
from core.io.weights_npz import load_weights, save_weights
from core.nn.activations import ACTIVATIONS
from core.nn.initializers import INITIALIZERS
from core.nn.losses import LOSSES
from core.nn.network import DenseLayer, Network
from core.optim.optimizers import OPTIMIZERS
from core.optim.schedules import SCHEDULES
from core.registry import Registry
from core.train.config import TrainConfig
from core.train.history import History
from core.train.trainer import Trainer
from core.watch.snapshot import (
    Snapshot,
    SurfaceGrid,
    TrainerInfo,
    surface_for_columns,
    take_snapshot,
)

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
