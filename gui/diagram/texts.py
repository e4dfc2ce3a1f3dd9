"""Text of the diagram scene: column captions, unit names, ellipses and the empty-state hint.

`DiagramTexts` creates its text items once per network and moves them on every layout.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF
from PySide6.QtWidgets import QGraphicsScene, QGraphicsSimpleTextItem

from gui.diagram.labels import Labels, caption_tooltip
from gui.diagram.layout import DiagramLayout

TEXT = QColor("#37474f")
MUTED = QColor("#78909c")
MAX_POINT_SIZE = 9.5
#: Share of the diagram's width the input (or output) names may take; longer names are
#: elided, with the full name in their tooltip.
NAME_SHARE = 0.2
MIN_NAME_WIDTH = 44.0
HINT = "Choose a dataset and press Reset to build a network."


def _text(scene: QGraphicsScene, text: str, color: QColor, bold=False) -> QGraphicsSimpleTextItem:
    item = QGraphicsSimpleTextItem(text)
    item.setBrush(QBrush(color))
    font = item.font()
    font.setBold(bold)
    item.setFont(font)
    item.setZValue(3)
    scene.addItem(item)
    return item


def _set_point_size(item: QGraphicsSimpleTextItem, size: float) -> None:
    font: QFont = item.font()
    if font.pointSizeF() != size:
        font.setPointSizeF(size)
        item.setFont(font)


def _centre_at(item: QGraphicsSimpleTextItem, x: float, y: float) -> None:
    r = item.boundingRect()
    item.setPos(x - r.width() / 2, y - r.height() / 2)


def _fit_caption(title, detail, captions, width: float) -> None:
    """Show the longest of ``captions`` (title, detail) that fits ``width`` pixels (else the
    shortest): neighbouring captions of a deep network must not run into each other."""
    metrics = [QFontMetricsF(item.font()) for item in (title, detail)]
    for text_title, text_detail in captions:
        widest = max(metrics[0].horizontalAdvance(text_title),
                     metrics[1].horizontalAdvance(text_detail))
        if widest <= width:
            break
    if title.text() != text_title:
        title.setText(text_title)
    if detail.text() != text_detail:
        detail.setText(text_detail)


class DiagramTexts:
    """Captions ('Hidden 1' over '8 · tanh'), unit names beside inputs/outputs, ellipses."""

    def __init__(self, scene: QGraphicsScene):
        self._scene = scene
        self.hint = _text(scene, HINT, MUTED)
        self.titles: list[QGraphicsSimpleTextItem] = []
        self.details: list[QGraphicsSimpleTextItem] = []
        self.inputs: list[QGraphicsSimpleTextItem] = []
        self.outputs: list[QGraphicsSimpleTextItem] = []
        self.ellipses: list[QGraphicsSimpleTextItem | None] = []
        self.captions: list[list[tuple[str, str]]] = []
        self.scale = 1.0  # projector zoom: every text size times this

    def all_items(self) -> list[QGraphicsSimpleTextItem]:
        rest = [e for e in self.ellipses if e is not None]
        return self.titles + self.details + self.inputs + self.outputs + rest

    def clear(self) -> None:
        for item in self.all_items():
            self._scene.removeItem(item)
        self.titles, self.details, self.inputs, self.outputs, self.ellipses = [], [], [], [], []
        self.captions = []

    def build(self, labels: Labels, drawn: list[tuple[int, ...]],
              block_inputs: bool = False) -> None:
        """Create the items of a network whose columns draw units `drawn[c]`; with
        `block_inputs` the inputs are one image block (no names, no "… N more")."""
        self.clear()
        self.hint.setVisible(False)
        last = labels.n_columns - 1
        self.captions = [labels.short_captions(c) for c in range(labels.n_columns)]
        for c in range(labels.n_columns):
            title, detail = self.captions[c][0]
            self.titles.append(_text(self._scene, title, TEXT, bold=True))
            self.details.append(_text(self._scene, detail, MUTED))
            for item in (self.titles[-1], self.details[-1]):
                item.setToolTip(caption_tooltip(labels, c))
            hidden = 0 if c == 0 and block_inputs else labels.sizes[c] - len(drawn[c])
            self.ellipses.append(_text(self._scene, f"… {hidden} more", MUTED) if hidden else None)
        self.inputs = [self._name(labels.unit_name(0, u)) for u in drawn[0]]
        self.outputs = [self._name(labels.unit_name(last, u)) for u in drawn[last]]

    def _name(self, name: str) -> QGraphicsSimpleTextItem:
        item = _text(self._scene, name, TEXT)
        item.setData(0, name)  # the full name, which the shown text may elide
        item.setToolTip(name)
        return item

    def name_widths(self, width: float | None = None) -> tuple[float, float]:
        """Widths (pixels) of the longest input and output names at the largest font.

        With the diagram's ``width``, names wider than their share of it are elided first
        (``…`` at the end; the tooltip keeps the full name).
        """
        cap = None if width is None else max(MIN_NAME_WIDTH * self.scale, NAME_SHARE * width)

        def widest(items) -> float:
            if not items:
                return 0.0
            font = QFont(items[0].font())
            font.setPointSizeF(MAX_POINT_SIZE * self.scale)
            metrics = QFontMetricsF(font)
            if cap is not None:
                for item in items:
                    text = metrics.elidedText(item.data(0), Qt.TextElideMode.ElideRight, cap)
                    if item.text() != text:
                        item.setText(text)
            return max(metrics.horizontalAdvance(i.text()) for i in items)

        return widest(self.inputs), widest(self.outputs)

    def show_hint(self, width: float, height: float) -> None:
        self.clear()
        self.hint.setVisible(True)
        _set_point_size(self.hint, MAX_POINT_SIZE * self.scale)
        _centre_at(self.hint, width / 2, height / 2)

    def place(self, layout: DiagramLayout) -> None:
        """Move every text to `layout`; unit names hide when rows are too tight to read."""
        cols = layout.columns
        gap = (cols[-1].x - cols[0].x) / max(1, len(cols) - 1) if len(cols) > 1 else 200.0
        k = self.scale
        size = max(6.5 * k, min(MAX_POINT_SIZE * k, gap / 9.0))
        rows = zip(cols, self.titles, self.details, self.ellipses, self.captions, strict=True)
        for col, title, detail, ell, captions in rows:
            for item in (title, detail):
                _set_point_size(item, size)
            _fit_caption(title, detail, captions, gap - 4.0)
            line = detail.boundingRect().height()
            _centre_at(title, col.x, layout.caption_y - 1.5 * line)
            _centre_at(detail, col.x, layout.caption_y - 0.5 * line)
            if ell is not None:
                _set_point_size(ell, size)
                _centre_at(ell, col.x, col.ellipsis_y)
        pitch = abs(cols[0].ys[1] - cols[0].ys[0]) if len(cols[0].ys) > 1 else 99.0
        self._place_names(self.inputs, cols[0], layout.node, pitch, -1)
        out_pitch = abs(cols[-1].ys[1] - cols[-1].ys[0]) if len(cols[-1].ys) > 1 else 99.0
        self._place_names(self.outputs, cols[-1], layout.node, out_pitch, +1)

    def _place_names(self, items, col, node: float, pitch: float, side: int) -> None:
        size = max(6.5, min(MAX_POINT_SIZE * self.scale, pitch * 0.55 * self.scale))
        visible = pitch >= 9.0
        for item, y in zip(items, col.ys if items else (), strict=True):  # none: a block
            item.setVisible(visible)
            _set_point_size(item, size)
            r = item.boundingRect()
            x = col.x + side * (node / 2 + 6) - (r.width() if side < 0 else 0)
            item.setPos(x, y - r.height() / 2)
