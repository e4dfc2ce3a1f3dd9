"""image_side: which input columns form one square image."""

import pytest

from core.data import load_dataset
from core.data.image_shape import image_side, is_pixel_name


@pytest.mark.parametrize("side", [8, 28, 32])
def test_square_pixel_columns_give_their_side(side):
    names = [f"pixel{i}" for i in range(side * side)]
    assert image_side(side * side, names) == side


def test_shipped_digits_are_8_by_8():
    ds = load_dataset("digits")
    assert image_side(ds.n_inputs, ds.input_names) == 8


@pytest.mark.parametrize("name", ["pixel0", "Pixel_12", "px3", "pixel_2_5", "p7", "3x7",
                                  "12_4"])
def test_pixel_names(name):
    assert is_pixel_name(name)


@pytest.mark.parametrize("name", ["alcohol", "x1", "pixels", "pixel", "color_intensity", ""])
def test_not_pixel_names(name):
    assert not is_pixel_name(name)


def test_not_an_image():
    assert image_side(63, [f"pixel{i}" for i in range(63)]) is None  # not square
    assert image_side(4, ["pixel0", "pixel1", "pixel2", "pixel3"]) is None  # 2×2: too small
    names = [f"pixel{i}" for i in range(63)] + ["alcohol"]
    assert image_side(64, names) is None  # one column is not a pixel
    assert image_side(64, None) is None
    assert image_side(64, ["pixel0"]) is None  # names do not match the count
    assert image_side(0, []) is None
    wine = load_dataset("wine")
    assert image_side(wine.n_inputs, wine.input_names) is None
