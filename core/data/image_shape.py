"""Whether a row of inputs is the pixels of one square image, and the image's side.

Used by the diagram (the input layer drawn as one image) and by views of CSV image data
(MNIST-like files). Pure Python: no NumPy needed.
"""

import math
import re

#: Smallest and largest image side recognised (4×4 … 256×256 pixels).
MIN_SIDE, MAX_SIDE = 4, 256

#: Column names that read as one pixel each: ``pixel0``, ``pixel_3``, ``px12``,
#: ``pixel_2_5`` (row, column; the shipped digits), ``p7``, ``3x7`` / ``3_7`` (row × column).
_PIXEL_NAME = re.compile(
    r"^(?:(?:pixel|pix|px|p)[ _-]?\d+(?:[ _x-]\d+)?|\d+[x_]\d+)$", re.IGNORECASE
)


def is_pixel_name(name):
    """Whether ``name`` (a column name) names one pixel, e.g. ``"pixel0"``, ``"pixel_2_5"``."""
    return bool(_PIXEL_NAME.match(str(name).strip()))


def image_side(n_inputs, feature_names):
    """The side of the square image that ``n_inputs`` pixel columns form, else None.

    Parameters
    ----------
    n_inputs : int
        Number of input columns ``d`` (64 for the shipped digits, 784 for MNIST-like CSVs).
    feature_names : sequence of str or None
        The ``d`` column names. Every name must read as a pixel (:func:`is_pixel_name`):
        64 chemical measurements are not an 8×8 image. None (names unknown) gives None.

    Returns
    -------
    int or None
        ``s`` with ``s * s == n_inputs`` and ``MIN_SIDE <= s <= MAX_SIDE`` (8 for 64 inputs,
        28 for 784, 32 for 1024), pixels read row by row; None when the inputs are not
        the pixels of one square image.
    """
    n = int(n_inputs)
    side = math.isqrt(n) if n > 0 else 0
    if side * side != n or not MIN_SIDE <= side <= MAX_SIDE:
        return None
    if feature_names is None or len(feature_names) != n:
        return None
    return side if all(is_pixel_name(name) for name in feature_names) else None
