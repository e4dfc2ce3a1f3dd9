"""Reading a CSV file into a checked table of text cells.

This is the file-format half of CSV import: bytes -> UTF-8 text -> delimiter -> header ->
rectangular rows, each remembered with its line number as a text editor shows it (1-based,
header included). Turning cells into numbers happens in ``csv_columns``.

Header rule: the first row is a header when some column holds text in the first row and only
numbers below it; otherwise columns are named ``col1 … colN``.
"""

import codecs
import csv
import hashlib
import io
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.data.csv_fast import NotFast, parse_body
from core.data.dataset import all_finite
from core.errors import UserInputError

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})  # compared lower-cased
_SNIFF_LINES = 50  # lines examined to choose the delimiter and detect a header
_SAMPLE_CELLS = 5000  # cells examined to guess which columns hold text


def fail(path, message, row=None, column=None):
    """Raise a ``UserInputError`` that starts with where the problem is."""
    where = [Path(path).name]
    if row is not None:
        where.append(f"row {row}")
    if column is not None:
        where.append(f"column {column!r}")
    raise UserInputError(f"{', '.join(where)}: {message}")


def is_missing(cell):
    """True for an empty cell or a missing-value marker (NA, NaN, null, ?, …)."""
    return cell.strip().lower() in MISSING


def is_number(cell):
    """True for a cell holding a finite number (missing markers are not numbers)."""
    if is_missing(cell):
        return False
    try:
        value = float(cell)
    except ValueError:
        return False
    return value - value == 0.0  # rejects inf and nan


@dataclass(eq=False)
class CsvTable:
    """A parsed CSV file: column names, and each column as numbers or as text cells.

    Attributes
    ----------
    path : Path
    sha256 : str
        Hex digest of the file's bytes.
    delimiter : str
        ``","``, ``";"`` or ``"\\t"``.
    has_header : bool
    header : list of str
        Column names (from the header row, else ``col1 … colN``).
    lines : ndarray, shape (n,), int64
        Editor line (1-based, header counted) of each data row.
    head : list of list of str
        The first data rows, cells as written (what the import dialog shows).
    notes : list of str
        Decisions the user should know about (how the header was read).
    numeric : ndarray, shape (n, m), float64 or uint8, or None
        The fast reader's numeric columns side by side (``numeric_columns`` says which),
        all finite (a file with inf or NaN goes to the careful reader); uint8 when every
        number in them is a whole 0..255.
    numeric_columns : list of int
    cells : dict of int -> list of str
        Text cells (as written, spaces kept) of every other column.
    """

    path: Path
    sha256: str
    delimiter: str
    has_header: bool
    header: list
    lines: np.ndarray
    head: list
    notes: list
    numeric: np.ndarray | None
    numeric_columns: list
    cells: dict
    _floats: dict = field(default_factory=dict)

    @property
    def n_columns(self):
        return len(self.header)

    @property
    def n_rows(self):
        return len(self.lines)

    def numbers(self, j):
        """Column ``j`` as float64 (n,) when every cell is a finite number, else None."""
        if j in self.numeric_columns:  # the fast reader keeps only all-finite tables
            column = self.numeric[:, self.numeric_columns.index(j)]
            return column.astype(np.float64, copy=False)
        if j not in self._floats:
            self._floats[j] = self._text_floats(j)
        return self._floats[j]

    def _text_floats(self, j):
        try:
            values = np.array(self.cells[j], dtype=np.float64)
        except ValueError:
            return None
        return values if np.isfinite(values).all() else None

    def block(self, columns):
        """Columns ``columns`` (list of int) as one (n, len(columns)) array, or None.

        A view of the fast reader's array when the columns sit side by side in it (no copy
        of a 400 MB table; uint8 when that array is), else float64; None when a column is
        not all finite numbers.
        """
        if self.numeric is not None and all(j in self.numeric_columns for j in columns):
            pos = [self.numeric_columns.index(j) for j in columns]
            if pos and pos == list(range(pos[0], pos[0] + len(pos))):
                return self.numeric[:, pos[0]:pos[0] + len(pos)]
        out = np.empty((self.n_rows, len(columns)), dtype=np.float64)
        for i, j in enumerate(columns):
            # not through numbers(): its cache would hold a second copy of every column
            values = self.numbers(j) if j in self.numeric_columns else self._text_floats(j)
            if values is None:
                return None
            out[:, i] = values
        return out

    def column(self, j):
        """Cells of column ``j`` as a list of str, one per data row.

        Numeric columns of the fast reader had no text kept: their numbers are written out.
        """
        if j in self.cells:
            return self.cells[j]
        return [_number_text(v) for v in self.numeric[:, self.numeric_columns.index(j)]]


