"""`NetworkDiagram`: the network drawn left to right, updated live from snapshots.

`reset(trainer_info)` builds one `NeuronItem` per drawn unit, one `EdgeLayer` per pair of
columns and the texts; `show_snapshot(snapshot)` only recolours them. The scene rectangle is
the viewport, laid out again on resize, so text and buttons keep their pixel size.

Clicks: a neuron emits `neuronClicked`; an edge or a bias marker (or a double-click on a
neuron) opens an inline editor and, on Enter, emits `valueEdited` (the window applies it in
the worker thread). Annotations (a band on the column being computed, value labels, edge
colours given by the caller) are added on request only, for the step-through.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QFrame, QGraphicsScene, QGraphicsView

from gui.diagram import frames
from gui.diagram.annotations import Annotations
from gui.diagram.clicking import ClickEditing
from gui.diagram.controls import EDGE_MODES, HEADER_H, DiagramControls
from gui.diagram.editor import ValueEditor
from gui.diagram.heatmaps import layer_pixels, levels_for, pixels_to_image, signed_colors
from gui.diagram.input_block import InputBlock
from gui.diagram.input_image import InputImageItem, block_geometry, fan_segments, fan_values
from gui.diagram.items import EdgeLayer, NeuronItem
from gui.diagram.labels import (
    Labels,
    edge_text,
    neuron_text,
    summary_texts,
    summary_tooltip,
)
from gui.diagram.layout import (
    DiagramLayout,
    compute_layout,
    drawn_units,
    edge_segments,
    unit_room,
)
from gui.diagram.texts import DiagramTexts
from gui.theme.style import NEUTRAL

BACKGROUND = QColor("#ffffff")
EDGE_HINT = "Click to type a new weight."
NEURON_HINT = "Click: this neuron's equations (Step through) · double-click: edit its bias."


class NetworkDiagram(InputBlock, ClickEditing, QGraphicsView):
    """The network as a diagram with live neuron heatmaps, edge colours and +/− buttons.

    Signals: `architectureChanged(object)` (tuple of hidden sizes the user asks for),
    `edgeModeChanged(str)`, `neuronClicked(object)` (`(column, unit)`, 0 = input column),
    `editStarted(object)` (the `Hit` whose editor opened), `valueEdited(object)`
    (`(Hit, value)`). Slots: `reset(trainer_info)`, `show_snapshot(snapshot)`.
    """

    architectureChanged = Signal(object)
    edgeModeChanged = Signal(str)
    neuronClicked = Signal(object)
    editStarted = Signal(object)
    valueEdited = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.scene().setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.FullViewportUpdate)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(BACKGROUND)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setMinimumSize(240, 160)
        self.controls = DiagramControls(self)
        self.controls.architectureChanged.connect(self._place_buttons)
        self.controls.architectureChanged.connect(self.architectureChanged)
        self.controls.edgeModeChanged.connect(self._on_edge_mode)
        self.setViewportMargins(0, HEADER_H, 0, 0)
        self._texts = DiagramTexts(self.scene())
        self._labels: Labels | None = None
        self._layout: DiagramLayout | None = None
        self._neurons: list[list[NeuronItem]] = []
        self._drawn: list[tuple[int, ...]] = []
        self._edges: list[EdgeLayer] = []
        self._snapshot = None
        self._info = None
        self._inputs_cache: tuple | None = None   # (grid key, inputs grid, [(pixels, image)])
        self._pixels: list[np.ndarray] = []       # keeps the heatmap QImages' memory alive
        self._edge_override: list | None = None   # edge values given by the step-through
        self._hover_extra = None                  # fn(kind, key) -> str | None
        self._edit_blocked = ""                   # why editing is off ("" = allowed)
        self._press: QPoint | None = None
        self.input_block: InputImageItem | None = None  # inputs drawn as one image
        self._example: tuple | None = None        # (pixels, caption) shown by the block
        self.annotations = Annotations(self.scene())
        self.editor = ValueEditor(self.viewport())
        self.editor.accepted.connect(lambda hit, value: self.valueEdited.emit((hit, value)))
        self._relayout()

    # ----- the view contract -------------------------------------------------------------

    def reset(self, trainer_info) -> None:
        """Build the items of a new network (`trainer_info.sizes`, names, activations)."""
        self._clear_items()
        self._info = trainer_info
        self._labels = Labels.from_info(trainer_info)
        self._set_input_block(trainer_info)
        self._snapshot = None
        self._inputs_cache = None
        self._edge_override = None
        self.annotations.clear()
        self.annotations.set_selected(None)
        self.editor.cancel()
        self._build_items(self._drawn_for_height())
        self.controls.set_hidden(self._labels.sizes[1:-1])
        self.controls.set_summary(summary_texts(self._labels.sizes),
                                  summary_tooltip(self._labels))
        self._relayout()

    def _drawn_for_height(self) -> list[tuple[int, ...]]:
        """The units each column draws at the viewport's height (taller layers summarise)."""
        room = unit_room(self._scene_size()[1])
        drawn = [drawn_units(n, room=room) for n in self._labels.sizes]
        return [(), *drawn[1:]] if self.input_block is not None else drawn

    def _build_items(self, drawn) -> None:
        """Neurons, edges and texts of the network for the units `drawn[c]` of column c."""
        self._clear_items()
        self._drawn = drawn
        sizes = self._labels.sizes
        self._neurons = [[self._new_neuron(c, u) for u in units] for c, units in enumerate(drawn)]
        self._edges = [self._new_edges(p, max(len(drawn[p]), p == 0), len(drawn[p + 1]))
                       for p in range(len(sizes) - 1)]  # a block: one fan line per unit
        self._texts.build(self._labels, drawn, block_inputs=self.input_block is not None)

    def show_snapshot(self, snapshot) -> None:
        """Recolour edges, biases and heatmaps from `snapshot` (skipped if from another net)."""
        if self._labels is None or not frames.matches(snapshot, self._labels.sizes):
            return
        self._snapshot = snapshot
        self._paint_edges()
        previous = len(self._pixels)  # freed once no item shows an image over them
        images = self._heatmap_images(snapshot)
        scale = frames.abs_max(snapshot.biases)
        for c, column in enumerate(self._neurons):
            biases = [None] * len(column) if c == 0 else \
                signed_colors(snapshot.biases[c - 1][: len(column)], scale)
            for k, (item, bias) in enumerate(zip(column, biases, strict=True)):
                image = images[c][k] if k < len(images[c]) else None
                if image is None:      # a disc filled by its bias colour
                    item.set_look(None, NEUTRAL if bias is None else bias, None)
                else:                  # a heatmap with the bias as a corner marker
                    item.set_look(image, NEUTRAL, bias)
        del self._pixels[:previous]

    # ----- public helpers ----------------------------------------------------------------

    def set_edge_mode(self, mode: str) -> None:
        """Colour edges by 'weight' (default), 'gradient' (∂L/∂w) or 'update' (Δw)."""
        if mode not in EDGE_MODES:
            raise ValueError(f"edge mode {mode!r} is not one of {', '.join(EDGE_MODES)}")
        self.controls.set_edge_mode(mode)

    def edge_mode(self) -> str:
        return self.controls.edge_mode()

    def hidden_sizes(self) -> tuple[int, ...] | None:
        """Hidden sizes the +/− buttons currently show (None before the first reset)."""
        return self.controls.hidden

    def sizes(self) -> tuple[int, ...] | None:
        """Layer sizes (input … output) of the network drawn (None before the first reset)."""
        return None if self._labels is None else self._labels.sizes

    def neuron_item(self, column: int, index: int) -> NeuronItem:
        """The `index`-th drawn unit of `column` (0 = input)."""
        return self._neurons[column][index]

    def edge_layer(self, pair: int) -> EdgeLayer:
        """Edges from column `pair` to column `pair + 1`."""
        return self._edges[pair]

    def counts(self) -> dict:
        """Numbers of neurons, drawn edges and scene items (for tests and profiling)."""
        return {"neurons": sum(len(c) for c in self._neurons),
                "edges": sum(e.count for e in self._edges),
                "edge_items": len(self._edges),
                "items": len(self.scene().items())}

    def neuron_tooltip(self, column: int, unit: int) -> str:
        """Hover text of unit `unit` of `column`, from the latest snapshot."""
        values, where = self._unit_values(column, unit)
        text = neuron_text(self._labels, self._snapshot, column, unit, values, where)
        if column == 1 and self.input_block is not None:
            text = f"{text}\n{self.weight_image_text()}"
        text = self._with_extra(text, "neuron", (column, unit))
        return text if column == 0 else f"{text}\n{NEURON_HINT}"

    def edge_tooltip(self, pair: int, i: int, j: int) -> str:
        """Hover text of the weight from unit `i` of column `pair` to unit `j` of the next.

        Drawn units are always the first ones of a layer, so drawn index == unit index.
        With an input block, the first pair's lines are its fan (`fan_tooltip`).
        """
        if pair == 0 and self.input_block is not None:
            return self.fan_tooltip(j)
        text = edge_text(self._labels, self._snapshot, pair, i, j)
        return f"{self._with_extra(text, 'edge', (pair, i, j))}\n{EDGE_HINT}"

    def _with_extra(self, text: str, kind: str, key: tuple) -> str:
        extra = None if self._hover_extra is None else self._hover_extra(kind, key)
        return f"{text}\n{extra}" if extra else text

    # ----- annotations (the step-through) ------------------------------------------------

    def set_edge_values(self, arrays) -> None:
        """Colour edges by `arrays` (per layer `(fan_in, fan_out)`, None = zeros) instead of
        the edge mode; `None` goes back to the mode."""
        self._edge_override = None if arrays is None else list(arrays)
        if self._snapshot is not None:
            self._paint_edges()

    def set_annotations(self, column: int | None, kind: str, neurons: dict,
                        edges: dict) -> None:
        """Band on `column` for a phase of `kind`, texts by `(column, unit)` and by
        `(pair, i, j)` (see `Annotations`)."""
        self.annotations.set_band(column, kind)
        self.annotations.set_texts(*self._drawn_annotations(neurons, edges))
        self._place_annotations()

    def clear_annotations(self) -> None:
        """Back to the normal diagram: no band, labels, edge override or hover extras."""
        self.annotations.clear()
        self._hover_extra = None
        self.set_edge_values(None)
        self._place_annotations()

    def set_selected_neuron(self, neuron: tuple[int, int] | None) -> None:
        """Ring neuron `(column, unit)` (the one whose equations are shown); None: no ring."""
        self.annotations.set_selected(neuron)
        self._place_annotations()

    def set_hover_extra(self, provider) -> None:
        """`provider(kind, key) -> str | None` adds lines to tooltips ("neuron": `(column,
        unit)`, "edge": `(pair, i, j)`); None removes it."""
        self._hover_extra = provider

    def set_text_scale(self, factor: float) -> None:
        """Projector zoom: captions and unit names at `factor` × their normal size."""
        if self._texts.scale != factor:
            self._texts.scale = factor
            self._relayout()

    def set_edit_blocked(self, reason: str) -> None:
        """Refuse to edit weights, telling `reason` on a click ("" allows editing again)."""
        self._edit_blocked = reason
        if reason:
            self.editor.cancel()

    def _place_annotations(self) -> None:
        self.annotations.place(self._layout if self._labels else None,
                               lambda p, i, j: self._edges[p].segment(i, j))

    # ----- building ----------------------------------------------------------------------

    def _new_neuron(self, column: int, unit: int) -> NeuronItem:
        item = NeuronItem(column, unit, self.neuron_tooltip)
        self.scene().addItem(item)
        return item

    def _new_edges(self, pair: int, n_src: int, n_dst: int) -> EdgeLayer:
        item = EdgeLayer(pair, n_src, n_dst, self.edge_tooltip)
        self.scene().addItem(item)
        return item

    def _clear_items(self) -> None:
        for item in [i for col in self._neurons for i in col] + self._edges:
            self.scene().removeItem(item)
        self._neurons, self._edges, self._pixels = [], [], []

    def _scene_size(self) -> tuple[float, float]:
        vp = self.viewport()
        return float(vp.width()), float(vp.height())

    def _relayout(self) -> None:
        w, h = self._scene_size()
        self.scene().setSceneRect(0, 0, w, h)
        self.controls.setGeometry(0, 0, self.width(), self.controls.header_height())
        if self._labels is None:
            self._texts.show_hint(w, h)
            return
        rebuilt = self._drawn_for_height() != self._drawn  # taller or shorter: others fit
        if rebuilt:
            self._build_items(self._drawn_for_height())
        self._layout = compute_layout(self._layout_sizes(self._labels.sizes), w, h,
                                      *self._texts.name_widths(w))
        self._place_buttons()
        node = self._layout.node
        for col, items in zip(self._layout.columns, self._neurons, strict=True):
            for item, y in zip(items, col.ys if items else (), strict=True):
                item.set_size(node)
                item.setPos(col.x, y)
        cols = self._layout.columns
        for p, edges in enumerate(self._edges):
            edges.set_segments(edge_segments(cols[p], cols[p + 1], node),
                               max(1.5, min(6.0, node * 0.14)))
        if self.input_block is not None:
            x, y, side = block_geometry(cols[0], cols[1], node, self._layout.caption_y, h)
            self.input_block.set_size(side)
            self.input_block.setPos(x, y)
            self._edges[0].set_segments(fan_segments(x, y, side, cols[1], node),
                                        max(1.5, min(4.0, node * 0.1)))
        self._texts.place(self._layout)
        self._place_annotations()
        if rebuilt and self._snapshot is not None:
            self.show_snapshot(self._snapshot)

    def _place_buttons(self, *_) -> None:
        """Put the neuron −/+ pairs over the hidden columns of the architecture they show."""
        hidden = self.controls.hidden
        if self._labels is None or hidden is None:
            return
        sizes = self._layout_sizes((self._labels.sizes[0], *hidden, self._labels.sizes[-1]))
        w, h = self._scene_size()
        layout = compute_layout(sizes, w, h, *self._texts.name_widths(w))
        self.controls.place_neuron_buttons([c.x for c in layout.columns[1:-1]])
        header = self.controls.header_height()
        if self.viewportMargins().top() != header:  # pairs went to two lines or back
            self.controls.setGeometry(0, 0, self.width(), header)
            self.setViewportMargins(0, header, 0, 0)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._relayout()

    # ----- per snapshot ------------------------------------------------------------------

    def _on_edge_mode(self, mode: str) -> None:
        if self._snapshot is not None:
            self._paint_edges()
        self.edgeModeChanged.emit(mode)

    def _paint_edges(self) -> None:
        arrays = self._edge_override
        if arrays is None:
            arrays = frames.edge_arrays(self._snapshot, self.edge_mode())
        else:
            arrays = [np.zeros_like(w) if a is None else a
                      for a, w in zip(arrays, self._snapshot.weights, strict=True)]
        scale = frames.abs_max(arrays)
        for edges, a in zip(self._edges, arrays, strict=True):
            edges.set_values(a[: edges.n_src, : edges.n_dst], scale)
        if self.input_block is not None:  # the fan: mean weight into each unit, own scale
            fan = fan_values(arrays[0], self._edges[0].n_dst)
            self._edges[0].set_values(fan, frames.abs_max([fan]))

    def _heatmap_images(self, snapshot) -> list[list]:
        """Per column, the QImages of its drawn units ([] for a column without heatmaps):
        heatmaps over the surface's plane, or for image inputs the first layer's weights."""
        surface = snapshot.surface
        if self.input_block is not None:
            units = len(self._neurons[1]) if len(self._neurons) > 1 else 0
            first = self._weight_images(snapshot.weights[0], units) if units else []
            return [[], first] + [[] for _ in self._neurons[2:]]
        if surface is None:
            return [[] for _ in self._neurons]
        out = [self._input_images(surface)]
        acts = self._labels.activations
        for layer, values in enumerate(surface.neurons[: len(self._neurons) - 1]):
            k = len(self._neurons[layer + 1])
            sub = values[:, :, :k]
            out.append(self._images(layer_pixels(sub, *levels_for(acts[layer], sub))))
        return out + [[] for _ in range(len(self._neurons) - len(out))]

    def _images(self, pixels: np.ndarray) -> list:
        self._pixels.append(pixels)
        return [pixels_to_image(p) for p in pixels]

    def _input_images(self, surface) -> list:
        """Heatmaps of the input features over the plane (computed once per grid)."""
        self._input_grid(surface)
        return [image for _, image in self._inputs_cache[2]]

    def _input_grid(self, surface) -> np.ndarray | None:
        key = (len(surface.x), len(surface.y), float(surface.x[0]), float(surface.x[-1]),
               float(surface.y[0]), float(surface.y[-1]))
        if self._inputs_cache is None or self._inputs_cache[0] != key:
            grid = None
            if getattr(self._info.dataset, "is_2d", False):
                grid = frames.input_grid(self._info.pipeline, surface.x, surface.y)
            self._inputs_cache = (key, grid, self._feature_images(grid))
        return self._inputs_cache[1]

    def _feature_images(self, grid: np.ndarray | None) -> list:
        if grid is None:
            return []
        images = []
        for u in range(min(len(self._neurons[0]), grid.shape[2])):
            pixels = layer_pixels(grid[:, :, u:u + 1], *levels_for(None, grid[:, :, u]))
            images.append((pixels, pixels_to_image(pixels[0])))
        return images

    def _unit_values(self, column: int, unit: int) -> tuple[np.ndarray | None, str]:
        """A unit's current outputs for its tooltip and where they are: over the plane (not
        for image inputs, whose plane of two pixels says nothing), or on the test set."""
        s = self._snapshot
        if s is not None and s.surface is not None and self.input_block is None:
            grids = [self._input_grid(s.surface), *s.surface.neurons]
            grid = grids[column] if column < len(grids) else None
            return (None if grid is None else grid[:, :, unit]), "over the plane"
        last = len(self._neurons) - 1
        if s is not None and column == last and s.test_probs is not None:
            return s.test_probs[:, unit], "on the test set"
        return None, "on the test set"
