"""A JSON document plus NumPy arrays in one ``.npz`` (zip) file, written atomically.

Nested data containing arrays is split into a JSON-safe document, where each array is
replaced by ``{"__array__": key}``, and a flat ``{key: array}`` dict stored as ``.npy``
members next to a ``document`` member holding the JSON text. Reading never unpickles
anything (``allow_pickle=False``) and turns every way a file can be damaged into a
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
from core.export.atomic import atomic_write

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


def read_npz(path, what):
    """Every array of the ``.npz`` at ``path`` (dict name -> array), pickles refused.

    ``what`` names the kind of file for messages, e.g. ``"weights"``. A missing, truncated or
    corrupted file raises ``UserInputError`` whatever NumPy or zipfile raised underneath.
    """
    path = Path(path)
    if not path.is_file():
        raise UserInputError(f"{what.capitalize()} file {path} does not exist.")
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {k: npz[k] for k in npz.files}
    except DAMAGED_FILE_ERRORS as e:
        raise UserInputError(
            f"{path} is not a readable {what} file (.npz archive): {e or type(e).__name__}. "
            "It may be truncated or corrupted; save it again."
        ) from None


def read_archive(path, what):
    """Read ``(document, arrays)`` written by ``write_archive``.

    Parameters
    ----------
    path : str or Path
    what : str
        What the file should be, for messages, e.g. ``"session"``.

    Raises
    ------
    UserInputError
        Missing file, not a zip archive, truncated or corrupted, no document, invalid JSON.
    """
    path = Path(path)
    arrays = read_npz(path, what)
    if DOCUMENT_KEY not in arrays:
        raise UserInputError(f"{path} is not a Backprop Studio {what} file (no description).")
    raw = arrays.pop(DOCUMENT_KEY)
    try:
        document = json.loads(str(raw[()]))
    except (ValueError, TypeError, IndexError, RecursionError) as e:
        raise UserInputError(f"{path}: the {what} description is not valid JSON ({e}).") from None
    if not isinstance(document, dict):
        raise UserInputError(f"{path}: the {what} description must be a JSON object.")
    return document, arrays
