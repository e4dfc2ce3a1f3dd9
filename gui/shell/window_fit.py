"""Open the main window inside the screen's available area (task bars and docks excluded).

A 1366×768 laptop has about 1366×728 available; the window's default size (1280×800) and
its minimum size must shrink to fit there, or the status bar ends up below the screen. A
size the user saved is kept when it fits (Qt's ``restoreGeometry`` already moves and shrinks
a saved frame that does not); this module adds the same care for the first start, and keeps
the minimum size from pushing the window past the screen.
"""

from PySide6.QtCore import QMargins, QRect, QSize
from PySide6.QtGui import QGuiApplication

#: Window-manager frame assumed before the window is shown (its real size is unknown then):
#: a title bar and thin borders.
FRAME_ESTIMATE = QMargins(2, 32, 2, 2)


def restore_fitted_geometry(window, saved, default_size):
    """Restore ``saved`` (``QWidget.saveGeometry`` bytes, or None) on ``window``, else give it
    ``default_size`` (width, height) centred on its screen; either way the window's frame
    ends up inside the screen's available area and its minimum size fits there."""
    area = available_area(window)
    if area is None:
        if saved is None or not window.restoreGeometry(saved):
            window.resize(*default_size)
        return
    room = _room(area)
    minimum = window.minimumSize()
    window.setMinimumSize(minimum.boundedTo(room))
    if saved is not None and window.restoreGeometry(saved):
        size = window.size()
        if size.width() > room.width() or size.height() > room.height():  # a bigger screen's
            window.resize(size.boundedTo(room))
        _keep_inside(window, area)
        return
    window.resize(QSize(*default_size).boundedTo(room))
    frame = _frame_rect(window)
    frame.moveCenter(area.center())
    window.move(frame.topLeft())  # ``move`` places the frame's top-left corner


def _keep_inside(window, area):
    """Move the window (its size already fits) so that its whole frame lies in ``area``."""
    frame = _frame_rect(window)
    x = min(max(frame.left(), area.left()), area.left() + area.width() - frame.width())
    y = min(max(frame.top(), area.top()), area.top() + area.height() - frame.height())
    if (x, y) != (frame.left(), frame.top()):
        window.move(x, y)


def _frame_rect(window):
    """The window's frame: the real one once known, else its geometry plus the estimate."""
    frame = window.frameGeometry()
    if frame != window.geometry():
        return frame
    return QRect(frame.left(), frame.top(), window.width() + _frame_width(),
                 window.height() + _frame_height())


def available_area(window):
    """The available geometry (``QRect``) of the screen the window is on, or None."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    return None if screen is None else screen.availableGeometry()


def _room(area):
    """The largest client size whose estimated frame fits in ``area``."""
    return QSize(max(1, area.width() - _frame_width()), max(1, area.height() - _frame_height()))


def _frame_width():
    return FRAME_ESTIMATE.left() + FRAME_ESTIMATE.right()


def _frame_height():
    return FRAME_ESTIMATE.top() + FRAME_ESTIMATE.bottom()
