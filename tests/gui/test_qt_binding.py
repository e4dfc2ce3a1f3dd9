"""Guard against Qt-binding builds that corrupt CPython's reference counts.

PySide6-Essentials 6.12.0's abi3 wheel, on Python < 3.12, drops a reference to ``None`` on
every void Qt call and to ``True`` on every ``Signal.emit``; a live window then aborts within
seconds ("Fatal Python error: bool_dealloc"). pyproject.toml excludes it; this test fails
loudly if a build like it is ever installed again.
"""

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel


class _Emitter(QObject):
    fired = Signal(object)


def test_qt_calls_and_signals_keep_refcounts_of_singletons(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    emitter = _Emitter()
    emitter.fired.connect(lambda value: None)
    before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(200):
        label.setText("x")
        emitter.fired.emit(1)
    after = sys.getrefcount(None), sys.getrefcount(True)
    # Small drift from unrelated objects is fine; a per-call leak shows as >= 200.
    assert abs(before[0] - after[0]) < 50, "void Qt calls leak references to None"
    assert abs(before[1] - after[1]) < 50, "Signal.emit leaks references to True"
