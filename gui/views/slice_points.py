"""``SlicePoints``: the slice half of ``DecisionSurfaceView`` for data with > 2 inputs.

The surface holds every input off its axes at one value (``SliceSliders``). Points are
drawn where their two axis columns put them, whatever their other inputs; so a point whose
held inputs are far from the slice's values is faded by that distance
(``core.watch.surface_slice.slice_distance``, in standard deviations), and the picture never
silently claims the slice's prediction for rows it does not describe.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from core.watch.snapshot import SurfaceSlice
from core.watch.surface_slice import slice_distance, slice_values
from gui.theme.style import CLASS_HEX, class_color

#: Faded points: opacity ``exp(-distance² / 2)`` (distance from the slice in standard
#: deviations of the held inputs, ``core.watch.surface_slice.slice_distance``), at least
#: ``MIN_ALPHA``, rounded to ``ALPHA_LEVELS`` steps (one brush per class and step).
MIN_ALPHA = 0.12
ALPHA_LEVELS = 10


def point_alpha(distance):
    """Opacity (n,) in [MIN_ALPHA, 1] of points ``distance`` (n,) away from the slice."""
    alpha = np.round(np.exp(-0.5 * np.asarray(distance) ** 2) * ALPHA_LEVELS) / ALPHA_LEVELS
    return np.maximum(alpha, MIN_ALPHA)


#: Outline widths of train and test points (as the surface view draws them).
TRAIN_OUTLINE = 1.2
TEST_OUTLINE = 1.5


class SlicePoints:
    """Mixed into ``DecisionSurfaceView``: needs ``slice_sliders``, ``fade``, ``_info``,
    ``_requested``, ``_requested_fixed``, ``_shown_columns``, ``_shown_fixed``,
    ``_scatter_points`` and ``columnsChanged``."""

    def _reset_slice(self, dataset):
        """Sliders for the held inputs of data with more than two inputs (classification)."""
        many = dataset.n_inputs > 2 and dataset.task in ("binary", "multiclass")
        self._slice_panel = many
        self.slice_sliders.setVisible(many and self.isVisible())
        self.fade.setVisible(many)
        self._faded = {}
        if not many:
            return
        stats = dataset.input_stats  # computed once per dataset
        self._scale = stats.scale
        presets = {dataset.target_names[c]: mean for c, mean in dataset.class_means.items()}
        self.slice_sliders.set_data(dataset.input_names, (0, 1), stats.mean, stats.low,
                                    stats.high, presets)

    def showEvent(self, event):
        """The slider panel is laid out only while the surface is on screen: a hidden
        Surface tab (digits, a regression's first tab) must not make its dock taller."""
        self.slice_sliders.setVisible(getattr(self, "_slice_panel", False))
        super().showEvent(event)

    def hideEvent(self, event):
        self.slice_sliders.setVisible(False)
        super().hideEvent(event)

    def _point_alphas(self, dataset, X, columns):
        """Opacity per row of ``X`` (n, d) from its distance to the slice shown; None when
        nothing is faded (two inputs, or "Fade far points" off)."""
        if dataset.n_inputs <= 2 or not self.fade.isChecked():
            return None
        values = slice_values(dataset, self._shown_fixed)
        return point_alpha(slice_distance(X, columns, values, self._scale))

    def _faded_styles(self, labels, alpha, train):
        """Brushes and pens per point: class fill and outline at each point's opacity."""
        brushes, pens = [], []
        for k, a in zip(labels.tolist(), alpha.tolist(), strict=True):
            key = (k % len(CLASS_HEX), a, train)
            style = self._faded.get(key)
            if style is None:
                fill = QColor(class_color(key[0]))  # a copy: the shared one stays opaque
                fill.setAlphaF(a)
                outline = pg.mkPen((255, 255, 255) if train else (0, 0, 0),
                                   width=TRAIN_OUTLINE if train else TEST_OUTLINE)
                color = outline.color()
                color.setAlphaF(a)
                outline.setColor(color)
                style = self._faded[key] = (pg.mkBrush(fill), outline)
            brushes.append(style[0])
            pens.append(style[1])
        return brushes, pens

    def _refade(self):
        if self._info is not None and self._shown_columns is not None:
            self._scatter_points(self._info.dataset, self._shown_columns)

    def requested_slice(self):
        """What the next snapshots should carry: ``(i, j)``, or a ``SurfaceSlice`` when the
        held inputs are away from their means."""
        if self._requested_fixed is None:
            return self._requested
        return SurfaceSlice(self._requested, self._requested_fixed)

    def shown_fixed(self):
        """The held inputs' values of the surface on screen (None: their means)."""
        return self._shown_fixed

    def _slice_moved(self, values):
        self._requested_fixed = None if self.slice_sliders.at_means() else tuple(values)
        self.columnsChanged.emit(self.requested_slice())

