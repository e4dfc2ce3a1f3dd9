"""Turning the text columns of a ``CsvTable`` into inputs and targets.

Task inference for the target column: any non-numeric cell -> classification (class names
are the strings); whole numbers with at most ``MAX_INTEGER_CLASSES`` distinct values ->
classification; anything else -> regression. Classes are sorted (numerically for numbers),
so class index ``i`` is the ``i``-th name. An inferred task refuses what would be silent
garbage: a number column with a few odd cells (``inf``, ``1O``), whose values would all become
classes, and a column with a different value in every row (an ID).
"""

import numpy as np

from core.data.csv_table import fail, is_missing, is_number

MAX_INTEGER_CLASSES = 20
MAX_ONE_HOT_BYTES = 2 * 10**9  # more would run out of memory on a laptop, blaming the network
TARGET_NAMES = frozenset({"target", "label", "labels", "class", "y", "species", "outcome",
                          "category", "diagnosis", "result"})
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
    """Type, missing-cell count and inferred target task of one column of text cells.

    Returns
    -------
    kind : {"integer", "number", "text", "empty"}
        Over the non-missing cells.
    n_missing : int
        Empty / NA / NaN cells.
    task : {"binary", "multiclass", "regression"}
        What ``load_csv`` would infer with this column as the target (by type and values;
        ``target_column`` may still refuse the column).
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
    return _describe_numbers(values, n_missing)


def _describe_numbers(values, n_missing=0):
    kind = "integer" if np.all(values == np.round(values)) else "number"
    return kind, n_missing, _task_from(values, 0)


def describe_table_column(table, j):
    """``describe_column`` for column ``j`` of a ``CsvTable`` (numbers read fast skip text)."""
    values = table.numbers(j)
    return _describe_numbers(values) if values is not None else describe_column(table.column(j))


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
                 row=int(line), column=table.header[j])


def _first_non_number(table, j, message):
    for cell, line in zip(table.column(j), table.lines, strict=True):
        if not is_number(cell):
            fail(table.path, message(cell.strip()), row=int(line), column=table.header[j])
    raise AssertionError("unreachable: some cell failed to convert")


def numeric_column(table, j):
    """Input column ``j`` as float64 (n,); the first bad cell raises with its row and column."""
    values = table.numbers(j)
    if values is not None:
        return values
    check_no_missing(table, j)

    def message(cell):
        hint = " Decimal commas are not supported: use a point." if "," in cell else ""
        return (f"{cell!r} is not a finite number, but input columns must hold numbers.{hint} "
                "Fix the cell, or choose this column as the target.")

    return _first_non_number(table, j, message)


def input_block(table, columns):
    """Input columns ``columns`` (list of int) as (n, len(columns)), float64 or uint8.

    A view of the fast reader's array where possible (uint8 when it is, for a file of whole
    numbers 0..255: ``make_dataset_from_arrays`` converts the rows it splits); the first
    bad cell raises.
    """
    X = table.block(columns)
    if X is None:
        X = np.empty((table.n_rows, len(columns)), dtype=np.float64)
        for i, j in enumerate(columns):
            X[:, i] = numeric_column(table, j)
    return X


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
    one_hot_bytes = 8 * C * table.n_rows
    if C > 2 and one_hot_bytes > MAX_ONE_HOT_BYTES:
        fail(table.path, f"the target has {C} classes over {table.n_rows} rows: their one-hot "
                         f"targets alone would take {one_hot_bytes / 1e9:.1f} GB. Choose a "
                         "target column with fewer distinct values.", column=col)


def _rows_list(table, indices, cells):
    shown = ", ".join(f"row {table.lines[i]} ({cells[i]!r})" for i in indices[:10])
    return shown + (f" and {len(indices) - 10} more" if len(indices) > 10 else "")


def _refuse_odd_cells(table, j, texts):
    """A number column with a few cells that are not finite numbers is a typo, not classes."""
    odd = [i for i, c in enumerate(texts) if not is_number(c)]
    if odd and len(odd) <= len(texts) // 2:
        fail(table.path, f"the target holds numbers except in {len(odd)} of {len(texts)} "
                         f"rows: {_rows_list(table, odd, texts)}. Each distinct value would "
                         "become a class. Fix those cells (inf and 1e999 are not finite "
                         "numbers), or choose the task 'classification' explicitly (--task "
                         "classification) to treat every value as a class name.",
             column=table.header[j])


def _column_distinct(table, k):
    values = table.numbers(k)
    if values is not None:
        return len(np.unique(values))
    return len({c.strip() for c in table.column(k)})


def likely_target(table, exclude):
    """Name of a column that looks like a target (a usual name, else few distinct values)."""
    names = [n for k, n in enumerate(table.header) if k != exclude]
    for n in names:
        if n.strip().lower() in TARGET_NAMES:
            return n
    for k in reversed(range(max(0, table.n_columns - 50), table.n_columns)):
        if k != exclude and 2 <= _column_distinct(table, k) <= MAX_INTEGER_CLASSES:
            return table.header[k]
    return None


def _refuse_id_column(table, j, n_classes):
    """A target with a different value in every row (an ID) cannot be learned as classes."""
    n = table.n_rows
    if n_classes < n or n <= MAX_INTEGER_CLASSES:
        return
    other = likely_target(table, j)
    hint = f" (for example --target {other!r})" if other else ""
    fail(table.path, f"the target has a different value in every one of the {n} rows, like an "
                     "ID or a name: as classes, each would have a single example and nothing "
                     "could be learned. Choose the column to predict with --target (the "
                     f"Target column in the window){hint}.", column=table.header[j])


def target_column(table, j, task=None):
    """Encode target column ``j``.

    Parameters
    ----------
    table : CsvTable
    j : int
        0-based column index.
    task : {None, "classification", "binary", "multiclass", "regression"}
        None infers it (see module docstring). An inferred task refuses a number column with
        a few odd cells and a column unique per row (an ID); an explicit classification task
        takes them as they are.

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
    values = table.numbers(j)  # succeeds only when no cell is missing (NaN is not finite)
    texts = None
    if values is None:
        check_no_missing(table, j)
        texts = [c.strip() for c in table.column(j)]
        if task is None:
            _refuse_odd_cells(table, j, texts)
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
    if task is None:
        _refuse_id_column(table, j, len(names))
    _check_classes(table, j, task, names)
    return ("binary" if len(names) == 2 else "multiclass"), labels.astype(np.int64), names
