"""Turn a digit drawn with the mouse into the digits dataset's 8×8 format (or, with
``downsample_to_image``, into MNIST-style square grayscale images of any side).

The shipped digits (UCI optical recognition of handwritten digits, as in scikit-learn) were
made by NIST's preprocessing: each digit was scaled to a 32×32 black-and-white bitmap and the
bitmap cut into 4×4 blocks; each of the 8×8 inputs is the number of "on" pixels of its block,
0 to 16. In the shipped data every digit touches the top and the bottom rows (it was scaled
so its larger side fills the 32 pixels) and is centred.

``downsample_to_digits`` does exactly this to a grayscale canvas (H, W) with ink in [0, 1]:

1. ink pixels are those ``>= threshold``; their bounding box is found (no ink: all zeros);
2. the box is grown to a square of side ``max(height, width)`` around the box's centre
   (outside the canvas counts as blank), so the aspect ratio is kept and the digit centred;
3. the square is resampled to 32×32 by area averaging: each bitmap pixel is the mean ink over
   the part of the square it covers (fractional canvas pixels weighted by their overlap);
4. a bitmap pixel is "on" when that mean is ``>= threshold``;
5. on pixels are counted in each 4×4 block, giving 8×8 values in 0..16, row by row.
"""

import numpy as np

from core.errors import UserInputError

BITMAP_SIZE = 32
GRID_SIZE = 8
BLOCK = BITMAP_SIZE // GRID_SIZE


def _check_canvas(canvas):
    c = np.asarray(canvas, dtype=np.float64)
    if c.ndim != 2 or c.size == 0 or not np.all(np.isfinite(c)):
        raise UserInputError(
            f"A drawing must be a non-empty 2-D grayscale image of finite values; got shape "
            f"{c.shape}."
        )
    return np.clip(c, 0.0, 1.0)


def ink_square(canvas, threshold=0.5):
    """The square, in canvas pixel coordinates, that ``downsample_to_digits`` resamples.

    Parameters
    ----------
    canvas : ndarray, shape (H, W)
        Ink in [0, 1].
    threshold : float
        Ink level that counts as "on".

    Returns
    -------
    tuple of float or None
        ``(top, left, side)``: rows ``[top, top + side)`` and columns ``[left, left + side)``;
        None when nothing reaches ``threshold``.
    """
    c = _check_canvas(canvas)
    rows = np.flatnonzero((c >= threshold).any(axis=1))
    cols = np.flatnonzero((c >= threshold).any(axis=0))
    if rows.size == 0:
        return None
    r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    side = float(max(r1 - r0, c1 - c0))
    return (r0 + r1 - side) / 2.0, (c0 + c1 - side) / 2.0, side


def _area_weights(start, side, n_pixels, size):
    """Matrix (size, n_pixels): weight of canvas pixel p in output cell i (mean over the cell).

    Cell ``i`` spans ``[start + i·side/size, start + (i+1)·side/size)``; pixel ``p`` spans
    ``[p, p + 1)``; the weight is their overlap divided by the cell length.
    """
    cell = side / size
    lo = start + cell * np.arange(size)[:, None]
    p = np.arange(n_pixels)[None, :]
    overlap = np.minimum(lo + cell, p + 1.0) - np.maximum(lo, p)
    return np.clip(overlap, 0.0, None) / cell


def drawing_bitmap(canvas, threshold=0.5):
    """The 32×32 bitmap of a drawing (steps 1–4 of the module docstring).

    Parameters
    ----------
    canvas : ndarray, shape (H, W)
        Ink in [0, 1] (values outside are clipped).
    threshold : float

    Returns
    -------
    ndarray of bool, shape (32, 32)
    """
    c = _check_canvas(canvas)
    square = ink_square(c, threshold)
    if square is None:
        return np.zeros((BITMAP_SIZE, BITMAP_SIZE), dtype=bool)
    top, left, side = square
    rows = _area_weights(top, side, c.shape[0], BITMAP_SIZE)
    cols = _area_weights(left, side, c.shape[1], BITMAP_SIZE)
    mean_ink = rows @ c @ cols.T
    # A tiny tolerance: a cell exactly at the threshold must not flip on rounding.
    return mean_ink >= threshold - 1e-12


def downsample_to_digits(canvas, threshold=0.5):
    """A drawing as one row of the digits dataset.

    Parameters
    ----------
    canvas : ndarray, shape (H, W)
        Grayscale drawing, ink in [0, 1] (e.g. 256×256; any size).
    threshold : float
        Ink level that counts as "on", for the bounding box and the bitmap.

    Returns
    -------
    ndarray, shape (64,), float64
        Counts 0..16 of on pixels per 4×4 block of the 32×32 bitmap, row by row (the order of
        the dataset's inputs ``pixel_<row>_<column>``). Feed it to ``Trainer.predict`` as a
        ``(1, 64)`` row: the trainer's pipeline standardises it like the training data.
    """
    bitmap = drawing_bitmap(canvas, threshold)
    blocks = bitmap.reshape(GRID_SIZE, BLOCK, GRID_SIZE, BLOCK).sum(axis=(1, 3))
    return blocks.astype(np.float64).reshape(-1)


#: MNIST's digits fill a 20×20 box of the 28×28 image: the share of the side the ink spans.
INK_SHARE = 20 / 28


def downsample_to_image(canvas, side, top, threshold=0.5):
    """A drawing as one row of square grayscale images of ``side``² pixels, MNIST's way.

    The ink's bounding square (as ``ink_square``) is area-averaged into a box of
    ``round(INK_SHARE * side)`` pixels, which is put in a blank ``side × side`` image with
    its centre of mass at the image's centre (shifted by whole pixels, as MNIST was made);
    ink 1 becomes ``top`` (255 for MNIST).

    Parameters
    ----------
    canvas : ndarray, shape (H, W)
        Ink in [0, 1] (values outside are clipped).
    side : int
        The image side, ``>= 4`` (28 for MNIST).
    top : float
        The data's value for full ink.
    threshold : float
        Ink level that counts for the bounding square.

    Returns
    -------
    ndarray, shape (side * side,), float64
        Gray values in ``[0, top]``, row by row (``pixel0`` is the top left one).
    """
    c = _check_canvas(canvas)
    image = np.zeros((side, side))
    square = ink_square(c, threshold)
    if square is None:
        return image.reshape(-1)
    box = max(1, int(round(INK_SHARE * side)))
    top_row, left, span = square
    rows = _area_weights(top_row, span, c.shape[0], box)
    cols = _area_weights(left, span, c.shape[1], box)
    ink = np.clip(rows @ c @ cols.T, 0.0, 1.0)
    start = (side - box) // 2
    image[start:start + box, start:start + box] = ink
    mass = image.sum()
    if mass > 0:
        grid = np.arange(side)
        centre = (side - 1) / 2.0
        shift_r = int(round(centre - (image.sum(axis=1) @ grid) / mass))
        shift_c = int(round(centre - (image.sum(axis=0) @ grid) / mass))
        image = _shifted(image, shift_r, shift_c)
    return (image * float(top)).reshape(-1)


def _shifted(image, dr, dc):
    """``image`` moved ``dr`` rows down and ``dc`` columns right, blank where it left."""
    out = np.zeros_like(image)
    n = len(image)
    src_r, dst_r = slice(max(0, -dr), min(n, n - dr)), slice(max(0, dr), min(n, n + dr))
    src_c, dst_c = slice(max(0, -dc), min(n, n - dc)), slice(max(0, dc), min(n, n + dc))
    out[dst_r, dst_c] = image[src_r, src_c]
    return out
