"""The input layer drawn as one image when the inputs are the pixels of a square picture.

64 inputs of the 8×8 digits (or 784 of a 28×28 CSV) drawn as 64 dots, or 24 and "… 760
more", say nothing; drawn as the picture they are, they show what the network reads. The
block shows one example's pixels (or the mean input when none is chosen), ink dark on white
as the digits view draws them. Hovering a pixel shows its name, its value and its weights
to the first hidden units (``tooltip(row, col)``, supplied by the diagram).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPen
from PySide6.QtWidgets import QGraphicsItem

BORDER = QColor("#5f6b73")
MAX_BLOCK = 180.0   # largest block side (pixels)
MIN_BLOCK = 40.0    # smallest block side, unless the column has less room than that


def gray_image(pixels: np.ndarray, high: float) -> tuple[QImage, np.ndarray]:
    """`pixels (s, s)` as a grayscale ``QImage`` (0 white, ``high`` black) and the uint8
    buffer backing it (keep it alive as long as the image)."""
    scaled = np.nan_to_num(np.asarray(pixels, dtype=np.float64) / max(high, 1e-12))
    buffer = np.ascontiguousarray(255 - np.clip(scaled, 0.0, 1.0) * 255).astype(np.uint8)
    side_h, side_w = buffer.shape
    image = QImage(buffer.data, side_w, side_h, side_w, QImage.Format.Format_Grayscale8)
    return image, buffer


class InputImageItem(QGraphicsItem):
    """A square block of ``side × side`` pixels centred on its position.

    ``tooltip(row, col)`` is called when the mouse moves onto a pixel.
    """

    def __init__(self, side: int, tooltip: Callable[[int, int], str]):
        super().__init__()
        self.side = int(side)
        self.caption = "mean input"  # what the pixels are, written under the block
        self._tooltip = tooltip
        self._size = MIN_BLOCK
        self._values = np.zeros((self.side, self.side))
        self._image, self._buffer = gray_image(self._values, 1.0)
        self._pixel = None
        self.setAcceptHoverEvents(True)
        self.setZValue(2)

    @property
    def size(self) -> float:
        return self._size

    @property
    def values(self) -> np.ndarray:
        """The pixels shown, ``(side, side)`` float64, row by row as the inputs are."""
        return self._values.copy()

    def set_size(self, size: float) -> None:
        self.prepareGeometryChange()
        self._size = float(size)

    def set_pixels(self, values: np.ndarray, high: float, caption: str) -> None:
        """Show ``values`` (``side * side`` inputs, row by row); ``high`` is drawn black;
        ``caption`` says what they are ("mean input", "example 12")."""
        self.caption = caption
        self._values = np.asarray(values, dtype=np.float64).reshape(self.side, self.side)
        self._image, self._buffer = gray_image(self._values, high)
        self.update()

    def pixel_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(row, column) of the pixel at item point (x, y), None off the block."""
        h = self._size / 2
        if not (-h <= x < h and -h <= y < h):
            return None
        step = self._size / self.side
        return min(self.side - 1, int((y + h) // step)), min(self.side - 1, int((x + h) // step))

    def boundingRect(self) -> QRectF:
        h = self._size / 2 + 1.0
        half = max(h, LABEL_W / 2)
        return QRectF(-half, -h, 2 * half, 2 * h + LABEL_H)

    def paint(self, painter, option, widget=None) -> None:
        h = self._size / 2
        rect = QRectF(-h, -h, 2 * h, 2 * h)
        painter.save()
        painter.setRenderHint(painter.RenderHint.SmoothPixmapTransform, False)  # crisp pixels
        painter.drawImage(rect, self._image)
        painter.setPen(QPen(BORDER, 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect)
        painter.setPen(QColor("#7a7a7a"))
        font = painter.font()
        font.setPointSizeF(7.5)
        painter.setFont(font)
        half = max(h, LABEL_W / 2)
        text = painter.fontMetrics().elidedText(self.caption, Qt.TextElideMode.ElideRight,
                                                round(2 * half))
        painter.drawText(QRectF(-half, h + 1, 2 * half, LABEL_H),
                         Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)
        painter.restore()

    def hoverMoveEvent(self, event) -> None:
        pos = event.pos()
        pixel = self.pixel_at(pos.x(), pos.y())
        if pixel != self._pixel:
            self._pixel = pixel
            self.setToolTip("" if pixel is None else self._tooltip(*pixel))
        super().hoverMoveEvent(event)


# ----------------------------------------------------------------------------- geometry
LABEL_H = 14.0  # room under the block for what it shows ("mean input")
LABEL_W = 70.0  # width that caption may take, centred under the block
FAN_ROOM = 24.0  # least horizontal room between the block and the next column's neurons


def block_geometry(col0, col1, node: float, caption_y: float,
                   height: float) -> tuple[float, float, float]:
    """(centre x, centre y, side) of the input block: as large as the room between the
    captions, the scene's bottom and the first hidden column allows (at most ``MAX_BLOCK``).

    ``col0``/``col1`` are the input and first hidden ``Column``s of the layout (the input
    column laid out as one unit, so its only y is the middle).
    """
    y = col0.ys[0]
    vertical = 2 * min(y - caption_y - 4.0, height - y - 4.0 - LABEL_H)
    left, right = 6.0, col1.x - node / 2 - FAN_ROOM
    side = max(8.0, min(MAX_BLOCK, vertical, right - left))
    x = min(max(col0.x, left + max(side, LABEL_W) / 2), right - side / 2)
    return x, y, side


def fan_segments(x: float, y: float, side: float, col1, node: float) -> np.ndarray:
    """``(len(col1.ys), 4)`` lines ``x0, y0, x1, y1`` from the block's right edge to each
    drawn unit of the first hidden column."""
    ys = np.asarray(col1.ys, dtype=float)
    return np.stack([np.full_like(ys, x + side / 2), np.full_like(ys, y),
                     np.full_like(ys, col1.x - node / 2), ys], axis=1)


def fan_values(W: np.ndarray, n_dst: int) -> np.ndarray:
    """``(1, n_dst)``: the mean weight from all pixels into each drawn first-layer unit
    (``W`` is ``(n_pixels, fan_out)``): its sign colours the fan line."""
    return np.asarray(W, dtype=np.float64)[:, :n_dst].mean(axis=0, keepdims=True)
