"""``CellLabels``: many short texts at data positions of a plot, painted by one item.

A matrix of counts drawn as one ``pg.TextItem`` per cell costs a text document, a child item
and a transform update per cell on every repaint: 110 of them (a 10-class confusion matrix
and its per-class accuracies) took ~20 ms per Step. This item keeps the texts in lists and
paints them with ``QPainter.drawText`` in device pixels, so their size does not follow the
plot's zoom, as a ``TextItem``'s does not.
"""

import pyqtgraph as pg
from pyqtgraph import debug
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF


class CellLabels(pg.GraphicsObject):
    """Texts anchored at data points; add to a plot with ``ignoreBounds=True``.

    Parameters
    ----------
    font : QFont
    area : QRectF
        Data rectangle that holds every label's anchor point; the item's bounds are that
        plus the widest label's size in pixels (a repaint covers every glyph).
    """

    def __init__(self, font, area):
        super().__init__()
        self._font = font
        self._metrics = QFontMetricsF(font)
        self._area = QRectF(area)
        self._points = []  # QPointF per label, data coordinates
        self._anchors = []  # (ax, ay) per label: 0 left/top … 1 right/bottom of the text
        self._texts = []
        self._colors = []  # QColor per label
        self._widest = 0.0  # pixels: the longest text's advance

    def add(self, x, y, anchor=(0.5, 0.5), color="k"):
        """A new, empty label at data point ``(x, y)``; its index."""
        self._points.append(QPointF(x, y))
        self._anchors.append(anchor)
        self._texts.append("")
        self._colors.append(pg.mkColor(color))
        return len(self._texts) - 1

    def set(self, index, text, color=None):
        """Label ``index`` reads ``text`` (in ``color`` if given); repaints only on change."""
        color = self._colors[index] if color is None else pg.mkColor(color)
        if self._texts[index] != text or self._colors[index] != color:
            width = self._metrics.horizontalAdvance(text)
            if width > self._widest:  # the bounds grow with it
                self.prepareGeometryChange()
                self._widest = width
            self._texts[index], self._colors[index] = text, color
            self.update()

    def text(self, index):
        return self._texts[index]

    def color(self, index):
        """The ``QColor`` label ``index`` is painted in."""
        return self._colors[index]

    def __len__(self):
        return len(self._texts)

    def device_rects(self, transform):
        """``(index, QRectF)`` of each non-empty label's glyph box in device pixels, for
        an item-to-device ``transform`` (what ``paint`` draws)."""
        rects = []
        height = self._metrics.height()
        for k, text in enumerate(self._texts):
            if not text:
                continue
            width = self._metrics.horizontalAdvance(text)
            at = transform.map(self._points[k])
            ax, ay = self._anchors[k]
            rects.append((k, QRectF(at.x() - ax * width, at.y() - ay * height, width, height)))
        return rects

    def scene_rects(self):
        """Scene rectangles of the non-empty labels' glyph boxes (a pyqtgraph scene is in
        the view's pixels, so these are the boxes ``paint`` fills; for overlap checks)."""
        return [rect for _, rect in self.device_rects(self.sceneTransform())]

    def boundingRect(self):
        """The anchors' area, widened by one label (and a pixel) in view pixels."""
        px, py = self.pixelVectors()
        if px is None or py is None:  # not in a view yet
            return QRectF(self._area)
        dx = px.length() * (self._widest + 1)
        dy = py.length() * (self._metrics.height() + 1)
        return self._area.adjusted(-dx, -dy, dx, dy)

    def viewTransformChanged(self):
        """A zoom or a resize changes how far a label reaches in data units."""
        super().viewTransformChanged()
        self.prepareGeometryChange()

    @debug.warnOnException  # as pyqtgraph's items: an exception out of paint() ends the app
    def paint(self, painter, *args):
        # Laid out in the view's pixels (as on screen), then drawn through whatever maps
        # those to the painter's device: the identity on screen, a scale in an export.
        view = self.getViewWidget()
        if view is None:  # not in a view: the painter's device is the view
            on_screen = painter.transform()
        else:
            on_screen = self.deviceTransform(view.viewportTransform())
        rects = self.device_rects(on_screen)
        if not rects:
            return
        to_device = on_screen.inverted()[0] * painter.transform()
        painter.save()
        painter.setTransform(to_device)
        painter.setFont(self._font)
        for k, rect in rects:
            painter.setPen(self._colors[k])
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self._texts[k])
        painter.restore()
