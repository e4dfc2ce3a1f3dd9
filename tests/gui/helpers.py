"""Small helpers shared by the tests that drive the real window."""

from PySide6.QtGui import QAction


def action(window, name):
    """The window's ``QAction`` with object name ``name`` (fails the test when missing)."""
    found = window.findChild(QAction, name)
    assert found is not None, f"no QAction named {name!r}"
    return found
