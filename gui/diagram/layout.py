"""Pure geometry of the network diagram: where every drawn neuron and edge goes.

No Qt here. Coordinates are scene pixels with the origin at the top left, y downwards; the
diagram's scene rectangle is the viewport, so text and buttons keep their pixel size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_FULL_LAYER = 64      # layers up to this many units are drawn unit by unit
SUMMARY_UNITS = 24       # wider layers draw this many units and an ellipsis
MAX_NODE = 44.0          # largest neuron (pixels)
MIN_NODE = 12.0          # smallest neuron (pixels), unless the columns are closer than that
MIN_PITCH = 18.0         # least vertical pitch of drawn units: a taller layer is summarised
SIDE_MARGIN = 48.0       # least room left and right of the outer columns (caption halves)
LABEL_GAP = 8.0          # between a unit name and its neuron
TOP_MARGIN = 46.0        # room for the two-line layer captions
BOTTOM_MARGIN = 12.0


@dataclass(frozen=True)
class Column:
    """One layer as drawn: its x, the units drawn and their centres.

    `units` are indices into the layer, `ys` their centres (same length); `hidden_count` how
    many units are not drawn (shown as "… N more" at `ellipsis_y`, None when all are drawn).
    """

    x: float
    units: tuple[int, ...]
    ys: tuple[float, ...]
    size: int
    ellipsis_y: float | None

    @property
    def hidden_count(self) -> int:
        return self.size - len(self.units)


@dataclass(frozen=True)
class DiagramLayout:
    """Every column, the common neuron size (pixels), the bottom y of the captions, the
    scene size and the (left, right) margins of the outer column centres."""

    columns: tuple[Column, ...]
    node: float
    caption_y: float
    width: float
    height: float
    margins: tuple[float, float]


def unit_room(height: float) -> int:
    """How many rows (units and an ellipsis) fit a diagram `height` pixels high at the
    least readable pitch `MIN_PITCH`."""
    return max(2, int((max(float(height), 80.0) - TOP_MARGIN - BOTTOM_MARGIN) // MIN_PITCH))


def drawn_units(n: int, max_full: int = MAX_FULL_LAYER, summary: int = SUMMARY_UNITS,
                room: int | None = None) -> tuple:
    """Indices of the units drawn for a layer of `n` units: all, or the first `summary`.

    With `room` (rows that fit, see `unit_room`) a layer that does not fit draws its first
    `room - 1` units and leaves the last row for "… N more".
    """
    if room is not None:
        max_full, summary = min(max_full, room), min(summary, room - 1)
    return tuple(range(n if n <= max_full else summary))


def _slots(n: int, room: int | None = None) -> int:
    """Vertical slots a column needs: its drawn units plus one for the ellipsis text."""
    k = len(drawn_units(n, room=room))
    return k + (1 if k < n else 0)


def side_margins(node: float, left_label: float = 0.0, right_label: float = 0.0) -> tuple:
    """(left, right) distance of the outer column centres from the scene's sides.

    Leaves room for the unit names (`left_label`, `right_label` pixels wide) and half a node.
    """
    def side(label: float) -> float:
        return max(SIDE_MARGIN, label + LABEL_GAP + node / 2 + 4.0)

    return side(left_label), side(right_label)


def column_xs(n_columns: int, width: float, margins: tuple = (SIDE_MARGIN, SIDE_MARGIN)) -> list:
    """Evenly spaced column centres between the side `margins`, centred for one column."""
    left, right = margins[0], max(margins[0] + 1.0, width - margins[1])
    if n_columns == 1:
        return [(left + right) / 2]
    step = (right - left) / (n_columns - 1)
    return [left + i * step for i in range(n_columns)]


def node_size(sizes, width: float, height: float, margins: tuple) -> tuple[float, float]:
    """(neuron size, vertical pitch) in pixels that fit the tallest column and the gaps.

    The neuron is at least `MIN_NODE` (a readable thumbnail) unless neighbouring columns
    are closer than that allows; layers too tall for it are summarised (`drawn_units`).
    """
    avail_h = max(1.0, height - TOP_MARGIN - BOTTOM_MARGIN)
    room = unit_room(height)
    pitch = min(MAX_NODE * 1.35, avail_h / max(_slots(n, room) for n in sizes))
    gap = (width - margins[0] - margins[1]) / max(1, len(sizes) - 1)
    node = min(MAX_NODE, pitch * 0.78, max(gap, 1.0) * 0.42)
    return max(min(MIN_NODE, max(gap, 1.0) * 0.8), node), pitch


def compute_layout(sizes, width: float, height: float, left_label: float = 0.0,
                   right_label: float = 0.0) -> DiagramLayout:
    """Lay out layers `sizes` (input, hidden…, output) left to right, each column centred.

    `left_label`/`right_label` are the widths (pixels) of the longest input/output names.
    Returns a `DiagramLayout`; every column uses the same vertical pitch so rows line up.
    """
    width, height = max(float(width), 120.0), max(float(height), 80.0)
    node, _ = node_size(sizes, width, height, side_margins(MAX_NODE, left_label, right_label))
    margins = side_margins(node, left_label, right_label)
    node, pitch = node_size(sizes, width, height, margins)
    centre = TOP_MARGIN + (height - TOP_MARGIN - BOTTOM_MARGIN) / 2
    columns = []
    room = unit_room(height)
    for x, n in zip(column_xs(len(sizes), width, margins), sizes, strict=True):
        units = drawn_units(n, room=room)
        slots = _slots(n, room)
        ys = [centre + (i - (slots - 1) / 2) * pitch for i in range(slots)]
        ellipsis = ys.pop() if slots > len(units) else None
        columns.append(Column(x, units, tuple(ys), n, ellipsis))
    top = min(c.ys[0] for c in columns if c.ys) - node / 2
    return DiagramLayout(tuple(columns), node, top - 6.0, width, height, margins)


def edge_segments(a: Column, b: Column, node: float) -> np.ndarray:
    """Segments from every drawn unit of `a` to every drawn unit of `b`.

    Returns float64 `(len(a.units) * len(b.units), 4)` rows `x0, y0, x1, y1`, ordered
    row-major by (source unit, target unit) like the weight matrix `W[a.units][:, b.units]`.
    Segments start and end at the neurons' edges, not their centres.
    """
    y0 = np.repeat(np.asarray(a.ys, dtype=float), len(b.ys))
    y1 = np.tile(np.asarray(b.ys, dtype=float), len(a.ys))
    x0 = np.full_like(y0, a.x + node / 2)
    x1 = np.full_like(y1, b.x - node / 2)
    return np.stack([x0, y0, x1, y1], axis=1)


def nearest_segment_distance(segments: np.ndarray, px: float,
                             py: float) -> tuple[int | None, float]:
    """(index, distance in pixels) of the segment closest to point (px, py).

    `segments` is `(m, 4)` as from `edge_segments`; `(None, inf)` when there is none.
    """
    if len(segments) == 0:
        return None, float("inf")
    p0, d = segments[:, :2], segments[:, 2:] - segments[:, :2]
    length2 = np.maximum((d * d).sum(axis=1), 1e-12)
    t = np.clip(((np.array([px, py]) - p0) * d).sum(axis=1) / length2, 0.0, 1.0)
    closest = p0 + d * t[:, None]
    dist2 = ((closest - np.array([px, py])) ** 2).sum(axis=1)
    best = int(np.argmin(dist2))
    return best, float(np.sqrt(dist2[best]))


def nearest_segment(segments: np.ndarray, px: float, py: float, tol: float) -> int | None:
    """Index of the segment closest to point (px, py) if within `tol` pixels, else None.

    `segments` is `(m, 4)` as from `edge_segments`.
    """
    best, dist = nearest_segment_distance(segments, px, py)
    return best if dist <= tol else None


def width_buckets(values: np.ndarray, scale: float, n_buckets: int) -> np.ndarray:
    """Bucket 0..n_buckets-1 of |value| / scale (clamped to 1); all zeros when scale is 0.

    `values` any shape; returns int array of the same shape.
    """
    if not scale > 0:
        return np.zeros(np.shape(values), dtype=np.intp)
    frac = np.clip(np.abs(values) / scale, 0.0, 1.0)
    return np.minimum((frac * n_buckets).astype(np.intp), n_buckets - 1)


def strongest(values: np.ndarray, budget: int) -> np.ndarray:
    """Sorted indices of the `budget` entries of `values` (1-D) with the largest |value|.

    All indices when there are no more than `budget`; keeps a dense layer pair cheap to paint
    and readable (its weakest edges are the ones left out).
    """
    n = len(values)
    if n <= budget:
        return np.arange(n)
    return np.sort(np.argpartition(np.abs(values), n - budget)[n - budget:])
