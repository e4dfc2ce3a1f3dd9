"""The window's entry points at their public, stable path: ``run(argv)`` (what ``main.py``
starts) and ``parse_window_args(argv)`` (command-line options to ``(dataset, config)``, which
tools such as ``layout_check.py`` use). They live in :mod:`gui.shell.app`."""

from gui.shell.app import parse_window_args, run

__all__ = ["parse_window_args", "run"]
