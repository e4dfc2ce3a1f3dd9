"""The loss landscape: the training loss over a plane of weight space, and along a line.

:class:`LossProblem` holds a private copy of the network (built from a ``TrainerInfo``, never
the live trainer), the loss, and the whole training set as the network sees it. Its
:meth:`~LossProblem.losses` evaluates many flat weight vectors at once: the K vectors' layers
are stacked and one batched matmul per layer computes all K forward passes, so a 41×41 grid
on circles 2-16-8-1 (320 rows) costs a few dozen NumPy calls instead of 1681 forward passes.
On a plane (:meth:`~LossProblem.plane_losses`) the first layer, linear in the weights, costs
three matmuls in all; what remains is mostly the hidden activations themselves.
Each value equals ``core.nn.network.loss_value`` at that weight vector (to rounding, ≤1e-12; the
tests check it). Rows are processed in chunks of bounded memory, so a big network is
evaluated chunk by chunk: :func:`landscape_grid` reports each chunk (``progress``) and
stops when ``cancelled()`` turns true.

The value shown is the **data loss** on the whole training set (no dropout), like the
train-loss numbers of ``Trainer.evaluate``; an L1/L2 penalty is added only when asked for.
Planes (random filter-normalised or the run's own PCA plane) are in ``core.watch.landscape_planes``.
"""

import time
from dataclasses import dataclass

import numpy as np

from core.nn.losses import LOSSES
from core.nn.network import Network, loss_value
from core.nn.regularization import penalty
from core.watch.landscape_planes import layer_slices, random_plane, trajectory_plane

#: Most floats one chunk's activations may hold (K × n × widest layer): 4 MB in float64, so
#: each chunk's arrays stay in cache.
CHUNK_FLOATS = 500_000
#: Default 1-D interpolation coordinates: t = 0 is the initial weights, t = 1 the current.
INTERPOLATION_T = np.linspace(-0.25, 1.25, 61)


