"""``DrawingCanvas``: draw a digit with the mouse, dark ink on white, thick round brush.

The canvas is a ``CANVAS_SIZE``² grayscale image; a widget pixel is an image pixel, and the
pen's centre follows the mouse position (so a stroke through ``(x, y)`` inks the pixels whose
centres ``(c + 0.5, r + 0.5)`` lie within ``BRUSH_WIDTH / 2`` of it, antialiased).
:meth:`DrawingCanvas.ink` returns it as ink in [0, 1] for
``core.teach.digit_ink.downsample_to_digits``.
"""

import numpy as np
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

CANVAS_SIZE = 256
BRUSH_WIDTH = 20
INK = QColor("#111111")
BORDER = QColor("#9aa5ad")


class DrawingCanvas(QWidget):
    """Draw with the left mouse button; :meth:`clear` wipes it.

    Signals
    -------
    strokeChanged() : ink was added (after each stroke segment, and the first dot).
    strokeFinished() : the mouse button was released.
    cleared() : the canvas was wiped.
    """

    strokeChanged = Signal()
    strokeFinished = Signal()
    cleared = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("drawingCanvas")
        self.setFixedSize(CANVAS_SIZE, CANVAS_SIZE)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setToolTip("Draw a digit 0–9 with the mouse (left button); it is shrunk to the "
                        "8×8 format of the training digits")
        self._image = QImage(CANVAS_SIZE, CANVAS_SIZE, QImage.Format.Format_Grayscale8)
        self._image.fill(QColor("white"))
        self._last = None
        self._pen = QPen(INK, BRUSH_WIDTH, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                         Qt.PenJoinStyle.RoundJoin)

    # -- public -----------------------------------------------------------------------------
    def ink(self):
        """The drawing as ink, shape ``(CANVAS_SIZE, CANVAS_SIZE)`` float64 in [0, 1]
        (0 = blank paper, 1 = full ink), row 0 at the top."""
        img = self._image
        raw = np.frombuffer(img.constBits(), dtype=np.uint8)
        gray = raw.reshape(img.height(), img.bytesPerLine())[:, :img.width()]
        return 1.0 - gray.astype(np.float64) / 255.0

    def is_empty(self):
        return not bool((self.ink() > 0.0).any())

    def clear(self):
        self._image.fill(QColor("white"))
        self._last = None
        self.update()
        self.cleared.emit()

    def draw_segment(self, start, end):
        """Ink a stroke segment from ``start`` to ``end`` (``QPointF``, canvas pixels)."""
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(self._pen)
        if start == end:
            painter.drawPoint(start)
        else:
            painter.drawLine(start, end)
        painter.end()
        self.update()
        self.strokeChanged.emit()

    # -- mouse ------------------------------------------------------------------------------
    def mousePressEvent(self, event):
        if event.button() != Qt.MouseButton.LeftButton:
            return super().mousePressEvent(event)
        self._last = QPointF(event.position())
        self.draw_segment(self._last, self._last)
        event.accept()

    def mouseMoveEvent(self, event):
        if self._last is None:
            return super().mouseMoveEvent(event)
        point = QPointF(event.position())
        self.draw_segment(self._last, point)
        self._last = point
        event.accept()

    def mouseReleaseEvent(self, event):
        if event.button() != Qt.MouseButton.LeftButton or self._last is None:
            return super().mouseReleaseEvent(event)
        self._last = None
        self.strokeFinished.emit()
        event.accept()

    def paintEvent(self, _event):
        painter = QPainter(self)
        painter.drawImage(0, 0, self._image)
        painter.setPen(QPen(BORDER, 1))
        painter.drawRect(0, 0, CANVAS_SIZE - 1, CANVAS_SIZE - 1)
        painter.end()
