"""Is a dataset's input row the pixels of a square image, and of which side?

The shipped digits (64 = 8×8), MNIST-style CSV files (784 = 28×28, a ``label`` and
``pixel0 … pixel783``) and 32×32 images (1,024) have inputs that are pixels, row by row.
Such data is better shown as pictures than as columns: the GUI asks ``image_side`` (from the
column names) or ``dataset_image_side`` (which also honours the user's "Inputs are image
pixels" confirmation stored in the dataset's spec).
"""

import math
import re

#: Side lengths (pixels) accepted for a square image.
MIN_SIDE, MAX_SIDE = 4, 128
#: Column names that say "pixel": pixel0, pixel_3_5, Pixel 12, px7, pix_0, p7, and row×column
#: names 1x1 … 28x28 or 3_7.
PIXEL_NAME = re.compile(
    r"^(?:(?:pixel|pix|px|p)[ _-]?\d+(?:[ _x-]\d+)?|\d+[x_]\d+)$", re.IGNORECASE)
#: The key of ``Dataset.spec`` that records the user's confirmation.
IMAGE_PIXELS_KEY = "image_pixels"


def is_pixel_name(name):
    """Whether ``name`` (a column name) names one pixel, e.g. ``"pixel0"``, ``"pixel_2_5"``."""
    return bool(PIXEL_NAME.match(str(name).strip()))


def square_side(n_inputs):
    """``s`` when ``n_inputs == s * s`` with ``MIN_SIDE <= s <= MAX_SIDE``, else None."""
    side = math.isqrt(max(int(n_inputs), 0))
    return side if side * side == n_inputs and MIN_SIDE <= side <= MAX_SIDE else None


def image_side(n_inputs, feature_names):
    """Side length of the square image the inputs are, or None.

    Parameters
    ----------
    n_inputs : int
        Number of input columns ``d``.
    feature_names : sequence of str
        The ``d`` input names; every one must name a pixel (``PIXEL_NAME``).

    Returns
    -------
    int or None
        ``s`` with ``s * s == n_inputs`` (8 for 64 inputs, 28 for 784, 32 for 1,024).
    """
    side = square_side(n_inputs)
    names = list(feature_names or ())
    if side is None or len(names) != n_inputs:
        return None
    return side if all(is_pixel_name(name) for name in names) else None


def dataset_image_side(dataset):
    """``image_side`` of ``dataset``'s inputs, or the square's side when the user confirmed
    that the inputs are pixels (``spec["image_pixels"]``); None otherwise."""
    side = image_side(dataset.n_inputs, dataset.input_names)
    if side is None and dataset.spec.get(IMAGE_PIXELS_KEY):
        side = square_side(dataset.n_inputs)
    return side


def is_image_classification(dataset):
    """Whether ``dataset`` is classification of square images (the digits, an MNIST-style
    CSV): the data the image views are for."""
    return dataset.is_classification and dataset_image_side(dataset) is not None


def label_beside_pixels(header):
    """Index of the one column that is not a pixel when all the others are a square image's
    pixels (MNIST's CSV: ``label, pixel0 … pixel783``); None otherwise."""
    others = [j for j, name in enumerate(header) if not is_pixel_name(name)]
    if len(others) != 1:
        return None
    return others[0] if square_side(len(header) - 1) else None
