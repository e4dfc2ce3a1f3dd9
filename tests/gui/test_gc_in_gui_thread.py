"""While a training thread exists, cyclic garbage is collected only in the GUI thread
(pyqtgraph's ``GarbageCollector``, started by ``gui.running.session``): a Qt widget freed by a
collection in the worker thread can deadlock both threads."""

import gc
import threading

from PySide6.QtCore import QObject, QThread, Signal

from gui.running import session as session_module

TIMEOUT = 10_000


class Cycle:
    """An unreachable-once-dropped reference cycle that notes the thread freeing it."""

    def __init__(self, freed_in):
        self.me = self
        self.freed_in = freed_in

    def __del__(self):
        self.freed_in.append(threading.current_thread().name)


class Allocator(QObject):
    """Allocates and keeps enough containers in its thread to cross gen-0's threshold."""

    done = Signal()

    def churn(self):
        self.kept = [[] for _ in range(20 * gc.get_threshold()[0])]  # net allocations count
        self.done.emit()


def churn_in_a_thread(qtbot):
    thread = QThread()
    allocator = Allocator()
    allocator.moveToThread(thread)
    thread.started.connect(allocator.churn)
    with qtbot.waitSignal(allocator.done, timeout=TIMEOUT):
        thread.start()
    thread.quit()
    assert thread.wait(TIMEOUT)
    return allocator.kept  # still allocated: CPython would now collect at the next allocation


def test_without_it_a_worker_thread_can_run_the_collection(qtbot):
    """The hazard itself: allocating in another thread collects garbage there."""
    assert gc.isenabled() and session_module._collector is None
    gc.collect()
    freed_in = []
    Cycle(freed_in)
    kept = churn_in_a_thread(qtbot)
    assert kept and freed_in and freed_in[0] != threading.main_thread().name


def test_a_window_collects_only_in_the_gui_thread(qtbot):
    from core.data import load_dataset
    from gui.shell.window import MainWindow

    window = MainWindow(load_dataset("xor"))
    qtbot.addWidget(window)
    assert not gc.isenabled() and session_module._collector.timer.isActive()
    gc.collect()
    freed_in = []
    Cycle(freed_in)
    kept = churn_in_a_thread(qtbot)
    qtbot.waitUntil(lambda: freed_in != [], timeout=TIMEOUT)  # the GUI timer collects
    assert kept and freed_in == [threading.main_thread().name]
    window.close()
