"""``image_side``: which inputs are the pixels of a square image."""

import numpy as np
import pytest

from core.data import load_dataset, make_dataset_from_arrays
from core.data.image_shape import (
    dataset_image_side,
    image_side,
    is_image_classification,
    is_pixel_name,
    square_side,
)


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


@pytest.mark.parametrize("names, side", [
    ([f"pixel{k}" for k in range(784)], 28),
    ([f"pixel_{r}_{c}" for r in range(8) for c in range(8)], 8),
    ([f"{r}x{c}" for r in range(1, 33) for c in range(1, 33)], 32),
    ([f"Pixel {k}" for k in range(64)], 8),
])
def test_pixel_names_of_a_square_give_its_side(names, side):
    assert image_side(len(names), names) == side


@pytest.mark.parametrize("names", [
    [f"pixel{k}" for k in range(783)],  # not a square
    [f"x{k}" for k in range(64)],  # not pixel names
    [f"pixel{k}" for k in range(63)] + ["age"],  # one column is something else
    [f"pixel{k}" for k in range(9)],  # a 3×3 "image" is too small to be one
])
def test_other_inputs_are_not_images(names):
    assert image_side(len(names), names) is None


def test_the_shipped_digits_are_8_by_8_images_and_the_user_can_confirm_others():
    assert dataset_image_side(load_dataset("digits")) == 8
    X, y = np.zeros((20, 16)), np.arange(20) % 2
    plain = make_dataset_from_arrays(X, y, "binary")
    confirmed = make_dataset_from_arrays(X, y, "binary", spec={"image_pixels": True})
    assert dataset_image_side(plain) is None and dataset_image_side(confirmed) == 4
    assert square_side(17) is None and square_side(1024) == 32
    assert is_image_classification(load_dataset("digits")) and is_image_classification(confirmed)
    assert not is_image_classification(plain)
    regression = make_dataset_from_arrays(X, np.arange(20.0), "regression",
                                          spec={"image_pixels": True})
    assert not is_image_classification(regression)  # pixels, but not classes to show


def test_a_drawn_stroke_becomes_a_centred_mnist_style_image():
    from core.teach.digit_ink import downsample_to_image

    canvas = np.zeros((256, 256))
    canvas[20:120, 30:50] = 1.0  # a bar in the top left corner
    row = downsample_to_image(canvas, 28, 255.0)
    image = row.reshape(28, 28)
    assert row.shape == (784,) and image.max() == 255.0 and image.min() == 0.0
    rows, cols = np.nonzero(image)
    assert rows.max() - rows.min() + 1 == 20  # the ink's height fills the 20-pixel box
    mass = image.sum()
    grid = np.arange(28)
    centre = ((image.sum(axis=1) @ grid) / mass, (image.sum(axis=0) @ grid) / mass)
    assert abs(centre[0] - 13.5) <= 0.5 and abs(centre[1] - 13.5) <= 0.5
    assert not downsample_to_image(np.zeros((64, 64)), 8, 16.0).any()


def test_the_label_beside_pixel_columns_is_the_default_target(tmp_path):
    from core.data import load_csv, preview_csv

    path = tmp_path / "mnist_like.csv"
    header = "label," + ",".join(f"pixel{k}" for k in range(64))
    rows = [f"{i % 3}," + ",".join(str((i * k) % 256) for k in range(64)) for i in range(30)]
    path.write_text("\n".join([header, *rows]) + "\n")
    assert preview_csv(path).default_target == "label"
    dataset = load_csv(path)
    assert dataset.spec["target"] == "label" and dataset.n_inputs == 64
    assert dataset_image_side(dataset) == 8 and dataset.task == "multiclass"
