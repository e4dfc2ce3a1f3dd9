"""Reading an ``.npz`` file without letting the file decide how much memory is used.

A zip member's size as stored can be tiny while it inflates to gigabytes, and a ``.npy``
header can declare any shape: NumPy allocates what the header asks for before it reads a
byte of data. ``NpzArchive`` therefore looks before it reads:

1. the zip's central directory (``ZipInfo.file_size``, the inflated size, which ``zipfile``
   also never reads past): member count, each member's size and the total are capped;
2. each member's ``.npy`` header (``numpy.lib.format.read_magic`` /
   ``read_array_header_*``, a few hundred bytes): the declared shape and dtype must need
   exactly the member's size, no Python objects, and no more than the caps;
3. the caller compares the declared shapes with its own metadata (``headers``), and only
   then reads an array (``read``).

Every refusal is a ``UserInputError`` naming the file, the member and the limit.
"""

import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.lib import format as npy_format

from core.errors import UserInputError
from core.train.config import MAX_PARAMETERS

#: The largest array a file may hold: the weights of the largest network the app builds,
#: ``core.train.config.MAX_PARAMETERS`` float64 numbers (400 MB).
MAX_ARRAY_BYTES = MAX_PARAMETERS * 8
#: All arrays of one file together (2 GB): that network's weights, up to three optimizer
#: buffers of the same size, and room for the data, history and batch order.
MAX_TOTAL_BYTES = 5 * MAX_ARRAY_BYTES
#: A JSON description (the weights file's ``meta``, a session's ``document``) is text.
MAX_TEXT_BYTES = 64 * 2**20
#: Members one file may list (a session holds a few per layer).
MAX_MEMBERS = 4096
_HEADER_LIMIT = 10_000  # bytes of one .npy header (NumPy's own default)


@dataclass(frozen=True)
class MemberHeader:
    """What a member's ``.npy`` header declares (read without reading the data).

    Attributes
    ----------
    key : str
        The array's name (the member's name without ``.npy``), as ``numpy.load`` names it.
    shape : tuple of int
    dtype : numpy.dtype
    nbytes : int
        Bytes of data the shape and dtype need.
    """

    key: str
    shape: tuple
    dtype: np.dtype
    nbytes: int


def _mb(n):
    """``n`` bytes, exactly, with the size in MB when that is large."""
    return f"{n:,} bytes" + (f" ~ {n / 2**20:,.0f} MB" if n >= 2**20 else "")


def _key(name):
    return name[:-4] if name.endswith(".npy") else name


class NpzArchive:
    """An open ``.npz`` file whose members' headers are read and checked; arrays on demand.

    Parameters
    ----------
    path : str or Path
        An existing file.
    what : str
        The kind of file for messages, e.g. ``"weights"``.
    text_keys : tuple of str
        Members holding a JSON description: capped at ``MAX_TEXT_BYTES``.

    Raises
    ------
    UserInputError
        Too many members, a member or all of them too large, a header whose shape does not
        fit the member, Python objects. Damaged zips raise what ``zipfile``/NumPy raise
        (``core.io.archive`` turns those into a ``UserInputError``).
    """

    def __init__(self, path, what, text_keys=()):
        self.path, self.what = Path(path), what
        self._file = open(self.path, "rb")  # noqa: SIM115 - closed by close()
        try:
            self._zip = zipfile.ZipFile(self._file)
            self._infos = self._checked_directory(text_keys)
            self.headers = {key: self._read_header(key, info)
                            for key, info in self._infos.items()}
        except BaseException:
            self.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        zf = getattr(self, "_zip", None)
        if zf is not None:
            zf.close()
        self._file.close()

    def _refuse(self, message):
        raise UserInputError(f"{self.path}: {message} The file is damaged or was not saved by "
                             f"Backprop Studio; choose a {self.what} file it saved.")

    def _checked_directory(self, text_keys):
        """``{key: ZipInfo}`` after the central directory's sizes passed the caps."""
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            self._refuse(f"it lists {len(infos):,} members, more than the limit of "
                         f"{MAX_MEMBERS:,}.")
        by_key, total = {}, 0
        for info in infos:
            key = _key(info.filename)
            if key in by_key:
                self._refuse(f"it holds the member {key!r} twice.")
            limit = MAX_TEXT_BYTES if key in text_keys else MAX_ARRAY_BYTES
            if info.file_size > limit:
                self._refuse(f"member {key!r} inflates to {_mb(info.file_size)}, more than "
                             f"the limit of {_mb(limit)}{_limit_reason(key in text_keys)}.")
            total += info.file_size
            by_key[key] = info
        if total > MAX_TOTAL_BYTES:
            self._refuse(f"its members inflate to {_mb(total)} together, more than the limit "
                         f"of {_mb(MAX_TOTAL_BYTES)} (the largest network the app builds "
                         "with its optimizer state and history).")
        return by_key

    def _read_header(self, key, info):
        with self._zip.open(info) as fp:
            version = npy_format.read_magic(fp)
            if version == (1, 0):
                shape, fortran, dtype = npy_format.read_array_header_1_0(
                    fp, max_header_size=_HEADER_LIMIT)
            elif version == (2, 0):
                shape, fortran, dtype = npy_format.read_array_header_2_0(
                    fp, max_header_size=_HEADER_LIMIT)
            else:
                self._refuse(f"member {key!r} is a NumPy array of format {version}, which "
                             "is not read.")
            header_bytes = fp.tell()
        if dtype.hasobject:
            raise UserInputError(
                f"{self.path} is not a Backprop Studio .npz file (member {key!r} holds Python "
                f"objects, which are never loaded). Choose a {self.what} file saved by "
                "Backprop Studio.")
        if any(s < 0 for s in shape):
            self._refuse(f"member {key!r} declares the impossible shape {shape}.")
        nbytes = math.prod(shape) * dtype.itemsize
        if info.file_size != header_bytes + nbytes:
            self._refuse(f"member {key!r} declares an array of shape {shape} ({dtype}, "
                         f"{_mb(nbytes)}) but holds {_mb(info.file_size - header_bytes)} of "
                         "data.")
        return MemberHeader(key, tuple(shape), dtype, nbytes)

    def read(self, key):
        """The array ``key`` (its header already checked against the caps)."""
        with self._zip.open(self._infos[key]) as fp:
            return npy_format.read_array(fp, allow_pickle=False,
                                         max_header_size=_HEADER_LIMIT)

    def read_all(self):
        """``{key: array}`` of every member."""
        return {key: self.read(key) for key in self.headers}

    def require_shape(self, key, shape, why):
        """Refuse, before reading it, a member whose declared shape is not ``shape``.

        ``why`` says where ``shape`` comes from, e.g. ``"for layer sizes 2-8-1"``.
        """
        header = self.headers.get(key)
        if header is not None and header.shape != tuple(shape):
            self._refuse(f"member {key!r} has shape {header.shape} ({_mb(header.nbytes)}; "
                         f"not read); expected {tuple(shape)} {why}.")

    def require_at_most(self, key, n_values, why):
        """Refuse, before reading it, a member declaring more than ``n_values`` numbers."""
        header = self.headers.get(key)
        if header is not None and math.prod(header.shape) > n_values:
            self._refuse(f"member {key!r} declares {math.prod(header.shape):,} values "
                         f"(shape {header.shape}); at most {n_values:,} fit {why}.")


def _limit_reason(text):
    if text:
        return " for a description"
    return (f" (the weights of the largest network the app builds, {MAX_PARAMETERS:,} "
            "parameters)")
