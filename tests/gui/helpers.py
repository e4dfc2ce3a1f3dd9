"""Small helpers shared by the tests that drive the real window."""

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction


def shown_window(qtbot, dataset=None, config=None):
    """The main window on ``dataset`` (a name, a ``Dataset`` or None) and ``config`` (None
    with no dataset: as a user launches it), shown and closed by ``qtbot`` at the end."""
    from core.data import load_dataset
    from gui.shell.window import MainWindow

    if isinstance(dataset, str):
        dataset = load_dataset(dataset)
    w = MainWindow() if dataset is None and config is None else MainWindow(dataset, config)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def action(window, name):
    """The window's ``QAction`` with object name ``name`` (fails the test when missing)."""
    found = window.findChild(QAction, name)
    assert found is not None, f"no QAction named {name!r}"
    return found


#: Milliseconds a helper waits for the worker before failing the test.
WORKER_TIMEOUT = 60_000


def in_worker(qtbot, window, fn, pause=True):
    """``fn(trainer)`` run in the worker thread (training paused first unless ``pause`` is
    False); its value. What the worker emitted before (counters, snapshots) is delivered."""
    if pause:
        window.session.pause()
    value = window.session.call(fn, timeout=WORKER_TIMEOUT / 1000)
    QCoreApplication.processEvents()
    return value


def pause_training(qtbot, window):
    """Pause the window's training and wait until it has stopped."""
    if window.session.running:
        with qtbot.waitSignal(window.session.runningChanged, timeout=WORKER_TIMEOUT):
            window.session.pause()
