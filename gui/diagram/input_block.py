"""`InputBlock`, mixed into `NetworkDiagram`: pixel inputs drawn as one image block.

When `core.data.image_shape.image_side` says the network's inputs are the pixels of a
square image (the 8×8 digits, a 28×28 CSV), the input column has no neuron items: an
`InputImageItem` shows the mean training input (or the example `set_input_example` chose),
and one fan line per drawn first-layer unit, coloured by the mean weight from all pixels into
it, stands for the first layer's edges. Their hover texts say so; a pixel's hover text gives
its name, value and weights. Fan lines are summaries, so clicking one edits nothing.

Each drawn first-layer unit shows its incoming weights as the picture they weigh (the
pattern of pixels it responds to), not a heatmap over two pixels' plane, which says nothing
of an image; deeper units are discs coloured by their bias.
"""

from __future__ import annotations

import numpy as np

from core.data.image_shape import dataset_image_side, image_side
from gui.diagram.frames import abs_max
from gui.diagram.heatmaps import LUT32, NAN_GREY, lut_indices, pixels_to_image
from gui.diagram.input_image import InputImageItem
from gui.diagram.labels import fmt

#: The colour of a non-finite weight, as an ARGB32 pixel.
NAN_ARGB = np.uint32(0xFF000000 | int(NAN_GREY[1:], 16))
#: First-layer weights listed in a pixel's hover text.
HOVER_WEIGHTS = 6


class InputBlock:
    """Needs the diagram's `scene()`, `_labels`, `_snapshot`, `_info`, `input_block`,
    `_example`."""

    def _set_input_block(self, info) -> None:
        """Create (or drop) the block for the run described by `info` (`TrainerInfo`)."""
        if self.input_block is not None:
            self.scene().removeItem(self.input_block)
            self.input_block = None
        self._example = None
        names = list(getattr(info, "feature_names", None) or info.dataset.input_names)
        side = image_side(info.sizes[0], names)
        if side is None and info.sizes[0] == info.dataset.n_inputs:
            side = dataset_image_side(info.dataset)  # the user said the inputs are pixels
        if side is None:
            return
        self.input_block = InputImageItem(side, self.pixel_tooltip)
        self.scene().addItem(self.input_block)
        self._show_block_pixels()

    def _layout_sizes(self, sizes) -> tuple:
        """Layer sizes as laid out: a block takes the room of one unit."""
        return (1, *sizes[1:]) if self.input_block is not None else tuple(sizes)

    def set_input_example(self, values, caption: str = "example") -> None:
        """Show the raw inputs `values` (`(n_inputs,)`) in the block, `caption` under it
        ("example 12"); None goes back to the mean training input. No-op without a block."""
        if self.input_block is None:
            return
        self._example = None if values is None else (np.asarray(values, dtype=np.float64),
                                                     caption)
        self._show_block_pixels()

    def _show_block_pixels(self) -> None:
        X = self._info.dataset.X_train
        high = float(np.nanmax(X)) if X.size else 1.0
        if self._example is not None:
            values, caption = self._example
        elif len(X):
            values, caption = X.mean(axis=0), "mean input"
        else:
            values, caption = np.zeros(X.shape[1]), "no training rows"
        self.input_block.set_pixels(values, high if high > 0 else 1.0, caption)

    def pixel_tooltip(self, row: int, col: int) -> str:
        """Name, shown value and first-layer weights of the pixel at (`row`, `col`)."""
        block = self.input_block
        k = row * block.side + col
        text = (f"{self._labels.unit_name(0, k)} (row {row}, column {col}) = "
                f"{fmt(block.values[row, col])} ({block.caption})")
        s = self._snapshot
        if s is not None:
            w = s.weights[0][k]
            shown = ", ".join(f"{self._labels.unit_name(1, j)} {fmt(w[j])}"
                              for j in range(min(HOVER_WEIGHTS, len(w))))
            more = f" … ({len(w)} units)" if len(w) > HOVER_WEIGHTS else ""
            text += f"\nWeights to the first layer: {shown}{more}"
        return text

    def fan_tooltip(self, j: int) -> str:
        """Hover text of the fan line into first-layer unit `j`."""
        dst, n = self._labels.unit_name(1, j), self._labels.sizes[0]
        text = f"The {n} pixel weights into {dst}"
        s = self._snapshot
        if s is not None:
            w = s.weights[0][:, j]
            k = int(np.nanargmax(np.abs(w))) if np.isfinite(w).any() else 0
            text += (f": mean {fmt(float(np.mean(w)))}, largest |w| {fmt(float(w[k]))} "
                     f"from {self._labels.unit_name(0, k)}")
        return f"{text}\nHover the image for one pixel's weights."

    def _weight_images(self, W: np.ndarray, n_units: int) -> list:
        """QImages of the first ``n_units`` units' incoming weights, each ``W[:, u]``
        (``W`` is ``(side * side, fan_out)``) as the ``side × side`` picture, row 0 on top, on
        one symmetric diverging scale (zero white, non-finite grey); their pixels join
        ``self._pixels``."""
        side = self.input_block.side
        weights = np.asarray(W, dtype=np.float64)[:, :n_units]
        scale = max(abs_max([weights]), 1e-12)
        pixels = np.ascontiguousarray(LUT32[lut_indices(weights.T, -scale, scale)])
        pixels[~np.isfinite(weights.T)] = NAN_ARGB  # a diverged weight is not a zero one
        pixels = pixels.reshape(-1, side, side)
        self._pixels.append(pixels)
        return [pixels_to_image(p) for p in pixels]

    def weight_image_text(self) -> str:
        """What a first-layer unit's square shows (a line of its hover text)."""
        side = self.input_block.side
        s = self._snapshot
        scale = ""
        if s is not None:
            m = abs_max([s.weights[0][:, : len(self._neurons[1])]])
            scale = f"; colours span ±{fmt(m)}" if m > 0 else ""
        return (f"Square: its {side * side} weights from the {side}×{side} pixels, as that "
                f"picture (blue +, orange −{scale})")

    def hit_at(self, scene_x: float, scene_y: float):
        """As `ClickEditing.hit_at`, but a fan line (a summary) is not an editable weight."""
        hit = super().hit_at(scene_x, scene_y)
        if hit is not None and hit.kind == "weight" and hit.layer == 0 \
                and self.input_block is not None:
            return None
        return hit

    def _drawn_annotations(self, neurons: dict, edges: dict) -> tuple[dict, dict]:
        """Step-through labels without the pixels' and the first layer's single weights,
        which a block does not draw."""
        if self.input_block is None:
            return neurons, edges
        return ({k: v for k, v in neurons.items() if k[0] != 0},
                {k: v for k, v in edges.items() if k[0] != 0})
