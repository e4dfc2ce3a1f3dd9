"""``gui.gc_guard``: while a training thread runs, cyclic garbage is collected only in the
GUI thread (a Qt widget freed by a collection in the worker thread can deadlock both)."""

import gc
import threading

import pytest
from PySide6.QtCore import QObject, QThread, Signal

from gui import gc_guard

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


def test_without_the_guard_a_worker_thread_can_run_the_collection(qtbot):
    """The hazard itself: allocating in another thread collects garbage there."""
    assert gc.isenabled() and gc_guard.holders() == 0
    gc.collect()
    freed_in = []
    Cycle(freed_in)
    kept = churn_in_a_thread(qtbot)
    assert kept and freed_in and freed_in[0] != threading.main_thread().name


def test_held_guard_collects_only_in_the_gui_thread(qtbot):
    gc.collect()
    freed_in = []
    gc_guard.hold()
    try:
        assert not gc.isenabled()
        Cycle(freed_in)
        kept = churn_in_a_thread(qtbot)
        assert kept and freed_in == []  # nothing was collected in the worker thread
        qtbot.waitUntil(lambda: freed_in != [], timeout=TIMEOUT)  # the GUI timer collects
        assert freed_in == [threading.main_thread().name]
    finally:
        gc_guard.release()
    assert gc.isenabled()


def test_holds_nest_and_an_unmatched_release_is_an_error():
    gc_guard.hold()
    gc_guard.hold()
    gc_guard.release()
    assert gc_guard.holders() == 1 and not gc.isenabled()
    gc_guard.release()
    assert gc_guard.holders() == 0 and gc.isenabled()
    with pytest.raises(RuntimeError, match="without a matching hold"):
        gc_guard.release()


def test_a_window_holds_the_guard_until_it_is_closed(qtbot):
    from core.datasets import load_dataset
    from gui.main_window import MainWindow

    window = MainWindow(load_dataset("xor"))
    qtbot.addWidget(window)
    assert gc_guard.holders() == 1 and not gc.isenabled()
    window.close()
    assert gc_guard.holders() == 0 and gc.isenabled()


def test_full_collections_are_spaced_out(monkeypatch):
    """A full collection takes ~50 ms with a window's objects: at most one a minute."""
    calls = []
    monkeypatch.setattr(gc, "collect", lambda generation=2: calls.append(generation))
    monkeypatch.setattr(gc, "get_count", lambda: (701, 11, 11))  # every generation is due
    collector = gc_guard._GuiThreadCollector()
    collector.collect_due()
    assert calls == [1]  # the last full one was "just now" (at creation)
    collector.last_full -= gc_guard.FULL_COLLECT_SECONDS + 1
    collector.collect_due()
    collector.collect_due()
    assert calls == [1, 2, 1]
