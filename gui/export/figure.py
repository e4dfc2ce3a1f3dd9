"""Lay an exported picture out as a figure: title and subtitle above, legend below.

``paint_figure(painter, view, size, paint_picture, caption)`` fills a ``size`` (pixels) page:

- the page is laid out in *logical* pixels (``size / scale``, see :func:`figure_scale`), so
  a 1920×1080 slide gets text about three times the size it has on screen, as a viewer of
  the slide needs, and a 1× export looks like the screen;
- the title (bold; shrunk until it fits the width) and the subtitle sit at the top, the
  legend rows (wrapped, centred) at the bottom, both with small margins;
- ``paint_picture(painter, target)`` draws the view into what is left (``QRectF`` in page
  pixels). pyqtgraph views are laid out again at that rectangle's shape first
  (:func:`relaid_out`), so the plot fills it with tight margins at any aspect ratio.
"""

import math
from contextlib import contextmanager

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPen
from PySide6.QtWidgets import QGraphicsLayoutItem, QGraphicsWidget

from gui.views.plot_style import FOREGROUND

MARGIN = 8.0  # logical px around the title and the legend
TITLE_PX, SUBTITLE_PX, LEGEND_PX, MIN_TITLE_PX = 16, 12, 12, 9
SAMPLE_W, SAMPLE_GAP, ENTRY_GAP = 24.0, 6.0, 18.0
#: The smallest logical page: a tiny PNG gets smaller text rather than no room for the plot.
MIN_LOGICAL_W, MIN_LOGICAL_H = 320.0, 240.0


def figure_scale(on_screen, size):
    """Page pixels per logical pixel for a ``size`` export of a view ``on_screen`` big.

    The logical page has about the on-screen area (text as large relative to the plot as on
    screen), but at least ``MIN_LOGICAL_W × MIN_LOGICAL_H`` when the page is smaller.
    """
    area = max(1, on_screen.width() * on_screen.height())
    scale = math.sqrt(size.width() * size.height() / area)
    return max(0.25, min(scale, size.width() / MIN_LOGICAL_W, size.height() / MIN_LOGICAL_H))


def _font(pixels, bold=False):
    font = QFont()
    font.setPixelSize(max(1, round(pixels)))
    font.setBold(bold)
    return font


def _fitting_font(text, width, pixels, bold):
    """A font of at most ``pixels`` in which ``text`` fits ``width`` (down to the minimum)."""
    size = pixels
    while size > MIN_TITLE_PX and QFontMetricsF(_font(size, bold)).horizontalAdvance(text) > width:
        size -= 1
    return _font(size, bold)


def legend_rows(entries, width, font):
    """``entries`` split into rows that fit ``width``; each row ``[(entry, entry_width)]``."""
    metrics = QFontMetricsF(font)
    rows, row, used = [], [], 0.0
    for entry in entries:
        w = SAMPLE_W + SAMPLE_GAP + metrics.horizontalAdvance(entry.text)
        if row and used + ENTRY_GAP + w > width:
            rows.append(row)
            row, used = [], 0.0
        used += (ENTRY_GAP if row else 0.0) + w
        row.append((entry, w))
    if row:
        rows.append(row)
    return rows


def paint_figure(painter, size, picture_size, paint_picture, caption):
    """Paint the page described in the module docstring; ``picture_size`` (``QSize``) is
    the view's on-screen size."""
    scale = figure_scale(picture_size, size)
    page = QSizeF(size.width() / scale, size.height() / scale)
    width = page.width() - 2 * MARGIN
    title_font = _fitting_font(caption.title, width, TITLE_PX, True)
    sub_font = _fitting_font(caption.subtitle, width, SUBTITLE_PX, False)
    legend_font = _font(LEGEND_PX)
    rows = legend_rows(caption.legend, width, legend_font)
    line_h = QFontMetricsF(legend_font).height() + 4
    top = MARGIN + QFontMetricsF(title_font).height()
    if caption.subtitle:
        top += QFontMetricsF(sub_font).height()
    legend_h = len(rows) * line_h + (MARGIN if rows else 0.0)
    picture = QRectF(MARGIN / 2, top + MARGIN / 2, page.width() - MARGIN,
                     page.height() - top - MARGIN - legend_h)
    painter.save()
    painter.scale(scale, scale)
    _paint_texts(painter, caption, page, title_font, sub_font)
    _paint_legend(painter, rows, legend_font, page, picture.bottom() + MARGIN / 2, line_h)
    painter.restore()
    if picture.height() > 1 and picture.width() > 1:
        paint_picture(painter, QRectF(picture.x() * scale, picture.y() * scale,
                                      picture.width() * scale, picture.height() * scale),
                      picture.size())


