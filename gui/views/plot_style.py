"""Small helpers shared by the live pyqtgraph views: plot styling, hint text, colour maps,
pixel rectangles and held (non-jumping) symmetric colour levels.

Nothing here keeps state about training; every helper is cheap enough to call per frame.
"""

import math
from collections import deque

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsItem

from core.data.dataset import all_finite as finite
from gui.theme.style import class_lut, diverging_lut
from gui.views.lazy_menu import plot_widget

BACKGROUND = "w"
FOREGROUND = "#333333"
HINT_COLOR = "#7a7a7a"


#: Height a plot's axes take around its data area (a bottom axis with its label, margins), px.
AXES_HEIGHT = 44
#: Smallest readable data area of a line or scatter plot: height on a small screen, on a
#: 1366×768 one and up, and width (px).
MIN_DATA_HEIGHT_SMALL, MIN_DATA_HEIGHT, MIN_DATA_WIDTH = 90, 120, 160


def min_data_height(window_height):
    """The smallest plot data-area height (px) a window ``window_height`` px high keeps."""
    return MIN_DATA_HEIGHT if window_height >= 760 else MIN_DATA_HEIGHT_SMALL


def new_plot_widget():
    """A ``pg.PlotWidget`` on a white background with dark axes (ViewBox menu kept)."""
    widget = plot_widget(background=BACKGROUND)
    style_plot(widget.getPlotItem())
    return widget


def new_layout_widget():
    """A ``pg.GraphicsLayoutWidget`` on a white background."""
    widget = pg.GraphicsLayoutWidget()
    widget.setBackground(BACKGROUND)
    return widget


def style_plot(plot, title=None):
    """Dark axis lines and labels on ``plot`` (a ``pg.PlotItem``); optional small title."""
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(FOREGROUND))
        axis.setTextPen(pg.mkPen(FOREGROUND))
        axis.enableAutoSIPrefix(False)  # "loss (x0.001)" with ticks 600..680 confuses
        # Drawn from a pixmap until the axis changes: otherwise every repaint of the data
        # beside it (each training step) replays all its tick texts and grid lines.
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    if title is not None:
        plot.setTitle(title, color=FOREGROUND, size="9pt")
    return plot


#: Points a long curve draws per pixel of plot width. Peak downsampling keeps each bin's
#: minimum and maximum, so one bin per pixel already draws the full envelope of noisy data;
#: pyqtgraph's default (5) draws ten vertices per pixel, and wide pens make each one costly.
SAMPLES_PER_PIXEL = 1.0


def long_history_curve(plot, pen, name):
    """A ``pg.PlotDataItem`` added to ``plot`` (a ``PlotItem``) that stays cheap to redraw
    with 10⁵ points: clipped to the view and peak-downsampled to the plot's width.

    The curve takes no part in auto-range: the plot frames a ``curve_ranges.RangeAnchor``
    that holds it, so the data need not be measured on every repaint.
    """
    curve = pg.PlotDataItem(pen=pen, name=name)
    # PlotItem.addItem applies the plot's clip/downsampling modes
    plot.addItem(curve, ignoreBounds=True)
    curve.setClipToView(True)
    curve.setDownsampling(auto=True, method="peak")
    curve.opts["autoDownsampleFactor"] = SAMPLES_PER_PIXEL  # no setter in pyqtgraph 0.14
    return curve


def cache_axes(plot):
    """Paint ``plot``'s left and bottom axes (tick texts and grid lines) from a pixmap until
    their range changes: the grid spans the whole plot and is its costliest part."""
    for name in ("left", "bottom"):
        plot.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def add_hint(plot, text):
    """A centred grey ``pg.TextItem`` shown in ``plot`` while there is nothing to draw.

    The hint sits at (0.5, 0.5) of a 0..1 view; :func:`show_hint` moves the view there.
    """
    hint = pg.TextItem(text, color=HINT_COLOR, anchor=(0.5, 0.5), fill=(255, 255, 255, 210))
    hint.setPos(0.5, 0.5)
    plot.addItem(hint, ignoreBounds=True)
    return hint


