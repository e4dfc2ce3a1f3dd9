"""Annotations drawn over the diagram on request: a band behind the column being computed
and small value labels beside neurons and along edges (used by the step-through).

Nothing here exists in normal mode: `Annotations` creates its two items the first time it is
asked to show something, so an untouched diagram paints exactly what it did before.
Labels are keyed by unit or edge, not by position; `place(layout, segment)` puts them
again after every resize.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from gui.diagram.layout import DiagramLayout

#: Band colours by phase kind (see `core.teach.stepthrough.PHASE_KINDS`).
BAND_COLORS = {"forward": "#e3f2e5", "loss": "#efe6f6", "backward": "#fdeedd",
               "update": "#e1eefa"}
LABEL_TEXT = QColor("#263238")
LABEL_BORDER = QColor("#90a4ae")
LABEL_FILL = QColor(255, 255, 255, 225)
LABEL_POINT_SIZE = 7.5
#: Where along an edge (0 = source, 1 = target) a label may sit, in order of preference:
#: the first spot that overlaps no neuron and no label placed before wins (else the spot
#: that overlaps least).
EDGE_SPOTS = tuple(sorted((k / 40 for k in range(6, 35)), key=lambda t: abs(t - 0.5)))
SELECTED = QColor("#d81b60")


class ColumnBand(QGraphicsItem):
    """A soft rounded band behind one column (the layer a phase computes)."""

    def __init__(self):
        super().__init__()
        self._rect = QRectF()
        self._color = QColor(BAND_COLORS["forward"])
        self.setZValue(-1)

    def set_band(self, rect: QRectF, kind: str) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(rect)
        self._color = QColor(BAND_COLORS.get(kind, BAND_COLORS["forward"]))
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setPen(QPen(self._color.darker(112), 1.0))
        painter.setBrush(self._color)
        painter.drawRoundedRect(self._rect, 10.0, 10.0)


class Ring(QGraphicsItem):
    """A ring around the selected neuron."""

    def __init__(self):
        super().__init__()
        self._rect = QRectF()
        self.setZValue(3)

    def set_rect(self, rect: QRectF) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(rect)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setPen(QPen(SELECTED, 2.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(self._rect, 4.0, 4.0)


class ValueLabels(QGraphicsItem):
    """Many small boxed texts painted by one item: `[(anchor point, text, side)]`.

    `side` is "right" (left edge of the box at the anchor, vertically centred), "left"
    (right edge at the anchor) or "centre".
    """

    def __init__(self):
        super().__init__()
        font = QFont()
        font.setPointSizeF(LABEL_POINT_SIZE)
        self._font = font
        self._metrics = QFontMetricsF(font)
        self._boxes: list[tuple[QRectF, str]] = []
        self._rect = QRectF()
        self.setZValue(4)

    def set_boxes(self, boxes: list[tuple[QRectF, str]]) -> None:
        """Labels as `(box, text)` (boxes from `box`)."""
        self.prepareGeometryChange()
        self._boxes = list(boxes)
        self._rect = QRectF()
        for box, _ in self._boxes:
            self._rect = self._rect.united(box)
        self.update()

    def box(self, p: QPointF, text: str, side: str) -> QRectF:
        """The rectangle label `text` takes when anchored at `p` on `side`."""
        lines = text.split("\n")
        w = max(self._metrics.horizontalAdvance(t) for t in lines) + 6.0
        h = self._metrics.height() * len(lines) + 3.0
        x = {"right": p.x(), "left": p.x() - w}.get(side, p.x() - w / 2)
        return QRectF(x, p.y() - h / 2, w, h)

    def texts(self) -> list[str]:
        return [t for _, t in self._boxes]

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        painter.setFont(self._font)
        flags = Qt.AlignmentFlag.AlignCenter
        for box, text in self._boxes:
            painter.setPen(QPen(LABEL_BORDER, 0.8))
            painter.setBrush(QBrush(LABEL_FILL))
            painter.drawRoundedRect(box, 3.0, 3.0)
            painter.setPen(LABEL_TEXT)
            painter.drawText(box, flags, text)


class Annotations:
    """The phase band and the value labels of one diagram (created on first use)."""

    def __init__(self, scene: QGraphicsScene):
        self._scene = scene
        self._band: ColumnBand | None = None
        self._labels: ValueLabels | None = None
        self._ring: Ring | None = None
        self._column: tuple[int, str] | None = None
        self._selected: tuple[int, int] | None = None
        self._neuron_texts: dict[tuple[int, int], str] = {}
        self._edge_texts: dict[tuple[int, int, int], str] = {}

    @property
    def active(self) -> bool:
        return self._column is not None or self._selected is not None or \
            bool(self._neuron_texts or self._edge_texts)

    def set_selected(self, neuron: tuple[int, int] | None) -> None:
        """Ring neuron `(column, unit)`; None removes the ring."""
        self._selected = None if neuron is None else tuple(neuron)

    def set_band(self, column: int | None, kind: str = "forward") -> None:
        """Highlight `column` (0 = input) for a phase of `kind`; None removes the band."""
        self._column = None if column is None else (column, kind)

    def set_texts(self, neurons: dict, edges: dict) -> None:
        """Texts by `(column, unit)` and by `(pair, source unit, target unit)`."""
        self._neuron_texts, self._edge_texts = dict(neurons), dict(edges)

    def texts(self) -> dict:
        """What is shown: `{"neurons": {...}, "edges": {...}}` (for tests)."""
        return {"neurons": dict(self._neuron_texts), "edges": dict(self._edge_texts)}

    def clear(self) -> None:
        """Remove the band and the labels (the selection ring stays)."""
        self._column, self._neuron_texts, self._edge_texts = None, {}, {}

    def _items(self) -> tuple[ColumnBand, ValueLabels, Ring]:
        if self._band is None:
            self._band, self._labels, self._ring = ColumnBand(), ValueLabels(), Ring()
            for item in (self._band, self._labels, self._ring):
                self._scene.addItem(item)
        return self._band, self._labels, self._ring

    def place(self, layout: DiagramLayout | None,
              segment: Callable[[int, int, int], tuple]) -> None:
        """Draw for `layout`; `segment(pair, i, j)` gives an edge's x0, y0, x1, y1."""
        if self._band is None and not self.active:
            return
        band, labels, ring = self._items()
        if layout is None or not self.active:
            for item in (band, labels, ring):
                item.setVisible(False)
            return
        self._place_band(band, layout)
        self._place_ring(ring, layout)
        boxes = self._neuron_boxes(labels, layout)
        taken = [b for b, _ in boxes] + _neuron_rects(layout)
        labels.set_boxes(self._edge_boxes(labels, segment, taken) + boxes)  # neurons on top
        labels.setVisible(bool(boxes) or bool(self._edge_texts))

    def _place_ring(self, ring: Ring, layout: DiagramLayout) -> None:
        sel = self._selected
        cols = layout.columns
        if sel is None or sel[0] >= len(cols) or sel[1] >= len(cols[sel[0]].ys):
            ring.setVisible(False)
            return
        h = layout.node / 2 + 4.0
        col = cols[sel[0]]
        ring.set_rect(QRectF(col.x - h, col.ys[sel[1]] - h, 2 * h, 2 * h))
        ring.setVisible(True)

    def _place_band(self, band: ColumnBand, layout: DiagramLayout) -> None:
        if self._column is None or not 0 <= self._column[0] < len(layout.columns):
            band.setVisible(False)
            return
        col = layout.columns[self._column[0]]
        half = layout.node / 2 + 8.0
        top = min(col.ys) - half
        bottom = max(col.ys if col.ellipsis_y is None else (*col.ys, col.ellipsis_y)) + half
        band.set_band(QRectF(col.x - half, top, 2 * half, bottom - top), self._column[1])
        band.setVisible(True)

    def _sides(self, last: int) -> list[int]:
        """Per column +1 (labels right) or -1 (left). Right by default; left to keep clear of
        labelled edges on the right when the edges on the left carry no labels. The input's
        names are on its left and the output's on its right, so their labels go inwards."""
        labelled = {p for p, _, _ in self._edge_texts}
        return [1] + [-1 if c == last or (c in labelled and c - 1 not in labelled) else 1
                      for c in range(1, last + 1)]

    def _neuron_boxes(self, labels: ValueLabels, layout: DiagramLayout) -> list:
        """``(box, text)`` of every neuron label: on its column's preferred side, else the
        first of right, left, above or below that meets no neuron and no label placed so
        far (neighbouring columns of a narrow diagram would otherwise overlap); a label that
        would still cover another is left out (hover shows it). Placed right to left,
        returned in the order of ``texts()["neurons"]``."""
        last = len(layout.columns) - 1
        sides = self._sides(last)
        neurons = _neuron_rects(layout)
        placed, chosen = [], {}
        # Right to left: a column labelled on its left keeps that side; the column before it
        # then moves its labels above or below its neurons.
        for (c, u), text in sorted(self._neuron_texts.items(), key=lambda kv: -kv[0][0]):
            if c > last or u >= len(layout.columns[c].ys):
                continue
            col = layout.columns[c]
            options = _label_spots(labels, QPointF(col.x, col.ys[u]), text, layout.node)
            preferred = options["right" if sides[c] > 0 else "left"]
            names = {0: "left", last: "right"}.get(c)  # the unit names' side stays clear
            others = [options[k] for k in ("right", "left", "above", "below") if k != names]
            box = min([preferred, *others], key=lambda b: _overlap(b, neurons + placed))
            if _overlap(box, placed) > 0.0:
                continue  # no room beside its neuron: the value stays on the hover text
            placed.append(box)
            chosen[(c, u)] = box
        return [(chosen[key], text) for key, text in self._neuron_texts.items() if key in chosen]

    def _edge_boxes(self, labels: ValueLabels, segment, taken: list) -> list:
        """Edge labels placed greedily at the first free spot along each edge; an edge with
        no free spot left (a narrow diagram) gets no label rather than one printed over
        another: its value stays on the hover text."""
        out = []
        for (p, i, j), text in self._edge_texts.items():
            try:
                x0, y0, x1, y1 = segment(p, i, j)
            except (IndexError, ValueError):
                continue
            boxes = [labels.box(QPointF(x0 + t * (x1 - x0), y0 + t * (y1 - y0)), text,
                                "centre") for t in EDGE_SPOTS]
            h = boxes[0].height() * 0.6     # last resort: just above or below the edge
            boxes += [b.translated(0, d) for d in (-h, h) for b in boxes]
            box = min(boxes, key=lambda b: _overlap(b, taken))
            if _overlap(box, taken) > 0.0:
                continue
            taken.append(box)
            out.append((box, text))
        return out

    def label_texts(self) -> list[str]:
        """Texts of the labels painted now (for tests)."""
        if self._labels is None or not self._labels.isVisible():
            return []
        return self._labels.texts()


def _label_spots(labels: ValueLabels, centre: QPointF, text: str, node: float) -> dict:
    """Boxes for `text` right, left, above and below a neuron of size `node` at `centre`."""
    gap = node / 2 + 3.0
    middle = labels.box(centre, text, "centre")
    lift = (middle.height() + node) / 2 + 2.0
    return {"right": labels.box(QPointF(centre.x() + gap, centre.y()), text, "right"),
            "left": labels.box(QPointF(centre.x() - gap, centre.y()), text, "left"),
            "above": middle.translated(0, -lift), "below": middle.translated(0, lift)}


def _neuron_rects(layout: DiagramLayout) -> list[QRectF]:
    h = layout.node / 2 + 1.0
    return [QRectF(c.x - h, y - h, 2 * h, 2 * h) for c in layout.columns for y in c.ys]


def _overlap(box: QRectF, others: list[QRectF]) -> float:
    """Total area of `box` covered by `others` (0.0 when it is free)."""
    total = 0.0
    for other in others:
        if box.intersects(other):
            common = box.intersected(other)
            total += common.width() * common.height()
    return total
