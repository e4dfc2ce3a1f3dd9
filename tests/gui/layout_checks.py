"""What a user could not read in a window: the conditions of the shared layout checker
(``../shared/tools/layout_check.py``), as functions the test suite can call.

Each function returns a list of problem strings (empty when the window is fine):
clipped text, overlapping text widgets, line/scatter plots whose data area is too small,
and scroll areas that scroll sideways. Only what the window shows on top counts (a widget
under another tab is not on screen).
"""

import pyqtgraph as pg
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QGraphicsView,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QStyle,
    QStyleOptionComboBox,
    QTextEdit,
    QToolButton,
    QWidget,
)


def _visible(window):
    for w in window.findChildren(QWidget):
        if w.isVisible() and w.width() > 0 and w.height() > 0 and w.window() is window:
            yield w


def on_top(w, window):
    """Whether ``w`` is what the window shows at the widget's centre."""
    centre = w.mapTo(window, QPoint(w.width() // 2, w.height() // 2))
    hit = window.childAt(centre)
    return hit is not None and (hit is w or w.isAncestorOf(hit))


def _text(w):
    if isinstance(w, QComboBox):
        return w.currentText()
    if isinstance(w, (QLabel, QAbstractButton)):
        return w.text()
    return ""


def _room(w):
    """Pixels the widget has for its text, or None when it wraps or is rich text."""
    if isinstance(w, QLabel):
        if w.wordWrap() or w.textFormat() == Qt.TextFormat.RichText or "<" in w.text():
            return None
        return w.contentsRect().width() - 2 * w.margin() - max(w.indent(), 0)
    if isinstance(w, QComboBox):
        opt = QStyleOptionComboBox()
        w.initStyleOption(opt)
        return w.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, opt,
                                        QStyle.SubControl.SC_ComboBoxEditField, w).width()
    room = w.width() - (22 if isinstance(w, (QCheckBox, QRadioButton)) else 12)
    if not w.icon().isNull():
        room -= w.iconSize().width() + 4
    if isinstance(w, QToolButton) and \
            w.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextUnderIcon:
        room = w.width() - 4
    return room


def clipped_text(widgets):
    """Text widgets whose text is wider than their room (an ellipsis on purpose is fine)."""
    problems = []
    for w in widgets:
        text = _text(w)
        if not text or "…" in text or "..." in text:
            continue
        room = _room(w)
        if room is None:
            continue
        need = max(w.fontMetrics().horizontalAdvance(line)
                   for line in text.replace("&&", "&").split("\n"))
        if "&" in text and "&&" not in text:
            need -= w.fontMetrics().horizontalAdvance("&")
        if need > room + 1:
            problems.append(f"clipped text: {w.objectName() or type(w).__name__} {text[:40]!r} "
                            f"needs {need} px, has {room}")
    return problems


def _shown_rect(w, window):
    rect = QRect(w.mapTo(window, QPoint(0, 0)), w.size())
    p = w.parentWidget()
    while p is not None and p is not window:
        rect = rect.intersected(QRect(p.mapTo(window, QPoint(0, 0)), p.size()))
        p = p.parentWidget()
    return rect


def overlaps(widgets, window):
    """Pairs of text widgets (neither inside the other) whose shown rectangles intersect."""
    rects = [(w, r) for w in widgets
             if (r := _shown_rect(w, window)).width() > 2 and r.height() > 2]
    problems = []
    for i, (a, ra) in enumerate(rects):
        for b, rb in rects[i + 1:]:
            if a.isAncestorOf(b) or b.isAncestorOf(a):
                continue
            inter = ra.intersected(rb)
            if inter.width() > 2 and inter.height() > 2:
                problems.append(f"overlap: {_text(a)!r} and {_text(b)!r}")
    return problems


def small_plots(window, min_height, min_width=160):
    """Line/scatter plots on top whose data area is below ``min_height`` × ``min_width``."""
    problems = []
    for view in window.findChildren(pg.GraphicsView):
        if not view.isVisible() or view.window() is not window or not on_top(view, window):
            continue
        for item in view.scene().items():
            if not isinstance(item, pg.ViewBox) or not item.isVisible() or \
                    isinstance(item.parentItem(), pg.ColorBarItem):
                continue
            drawn = [c for c in item.addedItems if c.isVisible()]
            if not any(isinstance(c, (pg.PlotDataItem, pg.PlotCurveItem, pg.ScatterPlotItem))
                       for c in drawn):
                continue
            r = item.sceneBoundingRect()
            if r.height() < min_height or r.width() < min_width:
                problems.append(f"small plot in {view.parentWidget().objectName() or view}: "
                                f"{int(r.height())}x{int(r.width())} px")
    return problems


def sideways_scrolling(window):
    """Scroll areas on top that show a horizontal scroll bar (lists and text excepted)."""
    return [f"sideways scrolling: {type(a).__name__} in {type(a.parentWidget()).__name__}"
            for a in window.findChildren(QAbstractScrollArea)
            if a.isVisible() and a.window() is window and on_top(a.viewport(), window)
            and a.horizontalScrollBar().isVisible()
            and not isinstance(a, (QAbstractItemView, QPlainTextEdit, QTextEdit, QGraphicsView))]


def layout_problems(window, min_plot_height):
    """Every problem the layout checker would report for ``window`` as it is now."""
    widgets = [w for w in _visible(window)
               if isinstance(w, (QLabel, QAbstractButton, QComboBox)) and _text(w).strip()
               and on_top(w, window)]
    return (clipped_text(widgets) + overlaps(widgets, window)
            + small_plots(window, min_plot_height) + sideways_scrolling(window))
