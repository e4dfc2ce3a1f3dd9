"""Planes through weight space for the loss landscape: random filter-normalised or PCA.

A :class:`Plane` is an origin ``θ*`` (the current weights, flat, in ``Network.flat_params``
order) and two directions ``d1``, ``d2``; the point at plane coordinates ``(α, β)`` is
``θ* + α·d1 + β·d2``.

- :func:`random_plane`: two Gaussian directions, *filter-normalised* as Li et al. (2018,
  "Visualizing the Loss Landscape of Neural Nets"): for a dense layer a filter is one neuron,
  i.e. one output column ``W[:, j]``; each column of a direction is rescaled to the norm of
  the same column of the weights, so a step α = 1 changes every neuron by as much as its own
  size. The biases' directions are **zero** (Li et al. leave biases and batch-norm
  parameters unperturbed). Coordinates of interest lie in about ``[−1, 1]``.
- :func:`trajectory_plane`: the first two principal directions of the recorded weights
  minus the current ones (Li et al.'s PCA plane), unit vectors, with the fraction of the
  path's variance each one explains. The optimizer's path then lies nearly in the plane.
"""

from dataclasses import dataclass

import numpy as np

from core.errors import UserInputError


@dataclass(frozen=True)
class Plane:
    """A 2-D slice of weight space.

    Attributes
    ----------
    origin, d1, d2 : ndarray, shape (n_params,)
    kind : str
        ``"random"`` or ``"trajectory"``.
    explained : tuple of float or None
        For a trajectory plane: the fraction of the path's variance along ``d1`` and ``d2``.
    """

    origin: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    kind: str
    explained: tuple | None = None

    def points(self, alphas, betas):
        """Flat weights at ``(alphas[k], betas[k])``: shape (K, n_params) for K coordinates."""
        a = np.asarray(alphas, dtype=self.origin.dtype)[:, None]
        b = np.asarray(betas, dtype=self.origin.dtype)[:, None]
        return self.origin + a * self.d1 + b * self.d2

    def project(self, weights):
        """Plane coordinates of flat weights (least squares when off the plane).

        Parameters
        ----------
        weights : ndarray, shape (m, n_params)

        Returns
        -------
        ndarray, shape (m, 2)
            ``(α, β)`` minimising ``‖w − (θ* + α d1 + β d2)‖`` for each row.
        """
        basis = np.stack([self.d1, self.d2], axis=1)  # (n_params, 2)
        offsets = (np.asarray(weights) - self.origin).T  # (n_params, m)
        coords, *_ = np.linalg.lstsq(basis, offsets, rcond=None)
        return coords.T

    def __repr__(self):
        extra = "" if self.explained is None else \
            f", explained={tuple(round(e, 3) for e in self.explained)}"
        return f"Plane({self.kind}, n_params={self.origin.size}{extra})"


def layer_slices(sizes):
    """``[(W slice, W shape, b slice)]`` per layer into a flat parameter vector."""
    out, offset = [], 0
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=True):
        w = slice(offset, offset + fan_in * fan_out)
        b = slice(w.stop, w.stop + fan_out)
        out.append((w, (fan_in, fan_out), b))
        offset = b.stop
    return out


def filter_normalised_direction(sizes, weights, rng):
    """One random direction scaled per neuron to the weights' norms; zero on biases.

    Parameters
    ----------
    sizes : sequence of int
        Layer sizes ``[n_in, ..., n_out]``.
    weights : ndarray, shape (n_params,)
        The flat weights the direction is normalised to.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray, shape (n_params,)
        For each layer, column ``j`` of the W part has the norm of ``W[:, j]``; b part zero.
    """
    direction = np.zeros_like(weights)
    for w_slice, shape, _ in layer_slices(sizes):
        d = rng.standard_normal(shape)
        W = weights[w_slice].reshape(shape)
        d *= np.linalg.norm(W, axis=0) / np.maximum(np.linalg.norm(d, axis=0), 1e-12)
        direction[w_slice] = d.ravel()
    return direction


def random_plane(sizes, weights, seed=0):
    """The plane through ``weights`` (n_params,) along two filter-normalised directions."""
    weights = np.asarray(weights)
    rng = np.random.default_rng(seed)
    d1 = filter_normalised_direction(sizes, weights, rng)
    d2 = filter_normalised_direction(sizes, weights, rng)
    return Plane(weights.copy(), d1, d2, "random")


def trajectory_plane(weights, path):
    """The plane through ``weights`` spanned by the path's first two principal directions.

    Parameters
    ----------
    weights : ndarray, shape (n_params,)
        The current weights (the origin).
    path : ndarray, shape (m, n_params)
        Recorded weights along the run, oldest first.

    Raises
    ------
    UserInputError
        Fewer than two recorded states differ from the current weights (train a few steps).
    """
    weights = np.asarray(weights)
    offsets = np.asarray(path) - weights
    offsets = offsets[np.abs(offsets).max(axis=1) > 0]
    if len(offsets) < 2:
        raise UserInputError("The trajectory plane needs a few recorded training steps: "
                             "train for a while (or use random directions) and refresh.")
    _, s, vt = np.linalg.svd(offsets, full_matrices=False)
    if len(s) < 2 or s[1] <= 1e-12 * s[0]:
        raise UserInputError("The run's path is a straight line so far, so it spans no "
                             "plane: train longer (or use random directions) and refresh.")
    variance = s * s
    explained = (float(variance[0] / variance.sum()), float(variance[1] / variance.sum()))
    return Plane(weights.copy(), vt[0].copy(), vt[1].copy(), "trajectory", explained)
