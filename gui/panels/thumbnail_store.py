"""Dataset thumbnails kept on disk between launches.

Drawing the dataset tiles means making every dataset and painting it: about 70 ms of each
start-up, for pictures that change only when the code or data behind them does. So the
drawn pictures are kept as PNG files in the user's cache folder
(``QStandardPaths.CacheLocation``/thumbnails/KEY), where KEY is a digest of everything that
decides them: the source of every ``core.data`` module (generators, defaults, splits), the
shipped data files, the drawing code and its colours, and the NumPy, PySide6 and Qt versions.
Any change to those gives a new key, hence a new folder (older ones are removed). A picture
that is missing or cannot be read is drawn again; when nothing can be kept (no cache folder,
a read-only disk, sources that cannot be read), every picture is drawn, as before.
"""

import contextlib
import hashlib
import os
import shutil
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import PySide6
from PySide6.QtCore import QStandardPaths, qVersion
from PySide6.QtGui import QPixmap

#: Packages and modules (beside every module of ``core.data``) whose source decides a picture.
DRAWING_SOURCES = (("gui.panels", "thumbnails.py"), ("gui.panels", "dataset_tiles.py"),
                   ("gui.theme", "style.py"))
#: Shipped data files (``resources``) that datasets are read from.
DATA_SUFFIXES = (".csv", ".csv.gz")


def sources():
    """``(name, bytes)`` of everything a thumbnail depends on (see the module docstring)."""
    found = [(f"core.data/{item.name}", item.read_bytes())
             for item in resources.files("core.data").iterdir() if item.name.endswith(".py")]
    if not any(name == "core.data/catalog.py" for name, _ in found):
        # installed without sources (compiled only): a key could not follow the code
        raise FileNotFoundError("core.data has no source files to make a key of")
    found += [(f"{package}/{name}", (resources.files(package) / name).read_bytes())
              for package, name in DRAWING_SOURCES]
    found += [(f"resources/{item.name}", item.read_bytes())
              for item in resources.files("resources").iterdir()
              if item.name.endswith(DATA_SUFFIXES)]
    versions = f"numpy {np.__version__} PySide6 {PySide6.__version__} Qt {qVersion()}"
    return sorted(found) + [("versions", versions.encode())]


def key_of(parts):
    """A short hex digest of ``parts`` (``(name, bytes)`` pairs, as :func:`sources`)."""
    digest = hashlib.sha256()
    for name, data in parts:
        for piece in (name.encode(), data):
            digest.update(len(piece).to_bytes(8, "little"))
            digest.update(piece)
    return digest.hexdigest()[:20]


@cache
def folder():
    """This key's folder (a ``Path``, perhaps not made yet), or None when none can be kept."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    if not base:
        return None
    try:
        key = key_of(sources())
    except (OSError, ModuleNotFoundError):  # e.g. an installation without its sources
        return None
    return Path(base) / "thumbnails" / key


def load(name, size):
    """The kept picture of dataset ``name`` (a ``QPixmap`` of ``size`` × ``size``), or None."""
    where = folder()
    if where is None:
        return None
    pixmap = QPixmap()
    if not pixmap.load(str(where / f"{name}.png"), "PNG") or pixmap.size().width() != size:
        return None
    return pixmap if pixmap.size().height() == size else None


def save(name, pixmap):
    """Keep ``pixmap`` as the picture of dataset ``name`` (silently not, on any failure)."""
    where = folder()
    if where is None:
        return
    try:
        if not where.is_dir():
            _remove_other_keys(where)
            where.mkdir(parents=True, exist_ok=True)
        target = where / f"{name}.png"
        partial = where / f"{name}.{os.getpid()}.part"
        if pixmap.save(str(partial), "PNG"):
            os.replace(partial, target)  # never a half-written file under the real name
        else:
            partial.unlink(missing_ok=True)
    except OSError:
        return


def _remove_other_keys(where):
    """Remove the folders of other keys (pictures of code or data no longer installed)."""
    with contextlib.suppress(OSError):
        for other in where.parent.iterdir():
            if other != where and other.is_dir():
                shutil.rmtree(other, ignore_errors=True)
