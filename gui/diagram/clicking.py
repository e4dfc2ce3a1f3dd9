"""Clicks on the diagram: select a neuron, or edit a weight or a bias in place.

`ClickEditing` is mixed into `NetworkDiagram` (before `QGraphicsView`). A left click that does
not drag is hit-tested (`gui.diagram.clicks.hit_test`): a neuron emits `neuronClicked`; an
edge or a bias marker opens the inline `ValueEditor`, as does a double-click on a neuron (its
bias). The editor's Enter emits `valueEdited((hit, value))`; nothing is changed here.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QToolTip

from gui.diagram.clicks import DRAG_DISTANCE, Hit, hit_test
from gui.diagram.labels import fmt


class ClickEditing:
    """Mouse handling of the diagram (needs `_neurons`, `_edges`, `_labels`, `_snapshot`,
    `editor`, `_edit_blocked`, `_press` and the diagram's signals)."""

    def hit_at(self, scene_x: float, scene_y: float) -> Hit | None:
        """What a click at scene point (x, y) would land on."""
        return hit_test(self._neurons, self._edges, scene_x, scene_y)

    def mousePressEvent(self, event) -> None:
        self._press = event.position().toPoint()
        if self.editor.isVisible() and not self.editor.geometry().contains(self._press):
            self.editor.cancel()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        pos, press = event.position().toPoint(), self._press
        self._press = None
        if event.button() != Qt.MouseButton.LeftButton or press is None or \
                (pos - press).manhattanLength() > DRAG_DISTANCE:
            return
        hit = self.hit_at(*self._scene_xy(pos))
        if hit is None:
            return
        if hit.kind == "neuron":
            self.neuronClicked.emit((hit.column, hit.unit))
        else:
            self.open_editor(hit, pos)

    def mouseDoubleClickEvent(self, event) -> None:
        pos = event.position().toPoint()
        hit = self.hit_at(*self._scene_xy(pos))
        if hit is not None and hit.kind == "neuron" and hit.column > 0:
            self.open_editor(Hit("bias", hit.column, hit.unit), pos)
            return
        super().mouseDoubleClickEvent(event)

    def _scene_xy(self, pos: QPoint) -> tuple[float, float]:
        p = self.mapToScene(pos)
        return p.x(), p.y()

    def open_editor(self, hit: Hit, at: QPoint) -> None:
        """Open the inline editor for a "weight" or "bias" `hit` at viewport point `at`."""
        if self._labels is None:
            return
        if self._edit_blocked:
            QToolTip.showText(self.viewport().mapToGlobal(at), self._edit_blocked, self)
            return
        self.editor.open(hit, self._edit_caption(hit), self._current_value(hit), at)
        self.editStarted.emit(hit)

    def _edit_caption(self, hit: Hit) -> str:
        names = self._labels
        dst = names.unit_name(hit.column, hit.unit)
        if hit.kind == "bias":
            return f"Bias of {dst}"
        return f"Weight {names.unit_name(hit.column - 1, hit.source)} → {dst}"

    def _current_value(self, hit: Hit) -> float | None:
        s = self._snapshot
        if s is None:
            return None
        if hit.kind == "bias":
            return float(s.biases[hit.layer][hit.unit])
        return float(s.weights[hit.layer][hit.source, hit.unit])

    def value_text(self, hit: Hit) -> str:
        """The current value of a weight or bias `hit`, as tooltips show it."""
        return fmt(self._current_value(hit))

