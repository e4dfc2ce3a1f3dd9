"""What the diagram shows of one snapshot, as plain arrays (no items touched here).

- `edge_arrays(snapshot, mode)`: the per-layer matrices edges are coloured by.
- `abs_max(arrays)`: the common scale, so edge widths compare across layers (vanishing
  gradients show as thin early layers).
- `input_grid(pipeline, x, y)`: every network input over the raw 2-D grid.
- `matches(snapshot, sizes)`: whether a snapshot belongs to the network being drawn.
"""

from __future__ import annotations

import numpy as np

MODE_FIELDS = {"weight": "weights", "gradient": "weight_grads", "update": "weight_updates"}


def edge_arrays(snapshot, mode: str) -> list[np.ndarray]:
    """Matrices `(fan_in, fan_out)` per layer for edge `mode` ('weight'|'gradient'|'update').

    A snapshot without that field (e.g. before the first step) gives zeros.
    """
    arrays = getattr(snapshot, MODE_FIELDS[mode], None)
    weights = snapshot.weights
    if arrays is None:
        return [np.zeros_like(w) for w in weights]
    return [np.zeros_like(w) if a is None else a for a, w in zip(arrays, weights, strict=True)]


def abs_max(arrays) -> float:
    """Largest finite |value| over all `arrays` (0.0 when there is none)."""
    m = 0.0
    for a in arrays:
        if a is None:
            continue
        finite = np.abs(a[np.isfinite(a)])
        if finite.size:
            m = max(m, float(finite.max()))
    return m


def matches(snapshot, sizes) -> bool:
    """True when the snapshot's weight shapes are those of layer `sizes` (input … output).

    A queued snapshot of the previous network can arrive just after a reset: it is skipped.
    """
    weights = snapshot.weights
    if len(weights) != len(sizes) - 1:
        return False
    return all(w.shape == (a, b) for w, a, b in zip(weights, sizes[:-1], sizes[1:], strict=True))


def input_grid(pipeline, x: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    """Network inputs over the raw grid: `(len(y), len(x), d_net)`, row i at y[i].

    Runs the raw points through the pipeline (derived features, standardisation); None when
    the pipeline cannot transform 2-D points.
    """
    xx, yy = np.meshgrid(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    raw = np.stack([xx.ravel(), yy.ravel()], axis=1)
    try:
        net = raw if pipeline is None else np.asarray(pipeline.transform(raw))
    except (ValueError, TypeError):
        return None
    return net.reshape(len(y), len(x), -1)
