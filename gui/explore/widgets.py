"""Small helpers shared by the explore windows."""

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox


class _WheelGuard(QObject):
    """Drops wheel events on spin and combo boxes that do not have the keyboard focus, so
    scrolling past them never changes a value (see PITFALLS: the mouse-wheel trap)."""

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Wheel and not obj.hasFocus():
            event.ignore()
            return True
        return False


def guard_wheel(container):
    """Give every spin and combo box inside ``container`` ``Qt.StrongFocus`` and the guard."""
    guard = _WheelGuard(container)
    for widget in container.findChildren(QAbstractSpinBox) + container.findChildren(QComboBox):
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.installEventFilter(guard)
    return guard


def add_export_action(window, container, name):
    """Right-click "Export view…" on the plot in ``container`` (a widget holding one
    ``pg.GraphicsView``) through the main window's export dialog (PNG at a chosen size, or
    SVG) with ``name`` as the default file name; nothing when the window has no exports."""
    handlers = getattr(window, "export_actions", None)
    if handlers is None:
        return []
    from gui.export.context_menu import add_view_action

    return add_view_action(container, lambda: handlers.export_view_dialog(container, name))
