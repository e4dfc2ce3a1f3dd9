"""Flat buffers: many arrays stored back to back in one contiguous 1-D array.

A network's parameters (and its gradients, and an optimizer's state) are a handful of small
arrays. Keeping each group in one buffer, with every array a view of it, lets the hot path of a
training step treat the whole group as one vector: the gradient norm is one ``np.vdot`` and an
optimizer update is a few ufunc calls over the buffer instead of a few per array. The views
stay valid for the buffer's lifetime, so code that reads or writes ``layer.W`` in place sees
and makes the same changes; nothing may rebind them.
"""

import math

import numpy as np


def allocate(shapes, dtype):
    """A zeroed 1-D buffer and C-contiguous views of it with ``shapes``, back to back.

    Parameters
    ----------
    shapes : sequence of tuple of int
    dtype : dtype

    Returns
    -------
    flat : ndarray, shape (sum of sizes,)
    views : list of ndarray, one per shape (each a view of ``flat``)
    """
    shapes = [tuple(s) for s in shapes]
    flat = np.zeros(sum(math.prod(s) for s in shapes), dtype=dtype)
    return flat, split(flat, shapes)


def split(flat, shapes):
    """Views of the 1-D array ``flat`` with ``shapes``, back to back (sizes must add up)."""
    views, start = [], 0
    for shape in shapes:
        stop = start + math.prod(shape)
        views.append(flat[start:stop].reshape(shape))
        start = stop
    if start != flat.size:
        raise ValueError(f"shapes {list(shapes)} hold {start} values, the buffer {flat.size}")
    return views


def tiled_buffer(arrays):
    """The 1-D buffer that ``arrays`` fill exactly, back to back in this order, or None.

    True of ``allocate``'s views (e.g. ``Network.params()``); None for separate arrays, for
    views that skip or reorder parts of their buffer, or for mixed dtypes.
    """
    if not arrays:
        return None
    base = arrays[0].base
    if not isinstance(base, np.ndarray) or base.ndim != 1 or not base.flags.c_contiguous:
        return None
    address = base.__array_interface__["data"][0]
    for a in arrays:
        if (a.base is not base or a.dtype != base.dtype or not a.flags.c_contiguous
                or a.__array_interface__["data"][0] != address):
            return None
        address += a.nbytes
    if address != base.__array_interface__["data"][0] + base.nbytes:
        return None
    return base
