"""Datasets: toy generators, shipped real data, CSV import, derived features, input pipeline.

Importing the package registers every dataset in ``DATASETS`` with display metadata in
``DATASET_INFO``. Selector order (toy classification, toy regression, shipped real data) is
fixed by the modules importing each other: builtin -> regression -> synthetic.
"""

from core.data import builtin  # noqa: F401  (registers every dataset, see above)
from core.data.catalog import (
    DATASET_INFO,
    DATASETS,
    DatasetInfo,
    dataset_from_spec,
    load_dataset,
)
from core.data.csv_loader import CsvPreview, load_csv, load_csv_spec, preview_csv
from core.data.dataset import TASKS, Dataset, encode_labels, make_dataset_from_arrays
from core.data.features import DERIVED_FEATURES, add_features, canonical_features
from core.data.pipeline import InputPipeline
from core.data.regression import true_function
from core.data.resources import resources_dir
from core.data.split import check_seed, check_train_ratio, split_indices

__all__ = [
    "DATASETS",
    "DATASET_INFO",
    "DERIVED_FEATURES",
    "TASKS",
    "CsvPreview",
    "Dataset",
    "DatasetInfo",
    "InputPipeline",
    "add_features",
    "canonical_features",
    "check_seed",
    "check_train_ratio",
    "dataset_from_spec",
    "encode_labels",
    "load_csv",
    "load_csv_spec",
    "load_dataset",
    "make_dataset_from_arrays",
    "preview_csv",
    "resources_dir",
    "split_indices",
    "true_function",
]
