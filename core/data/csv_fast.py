"""Fast path of CSV import: the body of a plain numeric file parsed by NumPy's C reader.

``parse_body`` handles the common big file (ASCII, no quotes, numbers in every cell of the
numeric columns) in chunks of whole lines, so its memory stays near the size of the result
and a caller can show progress. Anything unusual raises ``NotFast`` and the caller falls
back to the careful reader (``csv_table``), which finds and explains the problem cell.

Why not ``np.loadtxt(dtype=float)`` alone: its float conversion costs about 0.4 µs a cell,
six times pandas. Its integer conversion is several times faster, so plain decimals are read
as integers with the points removed (``-0.125`` -> ``-0125``), then divided by ``10**k``
(``k`` = digits after the point). When the integer is below 2**53 and ``k <= 22`` both numbers
are exact doubles and IEEE division rounds once: the result is bit-for-bit what ``float()``
gives. Cells outside that range, and numbers in exponent form (``5e-06``), are converted
one by one with ``float()``; when they are many, NumPy's float reader takes the chunk.

Whole numbers 0..255 (the pixels of an image file) are first read as uint8: NumPy's reader
is quicker at them, and the table they fill is an eighth of the float64 one (the dataset's
split converts the rows it gathers).
"""

import contextlib
import io
import warnings

import numpy as np

CHUNK_BYTES = 1 << 20  # small enough that the GUI thread waits for the GIL < ~20 ms
_POW10 = 10.0 ** np.arange(23)  # 10**k is an exact double for k <= 22
_EXACT_INT = 2**53
_NEWLINE, _DOT = ord("\n"), ord(".")
_MAX_ONE_BY_ONE = 0.01  # above this share of such cells, let NumPy parse the chunk as floats


class NotFast(Exception):
    """The body needs the careful reader (quotes, odd cells, ragged rows, …)."""


def _chunks(body, start, size):
    """``(start, end)`` byte ranges of ``body`` of about ``size`` bytes, cut after a newline."""
    while start < len(body):
        end = body.find(b"\n", min(start + size, len(body)) - 1)
        end = len(body) if end < 0 else end + 1
        yield start, end
        start = end


def _load(chunk, delimiter, dtype, usecols):
    """NumPy's C reader on one chunk: (rows, len(usecols)) of ``dtype``; ValueError if bad."""
    return np.loadtxt(io.BytesIO(chunk), delimiter=delimiter, dtype=dtype, comments=None,
                      usecols=usecols, ndmin=2, quotechar=None)


def _line_numbers(chunk, first_line):
    """Editor line numbers (int64) of the non-blank lines of a chunk ending with a newline."""
    ends = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == _NEWLINE)
    lengths = np.diff(ends, prepend=-1) - 1
    return first_line + np.flatnonzero(lengths > 0), len(ends)


class _Layout:
    """Where the fields of a chunk end (``ends``: offsets of delimiters and newlines)."""

    def __init__(self, chunk, delimiter):
        self.arr = np.frombuffer(chunk, dtype=np.uint8)
        self.ends = np.flatnonzero((self.arr == _NEWLINE) | (self.arr == ord(delimiter)))

    def check_rows(self, n_columns):
        """Raise NotFast unless every line has ``n_columns`` fields."""
        line_ends = np.flatnonzero(self.arr[self.ends] == _NEWLINE)
        if np.any(np.diff(line_ends, prepend=-1) != n_columns):
            raise NotFast("ragged rows")

    def points(self):
        """Field index (row-major) of each decimal point, and the digits after it."""
        dots = np.flatnonzero(self.arr == _DOT)
        fields = self.field_of(dots)
        return fields, self.ends[fields] - dots - 1

    def field_of(self, offsets):
        """Field index (row-major) of each byte offset in ``offsets``."""
        return np.searchsorted(self.ends, offsets)

    def starts(self, fields):
        """Byte offset where each of ``fields`` starts."""
        return np.where(fields > 0, self.ends[fields - 1] + 1, 0)


def _positions(columns, n_columns):
    """Index of each file column among the columns read, -1 for the others, (n_columns,)."""
    used = range(n_columns) if columns is None else columns
    position = np.full(n_columns, -1)
    position[list(used)] = np.arange(len(used))
    return position


def _letters_e(chunk, limit):
    """Offsets of the letters ``e``/``E`` in a chunk (sorted), found by ``bytes.find``.

    None when there are more than ``limit`` (then a NumPy pass is quicker).
    """
    found = []
    for letter in (b"e", b"E"):
        i = chunk.find(letter)
        while i >= 0:
            found.append(i)
            if len(found) > limit:
                return None
            i = chunk.find(letter, i + 1)
    return np.array(sorted(found), dtype=np.intp)


