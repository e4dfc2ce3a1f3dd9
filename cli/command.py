"""How Backprop Studio was started, so usage lines and suggested commands match it.

Installed (the ``backprop-studio`` console script) the program calls itself
``backprop-studio``; from a source checkout (``python main.py``) it calls itself ``main.py``.
A suggested command must work when pasted into a shell, so it names the interpreter that runs
now (``python3``, ``.venv/bin/python``, …) rather than assuming a ``python`` on ``PATH``.
"""

import os
import shlex
import shutil
import sys

#: The console script that ``pip install`` creates (``[project.scripts]`` in pyproject.toml).
INSTALLED_COMMAND = "backprop-studio"
#: The launcher file of a source checkout.
SCRIPT = "main.py"


def is_installed_command(argv0=None):
    """Whether the program runs as the installed ``backprop-studio`` script (any suffix, e.g.
    ``backprop-studio.exe`` or ``backprop-studio-script.py`` on Windows)."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    return os.path.basename(argv0).startswith(INSTALLED_COMMAND)


def prog_name(argv0=None):
    """The name for ``argparse``'s ``prog``: ``"backprop-studio"`` or ``"main.py"``."""
    return INSTALLED_COMMAND if is_installed_command(argv0) else SCRIPT


def shell_command(argv0=None, executable=None):
    """The shell command that starts the app the way it was started now.

    ``"backprop-studio"`` (its full path when it is not the one found on ``PATH``), or the
    running interpreter plus the launcher, e.g. ``"python3 main.py"`` or
    ``".venv/bin/python main.py"``.
    """
    argv0 = sys.argv[0] if argv0 is None else argv0
    if is_installed_command(argv0):
        return _as_typed(INSTALLED_COMMAND, argv0)
    script = argv0 if os.path.basename(argv0) == SCRIPT else SCRIPT
    return f"{python_command(executable)} {shlex.quote(script)}"


def python_command(executable=None):
    """The running interpreter as a shell word: ``python3`` or ``python`` when that name on
    ``PATH`` is this interpreter, else its path (e.g. ``.venv/bin/python``)."""
    executable = sys.executable if executable is None else executable
    return next((name for name in ("python3", "python") if _same_file(name, executable)),
                shlex.quote(_short(executable)))


def _as_typed(name, path):
    return name if _same_file(name, path) else shlex.quote(_short(path))


def _same_file(name, path):
    """Whether ``name`` looked up on ``PATH`` is ``path`` (symlinks not followed: a virtual
    environment's ``python`` links to the system one but has other packages)."""
    found = shutil.which(name)
    return bool(found) and bool(path) and os.path.abspath(found) == os.path.abspath(path)


def _short(path):
    """``path`` relative to the current folder when it lies inside it, else absolute."""
    if not path:
        return "python3"
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:  # another drive (Windows)
        return absolute
    return relative if not relative.startswith(os.pardir) else absolute