def show_hint(plot, hint, visible, text=None, bounds=None):
    """Show or hide ``hint``; when shown, frame ``bounds = (xmin, xmax, ymin, ymax)``
    (default the unit box) and centre the hint in it."""
    if text is not None:
        hint.setText(text, color=HINT_COLOR)
    hint.setVisible(visible)
    if visible:
        x0, x1, y0, y1 = bounds if bounds is not None else (0.0, 1.0, 0.0, 1.0)
        hint.setPos((x0 + x1) / 2, (y0 + y1) / 2)
        plot.getViewBox().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0.02)


def lut_colormap(lut):
    """A ``pg.ColorMap`` from an ``(n, 4)`` uint8 lookup table (for colour bars)."""
    return pg.ColorMap(np.linspace(0.0, 1.0, len(lut)), lut)


def diverging_colormap():
    """The shared orange-white-blue map as a ``pg.ColorMap`` (zero = white)."""
    return lut_colormap(diverging_lut())


def binary_lut(strength=0.85):
    """``(256, 4)`` uint8 class 0 → white → class 1 table for P(class 1) surfaces, faded
    towards white by ``1 - strength`` so same-coloured data points stay visible."""
    lut = class_lut(2).astype(np.float32)
    lut[:, :3] = 255.0 + (lut[:, :3] - 255.0) * strength
    return np.round(lut).astype(np.uint8)


def all_finite(*arrays):
    """True when every array (``None`` counts as finite) holds only finite values."""
    return all(a is None or finite(a) for a in arrays)


def pixel_rect(x, y):
    """The ``QRectF`` an image of ``(len(y), len(x))`` pixels must fill so that pixel
    centres sit exactly on the grid coordinates ``x (nx,)`` and ``y (ny,)``."""
    nx, ny = len(x), len(y)
    dx = (x[-1] - x[0]) / (nx - 1) if nx > 1 else 1.0
    dy = (y[-1] - y[0]) / (ny - 1) if ny > 1 else 1.0
    return QRectF(float(x[0] - dx / 2), float(y[0] - dy / 2), float(dx * nx), float(dy * ny))


IMAGE_LIMIT = 1e30
"""Largest magnitude drawn in an image: far beyond any useful colour level, and small enough
that pyqtgraph's float32 rescaling (value × lut_size / level span) stays finite."""


def as_image(a, levels=None):
    """``a`` as a C-contiguous float32 array, clipped to ``levels = (low, high)`` when given,
    else to ±``IMAGE_LIMIT``.

    A diverged network reaches 1e153: unclipped, the float32 cast (or pyqtgraph's rescale)
    overflows. NaN stays NaN.
    """
    low, high = levels if levels is not None else (-IMAGE_LIMIT, IMAGE_LIMIT)
    a = np.asarray(a)
    if a.dtype.kind == "f":
        a = np.clip(a, max(float(low), -IMAGE_LIMIT), min(float(high), IMAGE_LIMIT))
    return np.ascontiguousarray(a, dtype=np.float32)


def round_up(value):
    """``value`` > 0 rounded up to two significant digits in 5 % steps of its decade
    (2.61 → 2.7, 0.0123 → 0.013): held levels then change seldom, and read well."""
    step = 10.0 ** math.floor(math.log10(value)) / 20
    return float(f"{math.ceil(value / step - 1e-9) * step:.12g}")


class HeldLevels:
    """Symmetric colour levels ``(-m, m)`` where ``m`` is the largest ``max|a|`` seen over the
    last ``frames`` updates, rounded up (:func:`round_up`), so heatmap colours do not jump
    from frame to frame and colour bars are redrawn only when the scale really changes.

    ``frozen`` keeps the current levels until :meth:`clear` (a "fixed scale" toggle).
    """

    def __init__(self, frames=60):
        self._recent = deque(maxlen=frames)
        self.frozen = False
        self._levels = (-1.0, 1.0)

    def clear(self):
        """Forget the history (a new network, or a new quantity shown)."""
        self._recent.clear()
        self._levels = (-1.0, 1.0)

    @property
    def levels(self):
        """The current ``(low, high)`` tuple of Python floats."""
        return self._levels

    def update(self, arrays):
        """Feed this frame's arrays; return the (possibly unchanged) symmetric levels."""
        if self.frozen and self._recent:
            return self._levels
        m = 0.0
        for a in arrays:
            if a.size:
                m = max(m, float(np.abs(a).max()))
        self._recent.append(m)
        top = max(self._recent)
        top = min(round_up(top), IMAGE_LIMIT) if 0.0 < top < math.inf else 1.0
        self._levels = (-top, top)
        return self._levels
