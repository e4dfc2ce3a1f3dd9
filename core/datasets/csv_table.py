"""Reading a CSV file into a checked table of text cells.

This is the file-format half of CSV import: bytes -> UTF-8 text -> delimiter -> header ->
rectangular rows, each remembered with its line number as a text editor shows it (1-based,
header included). Turning cells into numbers happens in ``csv_columns``.

Header rule: the first row is a header when some column holds text in the first row and only
numbers below it; otherwise columns are named ``col1 … colN``.
"""

import csv
import hashlib
import io
import itertools
from dataclasses import dataclass
from pathlib import Path

from core.errors import UserInputError

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})  # compared lower-cased
_SNIFF_LINES = 50  # lines examined to choose the delimiter and detect a header


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
    """A parsed CSV file: names and text cells of a rectangular table.

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
    rows : list of list of str
        Data rows, cells as written (spaces kept: number parsing ignores them, and stripping
        a million cells up front would double the load time); all of ``len(header)``.
    lines : list of int
        Editor line (1-based, header counted) of each data row.
    """

    path: Path
    sha256: str
    delimiter: str
    has_header: bool
    header: list
    rows: list
    lines: list

    @property
    def n_columns(self):
        return len(self.header)

    def column(self, j):
        """Cells of column ``j`` as a list of str, one per data row."""
        return [r[j] for r in self.rows]


def _decode(path, data):
    try:
        return data.decode("utf-8-sig")  # -sig: drop the BOM Excel writes
    except UnicodeDecodeError as e:
        row = data.count(b"\n", 0, e.start) + 1
        fail(path, f"byte 0x{data[e.start]:02x} is not valid UTF-8 text. Save the file as "
                   "UTF-8 (in Excel: 'CSV UTF-8') and try again.", row=row)


def _read_text(path):
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        fail(path, f"file not found ({path}).")
    except IsADirectoryError:
        fail(path, "this is a folder, not a CSV file.")
    except OSError as e:
        fail(path, f"cannot read the file ({e.strerror}).")
    text = _decode(path, data)
    if not text.strip():
        fail(path, "the file is empty. A CSV file needs input columns and a target column.")
    return path, hashlib.sha256(data).hexdigest(), text


def _sniff(text):
    """The delimiter whose rows agree best with the first row's cell count (> 1 cells)."""
    sample = list(itertools.islice((ln for ln in io.StringIO(text) if ln.strip()), _SNIFF_LINES))
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
    rows, lines = [], []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for cells in reader:
            if any(cells):  # blank lines (a trailing newline, ",,," from Excel) are not rows
                rows.append(cells)
                lines.append(reader.line_num)
    except csv.Error as e:
        fail(path, f"the file cannot be read as CSV ({e}).", row=reader.line_num + 1)
    return rows, lines


def _looks_like_header(rows):
    """First row is a header when it has text where the rows below have numbers."""
    first, below = rows[0], rows[1:_SNIFF_LINES]
    for j, cell in enumerate(first):
        column = [r[j] for r in below if j < len(r) and not is_missing(r[j])]
        if not is_number(cell) and column and all(is_number(c) for c in column):
            return True
    return False


def _names(path, first_row):
    names = [c.strip() or f"col{j + 1}" for j, c in enumerate(first_row)]
    seen = set()
    for n in names:
        if n in seen:
            fail(path, f"the header names the column {n!r} twice. Give every column a "
                       "different name.", row=1)
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


def read_table(path):
    """Read and check a CSV file.

    Parameters
    ----------
    path : str or Path

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
    path, sha, text = _read_text(path)
    delimiter = _sniff(text)
    if delimiter is None:
        fail(path, "found only one column. Separate the inputs and the target with commas, "
                   "semicolons or tabs.")
    rows, lines = _parse(path, text, delimiter)
    _drop_trailing_empty_column(rows)
    if len(rows) == 1 and not all(is_number(c) for c in rows[0]):
        fail(path, f"the file has only a header row ({', '.join(rows[0])}) and no data rows.")
    has_header = _looks_like_header(rows)
    if has_header:
        header = _names(path, rows[0])
        header_line, rows, lines = lines[0], rows[1:], lines[1:]
        if not rows:
            fail(path, "the file has a header row but no data rows.")
    else:
        header_line = lines[0]
        header = [f"col{j + 1}" for j in range(len(rows[0]))]
    _check_shape(path, rows, lines, len(header), header_line)
    return CsvTable(path, sha, delimiter, has_header, header, rows, lines)