def _without_exponents(chunk, layout, position, n_columns):
    """The chunk with each number in exponent form (``5e-06``) overwritten by zeros.

    Same length, so ``layout`` still holds. Returns the new chunk and ``(fields, values)``:
    the fields (row-major index) that held such numbers and their ``float()`` values.
    ValueError when there are too many to do one by one (NumPy's float reader is quicker).
    """
    limit = int(_MAX_ONE_BY_ONE * len(layout.ends))
    letters = _letters_e(chunk, limit)
    if letters is None:  # many letters, maybe in text cells: look at them all at once
        arr = np.frombuffer(chunk, dtype=np.uint8)
        letters = np.flatnonzero((arr | 0x20) == ord("e"))
    fields = np.unique(layout.field_of(letters))
    fields = fields[position[fields % n_columns] >= 0]  # letters in text cells stay
    if len(fields) > limit:
        raise ValueError("many numbers in exponent form")
    edited = bytearray(chunk)
    values = np.empty(len(fields))
    for i, (a, b) in enumerate(zip(layout.starts(fields), layout.ends[fields], strict=True)):
        values[i] = float(chunk[a:b])
        edited[a:b] = b"0" * (b - a)
    return bytes(edited), (fields, values)


def _whole_numbers(chunk, delimiter, columns, small):
    """A chunk of whole numbers: uint8 when ``small`` and they all fit, else int64.

    ValueError when a cell is no whole number (or too large for int64).
    """
    if small:
        with contextlib.suppress(ValueError):  # a cell over 255, negative: int64 below
            return _load(chunk, delimiter, np.uint8, columns)
    return _load(chunk, delimiter, np.int64, columns)


