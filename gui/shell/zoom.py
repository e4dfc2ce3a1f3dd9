"""Projector mode: View → Zoom in / Zoom out / Actual size (Ctrl+=, Ctrl+−, Ctrl+0).

One zoom factor scales every text of the window for a classroom: the application font
(panels, menus, buttons), the plots' tick numbers, axis labels, titles and hints, and the
diagram's captions and unit names. The factor is remembered between runs (``QSettings``
key ``view/zoom``).

Plot items made after a zoom (a new network's heatmaps, a view built when first shown) get
it when the run changes or the view is built.
"""

import re

import pyqtgraph as pg
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import QApplication

#: The zoom factors the actions step through.
ZOOM_STEPS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6, 1.8, 2.0, 2.4)
SETTINGS_KEY = "view/zoom"
_BASE_FONT = []  # the application font before any zoom (kept once per process)
_POINT_SIZE = re.compile(r"^\s*([0-9.]+)\s*pt\s*$")


def base_font():
    """The application font at 100 % (taken the first time a zoom is applied)."""
    if not _BASE_FONT:
        _BASE_FONT.append(QFont(QApplication.font()))
    return QFont(_BASE_FONT[0])


def zoomed_font(factor):
    """The base application font scaled by ``factor``."""
    font = base_font()
    font.setPointSizeF(font.pointSizeF() * factor)
    return font


def next_step(factor, direction):
    """The zoom step after ``factor`` going ``direction`` (+1 in, −1 out), clamped."""
    if direction > 0:
        return next((s for s in ZOOM_STEPS if s > factor + 1e-9), ZOOM_STEPS[-1])
    return next((s for s in reversed(ZOOM_STEPS) if s < factor - 1e-9), ZOOM_STEPS[0])


def _zoom_label(label, factor):
    """Scale a ``pg.LabelItem`` whose text has a point size (its first size is the base)."""
    if not hasattr(label, "_base_size"):
        found = _POINT_SIZE.match(str(label.opts.get("size", "")))
        label._base_size = float(found.group(1)) if found else None
    if label._base_size is not None and label.text:
        label.setText(label.text, size=f"{label._base_size * factor:.1f}pt")


def _zoom_axis_room(axis, factor):
    """An axis given a fixed width (so linked plots line up) gets it scaled as well."""
    if not hasattr(axis, "_base_width"):
        axis._base_width = axis.fixedWidth
    if axis._base_width is not None:
        axis.setWidth(int(round(axis._base_width * factor)))


def zoom_plots(window, factor):
    """Scale the text of every pyqtgraph item in ``window``: tick numbers, axis labels,
    plot titles and hint texts."""
    font = zoomed_font(factor)
    for view in window.findChildren(pg.GraphicsView):
        view.setFont(font)
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem):
                item.setTickFont(font)
                _zoom_axis_room(item, factor)
                if item.label is not None:
                    item.label.setFont(font)
                    item._updateLabel()
            elif isinstance(item, pg.LabelItem):
                _zoom_label(item, factor)
            elif isinstance(item, pg.TextItem):
                item.setFont(font)


class Zoom(QObject):
    """The zoom factor of one window, its three actions and its remembered value."""

    def __init__(self, window, settings):
        super().__init__(window)
        self.setObjectName("zoom")
        self.window = window
        self._settings = settings
        self.factor = 1.0
        self.actions = {
            "zoomIn": self._action("Zoom in", (QKeySequence("Ctrl+="), QKeySequence("Ctrl++")),
                                   "Larger text everywhere, for a projector", "zoomIn",
                                   lambda: self.set_factor(next_step(self.factor, +1))),
            "zoomOut": self._action("Zoom out", (QKeySequence("Ctrl+-"),),
                                    "Smaller text everywhere", "zoomOut",
                                    lambda: self.set_factor(next_step(self.factor, -1))),
            "zoomReset": self._action("Actual size", (QKeySequence("Ctrl+0"),),
                                      "Text at its normal size", "zoomReset",
                                      lambda: self.set_factor(1.0)),
        }

    def _action(self, text, keys, tip, name, slot):
        action = QAction(text, self.window)
        action.setObjectName(name)
        action.setShortcuts(list(keys))
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def restore(self):
        """Apply the factor remembered from the last run (100 % the first time)."""
        try:
            factor = float(self._settings().value(SETTINGS_KEY, 1.0))
        except (TypeError, ValueError):
            factor = 1.0
        self.set_factor(min(max(factor, ZOOM_STEPS[0]), ZOOM_STEPS[-1]), remember=False)

    def set_factor(self, factor, remember=True):
        """Scale every text of the window to ``factor`` × its normal size."""
        self.factor = float(factor)
        QApplication.setFont(zoomed_font(self.factor))
        self.apply()
        self.actions["zoomIn"].setEnabled(self.factor < ZOOM_STEPS[-1])
        self.actions["zoomOut"].setEnabled(self.factor > ZOOM_STEPS[0])
        if remember:
            settings = self._settings()
            settings.setValue(SETTINGS_KEY, self.factor)
            settings.sync()

    def apply(self):
        """Give the plots and the diagram the current factor (also for new plot items)."""
        zoom_plots(self.window, self.factor)
        self.window.diagram.set_text_scale(self.factor)
        layout = getattr(self.window, "window_layout", None)
        if layout is not None:  # larger text needs other minimum sizes
            layout.refit()


def install_zoom(window, settings):
    """Add View → Zoom in / Zoom out / Actual size to ``window``; restore the last factor.

    ``settings()`` returns the app's ``QSettings``. Returns the :class:`Zoom` (its actions
    by name in ``actions``).
    """
    zoom = Zoom(window, settings)
    for action in zoom.actions.values():
        window.add_action("view", action, "zoom")
    # a new run builds new plot items (heatmaps, digits), a view shown for the first time is
    # built: give them the zoom as well
    window.session.trainerChanged.connect(lambda *_: QTimer.singleShot(0, zoom.apply))
    window.viewBuilt.connect(lambda *_: QTimer.singleShot(0, zoom.apply))
    zoom.restore()
    return zoom
