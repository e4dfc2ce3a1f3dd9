"""Dataset thumbnails: a small picture of the actual data, drawn once with QPainter.

- 2-D data: a scatter of a sample of the points, coloured by class (``gui.theme.style``
  class colours) or, for regression, by target value (orange low → white → blue high).
- 8×8 images (digits): four of the digit images themselves.
- Other tabular data: a parallel-coordinates sketch (one line per sample, each input
  scaled to its range), coloured by class.

:class:`ThumbnailButton` is the checkable tile that shows one of them with its name.
"""

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QToolButton

from gui.theme.style import NEUTRAL, class_color, diverging_lut

THUMB_SIZE = 64
"""Edge of a thumbnail in pixels."""

_MAX_POINTS = 160
_BACKGROUND = QColor("#ffffff")


def render_thumbnail(dataset, size=THUMB_SIZE, max_points=_MAX_POINTS):
    """Draw a ``size`` × ``size`` picture of ``dataset``.

    Parameters
    ----------
    dataset : core.data.Dataset
        Its training inputs ``X_train`` (n, d) and targets ``y_train`` are drawn.
    size : int
        Edge length in pixels.
    max_points : int
        At most this many samples are drawn (a fixed random subset, so the picture is
        the same every time).

    Returns
    -------
    QPixmap
    """
    pixmap = QPixmap(size, size)
    pixmap.fill(_BACKGROUND)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    X = np.asarray(dataset.X_train, dtype=np.float64)
    if dataset.is_2d:
        rows = _sample_rows(len(X), max_points)
        _draw_scatter(painter, X[rows], _point_colors(dataset, rows), size)
    elif X.shape[1] == 64:
        _draw_digits(painter, dataset, size)
    else:
        rows = _sample_rows(len(X), max_points // 3)
        _draw_parallel(painter, X[rows], _point_colors(dataset, rows), size)
    painter.setPen(QPen(QColor("#b0b4b8"), 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.end()
    return pixmap


def _sample_rows(n, k):
    """Indices of a fixed random subset of ``min(n, k)`` of ``n`` rows."""
    if n <= k:
        return np.arange(n)
    return np.sort(np.random.default_rng(0).choice(n, size=k, replace=False))


def _point_colors(dataset, rows):
    """A ``QColor`` per selected row: class colour, or target value on a ramp."""
    if dataset.task != "regression":
        return [class_color(int(c)) for c in dataset.labels_train[rows]]
    values = np.asarray(dataset.y_train, dtype=np.float64)[rows, 0]
    low, high = float(values.min()), float(values.max())
    t = (values - low) / (high - low) if high > low else np.full(len(values), 0.5)
    lut = diverging_lut()
    idx = np.round(t * (len(lut) - 1)).astype(int)
    return [QColor(*(int(v) for v in lut[i, :3])) for i in idx]


def _scale(values, lo, hi):
    """Map each column of ``values`` (n, k) linearly from its range onto ``[lo, hi]``."""
    vmin, vmax = values.min(axis=0), values.max(axis=0)
    span = np.where(vmax > vmin, vmax - vmin, 1.0)
    return lo + (values - vmin) / span * (hi - lo)


def _draw_scatter(painter, X, colors, size):
    """Dots at the (x1, x2) positions of ``X`` (n, 2), x1 right and x2 up."""
    few = len(X) < 20  # truth tables: 4 big dots away from the border
    margin = 12.0 if few else 5.0
    xs = _scale(X[:, :1], margin, size - margin)[:, 0]
    ys = size - _scale(X[:, 1:2], margin, size - margin)[:, 0]
    painter.setPen(QPen(QColor(255, 255, 255, 160), 0.6))
    radius = 6.0 if few else 2.2
    for x, y, color in zip(xs, ys, colors, strict=True):
        painter.setBrush(color)
        painter.drawEllipse(QPointF(x, y), radius, radius)


def _draw_digits(painter, dataset, size):
    """A 2 × 2 grid of the first images of four different classes (8 × 8 grey)."""
    X, labels = dataset.X_train, dataset.labels_train
    classes = list(dict.fromkeys(labels.tolist()))[:4]
    cell = size // 2
    for k, label in enumerate(classes):
        pixels = np.asarray(X[np.flatnonzero(labels == label)[0]], dtype=np.float64)
        top = pixels.max() if pixels.max() > 0 else 1.0
        grey = (255 - np.clip(pixels / top, 0, 1) * 255).astype(np.uint8).reshape(8, 8)
        image = QImage(grey.tobytes(), 8, 8, 8, QImage.Format.Format_Grayscale8).copy()
        target = QRectF((k % 2) * cell + 2, (k // 2) * cell + 2, cell - 4, cell - 4)
        painter.drawImage(target, image)


def _draw_parallel(painter, X, colors, size):
    """Parallel coordinates: one polyline per row of ``X`` (n, d) across d axes."""
    margin = 6.0
    d = X.shape[1]
    xs = np.linspace(margin, size - margin, d)
    ys = size - _scale(X, margin, size - margin)
    painter.setPen(QPen(NEUTRAL, 1))
    for x in xs:
        painter.drawLine(QPointF(x, margin), QPointF(x, size - margin))
    for row, color in zip(ys, colors, strict=True):
        faded = QColor(color)
        faded.setAlpha(110)
        painter.setPen(QPen(faded, 1))
        painter.drawPolyline([QPointF(x, y) for x, y in zip(xs, row, strict=True)])


class ThumbnailButton(QToolButton):
    """A checkable tile: the dataset's thumbnail with its name underneath.

    Parameters
    ----------
    name : str
        The dataset's registry name (kept in ``objectName`` as ``"dataset_<name>"``).
    title : str
        The text shown under the picture.
    pixmap : QPixmap
        The picture (see :func:`render_thumbnail`).
    """

    def __init__(self, name, title, pixmap, parent=None):
        super().__init__(parent)
        self.dataset_name = name
        self.setObjectName(f"dataset_{name}")
        self.setCheckable(True)
        self.setAutoRaise(True)
        self.setText(title)
        self.setIcon(pixmap)
        self.setIconSize(QSize(pixmap.width(), pixmap.height()))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
        self.setFixedWidth(pixmap.width() + 22)
        self.setStyleSheet(
            "QToolButton { border: 2px solid transparent; border-radius: 4px; padding: 1px; }"
            "QToolButton:checked { border-color: #0877bd; background: #e8f1fb; }"
            "QToolButton:hover:!checked { border-color: #c8ccd0; }"
        )
