"""Python's cyclic garbage collector, kept in the GUI thread while training threads run.

CPython runs a collection in whichever thread happens to allocate when a generation's
threshold is crossed. The training worker allocates constantly, so it is usually that thread.
When such a collection frees an unreachable cycle that holds a Qt widget (a window closed
earlier, a menu, a lesson panel), the widget's C++ destructor runs in the worker thread;
shiboken then waits for the GIL inside ``~QObject`` while the GUI thread, deleting a related
object, waits for the same object mutex: both threads hang for good (seen with a ``QMenu``
while the timeline recorded states). pyqtgraph's ``util.garbage_collector`` documents the same
hazard.

So while at least one training thread runs (``hold()`` … ``release()``, reference-counted),
automatic collection is off and a GUI-thread timer collects instead, generation by
generation with CPython's own thresholds (full collections at most once a minute), so memory
behaves as before. Only the GUI thread
may call ``hold`` and ``release``.
"""

import gc
import time

from PySide6.QtCore import QObject, QTimer

#: How often the GUI thread checks whether a collection is due.
COLLECT_INTERVAL_MS = 100
#: Least time between two full (oldest-generation) collections, in seconds.
FULL_COLLECT_SECONDS = 60.0


class _GuiThreadCollector(QObject):
    """A timer in the GUI thread that collects whatever generation CPython would have."""

    def __init__(self):
        super().__init__()
        self.timer = QTimer(self)
        self.timer.setInterval(COLLECT_INTERVAL_MS)
        self.timer.timeout.connect(self.collect_due)
        self.holders = 0
        self.was_enabled = True
        self.last_full = time.monotonic()

    def collect_due(self):
        """Collect the oldest generation whose allocation count passed its threshold; the
        oldest (a full collection, ~50 ms with the window's objects) at most every
        ``FULL_COLLECT_SECONDS``, as CPython also defers it while few objects survive."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        due = [g for g in range(3) if counts[g] > thresholds[g]]
        if not due:
            return
        generation = due[-1]
        now = time.monotonic()
        if generation == 2 and now - self.last_full < FULL_COLLECT_SECONDS:
            generation = 1
        if generation == 2:
            self.last_full = now
        gc.collect(generation)


_collector = None


def hold():
    """A training thread starts: collect only in the GUI thread until every holder releases."""
    global _collector
    if _collector is None:
        _collector = _GuiThreadCollector()
    if _collector.holders == 0:
        _collector.was_enabled = gc.isenabled()
        gc.disable()
        _collector.timer.start()
    _collector.holders += 1


def release():
    """A training thread has stopped (and been waited for): undo one ``hold()``."""
    if _collector is None or _collector.holders == 0:
        raise RuntimeError("gc_guard.release() without a matching hold()")
    _collector.holders -= 1
    if _collector.holders == 0:
        _collector.timer.stop()
        if _collector.was_enabled:
            gc.enable()


def holders():
    """How many training threads currently hold the collector (for tests)."""
    return 0 if _collector is None else _collector.holders
