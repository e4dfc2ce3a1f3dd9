"""Whether a view can be seen: ``can_be_seen`` (hidden widgets), and ``OnScreenGate``, for a
view behind another dock tab, which draws nothing until its tab is selected.

Qt keeps a tabbed ``QDockWidget`` that is not the current tab *visible* (it only moves it
out of sight), so ``isVisible()`` cannot tell the frame painter to skip it. A view mixing
this in is told by its dock's ``visibilityChanged`` (:meth:`set_on_screen`); while off
screen ``show_snapshot`` only keeps the latest snapshot, drawn when the tab comes back.
When the window itself is not shown (tests, exports), every snapshot is drawn.
"""

from PySide6.QtWidgets import QWidget


def can_be_seen(view):
    """False only for a widget that is hidden while its window is shown (views that are not
    widgets, and every view of a window not shown, count as seen: tests, exports)."""
    if not isinstance(view, QWidget):
        return True
    return view.isVisible() or not view.window().isVisible()


class OnScreenGate:
    """Mixin for a ``QWidget`` view: implement ``_draw_snapshot(snapshot)``."""

    _on_screen = True
    _pending = None

    def on_screen(self):
        """Whether the view can be seen (its dock tab selected, or no window shown)."""
        if not self.window().isVisible():
            return True
        return self._on_screen and self.isVisible()

    def set_on_screen(self, visible):
        """Connect to ``QDockWidget.visibilityChanged``."""
        self._on_screen = bool(visible)
        if self._pending is not None and self.on_screen():
            pending, self._pending = self._pending, None
            self._draw_snapshot(pending)

    def show_snapshot(self, snapshot):
        """Draw ``snapshot`` now if the view can be seen, else when it next can."""
        if self.on_screen():
            self._pending = None
            self._draw_snapshot(snapshot)
        else:
            self._pending = snapshot

    def _forget_pending(self):
        self._pending = None
