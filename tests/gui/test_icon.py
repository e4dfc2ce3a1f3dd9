"""The application icon comes from the shipped SVG (``resources/icons``) at every size."""

from PySide6.QtCore import QSize

from gui.shell.icon import ICON_SIZES, app_icon


def test_the_app_icon_has_every_size(qapp):
    icon = app_icon()
    assert not icon.isNull()
    assert {QSize(s, s) for s in ICON_SIZES} <= set(icon.availableSizes())
    image = icon.pixmap(64, 64).toImage()
    centre = image.pixelColor(32, 32)
    corner = image.pixelColor(0, 0)
    assert centre.alpha() == 255 and corner.alpha() == 0  # drawn, with a transparent margin
