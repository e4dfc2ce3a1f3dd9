"""A new train/test split of a dataset's rows without reading its source again.

A CSV dataset knows the file order of its rows (``Dataset.row_order``), so a new train share
or seed needs only the rows already in memory: ``resplit`` returns exactly what reading the
file again with the new ratio and seed would (same rows, same order, same values), in the
time of one gather of the arrays instead of a parse of the file.
"""

import dataclasses

import numpy as np

from core.data.csv_table import fail
from core.data.split import check_seed, check_train_ratio, split_indices
from core.errors import UserInputError


def can_resplit(dataset):
    """True when ``dataset`` carries the source order of all its rows."""
    order = dataset.row_order
    return order is not None and len(order) == dataset.n_train + dataset.n_test


def _source_positions(dataset):
    """``(n,)`` int: where source row ``i`` sits in the training rows followed by the test
    rows."""
    positions = np.empty(len(dataset.row_order), dtype=np.int64)
    positions[dataset.row_order] = np.arange(len(dataset.row_order))
    return positions


def _gather(train, test, places):
    """Rows ``places`` of ``train`` stacked over ``test`` (shapes ``(n_train, k)``,
    ``(n_test, k)``) without building the stack; returns ``(len(places), k)``."""
    out = np.empty((len(places), train.shape[1]), dtype=train.dtype)
    in_train = places < len(train)
    out[in_train] = train[places[in_train]]
    out[~in_train] = test[places[~in_train] - len(train)]
    return out


def resplit(dataset, train_ratio, seed):
    """``dataset`` split anew with ``train_ratio`` and ``seed``.

    Parameters
    ----------
    dataset : Dataset
        With ``row_order`` (see ``can_resplit``); its arrays are not changed.
    train_ratio : float
        ``0 < train_ratio <= 1``.
    seed : int

    Returns
    -------
    Dataset
        Arrays ``X_train (n_train', d)``, ``y_train (n_train', k)``, ``X_test``, ``y_test``
        equal to those of ``make_dataset_from_arrays`` on the source rows with these
        settings (stratified for classification); ``spec`` with the new ratio and seed.

    Raises
    ------
    UserInputError
        Bad ratio or seed, a single row with a ratio below 1, or (classification) a training
        set that would hold one class only.
    """
    ratio, seed = check_train_ratio(train_ratio), check_seed(seed)
    if not can_resplit(dataset):
        raise ValueError("this dataset does not know the source order of its rows")
    places = _source_positions(dataset)
    labels = None
    if dataset.is_classification:
        labels = np.concatenate([dataset.labels_train, dataset.labels_test])[places]
    train_rows, test_rows = split_indices(len(places), ratio, np.random.default_rng(seed),
                                          labels)
    parts = {}
    for name, rows in (("train", train_rows), ("test", test_rows)):
        for kind in ("X", "y"):
            parts[f"{kind}_{name}"] = _gather(getattr(dataset, f"{kind}_train"),
                                              getattr(dataset, f"{kind}_test"), places[rows])
    spec = {**dataset.spec, "train_ratio": ratio, "seed": seed}
    new = dataclasses.replace(dataset, **parts, spec=spec, notes=list(dataset.notes),
                              row_order=np.concatenate([train_rows, test_rows]))
    if new.is_classification and len(np.unique(new.labels_train)) < 2:
        message = (f"with train ratio {ratio:g} the training rows hold only one class of the "
                   "target, so there is nothing to tell apart. Use a larger train ratio (or "
                   "add rows).")
        if spec.get("source") == "csv":  # the words load_csv uses for the same problem
            fail(spec["path"], message, column=spec.get("target"))
        raise UserInputError(message[0].upper() + message[1:])
    return new
