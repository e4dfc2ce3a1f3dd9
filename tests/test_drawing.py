"""Drawing → digits format: against an explicit-loop reference and round trips of real digits."""

import numpy as np
import pytest

from core.data import load_dataset
from core.errors import UserInputError
from core.teach.digit_ink import downsample_to_digits, drawing_bitmap, ink_square


def reference_digits(canvas, threshold=0.5):
    """The module docstring's recipe, written with plain loops (independent of the code)."""
    H, W = canvas.shape
    on = [(r, c) for r in range(H) for c in range(W) if canvas[r, c] >= threshold]
    if not on:
        return np.zeros(64)
    r0, r1 = min(r for r, _ in on), max(r for r, _ in on) + 1
    c0, c1 = min(c for _, c in on), max(c for _, c in on) + 1
    side = max(r1 - r0, c1 - c0)
    top, left = (r0 + r1 - side) / 2, (c0 + c1 - side) / 2
    cell = side / 32

    def overlap(lo, hi, p):
        return max(0.0, min(hi, p + 1) - max(lo, p))

    bitmap = np.zeros((32, 32), dtype=bool)
    for i in range(32):
        y0, y1 = top + i * cell, top + (i + 1) * cell
        rows = [(r, overlap(y0, y1, r)) for r in range(H) if overlap(y0, y1, r) > 0]
        for j in range(32):
            x0, x1 = left + j * cell, left + (j + 1) * cell
            total = 0.0
            for r, wr in rows:
                for c in range(max(0, int(x0) - 1), min(W, int(x1) + 2)):
                    total += wr * overlap(x0, x1, c) * canvas[r, c]
            bitmap[i, j] = total / (cell * cell) >= threshold - 1e-12
    out = np.zeros(64)
    for i in range(32):
        for j in range(32):
            out[(i // 4) * 8 + j // 4] += bitmap[i, j]
    return out


def stroke_canvas(size, points, width, seed=None):
    """A polyline of the given width drawn with numpy (distance to segments), ink in [0, 1]."""
    yy, xx = np.mgrid[0:size, 0:size] + 0.5
    ink = np.zeros((size, size))
    for (ya, xa), (yb, xb) in zip(points[:-1], points[1:], strict=True):
        d = np.array([yb - ya, xb - xa])
        t = np.clip(((yy - ya) * d[0] + (xx - xa) * d[1]) / d.dot(d), 0, 1)
        dist = np.hypot(yy - (ya + t * d[0]), xx - (xa + t * d[1]))
        ink = np.maximum(ink, np.clip(width / 2 + 0.5 - dist, 0, 1))
    if seed is not None:  # antialiasing-like noise, keeps values in [0, 1]
        ink = np.clip(ink + np.random.default_rng(seed).uniform(-0.2, 0.2, ink.shape), 0, 1)
    return ink


@pytest.mark.parametrize("size, points, width, seed", [
    (256, [(40, 90), (30, 160), (120, 170), (220, 120)], 18, None),   # a "7"-ish stroke
    (256, [(60, 60), (70, 200)], 20, 1),                             # wide, flat: width fills
    (100, [(10, 50), (90, 52)], 7, 2),                               # thin "1", odd sizes
    (64, [(5, 5), (40, 30), (20, 50)], 5, None),                     # a canvas smaller than 32·k
])
def test_matches_the_loop_reference(size, points, width, seed):
    canvas = stroke_canvas(size, points, width, seed)
    got = downsample_to_digits(canvas)
    assert got.shape == (64,) and got.dtype == np.float64
    assert got.min() >= 0 and got.max() <= 16 and got.sum() > 0
    np.testing.assert_array_equal(got, reference_digits(canvas))


def test_the_drawing_fills_the_height_and_is_centred():
    canvas = stroke_canvas(256, [(40, 30), (200, 40)], 16)  # tall stroke near the left edge
    bitmap = drawing_bitmap(canvas)
    rows, cols = np.flatnonzero(bitmap.any(axis=1)), np.flatnonzero(bitmap.any(axis=0))
    assert rows[0] == 0 and rows[-1] == 31
    assert abs((cols[0] + cols[-1]) / 2 - 15.5) <= 1.0
    top, left, side = ink_square(canvas)
    assert side > 150 and top >= 0


BAYER = np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]])


def as_drawing(row):
    """A digits row drawn back as a 256×256 canvas: each block gets ``count`` on pixels
    (spread by an ordered-dither pattern) of a 32×32 bitmap, each bitmap pixel 8×8 canvas
    pixels."""
    counts = row.reshape(8, 8).astype(int)
    bitmap = np.block([[k > BAYER for k in r] for r in counts])
    return np.kron(bitmap, np.ones((8, 8))), bitmap


def test_dataset_digits_drawn_at_256_come_back():
    d = load_dataset("digits")
    exact = centred = 0
    corr = []
    for row in d.X_train[:150]:
        canvas, bitmap = as_drawing(row)
        got = downsample_to_digits(canvas)
        rows, cols = np.flatnonzero(bitmap.any(axis=1)), np.flatnonzero(bitmap.any(axis=0))
        if rows[0] == 0 and rows[-1] == 31 and cols[0] + cols[-1] == 31:
            centred += 1  # already normalised as ours: must come back exactly
            exact += np.array_equal(got, row)
        corr.append(np.corrcoef(got, row)[0, 1])
    assert centred > 50 and exact == centred
    assert np.mean(corr) > 0.9  # the others move by at most a block when re-centred


def test_blank_and_invalid_canvases():
    np.testing.assert_array_equal(downsample_to_digits(np.zeros((256, 256))), np.zeros(64))
    assert ink_square(np.full((8, 8), 0.2)) is None
    for bad in (np.zeros(10), np.array([[np.nan]]), np.zeros((0, 3))):
        with pytest.raises(UserInputError, match="2-D grayscale"):
            downsample_to_digits(bad)


def test_a_drawing_can_be_classified():
    from core.train.config import TrainConfig
    from core.train.trainer import Trainer

    d = load_dataset("digits")
    t = Trainer(d, TrainConfig(hidden=(32,), activation="relu", optimizer="adam", lr=0.01,
                               batch_size=64))
    t.train(epochs=5)
    zero = next(row for row, label in zip(d.X_test, d.labels_test, strict=True) if label == 0)
    canvas, _ = as_drawing(zero)
    probs = t.predict(downsample_to_digits(canvas)[None, :])
    assert probs.shape == (1, 10) and int(np.argmax(probs)) == 0
