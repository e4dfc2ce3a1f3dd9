"""All-or-nothing file writes: the one helper every save and export goes through.

``atomic_write(path, writer)`` lets ``writer`` fill a temporary file created in the target
folder, flushes it to disk and renames it over ``path`` with ``os.replace`` (atomic on one file
system). A writer that fails or is interrupted therefore never leaves a half-written file and
never destroys the previous one: the temporary file is removed and the old file stays as it
was. Operating-system failures (missing folder, no permission, full disk, a name the file
system cannot store) become a ``UserInputError`` that names the path and says what to do.
"""

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from core.errors import UserInputError

_HINTS = {
    errno.ENOSPC: "the disk is full; free some space or choose another drive",
    errno.EDQUOT: "the disk quota is exceeded; free some space or choose another drive",
    errno.EACCES: "permission denied; choose a folder you can write to",
    errno.EPERM: "permission denied; choose a folder you can write to",
    errno.EROFS: "the drive is read-only; choose another folder",
    errno.ENAMETOOLONG: "the file name is too long; choose a shorter one",
    errno.ENOENT: "the folder does not exist; create it or choose another one",
}


#: Why creating a file in a folder that exists fails with ENOENT: Linux's /proc and /sys
#: (and similar virtual file systems) list folders in which no file can be made.
NO_NEW_FILES = ("this folder does not accept new files (a virtual system folder such as /proc "
                "or /sys); choose a folder in your home or project instead")


def _describe(exc, folder=None):
    """A short reason for an ``OSError`` (a hint for common errors, else its text).

    ``folder`` is where the file was being created: a "no such file" error there while the
    folder exists means a virtual file system, not a missing folder.
    """
    if exc.errno == errno.ENOENT and folder is not None and Path(folder).is_dir():
        return NO_NEW_FILES
    return _HINTS.get(exc.errno) or exc.strerror or str(exc) or type(exc).__name__


def _not_a_folder(folder):
    """Why ``folder`` (which is not an existing folder) cannot hold a new file.

    Names the real cause: a part of the path that is a file (``notes.txt/w.npz``), else the
    folder that is missing.
    """
    part = Path(folder)
    while not part.exists() and part.parent != part:
        part = part.parent
    if part.exists() and not part.is_dir():
        return f"{part} is a file, not a folder; choose a folder"
    return f"folder {folder} does not exist. Create it first or choose another folder"


def _folder_of(path):
    """Check ``path`` names a file in an existing folder; returns the folder."""
    if not path.name or path.name in (".", ".."):
        raise UserInputError(f"Cannot save to {str(path)!r}: give a file name, not a folder.")
    folder = path.parent
    if path.is_dir():
        raise UserInputError(f"Cannot save to {path}: it is a folder; give a file name.")
    if not folder.is_dir():
        raise UserInputError(f"Cannot save {path.name!r}: {_not_a_folder(folder)}.")
    return folder


