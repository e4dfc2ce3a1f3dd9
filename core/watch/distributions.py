"""Per-layer distributions of a network, as TensorBoard's histograms show them over time.

Everything here is computed from a :class:`~core.watch.snapshot.Snapshot`: its weights and
gradients, and its ``sample_z`` — every layer's pre-activations ``z`` on a fixed sample of at
most ``SAMPLE_ROWS`` training rows (the same rows at every snapshot, so a change in the
picture is a change in the network, not in the rows drawn). Activations are ``f(z)`` of
those rows.

Definitions (documented in the views too):

- **quantile bands**: the 0/10/25/50/75/90/100 % quantiles (``QUANTILES``) of all values of
  one array, NumPy's default (linear) interpolation.
- **dead unit** (ReLU layers): a unit whose output is exactly 0 on *every* sampled row; it
  passes no gradient back, so it can never recover by gradient descent on these rows.
- **saturated unit** (tanh/sigmoid layers): a unit whose output is in the flat tails
  (``|tanh(z)| > 0.97``, or ``sigmoid(z)`` outside ``[0.03, 0.97]``) on more than
  ``SATURATED_SHARE`` (90 %) of the sampled rows; its derivative there is below ~0.06, so
  the gradient through it nearly vanishes.

``DistributionHistory`` keeps the bands of every layer over steps in bounded memory.
"""

from dataclasses import dataclass

import numpy as np

from core.nn.activations import ACTIVATIONS

#: Rows of the fixed training sample whose pre-activations a snapshot carries.
SAMPLE_ROWS = 256
#: Percentages of the quantile bands, outermost first pair to the median.
QUANTILES = (0.0, 10.0, 25.0, 50.0, 75.0, 90.0, 100.0)
#: Output bounds of the flat tails, per saturating activation: (low, high).
SATURATION_BOUNDS = {"tanh": (-0.97, 0.97), "sigmoid": (0.03, 0.97)}
#: A unit is saturated when more than this share of the sampled rows are in its tails.
SATURATED_SHARE = 0.9
#: Records kept by ``DistributionHistory`` before it halves its resolution.
MAX_RECORDS = 1000
#: The three kinds of values a history holds per layer.
KINDS = ("weights", "activations", "gradients")


def sample_indices(n_rows, size=SAMPLE_ROWS):
    """Evenly spaced row indices ``(min(n_rows, size),)`` int64: a fixed, spread sample."""
    if n_rows <= size:
        return np.arange(n_rows, dtype=np.int64)
    return np.linspace(0, n_rows - 1, size).round().astype(np.int64)


def preactivations(network, X):
    """Every layer's ``z = x @ W + b`` for rows ``X (n, n_in)``, evaluation mode (no dropout).

    Returns
    -------
    list of ndarray
        The i-th of shape ``(n, sizes[i + 1])``, fresh arrays (training caches untouched).
    """
    zs = []
    a = X
    for layer in network.layers:
        z = a @ layer.W + layer.b
        zs.append(z)
        a = layer.activation.forward(z.copy())
    return zs


_FRACTIONS = np.array(QUANTILES) / 100.0


def quantile_bands(values):
    """``(len(QUANTILES),)`` float64 quantiles of every element of ``values`` (any shape).

    NumPy's default (linear) quantiles, from one sort: ``np.percentile`` costs ~0.2 ms per
    call, and the window records every layer's three bands at each of ~30 snapshots a second.
    """
    flat = np.sort(np.asarray(values, dtype=np.float64).ravel())
    n = flat.size
    if n == 0:
        return np.full(len(QUANTILES), np.nan)
    position = _FRACTIONS * (n - 1)
    below = np.floor(position).astype(np.int64)
    above = np.minimum(below + 1, n - 1)
    t = position - below
    return flat[below] + (flat[above] - flat[below]) * t


def dead_units(a):
    """Number of columns of ``a (n, units)`` that are 0 on every row (ReLU dead units)."""
    if a.shape[0] == 0:
        return 0
    return int(np.count_nonzero(~np.any(a != 0, axis=0)))


