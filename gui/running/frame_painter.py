"""``FramePainter``: shows one training snapshot on every view, one view per event-loop turn.

Drawing every view in one go holds the GUI thread for the sum of their paint times (40–75 ms
for a full window), so timers, input and the worker's requests wait that long. The painter
instead updates one view, lets the event loop run (its repaint, queued input) and continues
with the next view ``gap_ms`` later: the longest stall is one view's paint.

Views that cannot be seen while their window is shown (a hidden dock, a tab not selected, the
other page of a stack) are skipped and marked *stale*; the latest snapshot is applied when
such a view is shown again. When the window itself is not shown (tests, exports), every
view is drawn.
"""

import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from gui.views.on_screen import can_be_seen

#: Pause between two views' updates: long enough for Qt to paint the previous view first
#: (widget repaints are delivered up to ~5 ms after the request).
GAP_MS = 6


class FramePainter(QObject):
    """Calls ``show_snapshot`` on ``views`` (see module docstring).

    Parameters
    ----------
    call : callable
        ``call(view, method_name, arg) -> bool``: calls the view, False if it failed (the
        session then pauses and reports it); a failure ends the pass.
    gap_ms : int
        Pause between two views of a pass.
    """

    def __init__(self, call, gap_ms=GAP_MS, parent=None):
        super().__init__(parent)
        self._call = call
        self.gap_ms = gap_ms
        self.views = []
        self.stale = set()  # ids of views that missed a snapshot while hidden
        self.latest = None
        self._pass = None  # (snapshot, remaining views, done callback, CPU time at start)
        self._waiting = None  # (snapshot, done callback) to show when the pass ends
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._next)

    def add(self, view):
        """Register ``view``; a hidden one is brought up to date when it is shown."""
        self.views.append(view)
        if isinstance(view, QWidget):
            view.installEventFilter(self)

    def show_now(self, snapshot):
        """Show ``snapshot`` on every view that can be seen, at once (a new network, a
        paused state); cancels a pass and the waiting snapshot. False if a view failed."""
        self.cancel()
        self.latest = snapshot
        remaining = list(self.views)
        while remaining:
            if not self._show_next_visible(snapshot, remaining):
                return False
        return True

    def show(self, snapshot, done):
        """Show ``snapshot`` in a pass; ``done(start)`` when every view has it, where
        ``start`` is the GUI thread's CPU time (``time.thread_time()``) when the pass began.

        While a pass runs, the newest snapshot waits and starts the next pass (older waiting
        ones are dropped, their ``done`` never called): every pass completes, so views are
        never starved however fast snapshots come.
        """
        if self._pass is not None:
            self._waiting = (snapshot, done)
            return
        self._pass = (snapshot, list(self.views), done, time.thread_time())
        self._timer.start(0)

    def cancel(self):
        """Abandon the pass in progress and the waiting snapshot (no ``done`` is called)."""
        self._pass = self._waiting = None
        self._timer.stop()

    def busy(self):
        """Whether a pass is in progress."""
        return self._pass is not None

    def _next(self):
        if self._pass is None:
            return
        snapshot, remaining, done, start = self._pass
        if self._show_next_visible(snapshot, remaining) and remaining:
            self._timer.start(self.gap_ms)
            return
        self._pass = None
        self.latest = snapshot
        done(start)
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            self.show(*waiting)

    def _show_next_visible(self, snapshot, remaining):
        """Show ``snapshot`` on the next view that can be seen (skipping and marking hidden
        ones); False when that view failed."""
        while remaining:
            view = remaining.pop(0)
            if not can_be_seen(view):
                self.stale.add(id(view))
                continue
            self.stale.discard(id(view))
            return self._call(view, "show_snapshot", snapshot)
        return True

    def bring_up_to_date(self):
        """Show the latest snapshot on every stale view, hidden or not (before exporting
        views that are not on screen)."""
        for view in self.views:
            if id(view) in self.stale and self.latest is not None:
                self.stale.discard(id(view))
                self._call(view, "show_snapshot", self.latest)

    def eventFilter(self, obj, event):
        """A stale view that is shown gets the latest snapshot (after it is laid out)."""
        if event.type() == QEvent.Type.Show and id(obj) in self.stale:
            # obj as context: the call is dropped if the view is deleted before it runs
            QTimer.singleShot(0, obj, lambda view=obj: self._refresh(view))
        return False

    def _refresh(self, view):
        if id(view) in self.stale and self.latest is not None and can_be_seen(view):
            self.stale.discard(id(view))
            self._call(view, "show_snapshot", self.latest)
