"""Graphics items of the diagram: neurons (heatmap or disc, with a bias marker) and edges.

Items are built once per network (`NetworkDiagram.reset`) and updated in place: a snapshot
only swaps a neuron's image/colours or an edge layer's value array, then calls `update()`.
Tooltips are computed lazily on hover by a provider callable the diagram passes in.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from gui.diagram.layout import nearest_segment, nearest_segment_distance, strongest, width_buckets
from gui.theme.style import NEGATIVE, NEUTRAL, POSITIVE

BORDER = QColor("#5f6b73")
N_WIDTHS = 6                  # width buckets of edges
PAIR_BUDGET = 320             # most edges painted between two columns (the strongest)
HOVER_TOLERANCE = 4.0         # pixels from an edge that still count as on it


class NeuronItem(QGraphicsItem):
    """One drawn unit: a heatmap square when an image is set, a disc otherwise.

    `column` is the layer as drawn (0 = input), `unit` the index within it. `tooltip` is
    called as `tooltip(column, unit)` when the mouse enters.
    """

    def __init__(self, column: int, unit: int, tooltip: Callable[[int, int], str]):
        super().__init__()
        self.column, self.unit = column, unit
        self._tooltip = tooltip
        self._size = 10.0
        self._image: QImage | None = None
        self._fill = QColor(NEUTRAL)
        self._bias: QColor | None = None
        self.setAcceptHoverEvents(True)
        self.setZValue(2)

    @property
    def has_image(self) -> bool:
        return self._image is not None

    def set_size(self, size: float) -> None:
        self.prepareGeometryChange()
        self._size = float(size)

    def set_look(self, image: QImage | None, fill: QColor, bias: QColor | None) -> None:
        """Show `image` stretched over the neuron (None: a disc filled with `fill`) and a
        bias marker coloured `bias` (None: no marker, e.g. input units)."""
        self._image, self._fill, self._bias = image, fill, bias
        self.update()

    def fill_color(self) -> QColor:
        return QColor(self._fill)

    def bias_color(self) -> QColor | None:
        return None if self._bias is None else QColor(self._bias)

    def _marker_rect(self) -> QRectF:
        m = max(4.0, self._size * 0.26)
        h = self._size / 2
        return QRectF(-h - m * 0.35, h - m * 0.65, m, m)

    def marker_contains(self, x: float, y: float, pad: float = 2.0) -> bool:
        """Whether item point (x, y) is on the bias marker (False when none is drawn)."""
        if self._bias is None:
            return False
        return self._marker_rect().adjusted(-pad, -pad, pad, pad).contains(x, y)

    def body_contains(self, x: float, y: float) -> bool:
        """Whether item point (x, y) is on the neuron (its square or disc)."""
        h = self._size / 2 + 1.0
        return abs(x) <= h and abs(y) <= h

    def boundingRect(self) -> QRectF:
        h = self._size / 2 + 1.0
        return QRectF(-h, -h, 2 * h, 2 * h).united(self._marker_rect().adjusted(-1, -1, 1, 1))

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        h = self._size / 2
        path.addRect(QRectF(-h, -h, 2 * h, 2 * h))
        return path

    def paint(self, painter: QPainter, option, widget=None) -> None:
        h = self._size / 2
        rect = QRectF(-h, -h, 2 * h, 2 * h)
        painter.setPen(QPen(BORDER, 1.0))
        if self._image is not None:
            # a heatmap shrunk to the square is smoothed; a small picture (8×8 weights)
            # enlarged to it keeps its pixels crisp
            smooth = painter.testRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform,
                                  smooth and self._image.width() > self._size)
            painter.drawImage(rect, self._image)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, smooth)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect)
        else:
            painter.setBrush(self._fill)
            painter.drawEllipse(rect)
        if self._bias is not None:
            painter.setPen(QPen(BORDER, 0.8))
            painter.setBrush(self._bias)
            painter.drawRect(self._marker_rect())

    def hoverEnterEvent(self, event) -> None:
        self.setToolTip(self._tooltip(self.column, self.unit))
        super().hoverEnterEvent(event)


def on_white(color: QColor, strength: float) -> QColor:
    """`color` at opacity `strength` over the white background, as an opaque colour.

    Opaque pens paint several times faster than translucent ones (no blending), and on the
    white scene they look the same except where edges cross.
    """
    s = min(1.0, max(0.0, strength))
    return QColor(*(int(round(255 + (c - 255) * s)) for c in color.getRgb()[:3]))


def edge_pens(max_width: float, n_edges: int = 1) -> list[list[QPen]]:
    """Pens `[sign][bucket]`: sign 0 negative, 1 positive; thicker and more opaque per bucket.

    Weak edges fade more when a layer pair has many edges, so the strong ones stand out.
    """
    fade = min(1.0, (150.0 / max(n_edges, 1)) ** 0.5)
    pens = []
    for base in (NEGATIVE, POSITIVE):
        row = []
        for k in range(N_WIDTHS):
            frac = (k + 1) / N_WIDTHS
            strength = frac ** (1.0 + 2.0 * (1.0 - fade)) * (0.3 + 0.7 * frac)
            pen = QPen(on_white(base, strength), 0.6 + (max_width - 0.6) * frac ** 1.6)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            row.append(pen)
        pens.append(row)
    return pens


class EdgeLayer(QGraphicsItem):
    """All drawn edges between two columns, painted as a few batches of `drawLines`.

    `values` (one per segment, row-major like `W[src_units][:, dst_units]`) set the colour
    (sign) and width bucket (|value| / scale). Only the `budget` strongest are painted
    (antialiased wide lines are the costliest thing the diagram paints).
    `tooltip(pair, src_index, dst_index)` gives the hover text of the edge nearest the mouse.
    """

    def __init__(self, pair: int, n_src: int, n_dst: int, tooltip: Callable[..., str]):
        super().__init__()
        self.pair, self.n_src, self.n_dst = pair, n_src, n_dst
        self._tooltip = tooltip
        self._segments = np.zeros((0, 4))
        self._lines: list[QLineF] = []
        self._rect = QRectF()
        self._pens = edge_pens(3.0)
        self._sign = np.ones(n_src * n_dst, dtype=np.intp)
        self._bucket = np.zeros(n_src * n_dst, dtype=np.intp)
        self._shown = np.arange(n_src * n_dst)
        self.budget = PAIR_BUDGET
        self._batches: list[tuple[QPen, list[QLineF]]] | None = None
        self.setAcceptHoverEvents(True)
        self.setZValue(0)

    @property
    def count(self) -> int:
        """Number of edges laid out (all pairs of drawn units)."""
        return len(self._lines)

    @property
    def shown(self) -> np.ndarray:
        """Indices of the edges painted now (the strongest `budget` of them)."""
        return self._shown

    def set_segments(self, segments: np.ndarray, max_width: float) -> None:
        """New geometry: `(n_src * n_dst, 4)` rows x0, y0, x1, y1 (pixels)."""
        self.prepareGeometryChange()
        self._segments = segments
        self._lines = [QLineF(*row) for row in segments.tolist()]
        pad = max_width
        xs, ys = segments[:, [0, 2]], segments[:, [1, 3]]
        self._rect = QRectF(xs.min() - pad, ys.min() - pad,
                            np.ptp(xs) + 2 * pad, np.ptp(ys) + 2 * pad)
        self._pens = edge_pens(max_width, min(len(segments), self.budget))
        self._batches = None

    def set_values(self, values: np.ndarray, scale: float) -> None:
        """Colour by sign and thicken by |values| / `scale`; `values` `(n_src * n_dst,)`."""
        values = np.nan_to_num(np.asarray(values, dtype=np.float64).ravel())
        self._sign = (values >= 0).astype(np.intp)
        self._bucket = width_buckets(values, scale, N_WIDTHS)
        self._shown = strongest(values, self.budget)
        self._batches = None
        self.update()

    def pen_of(self, index: int) -> QPen:
        """The pen edge `index` is drawn with (for tests and the legend)."""
        return self._pens[self._sign[index]][self._bucket[index]]

    def _make_batches(self) -> list[tuple[QPen, list[QLineF]]]:
        key = self._bucket * 2 + self._sign                  # one batch per (width, sign)
        order = self._shown[np.argsort(key[self._shown], kind="stable")]  # thin first
        cuts = np.flatnonzero(np.diff(key[order])) + 1
        batches = []
        lines = self._lines
        for group in np.split(order, cuts):
            if len(group):
                k = int(key[group[0]])
                batches.append((self._pens[k % 2][k // 2], [lines[i] for i in group.tolist()]))
        return batches

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if not self._lines:
            return
        if self._batches is None:
            self._batches = self._make_batches()
        for pen, lines in self._batches:
            painter.setPen(pen)
            painter.drawLines(lines)

    def edge_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(source index, target index) among the drawn units of the edge under (x, y)."""
        if not len(self._segments):
            return None
        hit = nearest_segment(self._segments[self._shown], x, y, HOVER_TOLERANCE)
        return None if hit is None else divmod(int(self._shown[hit]), self.n_dst)

    def edge_hit(self, x: float, y: float) -> tuple[int, int, float] | None:
        """(source index, target index, distance) of the painted edge nearest (x, y)."""
        if not len(self._segments):
            return None
        hit, dist = nearest_segment_distance(self._segments[self._shown], x, y)
        if hit is None:
            return None
        return (*divmod(int(self._shown[hit]), self.n_dst), dist)

    def segment(self, i: int, j: int) -> tuple[float, float, float, float]:
        """Scene coordinates x0, y0, x1, y1 of the edge from drawn unit `i` to `j`."""
        return tuple(self._segments[i * self.n_dst + j].tolist())

    def hoverMoveEvent(self, event) -> None:
        hit = self.edge_at(event.pos().x(), event.pos().y())
        self.setToolTip("" if hit is None else self._tooltip(self.pair, *hit))
        super().hoverMoveEvent(event)