def saturated_units(activation, a):
    """Number of columns of ``a (n, units)`` in ``activation``'s flat tails on more than
    ``SATURATED_SHARE`` of the rows; None for an activation without flat tails."""
    bounds = SATURATION_BOUNDS.get(activation)
    if bounds is None:
        return None
    if a.shape[0] == 0:
        return 0
    low, high = bounds
    in_tails = (a < low) | (a > high)
    return int(np.count_nonzero(in_tails.mean(axis=0) > SATURATED_SHARE))


@dataclass(frozen=True)
class LayerStats:
    """One layer at one snapshot.

    Attributes
    ----------
    weights, activations, gradients : ndarray, shape (len(QUANTILES),)
        Quantile bands of ``W``, of ``f(z)`` on the sample, and of ``dW``.
    dead : int or None
        Dead units (ReLU layers only).
    saturated : int or None
        Saturated units (tanh and sigmoid layers only).
    units : int
    """

    weights: np.ndarray
    activations: np.ndarray
    gradients: np.ndarray
    dead: int | None
    saturated: int | None
    units: int


def layer_activations(activation_name, z):
    """``f(z)`` for a layer's ``z (n, units)`` (a fresh array)."""
    return ACTIVATIONS.get(activation_name).forward(np.array(z, copy=True))


def snapshot_stats(snapshot, activation_names):
    """Per-layer :class:`LayerStats` of ``snapshot``; activations need ``snapshot.sample_z``
    (NaN bands and no counters without it)."""
    sample_z = getattr(snapshot, "sample_z", None)
    stats = []
    for i, name in enumerate(activation_names):
        W = snapshot.weights[i]
        if sample_z is not None:
            a = layer_activations(name, sample_z[i])
            act_bands = quantile_bands(a)
            dead = dead_units(a) if name == "relu" else None
            saturated = saturated_units(name, a)
        else:
            act_bands, dead, saturated = quantile_bands(np.empty(0)), None, None
        stats.append(LayerStats(weights=quantile_bands(W), activations=act_bands,
                                gradients=quantile_bands(snapshot.weight_grads[i]),
                                dead=dead, saturated=saturated, units=int(W.shape[1])))
    return stats


class DistributionHistory:
    """Quantile bands of every layer over training steps, in bounded memory.

    ``record(step, stats)`` appends one snapshot's :class:`LayerStats`; a step not after the
    last one (the timeline went back, a new run) first drops the records from that step on.
    Past ``max_records`` every other record is dropped, so memory and drawing cost stay
    bounded however long training runs.
    """

    def __init__(self, n_layers, max_records=MAX_RECORDS):
        self.n_layers = n_layers
        self.max_records = max_records
        self.clear()

    def clear(self):
        self._steps = []
        self._rows = []  # one list of LayerStats per record

    def __len__(self):
        return len(self._steps)

    def copy(self):
        """An independent history with the same records (records themselves are never
        changed, so they are shared)."""
        twin = DistributionHistory(self.n_layers, self.max_records)
        twin._steps = list(self._steps)
        twin._rows = list(self._rows)
        return twin

    @property
    def nbytes(self):
        """Memory the records' quantile arrays take."""
        return sum(s.weights.nbytes + s.activations.nbytes + s.gradients.nbytes
                   for row in self._rows for s in row)

    def record(self, step, stats):
        if len(stats) != self.n_layers:
            return
        while self._steps and self._steps[-1] >= step:
            self._steps.pop()
            self._rows.pop()
        self._steps.append(int(step))
        self._rows.append(stats)
        if len(self._steps) > self.max_records:
            self._steps = self._steps[::2]
            self._rows = self._rows[::2]

    def steps(self):
        """``(records,)`` float64 steps."""
        return np.array(self._steps, dtype=np.float64)

    def bands(self, layer, kind):
        """``(records, len(QUANTILES))`` quantiles of ``kind`` (one of ``KINDS``) for
        ``layer`` over the recorded steps."""
        if not self._rows:
            return np.empty((0, len(QUANTILES)))
        return np.stack([getattr(row[layer], kind) for row in self._rows])

    def counters(self, layer, which):
        """``(records,)`` float64 ``which`` ("dead" or "saturated") counts (NaN when not
        defined for the layer's activation)."""
        values = [getattr(row[layer], which) for row in self._rows]
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

    def latest(self, layer):
        """The last :class:`LayerStats` of ``layer``, or None."""
        return self._rows[-1][layer] if self._rows else None
