"""A cheaper test in PySide6's import hook, for start-up.

PySide6 looks at every module imported after it for the text "PySide6" (a module that names
it may switch on ``from __feature__ import snake_case``), and reads each module's source
for that through ``inspect.getsource``: line cache, encoding detection, every line kept in
memory. For the ~400 modules pyqtgraph and the window import that is about 80 ms of the
app's start-up (``shibokensupport.feature._mod_uses_pyside``, PYSIDE-2029).

:func:`speed_up_feature_scan` makes the same test with one plain read of the module's
``.py`` file; anything else (no file, a compiled or zipped module, a read error) still
goes to PySide's own test. A PySide6 without this internal (another version) is left as it
is: the app then starts as fast as that version allows, and works the same. The app calls
it once, right after importing PySide6 (``gui.shell.app.run``); it uses no ``__feature__``.
"""

import sys

FEATURE_MODULE = "shibokensupport.feature"


def speed_up_feature_scan():
    """Install the plain-read test into PySide6's import hook; True when it is in place."""
    feature = sys.modules.get(FEATURE_MODULE)
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None:
        return False
    if getattr(original, "reads_plain_file", False):
        return True

    def mod_uses_pyside(module):
        """Whether ``module``'s source names PySide6 (PySide's own test, read faster)."""
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass  # PySide's own test says what it says of an unreadable module
        return original(module)

    mod_uses_pyside.reads_plain_file = True
    mod_uses_pyside.original = original
    feature._mod_uses_pyside = mod_uses_pyside
    return True
