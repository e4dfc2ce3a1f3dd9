"""GUI test setup: offscreen Qt, settings in a temporary folder, no thread left running.

``QT_QPA_PLATFORM`` is set before any ``QApplication`` exists (pytest-qt creates it lazily
in the ``qapp`` fixture), so the tests need no display. The offscreen screen is made
1920×1200 (its default, 800×800, is smaller than the window's minimum size).
"""

import json
import os
import tempfile

SCREEN = {"screens": [{"name": "offscreen", "x": 0, "y": 0, "width": 1920, "height": 1200,
                       "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}


def _offscreen_platform():
    path = os.path.join(tempfile.mkdtemp(prefix="bps-screen-"), "screen.json")
    with open(path, "w") as f:
        json.dump(SCREEN, f)
    return f"offscreen:configfile={path}"


if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = _offscreen_platform()

import gc  # noqa: E402
import multiprocessing  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, QSettings, QThread  # noqa: E402


@pytest.fixture(autouse=True)
def temporary_settings(tmp_path_factory):
    """Every ``QSettings`` a test opens lives in a temporary folder of its own (not in the
    test's ``tmp_path``, which stays empty for the test), never the user's own.

    They start as a returning user's who chose Max speed, so tests that train do not wait
    on the first-time default speed (``first_time_settings`` gives a fresh user's instead).
    """
    from gui.shell.window import app_settings

    folder = str(tmp_path_factory.mktemp("settings"))
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, folder)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QCoreApplication.setOrganizationName("BackpropStudioTests")
    settings = app_settings()
    settings.setValue("training/speed", 0)
    settings.sync()
    return folder


@pytest.fixture
def first_time_settings(temporary_settings):
    """Empty settings: the app as a first-time user opens it."""
    from gui.shell.window import app_settings

    settings = app_settings()
    settings.clear()
    settings.sync()
    return temporary_settings


@pytest.fixture
def window(qtbot):
    """The main window on two circles, shown, with an epoch limit far away (test files
    that need another setup define their own ``window``)."""
    from core.train.config import TrainConfig
    from tests.gui.helpers import shown_window

    w = shown_window(qtbot, "circles", TrainConfig(epochs=10**6))
    yield w
    w.close()


def running_qthreads():
    """Every live ``QThread`` object (other than the main thread) that is still running."""
    main = QCoreApplication.instance().thread() if QCoreApplication.instance() else None
    found = []
    for obj in gc.get_objects():
        try:
            if isinstance(obj, QThread) and obj is not main and obj.isRunning():
                found.append(obj)
        except RuntimeError:  # the C++ object is already deleted
            continue
    return found


@pytest.fixture(autouse=True)
def no_thread_left_running(qapp):
    """Fail the test if it leaves a ``QThread`` running (and stop it, so others still run)."""
    yield
    left = running_qthreads()
    for thread in left:
        thread.quit()
        thread.wait(5000)
    assert not left, f"test left {len(left)} QThread(s) running: {[t.objectName() for t in left]}"


@pytest.fixture(autouse=True)
def automatic_collection_between_tests():
    """A window turns automatic garbage collection off for the process (``gui.running.session``);
    turn it back on after each test, so tests without an event loop still collect."""
    yield
    from gui.running import session

    if session._collector is not None:
        session._collector.timer.stop()
        session._collector = None
        gc.enable()


@pytest.fixture(autouse=True)
def no_process_left_running():
    """Fail the test if it leaves a training process running (and end it)."""
    yield
    left = multiprocessing.active_children()
    for process in left:
        process.kill()
        process.join(5)
    assert not left, f"test left {len(left)} child process(es) running: {left}"
