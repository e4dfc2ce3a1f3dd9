"""Where shipped data files live: the ``resources`` package, found with ``importlib.resources``.

Why a package: the repository keeps its data in a top-level ``resources/`` folder next to
``core/`` and ``gui/``. The wheel installs that folder as the package ``resources`` (with its
data files, see ``pyproject.toml``), just as it installs ``core`` and ``gui``, so one lookup,
``importlib.resources.files("resources")``, works from a source checkout, an editable install,
an installed wheel and a zip-safe install alike. Files are read through the returned
``Traversable`` (``open``, ``read_bytes``), never through a file-system path, which a zip does
not have.
"""

import contextlib
import gzip
import io
from functools import cache
from importlib import resources

#: The package that holds the shipped files.
RESOURCES_PACKAGE = "resources"
#: A file only Backprop Studio's ``resources`` has; without it, the package found is another
#: one of that name, or the data files were left out of the installation.
MARKER = "digits.csv.gz"


@cache
def resources_dir():
    """The shipped files as an ``importlib.resources`` ``Traversable`` (supports ``/``).

    Raises
    ------
    FileNotFoundError
        The package is missing or is not Backprop Studio's (a broken installation); the
        message says so and how to repair it.
    """
    try:
        root = resources.files(RESOURCES_PACKAGE)
    except ModuleNotFoundError:
        root = None
    if root is None or not (root / MARKER).is_file():
        found = "" if root is None else f" (the package found, {root}, lacks {MARKER})"
        raise FileNotFoundError(
            f"Backprop Studio's data files (its package {RESOURCES_PACKAGE!r}) are missing "
            f"from this installation{found}; reinstall Backprop Studio (pip install "
            "--force-reinstall backprop-studio, or pip install -e . in a source checkout)."
        )
    return root


@contextlib.contextmanager
def open_text(name):
    """Open shipped file ``name`` (``"iris.csv"``, ``"digits.csv.gz"``) as UTF-8 text, a
    ``.gz`` file decompressed on the fly: ``with open_text("iris.csv") as f: ...``."""
    with contextlib.ExitStack() as stack:
        stream = stack.enter_context(_traverse(name).open("rb"))
        if name.endswith(".gz"):
            stream = stack.enter_context(gzip.GzipFile(fileobj=stream, mode="rb"))
        yield stack.enter_context(io.TextIOWrapper(stream, encoding="utf-8"))


def read_bytes(name):
    """The content of shipped file ``name`` (``"icons/backprop-studio.svg"``) as bytes."""
    return _traverse(name).read_bytes()


def _traverse(name):
    node = resources_dir()
    for part in name.split("/"):
        node = node / part
    return node
