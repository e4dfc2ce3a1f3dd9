"""User CSV files: ``load_csv`` builds a ``Dataset``, ``preview_csv`` feeds the import dialog.

Rules, in one place:

- Encoding UTF-8 (a BOM is fine); delimiter sniffed among comma, semicolon and tab.
- Header: the first row is a header when some column has text there and numbers below;
  otherwise columns are named ``col1 … colN``.
- Target: a column **name** (str) or a **0-based index** (int; negative counts from the end,
  ``-1`` is the last column). Default: the last column, except in a table of image pixels
  and one other column (MNIST's ``label, pixel0 … pixel783``), where it is that column.
  Every other column is an input and must hold numbers.
- Task: inferred from the target (text -> classification; whole numbers with at most 20
  distinct values -> classification; else regression); ``task`` overrides it.
- Errors are ``UserInputError`` naming the file, the row (1-based as in a text editor, header
  counted) and the column.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.data.csv_columns import describe_table_column, input_block, target_column
from core.data.csv_table import DELIMITERS, fail, read_table
from core.data.dataset import make_dataset_from_arrays
from core.data.image_shape import label_beside_pixels
from core.data.split import check_train_ratio


def default_target_index(header):
    """The target when none is chosen: the last column, or the label beside pixels."""
    beside = label_beside_pixels(header)
    return len(header) - 1 if beside is None else beside


def _target_index(table, target):
    """0-based index of the target column chosen by name, index or default (last)."""
    listing = ", ".join(f"{j}: {n}" for j, n in enumerate(table.header))
    if target is None:
        return default_target_index(table.header)
    if isinstance(target, str):
        if target in table.header:
            return table.header.index(target)
        fail(table.path, f"there is no column named {target!r}. Columns (0-based index: "
                         f"name): {listing}.")
    if isinstance(target, (int, np.integer)) and not isinstance(target, bool):
        if -table.n_columns <= target < table.n_columns:
            return int(target) % table.n_columns
        fail(table.path, f"target column index {target} is out of range: the file has "
                         f"{table.n_columns} columns, 0-based (0: first, -1: last). Columns: "
                         f"{listing}.")
    fail(table.path, f"the target must be a column name or a 0-based index, got {target!r}.")


def load_csv(path, target=None, task=None, train_ratio=0.8, seed=0, progress=None):
    """Load a CSV file as a split ``Dataset``.

    Parameters
    ----------
    path : str or Path
    target : str or int, optional
        Target column by name, or by 0-based index (``-1`` = last). Default: last column.
    task : {None, "classification", "binary", "multiclass", "regression"}
        None infers the task from the target column.
    train_ratio : float
        ``0 < train_ratio <= 1``; 1 leaves the test set empty.
    seed : int
        Seed of the (stratified, for classification) split.
    progress : callable, optional
        Called with the fraction of the file read (0..1] as reading goes on; it may raise
        (e.g. to cancel) and the exception propagates, nothing kept.

    Returns
    -------
    Dataset
        ``X`` (n, d) float64 with ``d`` = all columns but the target; ``y`` (n, 1) 0/1 for
        binary, one-hot (n, C) for multi-class, (n, 1) for regression. ``target_names`` keeps
        the class names (strings or numbers as written). ``spec`` holds the path and the
        sha256 of the file's bytes. ``notes`` says how the header was read when that was a
        guess.

    Raises
    ------
    UserInputError
        With the file, row and column, for any malformed content (see the module docstring).
    """
    ratio = check_train_ratio(train_ratio)
    return dataset_from_table(read_table(path, progress), target, task, ratio, seed)


def dataset_from_table(table, target=None, task=None, train_ratio=0.8, seed=0):
    """``load_csv`` on an already read ``CsvTable`` (the import dialog reads a file once)."""
    ratio = check_train_ratio(train_ratio)
    if table.n_rows == 1 and ratio < 1.0:
        fail(table.path, "the file has a single data row, which cannot be split into training "
                         "and test sets. Add rows, or set the train ratio to 1.",
             row=int(table.lines[0]))
    j = _target_index(table, target)
    inputs = [k for k in range(table.n_columns) if k != j]
    X = input_block(table, inputs)
    resolved, y, names = target_column(table, j, task)
    spec = {"source": "csv", "path": str(Path(table.path).resolve()), "sha256": table.sha256,
            "target": table.header[j], "task": resolved, "train_ratio": ratio, "seed": seed}
    dataset = make_dataset_from_arrays(
        X, y, "regression" if resolved == "regression" else "classification",
        name=Path(table.path).stem, input_names=[table.header[k] for k in inputs],
        target_names=names, train_ratio=ratio, seed=seed, spec=spec)
    dataset.notes = list(table.notes)
    if dataset.task != "regression" and len(np.unique(dataset.labels_train)) < 2:
        fail(table.path, f"with train ratio {ratio:g} the training rows hold only one class "
                         "of the target, so there is nothing to tell apart. Use a larger train "
                         "ratio (or add rows).", column=table.header[j])
    return dataset


def load_csv_spec(spec, check_hash=True):
    """Rebuild a CSV dataset from its ``spec`` (without ``"source"``).

    Raises ``UserInputError`` when the file's content changed since the spec was written
    (``check_hash=False`` skips that check).
    """
    ds = load_csv(spec["path"], target=spec.get("target"), task=spec.get("task"),
                  train_ratio=spec.get("train_ratio", 0.8), seed=spec.get("seed", 0))
    expected = spec.get("sha256")
    if check_hash and expected and ds.spec["sha256"] != expected:
        fail(spec["path"], "the file changed since this model was trained (its sha256 "
                           "differs). Restore the original file or retrain.")
    return ds


@dataclass(frozen=True)
class CsvPreview:
    """What the import dialog shows before loading.

    Attributes
    ----------
    path : Path
    delimiter : str
        ``","``, ``";"`` or ``"\\t"``; ``delimiter_name`` is "comma", "semicolon" or "tab".
    has_header : bool
    header : list of str
        Column names (``col1 … colN`` without a header row).
    rows : list of list of str
        The first ``n_rows`` data rows as text.
    column_types : list of str
        Per column over all rows: ``"integer"``, ``"number"``, ``"text"`` or ``"empty"``.
    missing_counts : list of int
        Empty / NA / NaN cells per column.
    n_rows : int
        Total data rows in the file.
    default_target : str
        Name of the column used when none is chosen (the last one, or the label beside
        image pixels).
    suggested_tasks : list of str
        Per column, the task ``load_csv`` would infer with it as the target ("binary",
        "multiclass" or "regression").
    sha256 : str
    notes : list of str
        What was decided about the header when it was a guess.
    """

    path: Path
    delimiter: str
    has_header: bool
    header: list
    rows: list
    column_types: list
    missing_counts: list
    n_rows: int
    default_target: str
    suggested_tasks: list
    sha256: str
    notes: list

    @property
    def delimiter_name(self):
        return DELIMITERS[self.delimiter]

    @property
    def suggested_task(self):
        """Inferred task for the default target."""
        return self.suggest_task(self.default_target)

    def suggest_task(self, target):
        """Inferred task if the column named ``target`` were the target."""
        return self.suggested_tasks[self.header.index(target)]


def preview_csv(path, n_rows=20):
    """Peek at a CSV file for the import dialog.

    Parameters
    ----------
    path : str or Path
    n_rows : int
        Data rows to return for display.

    Returns
    -------
    CsvPreview

    Raises
    ------
    UserInputError
        For problems that stop any import (unreadable, empty, not UTF-8, header only, ragged
        rows). Bad cells do not raise here: they show up as "text" types and missing counts,
        and ``load_csv`` reports them precisely.
    """
    return preview_from_table(read_table(path), n_rows)


def preview_from_table(table, n_rows=20):
    """``preview_csv`` of an already read ``CsvTable``."""
    kinds, missing, tasks = zip(
        *(describe_table_column(table, j) for j in range(table.n_columns)), strict=True
    )
    return CsvPreview(
        path=Path(table.path), delimiter=table.delimiter, has_header=table.has_header,
        header=list(table.header), rows=[[c.strip() for c in r] for r in table.head[:n_rows]],
        column_types=list(kinds), missing_counts=list(missing), n_rows=table.n_rows,
        default_target=table.header[default_target_index(table.header)],
        suggested_tasks=list(tasks), sha256=table.sha256,
        notes=list(table.notes),
    )
