"""Axis ranges for live training curves that change seldom, so axes are rarely redrawn.

While training, the history grows every frame. Auto-ranging on the data alone moves the
epoch axis (and the loss minimum) every frame, and pyqtgraph then regenerates and repaints
every axis with its tick texts and grid — most of a curve view's frame cost. Instead each
plot holds a :class:`RangeAnchor`: an invisible item whose bounds are the data's bounds
rounded outwards to "nice" numbers (:func:`nice_ceil`). Auto-range still frames the data
(and the user may still pan, zoom and press "A"), but the range only changes when the data
outgrow the rounded bounds: every ~10 % of epochs, when the loss sets a new maximum or
crosses a decade on a log axis.
"""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF


def nice_ceil(value, steps=10):
    """The smallest multiple of ``10**floor(log10(value)) / steps * k`` that is ≥ ``value``.

    With ``steps=10`` the result exceeds ``value`` by at most ~10 % of its decade
    (190 → 190, 191 → 200, 1234 → 1300). ``value`` ≤ 0 gives 0.
    """
    if not value > 0:
        return 0.0
    step = 10.0 ** math.floor(math.log10(value)) / steps
    return float(f"{math.ceil(value / step - 1e-9) * step:.12g}")


def epoch_span(last_epoch):
    """``(0, x)`` for an epoch axis ending at ``last_epoch`` (x ≥ last_epoch, x ≥ 1)."""
    return 0.0, max(1.0, nice_ceil(float(last_epoch)))


def loss_span(values, log=False):
    """``(low, high)`` for losses ``values (n,)`` in view coordinates (log10 when ``log``).

    Linear: ``(0, nice_ceil(max))``. Log: whole decades around the positive values.
    Returns None when no value is usable.
    """
    values = np.asarray(values, dtype=np.float64)
    if log:
        values = values[np.isfinite(values) & (values > 0)]
        if values.size == 0:
            return None
        return float(math.floor(math.log10(values.min()))), float(
            math.ceil(math.log10(values.max())))
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    return 0.0, max(nice_ceil(float(values.max())), 1e-12)


def metric_span(values):
    """``(low, 1)`` for accuracies or R² ``values (n,)``: ``low`` rounded down to a tenth."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    low = min(float(values.min()), 0.9)
    low = math.floor(low * 10 + 1e-9) / 10 if low > -1 else -nice_ceil(-low)
    return low, 1.0


class RangeAnchor(pg.GraphicsObject):
    """An invisible item whose data bounds are ``(x0, x1, y0, y1)``: auto-range frames it."""

    def __init__(self):
        super().__init__()
        self._bounds = None

    def set_bounds(self, bounds):
        """``(x0, x1, y0, y1)`` or None (no say in the range). Tells the view only on change."""
        if bounds != self._bounds:
            self._bounds = bounds
            self.informViewBoundsChanged()

    @property
    def bounds(self):
        return self._bounds

    def dataBounds(self, ax, frac=1.0, orthoRange=None):
        if self._bounds is None:
            return None
        return self._bounds[2 * ax: 2 * ax + 2]

    def pixelPadding(self):
        """Wider than any curve's pen, so curves touching the bounds do not move the range."""
        return 4

    def boundingRect(self):
        return QRectF()

    def paint(self, painter, *args):
        return None