class LossProblem:
    """A network's loss on a fixed data set, as a function of its flat weights.

    Parameters
    ----------
    sizes, activation_names : sequences
        As ``Network`` (``TrainerInfo.sizes`` and ``.activation_names``).
    loss : str or Loss
    X : ndarray, shape (n, d_net)
        Network inputs (after the pipeline).
    y : ndarray, shape (n, n_out)
    dtype : numpy dtype
    l1, l2 : float
        Penalty strengths added to the value (0: data loss only).
    """

    def __init__(self, sizes, activation_names, loss, X, y, dtype=np.float64, l1=0.0, l2=0.0):
        self.network = Network(list(sizes), list(activation_names), init="zeros", dtype=dtype)
        self.loss = LOSSES.get(loss) if isinstance(loss, str) else loss
        self.X = np.ascontiguousarray(X, dtype=self.network.dtype)
        self.y = np.ascontiguousarray(y, dtype=self.network.dtype)
        self.l1, self.l2 = float(l1), float(l2)
        self.sizes = tuple(self.network.sizes)
        self._slices = layer_slices(self.sizes)
        self._activations = [layer.activation for layer in self.network.layers]

    @classmethod
    def from_info(cls, info, l1=0.0, l2=0.0):
        """The training-set loss of the run that ``info`` (a ``TrainerInfo``) describes."""
        cfg = info.config
        X = info.pipeline.transform(info.dataset.X_train, dtype=np.dtype(cfg.dtype))
        return cls(info.sizes, info.activation_names, cfg.loss, X, info.dataset.y_train,
                   dtype=np.dtype(cfg.dtype), l1=l1, l2=l2)

    @property
    def n_params(self):
        return self.network.flat_params.size

    def loss_at(self, weights):
        """``loss_value`` at flat ``weights`` (n_params,), one forward pass (the reference)."""
        self.network.flat_params[...] = weights
        return loss_value(self.network, self.loss, self.X, self.y, self.l1, self.l2)

    def chunk_size(self):
        """Weight vectors evaluated together so one chunk stays under ``CHUNK_FLOATS``."""
        return max(1, CHUNK_FLOATS // (len(self.X) * max(self.sizes)))

    def losses(self, weights):
        """The loss at each of K flat weight vectors.

        Parameters
        ----------
        weights : ndarray, shape (K, n_params)

        Returns
        -------
        ndarray, shape (K,), float64
        """
        weights = np.asarray(weights, dtype=self.network.dtype)
        step = self.chunk_size()
        return np.concatenate([self._losses_chunk(weights[i:i + step])
                               for i in range(0, len(weights), step)] or [np.zeros(0)])

    def _losses_chunk(self, weights):
        """``losses`` for a chunk (K, n_params) small enough to hold its activations."""
        w_slice, shape, b_slice = self._slices[0]
        K = len(weights)
        W = weights[:, w_slice].reshape(K, *shape)
        return self._losses_from_first(np.matmul(self.X, W) + weights[:, None, b_slice],
                                       weights)

    def plane_losses(self, plane, alphas, betas):
        """``losses(plane.points(alphas, betas))``, faster: the first layer is linear in
        the weights, so its pre-activations at every point are ``Z0 + α·Z1 + β·Z2`` from
        three matmuls (origin, d1, d2) instead of one per point.

        Parameters
        ----------
        plane : Plane
        alphas, betas : ndarray, shape (K,)

        Returns
        -------
        ndarray, shape (K,)
        """
        w_slice, shape, b_slice = self._slices[0]
        z0, z1, z2 = (self.X @ v[w_slice].reshape(shape) + v[b_slice]
                      for v in (plane.origin, plane.d1, plane.d2))
        dtype = self.network.dtype
        alphas = np.asarray(alphas, dtype=dtype)
        betas = np.asarray(betas, dtype=dtype)
        step = self.chunk_size()
        out = []
        for i in range(0, len(alphas), step):
            a, b = alphas[i:i + step, None, None], betas[i:i + step, None, None]
            first = z0 + a * z1
            first += b * z2
            out.append(self._losses_from_first(
                first, plane.points(alphas[i:i + step], betas[i:i + step])))
        return np.concatenate(out) if out else np.zeros(0)

    def _losses_from_first(self, z, weights):
        """The loss per point from the first layer's pre-activations ``z`` (K, n, h1) and
        the flat weights ``weights`` (K, n_params) of the layers after it."""
        K = len(weights)
        for i, (w_slice, shape, b_slice) in enumerate(self._slices[1:]):
            a = self._activations[i].forward(z)
            z = np.matmul(a, weights[:, w_slice].reshape(K, *shape))  # (K, n, fan_out)
            z += weights[:, None, b_slice]
        out = self._activations[-1]
        fused = self.loss.link is not None and self.loss.link == out.name
        values = np.empty(K)
        for k in range(K):
            if fused:
                values[k] = self.loss.value_from_logits(z[k], self.y)
            else:
                values[k] = self.loss.value(out.forward(z[k]), self.y)
            if self.l1 or self.l2:
                values[k] += penalty([weights[k, s].reshape(shape)
                                      for s, shape, _ in self._slices], self.l1, self.l2)
        return values


@dataclass(frozen=True)
class Landscape:
    """The loss over a grid of plane coordinates.

    Attributes
    ----------
    alphas : ndarray, shape (res_a,)
        Coordinates along ``plane.d1`` (the horizontal axis).
    betas : ndarray, shape (res_b,)
        Coordinates along ``plane.d2`` (the vertical axis).
    loss : ndarray, shape (res_b, res_a)
        ``loss[iy, ix]`` at ``plane.origin + alphas[ix]·d1 + betas[iy]·d2`` (row-major image).
    plane : Plane
    path : ndarray, shape (m, 2)
        The recorded weights projected on the plane (empty (0, 2) when none were given).
    """

    alphas: np.ndarray
    betas: np.ndarray
    loss: np.ndarray
    plane: object
    path: np.ndarray

    def __repr__(self):
        return (f"Landscape({self.plane.kind}, {len(self.alphas)}×{len(self.betas)}, "
                f"loss {np.nanmin(self.loss):.4g}..{np.nanmax(self.loss):.4g})")


def plane_range(plane, path_coords, margin=0.25, default=1.0):
    """``(amin, amax, bmin, bmax)`` to show: ``±default`` for a random plane; for a
    trajectory plane the path's extent (with the origin) plus ``margin`` of it each side."""
    if plane.kind == "random" or len(path_coords) == 0:
        return (-default, default, -default, default)
    pts = np.vstack([path_coords, np.zeros((1, 2))])
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    pad = np.maximum(margin * (hi - lo), 1e-3 * max(float((hi - lo).max()), 1e-6))
    lo, hi = lo - pad, hi + pad
    return (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1]))