def _paint_texts(painter, caption, page, title_font, sub_font):
    painter.setPen(QColor(FOREGROUND))
    y = MARGIN / 2
    for text, font in ((caption.title, title_font), (caption.subtitle, sub_font)):
        if not text:
            continue
        painter.setFont(font)
        h = QFontMetricsF(font).height()
        painter.drawText(QRectF(0, y, page.width(), h), Qt.AlignmentFlag.AlignCenter, text)
        y += h


def _paint_legend(painter, rows, font, page, top, line_h):
    painter.setFont(font)
    for r, row in enumerate(rows):
        total = sum(w for _, w in row) + ENTRY_GAP * (len(row) - 1)
        x = (page.width() - total) / 2
        y = top + r * line_h
        for entry, w in row:
            _paint_sample(painter, entry, QRectF(x, y + 2, SAMPLE_W, line_h - 4))
            painter.setPen(QColor(FOREGROUND))
            painter.drawText(QRectF(x + SAMPLE_W + SAMPLE_GAP, y, w, line_h),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             entry.text)
            x += w + ENTRY_GAP


def _paint_sample(painter, entry, rect):
    color = QColor(entry.color)
    c = rect.center()
    d = min(rect.height(), 10.0)
    painter.save()
    if entry.kind == "line":
        painter.setPen(QPen(color, 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        painter.drawLine(QPointF(rect.left(), c.y()), QPointF(rect.right(), c.y()))
    elif entry.kind == "dot":
        painter.setPen(QPen(QColor("white"), 1.0))
        painter.setBrush(QBrush(color))
        painter.drawEllipse(c, d / 2 + 1, d / 2 + 1)
    elif entry.kind == "square":
        painter.setPen(QPen(color, 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(c.x() - d / 2, c.y() - d / 2, d, d))
    else:  # swatch
        painter.setPen(QPen(QColor("#999999"), 1.0))
        painter.setBrush(QBrush(color))
        painter.drawRect(QRectF(rect.left() + 2, c.y() - d / 2, rect.width() - 4, d))
    painter.restore()


# ----------------------------------------------------------------------------- pyqtgraph
def _activate_layouts(item):
    """Lay out ``item`` and every graphics widget inside it now (not at the next event)."""
    for _ in range(3):  # nested layouts settle from the outside in
        for child in [item, *item.childItems()]:
            stack = [child]
            while stack:
                current = stack.pop()
                # pyqtgraph items shadow ``layout()`` with an attribute: call Qt's method
                layout = (QGraphicsWidget.layout(current)
                          if isinstance(current, QGraphicsWidget) else None)
                if layout is not None:
                    layout.activate()
                stack.extend(current.childItems())


@contextmanager
def relaid_out(item, size):
    """Within the block, pyqtgraph's ``item`` (a ``PlotItem`` or ``GraphicsLayout``) is laid
    out at ``size`` (``QSizeF``, logical px) with its in-plot legends hidden (the figure's
    legend replaces them); both are restored afterwards."""
    if not isinstance(item, QGraphicsLayoutItem):
        yield
        return
    old = item.geometry()
    scene = item.scene()
    legends = [i for i in scene.items() if isinstance(i, pg.LegendItem) and i.isVisible()]
    for legend in legends:
        legend.setVisible(False)
    try:
        item.setGeometry(QRectF(old.topLeft(), size))
        _activate_layouts(item)
        yield
    finally:
        item.setGeometry(old)
        _activate_layouts(item)
        for legend in legends:
            legend.setVisible(True)
