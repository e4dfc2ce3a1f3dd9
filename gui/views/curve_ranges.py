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


#: Mantissas a step axis may end at: ~8 moves a decade (every 10 steps at 20..40, every 100
#: at 200..400), not one per Step as rounding to a tenth of the decade does below 100.
STEP_MANTISSAS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
#: A step axis spans at least this many steps (the first ten Steps keep one axis).
MIN_STEP_SPAN = 10.0


def step_span(last_step):
    """``(0, x)`` for a step axis ending at ``last_step``: ``x`` is the smallest
    ``m * 10**k`` (``m`` in :data:`STEP_MANTISSAS`) ≥ ``last_step``, at least 10."""
    value = float(last_step)
    if not value > MIN_STEP_SPAN:
        return 0.0, MIN_STEP_SPAN
    decade = 10.0 ** math.floor(math.log10(value))
    end = next(m * decade for m in STEP_MANTISSAS if m * decade >= value * (1 - 1e-12))
    return 0.0, float(f"{end:.12g}")


def band_span(low, high, current=None, fill=0.4):
    """``(y0, y1)`` framing values from ``low`` to ``high`` (finite, low ≤ high).

    Keeps ``current`` while it holds them and they fill at least ``fill`` of it (a band that
    jitters from step to step does not move the axis); otherwise the values plus 10 %
    either side, rounded outwards to a fifth of the decade of their extent.
    """
    if current is not None and current[0] <= low and high <= current[1] and \
            high - low >= fill * (current[1] - current[0]):
        return current
    extent = high - low
    if not extent > 0:
        extent = abs(high) or 1.0
    padded = (low - 0.1 * extent, high + 0.1 * extent)
    if not math.isfinite(padded[1] - padded[0]):  # near the float range's ends: as they are
        return float(low), float(high)
    unit = 10.0 ** math.floor(math.log10(padded[1] - padded[0])) / 5
    if not unit > 0:  # subnormal extents: no grid to round to
        return padded
    return (float(f"{math.floor(padded[0] / unit) * unit:.12g}"),
            float(f"{math.ceil(padded[1] / unit) * unit:.12g}"))


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
