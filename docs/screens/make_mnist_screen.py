"""Regenerate ``docs/screens/mnist_shaped.png``: the window on an MNIST-shaped CSV (a label
and ``pixel0 … pixel783``) of generated 28×28 digits, opened as a user opens a CSV, trained
784-128-10 for a few epochs, the image views shown.

The digits are the glyphs 0–9 drawn in a few fonts with random size, shift and slant (white
on black, 0–255, like MNIST): they are not MNIST, only its shape.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screens/make_mnist_screen.py
"""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs"))

import numpy as np  # noqa: E402
from make_screenshots import open_window, run_shots, settle, train_to_epoch  # noqa: E402
from PySide6.QtCore import QPointF, QSettings  # noqa: E402
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QTransform  # noqa: E402

from core.data import load_csv  # noqa: E402
from core.train.config import TrainConfig  # noqa: E402

OUT = ROOT / "docs" / "screens"
ROWS = 6_000
FONTS = ("DejaVu Sans", "DejaVu Serif", "DejaVu Sans Mono")


def glyph(digit, rng):
    """A 28×28 uint8 image of ``digit``: white ink on black, random font, size, shift, slant."""
    image = QImage(28, 28, QImage.Format.Format_Grayscale8)
    image.fill(QColor("black"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    font = QFont(FONTS[int(rng.integers(len(FONTS)))])
    font.setPixelSize(int(rng.integers(17, 23)))
    font.setBold(bool(rng.integers(2)))
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.setTransform(QTransform().translate(14 + rng.normal(0, 1), 14 + rng.normal(0, 1))
                         .shear(rng.normal(0, 0.15), 0).rotate(rng.normal(0, 8)))
    painter.drawText(QPointF(-7, 7), str(digit))
    painter.end()
    bits = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(28, image.bytesPerLine())
    return bits[:, :28].copy()


def write_csv(path, rows=ROWS, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, size=rows)
    with open(path, "w", encoding="ascii") as f:
        f.write("label," + ",".join(f"pixel{k}" for k in range(784)) + "\n")
        for label in labels:
            f.write(f"{label}," + ",".join(map(str, glyph(label, rng).reshape(-1))) + "\n")


def mnist_shaped():
    with tempfile.TemporaryDirectory() as folder:
        # settings of its own: the window as a new user sees it, every dock in place
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, folder)
        path = Path(folder) / "mnist_shaped.csv"
        write_csv(path)
        dataset = load_csv(path)
    window = open_window(dataset, TrainConfig(hidden=(128,), activation="relu",
                                              batch_size=64, lr=0.01, optimizer="adam"))
    train_to_epoch(window, 3)
    settle(1.0)
    out = OUT / "mnist_shaped.png"
    if not window.grab().save(str(out)):
        raise OSError(f"could not write {out}")
    print(f"wrote {out.relative_to(ROOT)}")
    window.close()


SHOTS = {"mnist_shaped": mnist_shaped}

if __name__ == "__main__":
    run_shots(SHOTS, sys.argv[1:])