def _new_file_mode(path):
    """Permissions for the new file: the old file's, else the usual ``0o666 & ~umask``."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write(path, writer, text=False):
    """Write ``path`` all or nothing.

    Parameters
    ----------
    path : str or Path
        The file to create or replace. Its folder must exist.
    writer : callable
        ``writer(f)`` writes the whole content to the open file object ``f`` (binary, or
        UTF-8 text with ``"\\n"`` line ends when ``text`` is True).
    text : bool
        Open the temporary file in text mode.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    UserInputError
        Missing folder, a folder given as the file, no permission, full disk, or any other
        ``OSError`` while writing; the message names the path. The previous file (if any) is
        left intact and no temporary file remains.
    Exception
        Whatever else ``writer`` raises, after the same clean-up.
    """
    path = Path(path)
    try:
        folder = _folder_of(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except (OSError, UnicodeError) as e:
        raise _as_user_error(path, e, path.parent) from None
    try:
        with _open(fd, text) as f:
            writer(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, _new_file_mode(path))
        os.replace(tmp, path)
    except BaseException as e:
        _remove_quietly(tmp)
        if isinstance(e, OSError):
            raise _as_user_error(path, e) from None
        raise
    _sync_folder(folder)
    return path


def atomic_write_bytes(path, data):
    """``atomic_write`` of a ``bytes`` object."""
    return atomic_write(path, lambda f: f.write(data))


def atomic_write_text(path, text):
    """``atomic_write`` of a ``str`` (UTF-8, ``"\\n"`` line ends)."""
    return atomic_write(path, lambda f: f.write(text), text=True)


def _open(fd, text):
    if text:
        return os.fdopen(fd, "w", encoding="utf-8", newline="\n")
    return os.fdopen(fd, "wb")


def _as_user_error(path, exc, folder=None):
    if isinstance(exc, UnicodeError):
        return UserInputError(
            f"Cannot save {path!s}: this system cannot store some characters of the name; "
            "choose a name with plain letters and digits."
        )
    return UserInputError(f"Cannot save {path}: {_describe(exc, folder)}.")


def _remove_quietly(tmp):
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)


def _sync_folder(folder):
    """Flush the rename to disk where the platform allows it (best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


#: What ``check_writable`` accepts per kind of output: file suffixes, or None for a folder.
OUTPUT_SUFFIXES = {
    "weights": (".npz", ".json"),
    "data": (".npz",),
    "session": (".bpsession",),
    "python": (".py",),
    "onnx": (".onnx",),
    "plots": None,
}


def check_writable(path, kind, label=None):
    """Check before any work that ``path`` can be written as output ``kind``; returns it.

    Parameters
    ----------
    path : str or Path
    kind : str
        A key of ``OUTPUT_SUFFIXES``: a file kind (its suffix must be one of those listed,
        any case) or ``"plots"``, a folder created later with its missing parents.
    label : str, optional
        How the user named the output (e.g. ``"--save-weights"``); default ``"<kind> file"``.

    Raises
    ------
    UserInputError
        Wrong suffix, a folder given for a file (or a file for a folder), a missing parent
        folder (or a file where a folder should be), or a folder in which this process cannot
        create a file (no permission, read-only, a virtual folder such as /proc). The
        message names the path and the cause.
    """
    path = Path(path)
    suffixes = OUTPUT_SUFFIXES[kind]
    label = label or (f"{kind} folder" if suffixes is None else f"{kind} file")
    if suffixes is None:
        if path.exists() and not path.is_dir():
            raise UserInputError(f"{label} {path} is a file, not a folder; choose a folder.")
        folder = path
        while not folder.exists() and folder.parent != folder:
            folder = folder.parent  # the missing folders are created in the nearest existing
    else:
        if path.suffix.lower() not in suffixes:
            raise UserInputError(
                f"{label} {path}: the file name must end in {' or '.join(suffixes)} "
                f"(got {path.suffix or 'no suffix'!r}).")
        if path.is_dir():
            raise UserInputError(f"{label} {path} is a folder, not a file; give a file name.")
        folder = path.parent
    if not folder.is_dir():
        raise UserInputError(f"{label} {path}: {_not_a_folder(folder)}.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserInputError(
            f"{label} {path}: cannot write in folder {folder} (permission denied); choose a "
            "folder you can write to.")
    problem = _try_creating_a_file(folder)
    if problem is not None:
        raise UserInputError(f"{label} {path}: cannot create a file in folder {folder}: "
                             f"{_describe(problem, folder)}.")
    return path


def _try_creating_a_file(folder):
    """Create and remove an empty temporary file in ``folder``; the ``OSError`` if that fails.

    ``os.access`` says yes to root everywhere and knows nothing of read-only mounts or
    virtual file systems; only trying tells.
    """
    try:
        fd, tmp = tempfile.mkstemp(prefix=".backprop-check-", dir=folder)
    except OSError as e:
        return e
    os.close(fd)
    _remove_quietly(tmp)
    return None
