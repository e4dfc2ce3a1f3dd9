"""``ContourMap``: a filled, contoured map of a function of two coordinates, in a plot.

Used by the optimizer playground (a surface ``f(x, y)``) and the loss landscape (the loss
over a plane of weight space). The values drawn are given already scaled (both windows pass
``log10`` of the function, so a deep narrow valley shows as well as the plateau around it):
an ``ImageItem`` (row-major, pixel centres on the grid points) coloured with a light ramp,
and ``CONTOUR_LEVELS`` isocurves evenly spaced between the finite minimum and maximum. Items
are created once and updated in place.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from gui.views.plot_style import as_image, pixel_rect

CONTOUR_LEVELS = 14
#: Low values light (paths stay readable on them), high values a muted blue-grey.
RAMP = [(255, 252, 240), (244, 235, 200), (205, 223, 208), (168, 195, 210), (128, 156, 182)]
#: One colour per racer / path: distinct, saturated, readable on the light ramp.
PATH_COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
               "#8c564b", "#e377c2"]
CONTOUR_PEN = (70, 70, 70, 110)


def ramp_lut(n=256):
    """``(n, 4)`` uint8 lookup table interpolating ``RAMP``."""
    stops = np.linspace(0.0, 1.0, len(RAMP))
    t = np.linspace(0.0, 1.0, n)
    rgb = np.stack([np.interp(t, stops, [c[i] for c in RAMP]) for i in range(3)], axis=1)
    return np.hstack([np.round(rgb), np.full((n, 1), 255)]).astype(np.uint8)


class ContourMap:
    """An image plus isocurves in ``plot`` (a ``pg.PlotItem``).

    Attributes
    ----------
    image : pg.ImageItem
        Holds the last values given (float32, row-major: ``image.image[iy, ix]``).
    isocurves : list of pg.IsocurveItem
    levels : ndarray, shape (CONTOUR_LEVELS,)
        The values the isocurves follow.
    """

    def __init__(self, plot):
        self.plot = plot
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(ramp_lut())
        self.image.setZValue(-20)
        plot.addItem(self.image)
        self.isocurves = []
        for _ in range(CONTOUR_LEVELS):
            curve = pg.IsocurveItem(level=0.0, pen=pg.mkPen(CONTOUR_PEN, width=1),
                                    axisOrder="row-major")
            curve.setParentItem(self.image)  # pixel coordinates, as the image
            self.isocurves.append(curve)
        self.levels = np.zeros(CONTOUR_LEVELS)

    def set_values(self, x, y, values):
        """Show ``values`` (ny, nx) with ``values[iy, ix]`` at ``(x[ix], y[iy])``.

        Non-finite values are drawn at the top colour; the isocurves skip them.
        """
        values = np.asarray(values, dtype=np.float64)
        finite = values[np.isfinite(values)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if high <= low:
            high = low + 1.0
        shown = np.where(np.isfinite(values), values, high)
        self.image.setImage(as_image(shown), levels=(low, high), autoLevels=False)
        self.image.setRect(pixel_rect(x, y))
        self.levels = np.linspace(low, high, CONTOUR_LEVELS + 2)[1:-1]
        for curve, level in zip(self.isocurves, self.levels, strict=True):
            curve.setData(shown, level=float(level))


def tool_window(widget, title, object_name, size):
    """Make ``widget`` a separate top-level window over its parent (not a child widget)."""
    widget.setWindowFlag(Qt.WindowType.Window, True)
    widget.setWindowTitle(title)
    widget.setObjectName(object_name)
    widget.resize(*size)
    return widget