def landscape_grid(problem, plane, extent, resolution=41, path=None, progress=None,
                   cancelled=None):
    """The loss over a ``resolution × resolution`` grid of the plane.

    Parameters
    ----------
    problem : LossProblem
    plane : Plane
    extent : (amin, amax, bmin, bmax)
        Range of the plane coordinates (see :func:`plane_range`).
    resolution : int
        Grid points per axis (>= 2).
    path : ndarray, shape (m, n_params), optional
        Recorded weights to project onto the plane.
    progress : callable, optional
        ``progress(rows_done, loss)`` after each chunk of rows; ``loss`` (res, res) is NaN
        where not yet computed (do not keep it: it is filled in further).
    cancelled : callable, optional
        Polled between chunks; when it returns True the computation stops and returns None.

    Returns
    -------
    Landscape or None
    """
    res = int(resolution)
    if res < 2:
        raise ValueError("resolution must be >= 2")
    amin, amax, bmin, bmax = extent
    alphas, betas = np.linspace(amin, amax, res), np.linspace(bmin, bmax, res)
    loss = np.full((res, res), np.nan)
    rows = max(1, problem.chunk_size() // res)
    for start in range(0, res, rows):
        if cancelled is not None and cancelled():
            return None
        stop = min(start + rows, res)
        bb, aa = np.meshgrid(betas[start:stop], alphas, indexing="ij")  # (rows, res) each
        loss[start:stop] = problem.plane_losses(plane, aa.ravel(), bb.ravel()).reshape(
            stop - start, res)
        if progress is not None:
            progress(stop, loss)
    coords = np.zeros((0, 2)) if path is None or len(path) == 0 else plane.project(path)
    return Landscape(alphas, betas, loss, plane, coords)


def interpolation(problem, start, end, ts=INTERPOLATION_T):
    """The loss along the line ``(1 − t)·start + t·end`` (Goodfellow et al. 2015).

    Parameters
    ----------
    start, end : ndarray, shape (n_params,)
        E.g. the initial and the current weights.
    ts : ndarray, shape (T,)

    Returns
    -------
    (ts (T,), losses (T,))
    """
    ts = np.asarray(ts, dtype=np.float64)
    start, end = np.asarray(start), np.asarray(end)
    points = start + ts[:, None] * (end - start)
    return ts, problem.losses(points)


@dataclass(frozen=True)
class LandscapeRequest:
    """Everything one landscape picture needs, copied (safe to hand to another thread).

    Attributes
    ----------
    weights : ndarray, shape (n_params,)
        The current weights (the plane's origin).
    path : ndarray, shape (m, n_params)
        Recorded weights along the run, oldest first (the first is the line's start).
    mode : str
        ``"random"`` (filter-normalised directions) or ``"trajectory"`` (PCA plane).
    resolution : int
        Grid points per axis.
    span : float
        Random plane: coordinates in ``[−span, span]``.
    seed : int
        Random plane: seed of the directions.
    step : int
        The training step the weights are from (for labels).
    """

    weights: np.ndarray
    path: np.ndarray
    mode: str = "random"
    resolution: int = 41
    span: float = 1.0
    seed: int = 0
    step: int = 0


@dataclass(frozen=True)
class LandscapeResult:
    """A computed picture: the 2-D landscape and the 1-D line from the path's start.

    ``ts`` (T,) and ``line`` (T,) are the interpolation (empty without a path); ``loss_now``
    the loss at the current weights; ``seconds`` the computing time.
    """

    request: LandscapeRequest
    landscape: Landscape
    ts: np.ndarray
    line: np.ndarray
    loss_now: float
    seconds: float


def compute_landscape(problem, request, progress=None, cancelled=None):
    """The landscape and line of ``request`` on ``problem``; None when cancelled.

    Raises ``UserInputError`` when a trajectory plane cannot be formed yet.
    """
    start = time.perf_counter()
    if request.mode == "trajectory":
        plane = trajectory_plane(request.weights, request.path)
        extent = plane_range(plane, plane.project(request.path))
    else:
        plane = random_plane(problem.sizes, request.weights, request.seed)
        extent = (-request.span, request.span, -request.span, request.span)
    land = landscape_grid(problem, plane, extent, request.resolution, path=request.path,
                          progress=progress, cancelled=cancelled)
    if land is None:
        return None
    ts, line = np.zeros(0), np.zeros(0)
    if len(request.path):
        ts, line = interpolation(problem, request.path[0], request.weights)
    loss_now = float(problem.losses(request.weights[None, :])[0])
    return LandscapeResult(request, land, ts, line, loss_now, time.perf_counter() - start)