def _number_text(v):
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _decode(path, data):
    try:
        return data.decode("utf-8-sig")  # -sig: drop the BOM Excel writes
    except UnicodeDecodeError as e:
        row = data.count(b"\n", 0, e.start) + 1
        fail(path, f"byte 0x{data[e.start]:02x} is not valid UTF-8 text. Save the file as "
                   "UTF-8 (in Excel: 'CSV UTF-8') and try again.", row=row)


def _read_bytes(path):
    """The file's bytes with line ends made ``\\n`` (Windows ``\\r\\n``, old Mac ``\\r``)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        fail(path, f"file not found ({path}).")
    except IsADirectoryError:
        fail(path, "this is a folder, not a CSV file.")
    except OSError as e:
        fail(path, f"cannot read the file ({e.strerror}).")
    sha = hashlib.sha256(data).hexdigest()
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if not data.isascii():
        _decode(path, data)  # only to report a byte that is not UTF-8, with its line
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    if not data or data.isspace():
        fail(path, "the file is empty. A CSV file needs input columns and a target column.")
    return path, sha, data


@contextmanager
def _field_limit(size):
    """Let the csv module read fields up to ``size`` characters (default: 128 KB)."""
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, min(size + 1, sys.maxsize)))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _head_lines(data):
    """The first ``_SNIFF_LINES`` non-blank lines (str) and where the first one ends."""
    lines, start, first_end = [], 0, None
    while start < len(data) and len(lines) < _SNIFF_LINES:
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if data[start:end].strip():
            lines.append(data[start:end].decode("utf-8") + "\n")
            if first_end is None:
                first_end = end + 1
        start = end + 1
    return lines, first_end

def _sniff(sample):
    """The delimiter whose rows agree best with the first row's cell count (> 1 cells).

    ``sample``: the first non-blank lines (list of str).
    """
    best, best_score = None, (0, 0)
    for d in DELIMITERS:
        counts = [len(r) for r in csv.reader(sample, delimiter=d)]
        if counts[0] < 2:
            continue
        score = (sum(c == counts[0] for c in counts), counts[0])
        if score > best_score:
            best, best_score = d, score
    return best


def _parse(path, text, delimiter):
    """Careful reader: rows of text cells and the editor line where each row starts."""
    rows, lines = [], []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            if any(cells):  # blank lines (a trailing newline, ",,," from Excel) are not rows
                rows.append(cells)
                lines.append(start)
            start = reader.line_num + 1  # a quoted cell may span lines: count them all
    except csv.Error as e:
        fail(path, f"the file cannot be read as CSV ({e}).", row=start)
    return rows, lines


def _header_decision(rows, line):
    """Whether the first row is a header, and a note when it was read as data.

    A header has text in some column where the rows below hold numbers. Missing-value
    markers (NA, ?, …) are no evidence of a header: ``NA,2,0`` is a data row with a gap.
    ``line`` is the first row's editor line.
    """
    first, below = rows[0], rows[1:_SNIFF_LINES]
    for j, cell in enumerate(first):
        if is_number(cell) or is_missing(cell):
            continue
        column = [r[j] for r in below if j < len(r) and not is_missing(r[j])]
        if column and all(is_number(c) for c in column):
            return True, []
    n = len(first)
    names = "col1, col2" if n == 2 else f"col1 … col{n}"
    if all(is_number(c) for c in first):
        why = "holds only numbers"
    elif all(is_number(c) or is_missing(c) for c in first):
        why = "holds only numbers and missing-value markers"
    else:
        why = "has no name over a column of numbers"
    return False, [f"No header row: line {line} {why}, so it was read as data and the "
                   f"columns are named {names}. If line {line} names the columns, give every "
                   "name a letter so it is read as a header."]


def _names(path, first_row, line):
    names = [c.strip() or f"col{j + 1}" for j, c in enumerate(first_row)]
    seen = set()
    for n in names:
        if n in seen:
            fail(path, f"the header names the column {n!r} twice. Give every column a "
                       "different name.", row=line)
        seen.add(n)
    return names


def _check_shape(path, rows, lines, n_columns, first_line):
    for cells, line in zip(rows, lines, strict=True):
        if len(cells) != n_columns:
            fail(path, f"has {len(cells)} cells but row {first_line} has {n_columns}. Every "
                       "row needs the same number of cells (check for extra delimiters or a "
                       "quote left open).", row=line)


def _drop_trailing_empty_column(rows):
    """A delimiter at the end of every line makes an empty last column: ignore it."""
    if len(rows[0]) > 2 and all(len(r) == len(rows[0]) and not r[-1].strip() for r in rows):
        for r in rows:
            r.pop()
        return True
    return False


def _fast_table(path, sha, data, delimiter, progress):
    """The table through ``csv_fast``, or None when the careful reader is needed."""
    sample, first_end = _head_lines(data)
    head = list(csv.reader(sample, delimiter=delimiter))
    if len(head) < 2 or _drop_trailing_empty_column([list(r) for r in head]):
        return None
    header_line = data.count(b"\n", 0, first_end)
    has_header, notes = _header_decision(head, header_line)
    rows = head[1:] if has_header else head
    n_columns = len(head[0])
    if any(len(r) != n_columns for r in rows):
        return None
    start, first_line = (first_end, header_line + 1) if has_header else (0, 1)
    if data.find(b'"', start) >= 0 or not (data.isascii() or data[start:].isascii()):
        return None  # quotes or non-ASCII in the data rows (the header may have them)
    sample = rows[:max(2, _SAMPLE_CELLS // n_columns)]  # a wrong guess only costs time
    text_columns = [j for j in range(n_columns) if not all(is_number(r[j]) for r in sample)]
    try:
        numeric, cells, lines = parse_body(data, start, delimiter, n_columns, text_columns,
                                           first_line, progress)
    except NotFast:
        return None
    if not len(lines) or not all_finite(numeric):  # inf, nan: say which cell, carefully
        return None
    header = (_names(path, head[0], header_line) if has_header
              else [f"col{j + 1}" for j in range(n_columns)])
    numeric_columns = [j for j in range(n_columns) if j not in cells]
    return CsvTable(path, sha, delimiter, has_header, header, lines, rows[:_SNIFF_LINES],
                    notes, numeric, numeric_columns, cells)


def _careful_table(path, sha, data, delimiter):
    """The table through Python's csv module, checking every row."""
    rows, lines = _parse(path, data.decode("utf-8"), delimiter)
    if not rows:
        fail(path, f"the file holds only {DELIMITERS[delimiter]}s and no values. A CSV file "
                   "needs input columns and a target column.")
    _drop_trailing_empty_column(rows)
    if len(rows) == 1 and not all(is_number(c) for c in rows[0]):
        fail(path, f"the file has only a header row ({', '.join(rows[0])}) and no data rows.")
    has_header, notes = _header_decision(rows, lines[0])
    if has_header:
        header = _names(path, rows[0], lines[0])
        header_line, rows, lines = lines[0], rows[1:], lines[1:]
        if not rows:
            fail(path, "the file has a header row but no data rows.")
    else:
        header_line = lines[0]
        header = [f"col{j + 1}" for j in range(len(rows[0]))]
    _check_shape(path, rows, lines, len(header), header_line)
    cells = {j: [r[j] for r in rows] for j in range(len(header))}
    return CsvTable(path, sha, delimiter, has_header, header, np.array(lines, dtype=np.int64),
                    rows[:_SNIFF_LINES], notes, None, [], cells)


def read_table(path, progress=None):
    """Read and check a CSV file.

    Plain numeric files (ASCII, no quotes) go through NumPy's C reader (``csv_fast``); any
    file it cannot take, or where it finds a problem, is read again by Python's csv module,
    which checks every row and cell and says where the problem is.

    Parameters
    ----------
    path : str or Path
    progress : callable, optional
        Called with the fraction read (0..1] now and then (fast reader only).

    Returns
    -------
    CsvTable

    Raises
    ------
    UserInputError
        Naming the file (and the row, 1-based counting the header) for: a missing or empty
        file, bytes that are not UTF-8, a single column, a header without data rows, ragged
        rows, or duplicate column names.
    """
    path, sha, data = _read_bytes(path)
    sample, _ = _head_lines(data)
    with _field_limit(len(data)):
        delimiter = _sniff(sample)
        if delimiter is None:
            fail(path, "found only one column. Separate the inputs and the target with commas, "
                       "semicolons or tabs.")
        table = _fast_table(path, sha, data, delimiter, progress)
        return table or _careful_table(path, sha, data, delimiter)
