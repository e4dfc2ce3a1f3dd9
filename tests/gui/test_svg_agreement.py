"""Exported SVGs look the same in an independent renderer (cairosvg, as librsvg and
Inkscape draw them) as the PNG export: no curve becomes a solid band, no tick label is
lost. Skipped when cairosvg is not installed (it is in the ``test`` extra)."""

import numpy as np
import pytest
from PySide6.QtGui import QImage

from core.watch.snapshot import take_snapshot
from gui.export import plot_export
from gui.export.headless import build_views
from tests.gui.test_export_gui import pixels, trained

cairosvg = pytest.importorskip("cairosvg")


def rgb(image):
    """``(h, w, 3)`` int array of a ``QImage`` (RGB32 bytes are B, G, R, A)."""
    a = pixels(image).reshape(image.height(), image.width(), 4)
    return a[:, :, 2::-1].astype(int)


def near(colour_hex, image_rgb, tol=60):
    """Fraction of pixels within ``tol`` (sum of channel differences) of ``colour_hex``."""
    c = np.array([int(colour_hex[i:i + 2], 16) for i in (1, 3, 5)])
    return float((np.abs(image_rgb - c).sum(axis=2) < tol).mean())


def shown_view(qtbot, name, trainer):
    """The export view ``name``, 520×360 on screen, showing ``trainer``'s state."""
    view = build_views([name])[name]
    qtbot.addWidget(view)
    view.resize(520, 360)
    view.show()
    qtbot.waitExposed(view)
    view.reset(trainer.info())
    view.show_snapshot(take_snapshot(trainer))
    return view


@pytest.mark.parametrize("name", ["loss_curves", "decision_surface"])
def test_svg_renders_in_cairosvg_like_the_png(qtbot, tmp_path, name):
    trainer = trained(epochs=20)
    view = shown_view(qtbot, name, trainer)
    png = QImage(str(plot_export.export_view(view, tmp_path / f"{name}.png", 1)))
    svg = plot_export.export_view(view, tmp_path / f"{name}.svg", 1)
    drawn = QImage.fromData(cairosvg.svg2png(url=str(svg), output_width=png.width(),
                                             output_height=png.height()))
    assert drawn.size() == png.size()
    a, b = rgb(png), rgb(drawn)
    assert np.abs(a - b).mean() < 12, "the SVG draws something else than the PNG"
    for colour in ("#0877bd", "#f59322"):  # the train/test (class) colours cover as much
        ratio = (near(colour, b) + 1e-4) / (near(colour, a) + 1e-4)
        assert 0.5 < ratio < 2.0, (colour, near(colour, a), near(colour, b))
    h = a.shape[0]
    # the left margin holds only the tick labels and the axis title: ink there in both
    rows = slice(h // 6, h * 4 // 5)
    left = int(np.argmax((a[rows].sum(axis=2) < 600).any(axis=0)))  # the picture's left edge
    ink = [(img[rows, left:left + 40].sum(axis=2) < 600).mean() for img in (a, b)]
    # (cairo draws text with lighter anti-aliasing: a third of the ink is plenty)
    assert ink[0] > 0.003 and ink[1] > 0.35 * ink[0], "tick labels are missing from the SVG"
    # the figure's title (top) and legend (bottom) are drawn by both renderers
    for band in (slice(0, h // 12), slice(h - h // 12, h)):
        dark = [(img[band].sum(axis=2) < 450).mean() for img in (a, b)]
        assert dark[0] > 0.005 and dark[1] > 0.35 * dark[0], ("title or legend missing", dark)


@pytest.mark.parametrize("name", ["loss_curves", "decision_surface"])
def test_svg_holds_title_axis_labels_and_legend(qtbot, tmp_path, name):
    trainer = trained(epochs=3)
    view = shown_view(qtbot, name, trainer)
    text = plot_export.export_view(view, tmp_path / f"{name}.svg", (1920, 1080),
                                   info=trainer.info()).read_text()
    wanted = {"loss_curves": ("Loss and accuracy per epoch", "epoch", "loss", "accuracy",
                              "train", "test", "Two circles"),
              "decision_surface": ("Decision surface", "x1", "x2", "class 0", "class 1",
                                   "training point")}[name]
    for words in wanted:
        assert f">{words}" in text or words in text.replace("&#x2013;", "–"), words
