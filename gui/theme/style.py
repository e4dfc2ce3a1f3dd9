"""Colours shared by every view, so a class or a weight sign looks the same everywhere.

- ``CLASS_COLORS``: one colour per class (up to 10), TF-Playground blue/orange first.
- ``POSITIVE`` / ``NEGATIVE`` / ``NEUTRAL``: weight signs (blue positive, orange negative).
- ``diverging_lut()``: a 256-entry orange-white-blue lookup table for pyqtgraph's
  ``ImageItem.setLookupTable``; use it with symmetric levels ``(-m, m)`` so zero is white.
- ``class_lut(n)``: a lookup table blending the first ``n`` class colours, for surfaces.
"""

import numpy as np
from PySide6.QtGui import QColor

#: Hex colours of classes 0..9 (class 0 orange and class 1 blue, as in TF Playground).
CLASS_HEX = [
    "#f59322",  # orange
    "#0877bd",  # blue
    "#2ca02c",  # green
    "#d62728",  # red
    "#9467bd",  # purple
    "#8c564b",  # brown
    "#e377c2",  # pink
    "#7f7f7f",  # grey
    "#bcbd22",  # olive
    "#17becf",  # cyan
]
CLASS_COLORS = [QColor(h) for h in CLASS_HEX]

POSITIVE_HEX = "#0877bd"
NEGATIVE_HEX = "#f59322"
NEUTRAL_HEX = "#e8eaeb"
POSITIVE = QColor(POSITIVE_HEX)
NEGATIVE = QColor(NEGATIVE_HEX)
NEUTRAL = QColor(NEUTRAL_HEX)

#: Colours of the window chrome (banners, counters).
ERROR_BG = QColor("#fdecea")
ERROR_FG = QColor("#8a1c12")
INFO_BG = QColor("#e8f1fb")
INFO_FG = QColor("#0b3d66")


def class_color(index):
    """The ``QColor`` of class ``index`` (wraps around after 10 classes)."""
    return CLASS_COLORS[index % len(CLASS_COLORS)]


def _rgb(color):
    """``(r, g, b)`` floats in 0..255 of a ``QColor`` or hex string."""
    c = QColor(color)
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


def _ramp(stops, n):
    """An ``(n, 4)`` uint8 table interpolating evenly spaced colour ``stops``, opaque."""
    colors = np.stack([_rgb(s) for s in stops])
    pos = np.linspace(0.0, 1.0, len(stops))
    t = np.linspace(0.0, 1.0, n)
    lut = np.empty((n, 4), dtype=np.uint8)
    for ch in range(3):
        lut[:, ch] = np.round(np.interp(t, pos, colors[:, ch])).astype(np.uint8)
    lut[:, 3] = 255
    return lut


def diverging_lut(n=256):
    """Diverging lookup table: negative = orange, zero = white, positive = blue.

    Returns
    -------
    np.ndarray
        ``(n, 4)`` uint8 RGBA; row 0 is the most negative value, row ``n-1`` the most
        positive. Pair with symmetric levels so zero maps to the middle (white).
    """
    return _ramp([NEGATIVE_HEX, "#ffffff", POSITIVE_HEX], n)


def class_lut(n_classes=2, n=256):
    """Lookup table for a binary decision surface: class 0 colour → white → class 1 colour.

    For ``n_classes`` > 2 the ramp passes through the first ``n_classes`` colours in order.
    Returns ``(n, 4)`` uint8 RGBA.
    """
    if n_classes <= 2:
        return _ramp([CLASS_HEX[0], "#ffffff", CLASS_HEX[1]], n)
    return _ramp(CLASS_HEX[:n_classes], n)


def weight_levels(arrays):
    """Symmetric levels ``(-m, m)`` covering every finite value in ``arrays`` (m ≥ 1e-12)."""
    m = 0.0
    for a in arrays:
        finite = np.abs(a[np.isfinite(a)])
        if finite.size:
            m = max(m, float(finite.max()))
    m = max(m, 1e-12)
    return (-m, m)
