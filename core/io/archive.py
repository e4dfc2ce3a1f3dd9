"""A JSON document plus NumPy arrays in one ``.npz`` (zip) file, written atomically.

Nested data containing arrays is split into a JSON-safe document, where each array is
replaced by ``{"__array__": key}``, and a flat ``{key: array}`` dict stored as ``.npy``
members next to a ``document`` member holding the JSON text. Reading never unpickles
anything (``allow_pickle=False``), checks every member's declared size before reading it
(``core.io.npz_reader``) and turns every way a file can be damaged into a
``UserInputError`` naming it.
"""

import json
import struct
import tokenize
import zipfile
import zlib
from pathlib import Path

import numpy as np

from core.errors import UserInputError
from core.io.atomic import atomic_write
from core.io.npz_reader import NpzArchive

DOCUMENT_KEY = "document"
_REF = "__array__"

#: Exceptions that reading a truncated, corrupted or forged zip/npy can raise (a damaged
#: ``.npy`` header reaches ``tokenize`` and ``ast.literal_eval`` before any CRC check).
DAMAGED_FILE_ERRORS = (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error, KeyError,
                       NotImplementedError, RuntimeError, struct.error, IndexError, TypeError,
                       OverflowError, MemoryError, AttributeError, SyntaxError,
                       tokenize.TokenError)


