"""Pictures of image-shaped inputs (any square side): mosaics of tiles, the data's pixel
range, and one row as a small ``QPixmap`` (dark ink on white, as the data is drawn)."""

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap

from gui.views.plot_style import as_image


def mosaic(tiles, n_cols, pitch_y, gap=1):
    """Lay ``tiles (n, s, s)`` out row by row, ``n_cols`` per row, NaN (transparent) gaps.

    Returns ``(rows * pitch_y, n_cols * (s + gap))`` float32.
    """
    tiles = as_image(tiles)  # clipped to float32's range: diverged weights do not overflow
    n, side = len(tiles), tiles.shape[1]
    n_rows = max(1, math.ceil(n / n_cols))
    out = np.full((n_rows * pitch_y, n_cols * (side + gap)), np.nan, dtype=np.float32)
    for k in range(n):
        r, c = divmod(k, n_cols)
        x = c * (side + gap)
        out[r * pitch_y:r * pitch_y + side, x:x + side] = tiles[k]
    return out


def pixel_levels(X):
    """``(low, high)`` of the pixel values in ``X (n, s*s)``: 0 (or below) to the largest
    value (16 for the digits, 255 for MNIST); never an empty range."""
    if X.size == 0:
        return 0.0, 1.0
    low, high = min(0.0, float(np.min(X))), float(np.max(X))
    return low, high if high > low else low + 1.0


def gray_pixmap(pixels, side, levels, size):
    """A ``size``-pixel ``QPixmap`` of one image row ``pixels (side*side,)``: ``levels[1]``
    black, ``levels[0]`` white."""
    low, high = levels
    ink = (np.asarray(pixels, dtype=np.float64).reshape(side, side) - low) / (high - low)
    gray = np.ascontiguousarray(np.round(255.0 * (1.0 - np.clip(ink, 0.0, 1.0))), np.uint8)
    image = QImage(gray.data, side, side, side, QImage.Format.Format_Grayscale8).copy()
    return QPixmap.fromImage(image).scaled(size, size, Qt.AspectRatioMode.IgnoreAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation
                                           if side > size else
                                           Qt.TransformationMode.FastTransformation)
