"""What a click on the diagram lands on: a bias marker, a neuron or the nearest edge.

Edges are painted in batches by one `EdgeLayer` per pair of columns, so they are hit-tested
by geometry: the painted edge nearest the click, if within `EDGE_TOLERANCE` pixels.
A bias marker wins over its neuron, a neuron over the edges under it.
"""

from __future__ import annotations

from dataclasses import dataclass

EDGE_TOLERANCE = 5.0     # pixels from a painted edge that still count as a click on it
DRAG_DISTANCE = 4        # a press and release further apart than this is not a click


@dataclass(frozen=True)
class Hit:
    """A clicked thing. `kind` is "neuron", "bias" or "weight".

    `column` is the neuron's column (0 = input); for a weight, its target's column. `unit` is
    the neuron (the weight's target unit `j`); `source` a weight's source unit `i`. Drawn
    units are the first ones of a layer, so these are the network's own indices.
    """

    kind: str
    column: int
    unit: int
    source: int | None = None

    @property
    def layer(self) -> int:
        """The network layer of a bias or weight: `W[layer][source, unit]`, `b[layer][unit]`."""
        return self.column - 1


def hit_test(neurons, edges, x: float, y: float, tol: float = EDGE_TOLERANCE) -> Hit | None:
    """What scene point (x, y) is on. `neurons[c][k]` are `NeuronItem`s, `edges[p]`
    `EdgeLayer`s (scene and item coordinates agree for edges: they sit at the origin)."""
    for column in neurons:
        for item in column:
            px, py = x - item.x(), y - item.y()
            if item.column > 0 and item.marker_contains(px, py):
                return Hit("bias", item.column, item.unit)
            if item.body_contains(px, py):
                return Hit("neuron", item.column, item.unit)
    best = None
    for layer in edges:
        found = layer.edge_hit(x, y)
        if found is not None and found[2] <= tol and (best is None or found[2] < best[0]):
            best = (found[2], Hit("weight", layer.pair + 1, found[1], found[0]))
    return None if best is None else best[1]