def split_arrays(value, prefix, arrays):
    """JSON-safe copy of ``value`` with every ndarray moved into ``arrays``.

    Parameters
    ----------
    value : nested dicts (str keys), lists, tuples, ndarrays and JSON scalars
    prefix : str
        Key of ``value`` itself; nested keys append ``.name`` or ``.index``.
    arrays : dict
        Receives ``{key: ndarray}``.

    Returns
    -------
    The document: tuples become lists, NumPy scalars Python numbers, arrays references.
    """
    if isinstance(value, np.ndarray):
        arrays[prefix] = value
        return {_REF: prefix}
    if isinstance(value, dict):
        return {str(k): split_arrays(v, f"{prefix}.{k}", arrays) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [split_arrays(v, f"{prefix}.{i}", arrays) for i, v in enumerate(value)]
    if isinstance(value, np.generic):
        return value.item()
    return value


def join_arrays(value, arrays, path):
    """Inverse of ``split_arrays``: references replaced by the arrays they name.

    Raises
    ------
    UserInputError
        A reference names an array the file does not hold.
    """
    if isinstance(value, dict):
        if set(value) == {_REF}:
            key = value[_REF]
            if not isinstance(key, str) or key not in arrays:
                raise UserInputError(f"{path}: entry {key!r} is missing; the file is damaged.")
            return arrays[key]
        return {k: join_arrays(v, arrays, path) for k, v in value.items()}
    if isinstance(value, list):
        return [join_arrays(v, arrays, path) for v in value]
    return value


def write_archive(path, document, arrays):
    """Atomically write ``document`` (JSON-safe dict) and ``arrays`` to ``path``.

    NaN and infinity are allowed in the document (written as ``NaN``/``Infinity``, which
    Python's ``json`` reads back).
    """
    members = {DOCUMENT_KEY: np.array(json.dumps(document))}
    members.update(arrays)
    return atomic_write(path, lambda f: np.savez(f, **members))


def check_input_file(path, what):
    """Raise ``UserInputError`` unless ``path`` is an existing file (not a folder).

    ``what`` names the kind of file for the message, e.g. ``"weights"``.
    """
    path = Path(path)
    if path.is_dir():
        raise UserInputError(f"{what.capitalize()} file {path} is a folder, not a file; "
                             "give the path of the file itself.")
    if not path.is_file():
        raise UserInputError(f"{what.capitalize()} file {path} does not exist.")
    return path


def damaged_npz_error(path, what, exc):
    """The ``UserInputError`` for an ``.npz`` NumPy or zipfile could not read.

    NumPy's own text for a member holding Python objects suggests loading it with
    ``allow_pickle``, which would run code from the file: that case gets its own message and
    never that suggestion.
    """
    text = str(exc) or type(exc).__name__
    if isinstance(exc, zipfile.BadZipFile) and not _is_zip(path):
        # Not a zip at all: a pickle is named as such, anything else as not an archive.
        text = "pickle" if _starts_like_pickle(path) else "not a zip"
    # Never pass on NumPy's advice to load a pickle unsafely.
    if "pickle" in text.lower() or text == "not a zip":
        if not _starts_like_pickle(path) and "object arrays" not in text.lower():
            text = "it is neither a zip archive nor a NumPy array file"
        else:
            return UserInputError(
                f"{path} is not a Backprop Studio .npz file (it holds Python objects, which are "
                f"never loaded). Choose a {what} file saved by Backprop Studio.")
    return UserInputError(
        f"{path} is not a readable {what} file (.npz archive): {text}. "
        "It may be truncated or corrupted; save it again.")


def _is_zip(path):
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False


def _starts_like_pickle(path):
    """True when the file starts as a pickle of protocol 2 or later does."""
    try:
        with open(path, "rb") as f:
            return f.read(1) == b"\x80"
    except OSError:
        return False


def open_npz(path, what, text_keys=()):
    """``NpzArchive`` of ``path`` with its members' headers checked (see ``npz_reader``).

    Use as a context manager; read arrays with ``read(key)`` after comparing
    ``headers[key].shape`` with what the file's description says. Every way the file can be
    missing, damaged, oversized or hold Python objects raises ``UserInputError``.
    """
    path = check_input_file(path, what)
    try:
        return NpzArchive(path, what, text_keys)
    except UserInputError:
        raise
    except DAMAGED_FILE_ERRORS as e:
        raise damaged_npz_error(path, what, e) from None


def read_member(archive, key):
    """``archive.read(key)``, a damaged member becoming a ``UserInputError``."""
    try:
        return archive.read(key)
    except DAMAGED_FILE_ERRORS as e:
        raise damaged_npz_error(archive.path, archive.what, e) from None


def read_npz(path, what):
    """Every array of the ``.npz`` at ``path`` (dict name -> array), pickles refused.

    ``what`` names the kind of file for messages, e.g. ``"weights"``. A missing file, a
    folder, a truncated or corrupted file, one holding Python objects, or one asking for
    more memory than the limits in ``core.io.npz_reader`` raises ``UserInputError``
    whatever NumPy or zipfile raised underneath; nothing large is read before the checks.
    """
    with open_npz(path, what) as archive:
        return {key: read_member(archive, key) for key in archive.headers}


def parse_document(path, raw, what, where="description"):
    """The JSON object in ``raw`` (a 0-d text array), or a ``UserInputError``."""
    try:
        document = json.loads(str(raw[()]))
    except (ValueError, TypeError, IndexError, RecursionError) as e:
        raise UserInputError(f"{path}: the {what} {where} is not valid JSON ({e}).") from None
    if not isinstance(document, dict):
        raise UserInputError(f"{path}: the {what} {where} must be a JSON object.")
    return document


def read_archive(path, what, check_headers=None):
    """Read ``(document, arrays)`` written by ``write_archive``.

    Parameters
    ----------
    path : str or Path
    what : str
        What the file should be, for messages, e.g. ``"session"``.
    check_headers : callable, optional
        ``check_headers(document, archive)`` runs after the document is read and before any
        array is: it compares ``archive.headers`` (declared shapes) with the document and
        raises ``UserInputError`` (``archive.require_shape`` and ``require_at_most`` help).

    Raises
    ------
    UserInputError
        Missing file, not a zip archive, truncated or corrupted, oversized members, no
        document, invalid JSON, whatever ``check_headers`` refuses.
    """
    path = Path(path)
    with open_npz(path, what, text_keys=(DOCUMENT_KEY,)) as archive:
        if DOCUMENT_KEY not in archive.headers:
            raise UserInputError(
                f"{path} is not a Backprop Studio {what} file (no description).")
        document = parse_document(path, read_member(archive, DOCUMENT_KEY), what)
        if check_headers is not None:
            check_headers(document, archive)
        arrays = {key: read_member(archive, key) for key in archive.headers
                  if key != DOCUMENT_KEY}
    return document, arrays
