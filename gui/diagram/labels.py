"""Words of the diagram: unit names, layer captions and hover texts.

Pure functions of a `TrainerInfo` and a `Snapshot` (no Qt), so they are cheap to test and are
only evaluated when the user hovers an item.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.nn.summary import layer_shapes, parameter_counts, total_parameters

#: Activation names short enough for a column of a deep network's diagram.
ACTIVATION_ABBREVIATIONS = {"sigmoid": "sigm", "leaky_relu": "lrelu", "softplus": "splus",
                            "softmax": "smax", "identity": "id"}


def fmt(value) -> str:
    """A number for a tooltip: 4 significant digits, '—' when unknown."""
    if value is None:
        return "—"
    return format(float(value), ".4g")


def output_names(info) -> list[str]:
    """Names of the output units: class or target names, or 'ŷ' for a single output."""
    n_out = info.sizes[-1]
    names = list(getattr(info.dataset, "target_names", []) or [])
    if n_out == 1:
        return ["ŷ"]
    if len(names) == n_out:
        return [str(n) for n in names]
    return [f"ŷ{i + 1}" for i in range(n_out)]


@dataclass(frozen=True)
class Labels:
    """Names of every column and unit of one network (built once per reset)."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]

    @classmethod
    def from_info(cls, info) -> Labels:
        inputs = list(info.feature_names)[: info.sizes[0]]
        inputs += [f"x{i + 1}" for i in range(len(inputs), info.sizes[0])]
        return cls(tuple(info.sizes), tuple(info.activation_names), tuple(inputs),
                   tuple(output_names(info)))

    @property
    def n_columns(self) -> int:
        return len(self.sizes)

    def title(self, column: int) -> str:
        """'Input', 'Hidden k' or 'Output'."""
        if column == 0:
            return "Input"
        return "Output" if column == self.n_columns - 1 else f"Hidden {column}"

    def caption(self, column: int) -> str:
        """Caption above a column, e.g. 'Hidden 1 · 8 · tanh'."""
        parts = [self.title(column), str(self.sizes[column])]
        if column > 0:
            parts.append(self.activations[column - 1])
        return " · ".join(parts)

    def short_captions(self, column: int) -> list[tuple[str, str]]:
        """(title, detail) pairs for the column's caption, longest first, for narrow columns:
        ('Hidden 1', '8 · tanh'), ('H1', '8 tanh'), ('H1', '8')."""
        title, _, detail = self.caption(column).partition(" · ")
        short_title = {"Input": "In", "Output": "Out"}.get(title, f"H{column}")
        size = str(self.sizes[column])
        pairs = [(title, detail)]
        if column > 0:
            act = self.activations[column - 1]
            pairs.append((short_title, f"{size} {ACTIVATION_ABBREVIATIONS.get(act, act)}"))
        pairs.append((short_title, size))
        return pairs

    def unit_name(self, column: int, unit: int) -> str:
        """Short name of a unit: its feature or output name, else 'Hidden k #u' (1-based)."""
        if column == 0:
            return self.inputs[unit]
        if column == self.n_columns - 1:
            return self.outputs[unit]
        return f"{self.title(column)} #{unit + 1}"


def shape_text(sizes, spaced: bool = True) -> str:
    """Layer sizes as '2 → 16 → 8 → 1' (``spaced=False``: '2→16→8→1')."""
    return (" → " if spaced else "→").join(str(s) for s in sizes)


def summary_texts(sizes) -> list[str]:
    """The diagram header's model summary, longest first, for narrower widths:
    'Total parameters: 193 · 2 → 16 → 8 → 1', …, '193 parameters'."""
    total = f"{total_parameters(sizes):,}"
    return [f"Total parameters: {total} · {shape_text(sizes)}",
            f"Total parameters: {total} · {shape_text(sizes, spaced=False)}",
            f"{total} parameters · {shape_text(sizes, spaced=False)}",
            f"Total parameters: {total}",
            f"{total} parameters"]


def layer_summary(sizes, layer: int) -> str:
    """'W (2, 16), b (16,) · 48 parameters' of dense layer ``layer`` (0 = first hidden)."""
    (w_shape, b_shape), count = layer_shapes(sizes)[layer], parameter_counts(sizes)[layer]
    return f"W {w_shape}, b {b_shape} · {count:,} parameters"


def summary_tooltip(labels: Labels) -> str:
    """Every layer's shapes and count, then the total (the header summary's tooltip)."""
    sizes = labels.sizes
    lines = [f"{labels.title(c)}: {layer_summary(sizes, c - 1)}"
             for c in range(1, labels.n_columns)]
    return "\n".join([f"Model {shape_text(sizes)}", *lines,
                      f"Total parameters: {total_parameters(sizes):,}"])


def caption_tooltip(labels: Labels, column: int) -> str:
    """A column caption's hover text: the caption, and for a layer its W, b and count."""
    if column == 0:
        return f"{labels.caption(0)} (inputs have no parameters)"
    return f"{labels.caption(column)}\n{layer_summary(labels.sizes, column - 1)}"


def _item(arrays, layer: int, index):
    """`arrays[layer][index]` or None when the snapshot does not carry that array."""
    if arrays is None or layer >= len(arrays) or arrays[layer] is None:
        return None
    return arrays[layer][index]


def edge_text(labels: Labels, snapshot, pair: int, i: int, j: int) -> str:
    """Hover text of the weight from unit `i` of column `pair` to unit `j` of the next."""
    src, dst = labels.unit_name(pair, i), labels.unit_name(pair + 1, j)
    if snapshot is None:
        return f"{src} → {dst}"
    w = _item(snapshot.weights, pair, (i, j))
    g = _item(snapshot.weight_grads, pair, (i, j))
    d = _item(snapshot.weight_updates, pair, (i, j))
    return (f"{src} → {dst}\n"
            f"w[{i + 1}→{j + 1}] = {fmt(w)}\n"
            f"∂L/∂w = {fmt(g)}\n"
            f"Δw (last step) = {fmt(d)}")


def _value_line(values: np.ndarray | None, where: str) -> str | None:
    if values is None or values.size == 0:
        return None
    return (f"value {where}: mean {fmt(np.mean(values))}, "
            f"range {fmt(np.min(values))} … {fmt(np.max(values))}")


def neuron_text(labels: Labels, snapshot, column: int, unit: int, values=None,
                where: str | None = None) -> str:
    """Hover text of a unit: name, activation, bias, its gradient and update, current value.

    `values` are the unit's current outputs or None; `where` they are ("over the plane",
    "on the test set"; default: over the plane when the snapshot has a surface).
    """
    name = labels.unit_name(column, unit)
    if column == 0:
        lines = [f"input feature {name}"]
    else:
        layer = column - 1
        lines = [f"{labels.title(column)} · neuron {unit + 1} ({name}) · "
                 f"{labels.activations[layer]}",
                 f"layer: {layer_summary(labels.sizes, layer)}"]
        if snapshot is not None:
            lines += [f"bias b = {fmt(_item(snapshot.biases, layer, unit))}",
                      f"∂L/∂b = {fmt(_item(snapshot.bias_grads, layer, unit))}",
                      f"Δb (last step) = {fmt(_item(snapshot.bias_updates, layer, unit))}"]
    if where is None:
        where = "over the plane" if snapshot is not None and snapshot.surface is not None \
            else "on the test set"
    line = _value_line(values, where)
    return "\n".join(lines + ([line] if line else []))
