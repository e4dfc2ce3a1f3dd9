"""The mouse wheel changes an input only when that input has the keyboard focus.

Scrolling a panel with the wheel must scroll the panel, never change the combo box, spin
box or slider that happens to pass under the pointer (a changed activation or schedule
discards the trained run). ``install_wheel_guard(app)`` installs one event filter on the
``QApplication``, so every input widget is covered, including those created later:

- an input's ``Qt.WheelFocus`` policy becomes ``Qt.StrongFocus`` (the wheel no longer gives
  focus; click or Tab does): at once for the inputs that exist when the guard is
  installed, and for later ones when they are polished;
- a wheel event on an unfocused input is taken from it and handed to the nearest
  enclosing scroll area, which scrolls as if the input were not there.
"""

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
)

GUARD_NAME = "wheelGuard"
_INPUTS = (QComboBox, QAbstractSpinBox, QAbstractSlider)


def is_guarded_input(widget):
    """Whether ``widget`` is an input the wheel may change only when focused (scroll bars
    are not inputs: the wheel is what they are for)."""
    return isinstance(widget, _INPUTS) and not isinstance(widget, QScrollBar)


def enclosing_scroll_area(widget):
    """The nearest ``QAbstractScrollArea`` holding ``widget`` (not itself), or None."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


class WheelGuard(QObject):
    """The application-wide event filter described in the module docstring."""

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        # Every event of the application passes here (tens of thousands at start-up, every
        # repaint while training): the cheap type test on the receiver comes first.
        if not is_guarded_input(obj):
            return False
        kind = event.type()
        if kind == QEvent.Type.Wheel and not obj.hasFocus():
            self._scroll_enclosing_area(obj, event)
            return True
        if kind == QEvent.Type.Polish:
            self.strong_focus(obj)
        return False

    @staticmethod
    def strong_focus(widget):
        """Make a guarded input's ``Qt.WheelFocus`` policy ``Qt.StrongFocus``."""
        if is_guarded_input(widget) and widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    @staticmethod
    def _scroll_enclosing_area(widget, event):
        """Hand ``event`` to the scroll area around ``widget``; when there is none, leave it
        ignored so Qt passes it on to the parent widgets."""
        area = enclosing_scroll_area(widget)
        if area is None:
            event.ignore()
            return
        viewport = area.viewport()
        position = viewport.mapFromGlobal(event.globalPosition().toPoint()).toPointF()
        moved = QWheelEvent(position, event.globalPosition(), event.pixelDelta(),
                            event.angleDelta(), event.buttons(), event.modifiers(),
                            event.phase(), event.inverted())
        QApplication.sendEvent(viewport, moved)
        event.accept()


def install_wheel_guard(app=None):
    """Install the guard on ``app`` (default: the running ``QApplication``) once; returns it.

    The inputs that exist already get ``Qt.StrongFocus`` now, later ones when they are
    polished; so it may be installed once the window is on screen (``MainWindow`` does):
    the filter sees every event of the application, and building and first showing the
    window sends ten thousand of them (about 0.1-0.25 s of start-up through this filter).
    """
    app = app or QApplication.instance()
    guard = app.findChild(WheelGuard, GUARD_NAME)
    if guard is None:
        guard = WheelGuard(app)
        guard.setObjectName(GUARD_NAME)
        app.installEventFilter(guard)
        for widget in app.allWidgets():
            guard.strong_focus(widget)
    return guard
