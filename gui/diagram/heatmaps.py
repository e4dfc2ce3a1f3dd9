"""Colours of the diagram: neuron heatmaps as QImages and signed values as QColors.

Every signed quantity uses the shared diverging table (`gui.theme.style.diverging_lut`) with
symmetric levels, so zero is white, positive blue and negative orange everywhere.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QImage

from gui.theme.style import diverging_lut

#: Activations whose output range is fixed: (low, high) of the colour scale.
FIXED_RANGES = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0)}


def _argb32(lut_rgba: np.ndarray) -> np.ndarray:
    """`(n, 4)` uint8 RGBA → `(n,)` uint32 0xAARRGGBB, the pixel layout of Format_ARGB32."""
    c = lut_rgba.astype(np.uint32)
    return (c[:, 3] << 24) | (c[:, 0] << 16) | (c[:, 1] << 8) | c[:, 2]


LUT32 = _argb32(diverging_lut(256))
NAN_GREY = "#888888"


def levels_for(activation: str | None, values: np.ndarray) -> tuple[float, float]:
    """Colour-scale (low, high) for `values` produced by `activation`.

    Bounded activations use their fixed range (sigmoid's 0.5 is then white); unbounded ones
    use symmetric levels from the largest finite |value| so 0 is white.
    """
    if activation in FIXED_RANGES:
        return FIXED_RANGES[activation]
    finite = np.abs(values[np.isfinite(values)])
    m = float(finite.max()) if finite.size else 0.0
    m = max(m, 1e-9)
    return (-m, m)


def lut_indices(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """uint8 indices 0..255 of `values` on the scale [lo, hi]; NaN maps to the middle."""
    # in place, one temporary: this runs on every unit's heatmap of every snapshot
    t = np.subtract(values, lo, dtype=np.float64)
    t *= 255.0 / max(hi - lo, 1e-12)
    t += 0.5
    np.clip(t, 0.0, 255.0, out=t)  # +-inf land on the ends; NaN stays NaN
    nan = np.isnan(t)
    if nan.any():
        t[nan] = 128.0
    return t.astype(np.uint8)


def layer_pixels(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """ARGB32 pixels of every unit's heatmap of one layer.

    `values` is `(res_y, res_x, units)` with row i at y[i] (y increasing); returns C-contiguous
    uint32 `(units, res_y, res_x)` with the rows flipped so the top row is the largest y.
    """
    idx = lut_indices(values, lo, hi)
    return np.ascontiguousarray(LUT32[idx].transpose(2, 0, 1)[:, ::-1, :])


def pixels_to_image(pixels: np.ndarray) -> QImage:
    """A QImage over C-contiguous uint32 `(h, w)` `pixels`; keep `pixels` alive while used."""
    h, w = pixels.shape
    return QImage(pixels.data, w, h, 4 * w, QImage.Format.Format_ARGB32)


def signed_colors(values: np.ndarray, scale: float) -> list[QColor]:
    """Diverging colours of `values` (1-D) on the symmetric scale (-scale, scale).

    Non-finite values (a diverged network) are grey.
    """
    values = np.asarray(values, dtype=np.float64)
    s = max(float(scale), 1e-12)
    argb = LUT32[lut_indices(values, -s, s)].tolist()
    finite = np.isfinite(values).tolist()
    return [QColor.fromRgba(c) if ok else QColor(NAN_GREY) for c, ok in
            zip(argb, finite, strict=True)]
