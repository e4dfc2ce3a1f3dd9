"""Turning the text columns of a ``CsvTable`` into inputs and targets.

Task inference for the target column: any non-numeric cell -> classification (class names
are the strings); whole numbers with at most ``MAX_INTEGER_CLASSES`` distinct values ->
classification; anything else -> regression. Classes are sorted (numerically for numbers),
so class index ``i`` is the ``i``-th name.
"""

import numpy as np

from core.datasets.csv_table import fail, is_missing, is_number

MAX_INTEGER_CLASSES = 20
CLASSIFICATION_TASKS = ("classification", "binary", "multiclass")
TASK_CHOICES = (*CLASSIFICATION_TASKS, "regression")


def _floats(cells):
    """Cells as float64 (n,), or None if any cell is not a finite number."""
    try:
        values = np.array(cells, dtype=np.float64)
    except ValueError:
        return None
    return values if np.all(np.isfinite(values)) else None


def _task_from(values, n_text_classes):
    """Task for a target given its numeric values (None when it holds text)."""
    if values is None:
        n_classes = n_text_classes
    else:
        uniq = np.unique(values)
        if len(uniq) > MAX_INTEGER_CLASSES or np.any(uniq != np.round(uniq)):
            return "regression"
        n_classes = len(uniq)
    return "binary" if n_classes <= 2 else "multiclass"


def describe_column(cells):
    """Type, missing-cell count and inferred target task of one column.

    Returns
    -------
    kind : {"integer", "number", "text", "empty"}
        Over the non-missing cells.
    n_missing : int
        Empty / NA / NaN cells.
    task : {"binary", "multiclass", "regression"}
        What ``load_csv`` would infer with this column as the target.
    """
    values = _floats(cells)  # fast path: a clean numeric column has nothing missing
    present = cells
    if values is None:
        present = [c for c in cells if not is_missing(c)]
        values = _floats(present)
    n_missing = len(cells) - len(present)
    if not present:
        return "empty", n_missing, "binary"
    if values is None:
        return "text", n_missing, _task_from(None, len({c.strip() for c in present}))
    kind = "integer" if np.all(values == np.round(values)) else "number"
    return kind, n_missing, _task_from(values, 0)


def infer_task(cells):
    """Default task for a target column: ``"binary"``, ``"multiclass"`` or ``"regression"``."""
    return describe_column(cells)[2]


def check_no_missing(table, j):
    """Raise for the first empty / NA / NaN cell of column ``j``."""
    for cell, line in zip(table.column(j), table.lines, strict=True):
        if is_missing(cell):
            cell = cell.strip()
            shown = "is empty" if cell == "" else f"holds the missing-value marker {cell!r}"
            fail(table.path, f"the cell {shown}. Fill it in or delete the row.",
                 row=line, column=table.header[j])


def _first_non_number(table, j, message):
    for cell, line in zip(table.column(j), table.lines, strict=True):
        if not is_number(cell):
            fail(table.path, message(cell.strip()), row=line, column=table.header[j])
    raise AssertionError("unreachable: some cell failed to convert")


def numeric_column(table, j):
    """Input column ``j`` as float64 (n,); the first bad cell raises with its row and column."""
    values = _floats(table.column(j))
    if values is not None:
        return values
    check_no_missing(table, j)

    def message(cell):
        hint = " Decimal commas are not supported: use a point." if "," in cell else ""
        return (f"{cell!r} is not a finite number, but input columns must hold numbers.{hint} "
                "Fix the cell, or choose this column as the target.")

    return _first_non_number(table, j, message)


def _number_name(v):
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _check_classes(table, j, task, names):
    col, C = table.header[j], len(names)
    shown = ", ".join(names[:10]) + (", …" if C > 10 else "")
    if C < 2:
        fail(table.path, f"the target has only one class ({shown}); classification needs at "
                         "least two. Choose another target column.", column=col)
    if task == "binary" and C > 2:
        fail(table.path, f"task 'binary' needs 2 classes but the target has {C} ({shown}). "
                         "Use 'multiclass' or 'classification'.", column=col)
    if task == "multiclass" and C == 2:
        fail(table.path, f"task 'multiclass' needs at least 3 classes but the target has 2 "
                         f"({shown}). Use 'binary' or 'classification'.", column=col)


def target_column(table, j, task=None):
    """Encode target column ``j``.

    Parameters
    ----------
    table : CsvTable
    j : int
        0-based column index.
    task : {None, "classification", "binary", "multiclass", "regression"}
        None infers it (see module docstring).

    Returns
    -------
    task : {"binary", "multiclass", "regression"}
    y : ndarray
        Class indices (n,) int64 for classification; float64 (n,) for regression.
    names : list of str
        Class names, or ``[column name]`` for regression.
    """
    if task is not None and task not in TASK_CHOICES:
        fail(table.path, f"unknown task {task!r}. Choose one of: {', '.join(TASK_CHOICES)} "
                         "(or leave it unset to infer it from the target column).")
    cells = table.column(j)
    values = _floats(cells)  # succeeds only when no cell is missing (NaN is not finite)
    texts = None
    if values is None:
        check_no_missing(table, j)
        texts = [c.strip() for c in cells]
    resolved = task or _task_from(values, len(set(texts or ())))
    if resolved == "regression":
        if values is None:
            _first_non_number(table, j, lambda c: (
                f"{c!r} is not a number, so this column cannot be a regression target. "
                "Use task 'classification'."))
        return resolved, values, [table.header[j]]
    if values is None:
        uniq, labels = np.unique(np.array(texts, dtype=object).astype(str), return_inverse=True)
        names = [str(u) for u in uniq]
    else:
        uniq, labels = np.unique(values, return_inverse=True)
        names = [_number_name(u) for u in uniq]
    _check_classes(table, j, task, names)
    return ("binary" if len(names) == 2 else "multiclass"), labels.astype(np.int64), names
