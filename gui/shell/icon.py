"""The application icon: ``resources/icons/backprop-studio.svg`` drawn at the usual sizes.

The SVG is read through ``core.data.resources`` (``importlib.resources``), so it is found
in a source checkout, an installed wheel or a zip alike, and rendered with ``QSvgRenderer``
(QtSvg is part of PySide6-Essentials), so no image-format plugin is needed.
"""

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from core.data.resources import read_bytes

ICON_FILE = "icons/backprop-studio.svg"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def app_icon():
    """The window and task-bar icon as a ``QIcon`` (one pixmap per size of ``ICON_SIZES``).

    Raises
    ------
    ValueError
        The shipped SVG cannot be parsed (a damaged installation).
    """
    renderer = QSvgRenderer(QByteArray(read_bytes(ICON_FILE)))
    if not renderer.isValid():
        raise ValueError(f"The shipped icon {ICON_FILE} is not a valid SVG file; reinstall "
                         "Backprop Studio.")
    icon = QIcon()
    for size in ICON_SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter)
        painter.end()
        icon.addPixmap(pixmap)
    return icon
