"""``core`` never imports Qt: it must work headless, with Qt absent."""

import pkgutil
import re
import subprocess
import sys

import core
from tests.conftest import ROOT

QT_IMPORT = re.compile(r"^\s*(from|import)\s+(PySide6|PySide2|PyQt5|PyQt6|pyqtgraph|qtpy)\b",
                       re.MULTILINE)


def core_modules():
    return sorted(m.name for m in pkgutil.walk_packages(core.__path__, "core."))


def test_every_core_module_imports_with_qt_blocked():
    modules = core_modules()
    assert "core.train.trainer" in modules and "core.data.pipeline" in modules
    code = (
        "import sys, importlib\n"
        "for name in ('PySide6', 'pyqtgraph', 'PyQt5', 'PyQt6', 'shiboken6'):\n"
        "    sys.modules[name] = None\n"
        "import core\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "assert not any(k.startswith(('PySide6.', 'pyqtgraph.')) for k in sys.modules)\n"
        "print('ok')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_no_core_file_mentions_a_qt_import():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "core").rglob("*.py")
                 if QT_IMPORT.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_pattern_catches_qt_imports():
    assert QT_IMPORT.search("import numpy\nfrom PySide6.QtCore import QObject\n")
    assert QT_IMPORT.search("    import pyqtgraph as pg\n")
    assert not QT_IMPORT.search("# PySide6 is never imported here\n")