def _via_integers(chunk, delimiter, columns, n_columns, small):
    """Numbers of a chunk without spaces, through NumPy's integer reader (module docstring).

    ``columns`` None means all (NumPy then also checks that every row has them all).
    Returns (rows, number of columns read): whole numbers as ``_whole_numbers`` gives them,
    others float64; ValueError when a cell is no number.
    """
    has_letter_e = b"e" in chunk or b"E" in chunk
    if b"." not in chunk and not has_letter_e:
        return _whole_numbers(chunk, delimiter, columns, small)
    position = _positions(columns, n_columns)
    layout = _Layout(chunk, delimiter)
    odd = None
    if has_letter_e:
        chunk, odd = _without_exponents(chunk, layout, position, n_columns)
    values = _decimals(chunk, delimiter, columns, layout, position, n_columns)
    if odd is not None:
        fields, exact = odd
        values[fields // n_columns, position[fields % n_columns]] = exact
    return values


def _decimals(chunk, delimiter, columns, layout, position, n_columns):
    """Numbers of a chunk with decimal points, read as integers then scaled.

    Returns (rows, columns read) float64.
    """
    if columns is None:  # one pass: points dropped, newlines made delimiters
        one_line = chunk.translate(bytes.maketrans(b"\n", delimiter.encode()), b".")
        ints = _all_ints(one_line, delimiter, len(layout.ends)).reshape(-1, n_columns)
    else:
        ints = _load(chunk.replace(b".", b""), delimiter, np.int64, columns)
    layout.check_rows(n_columns)  # neither reader above checks that rows have every cell
    fields, after = layout.points()
    if columns is not None:  # a point inside a text cell does not matter here
        keep = position[fields % n_columns] >= 0
        fields, after = fields[keep], after[keep]
    if np.any(np.diff(fields) == 0):
        raise NotFast("a cell with two points")
    last = len(_POW10) - 1
    scale = np.ones(len(layout.ends))
    scale[fields] = _POW10[np.minimum(after, last)]
    scale = scale.reshape(-1, n_columns)
    if columns is not None:
        scale = scale[:, list(columns)]
    values = ints / scale
    big = ints.max(initial=0) >= _EXACT_INT or ints.min(initial=0) <= -_EXACT_INT
    if big or after.max(initial=0) > last:
        _exact_one_by_one(chunk, values, ints, scale, layout, columns, n_columns)
    return values


def _all_ints(text, delimiter, count):
    """Every cell of integers separated by ``delimiter`` only, (count,) int64 (``fromstring``).

    ValueError unless it reads exactly ``count`` cells (it stops at the first cell that is
    not an integer) and none is a lone sign. Out-of-range integers saturate: the caller
    redoes those with float().
    """
    sep = delimiter.encode()
    with warnings.catch_warnings():  # "could not be read to its end": checked just below
        warnings.simplefilter("ignore", DeprecationWarning)
        ints = np.fromstring(text, dtype=np.int64, sep=delimiter)
    if len(ints) != count or _lone_sign(text, sep, ints):
        raise ValueError("a cell that is not a number")
    return ints


def _lone_sign(text, sep, ints):
    """True when some cell is just ``-`` or ``+`` (``fromstring`` reads it as 0).

    Searching ``-,`` is slow where minus signs are common, so count first: each ``-`` of a
    plain file starts a negative number, unless that number is zero (``-0.0``).
    """
    if b"+" in text and b"+" + sep in text:
        return True
    minus = text.count(b"-")
    return minus != 0 and minus != np.count_nonzero(ints < 0) and b"-" + sep in text


def _exact_one_by_one(chunk, values, ints, scale, layout, columns, n_columns):
    """Redo with ``float()`` the cells where integer / 10**k is not exact (rare: 16+ digits)."""
    inexact = np.flatnonzero((scale == _POW10[-1]) | (ints >= _EXACT_INT) | (ints <= -_EXACT_INT))
    if len(inexact) > _MAX_ONE_BY_ONE * values.size:
        raise ValueError("many numbers with more than 15 digits")
    used = np.arange(n_columns) if columns is None else np.asarray(columns)
    rows, cols = np.divmod(inexact, values.shape[1])
    fields = rows * n_columns + used[cols]
    for r, c, a, b in zip(rows, cols, layout.starts(fields), layout.ends[fields], strict=True):
        values[r, c] = float(chunk[a:b])


def _numbers(chunk, delimiter, columns, n_columns, small):
    """Numbers of one chunk, (rows, len(columns)); NotFast if some cell is no number.

    uint8 when ``small`` and every number is a whole 0..255, int64 for other whole numbers,
    float64 otherwise.
    """
    try:
        if b" " not in chunk and (delimiter == "\t" or b"\t" not in chunk):
            return _via_integers(chunk, delimiter, columns, n_columns, small)
        if b"." not in chunk:
            return _whole_numbers(chunk, delimiter, columns, small)
    except ValueError:  # a word, a huge integer, many long numbers: NumPy's float reader
        pass
    try:
        return _load(chunk, delimiter, np.float64, columns)
    except ValueError as e:
        raise NotFast(str(e)) from None


def _texts(chunk, delimiter, columns):
    """Cells of the text columns of one chunk, as written: one list of str per column."""
    try:
        cells = _load(chunk, delimiter, str, columns)
    except ValueError as e:
        raise NotFast(str(e)) from None
    return [cells[:, i].tolist() for i in range(len(columns))]


class _Rows:
    """The numeric rows as they are parsed: uint8 while every number is a whole 0..255 (an
    image file: an eighth of the memory, and of the traffic of the split that follows),
    float64 from the first chunk holding any other number."""

    def __init__(self, capacity, width):
        self.array = np.empty((capacity, width), dtype=np.uint8)

    @property
    def small(self):
        return self.array.dtype == np.uint8

    def put(self, at, block):
        """Write ``block`` (rows, width) at row ``at``, widening to float64 if it needs to."""
        if self.small and block.dtype != np.uint8:
            wider = np.empty(self.array.shape, dtype=np.float64)
            wider[:at] = self.array[:at]
            self.array = wider
        self.array[at:at + len(block)] = block


def parse_body(data, start, delimiter, n_columns, text_columns, first_line, progress=None):
    """Parse the data rows of a plain CSV file.

    Parameters
    ----------
    data : bytes
        The file: ASCII, ``\\n`` line ends, no quote characters.
    start : int
        Offset of the first data line (after the header).
    delimiter : str
    n_columns : int
    text_columns : list of int
        Columns read as text cells; every other column must hold numbers in every row.
    first_line : int
        Editor line number (1-based) of the body's first line.
    progress : callable, optional
        Called with the fraction of the body done (0..1] after each chunk.

    Returns
    -------
    numbers : ndarray, shape (n, n_columns - len(text_columns)), uint8 or float64
        The numeric columns in file order: uint8 when every number is a whole 0..255,
        float64 otherwise. Not checked for inf / nan.
    texts : dict of int -> list of str
        Cells of each text column.
    lines : ndarray, shape (n,), int64
        Editor line of each data row (blank lines are not rows).

    Raises
    ------
    NotFast
        Whenever the careful reader is needed: a cell that is not a number in a numeric
        column, ragged rows, blank-looking lines with spaces.
    """
    numeric = [j for j in range(n_columns) if j not in set(text_columns)]
    usecols = None if not text_columns else numeric
    capacity = data.count(b"\n", start) + 1
    numbers = _Rows(capacity, len(numeric))
    texts = {j: [] for j in text_columns}
    lines, n, line = [], 0, first_line
    for begin, end in _chunks(data, start, CHUNK_BYTES):
        chunk = data[begin:end]
        if not chunk.endswith(b"\n"):
            chunk += b"\n"
        if b"\n\n" in chunk or chunk.startswith(b"\n"):  # blank lines: NumPy skips them…
            chunk_lines, n_newlines = _line_numbers(chunk, line)
            chunk = b"".join(ln + b"\n" for ln in chunk.split(b"\n") if ln)  # …so drop them
        else:
            n_newlines = chunk.count(b"\n")
            chunk_lines = np.arange(line, line + n_newlines)
        line += n_newlines
        if not chunk:
            continue
        if text_columns:
            _Layout(chunk, delimiter).check_rows(n_columns)  # NumPy ignores extra cells
            for j, cells in zip(text_columns, _texts(chunk, delimiter, text_columns),
                                strict=True):
                texts[j].extend(cells)
        if numeric:
            block = _numbers(chunk, delimiter, usecols, n_columns, numbers.small)
            if len(block) != len(chunk_lines):
                raise NotFast("a line NumPy read differently")
            numbers.put(n, block)
        lines.append(chunk_lines)
        n += len(chunk_lines)
        if progress is not None:
            progress((end - start) / max(1, len(data) - start))
    lines = np.concatenate(lines) if lines else np.zeros(0, dtype=np.int64)
    return numbers.array[:n], texts, lines
