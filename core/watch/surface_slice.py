"""Slices through the input space: the plane a surface is drawn over when data has more
than two inputs, and how far each data row lies from it.

A surface over raw columns ``(i, j)`` holds every other input at one value: by default
the training mean, or values the user chose (sliders). ``slice_distance`` says how far a row
is from that plane, in standard deviations of the held inputs, so a view can fade the
points the slice does not describe instead of silently drawing them on it.
"""

from dataclasses import dataclass

import numpy as np

from core.data.dataset import STATS_BLOCK_ROWS
from core.errors import UserInputError
from core.train.info import surface_bounds


@dataclass(frozen=True)
class SurfaceSlice:
    """The plane a surface is drawn over: two raw input columns, the others held fixed.

    Attributes
    ----------
    columns : (int, int)
        Raw input columns of the horizontal and vertical axes.
    fixed : tuple of float or None
        A raw value per input column (d,) for the inputs not spanned (the entries of
        ``columns`` are ignored); None holds them at their training means.
    """

    columns: tuple
    fixed: tuple | None = None


def as_slice(surface_columns):
    """A ``SurfaceSlice`` from what ``take_snapshot`` accepts: a pair, a slice or None."""
    if surface_columns is None or isinstance(surface_columns, SurfaceSlice):
        return surface_columns
    return SurfaceSlice(tuple(int(c) for c in surface_columns))


def slice_values(dataset, fixed=None):
    """The raw value of every input over a slice: ``fixed`` (d,) or the training means.

    Raises ``UserInputError`` when ``fixed`` does not hold one finite number per input.
    """
    means = dataset.input_stats.mean
    if fixed is None:
        return means.copy()
    values = np.asarray(fixed, dtype=np.float64)
    if values.shape != means.shape or not np.all(np.isfinite(values)):
        raise UserInputError(f"A surface slice needs one finite value per input "
                             f"({len(means)}), got {tuple(fixed)!r}.")
    return values


def slice_grid(dataset, columns, resolution, fixed=None):
    """Raw inputs of a grid over ``columns``, the other inputs at ``fixed`` (or their means).

    Returns
    -------
    x (res,), y (res,), raw (res*res, d)
        ``raw[iy * res + ix]`` is the point ``(x[ix], y[iy])`` of the slice.
    """
    ds = dataset
    i, j = columns
    d = ds.n_inputs
    if not (0 <= i < d and 0 <= j < d and i != j):
        raise UserInputError(
            f"Surface columns {tuple(columns)} must be two different input columns in 0..{d - 1}."
        )
    xmin, xmax, ymin, ymax = surface_bounds(ds, columns)
    x = np.linspace(xmin, xmax, resolution)
    y = np.linspace(ymin, ymax, resolution)
    raw = np.tile(slice_values(ds, fixed), (resolution * resolution, 1))
    xx, yy = np.meshgrid(x, y)  # xx[iy, ix] = x[ix]
    raw[:, i] = xx.ravel()
    raw[:, j] = yy.ravel()
    return x, y, raw


def slice_distance(X, columns, values, scale):
    """Root-mean-square distance of each row from a slice, over the inputs it holds fixed.

    Parameters
    ----------
    X : ndarray, shape (n, d)
        Raw rows.
    columns : (int, int)
        The spanned columns (not counted).
    values : ndarray, shape (d,)
        The slice's value of every input (``slice_values``).
    scale : ndarray, shape (d,)
        Unit of each input (its standard deviation); zeros are treated as 1.

    Returns
    -------
    ndarray, shape (n,)
        ``sqrt(mean_k ((X[:, k] - values[k]) / scale[k])²)`` over the held columns ``k``;
        zeros when no column is held (2-D data).
    """
    held = [k for k in range(X.shape[1]) if k not in tuple(columns)]
    if not held:
        return np.zeros(len(X))
    unit = np.where(scale[held] > 0, scale[held], 1.0)
    distance = np.empty(len(X))
    for start in range(0, len(X), STATS_BLOCK_ROWS):  # no full-size temporaries
        rows = slice(start, start + STATS_BLOCK_ROWS)
        z = (X[rows][:, held] - values[held]) / unit
        distance[rows] = np.sqrt(np.mean(z * z, axis=1))
    return distance
