"""The dataset chooser: one checkable thumbnail tile per registered dataset, grouped.

Tiles show the dataset's actual points (drawn once, then kept on disk between launches:
:mod:`gui.panels.thumbnail_store`) and its short title on at most two lines; the full title
and description are in the tooltip.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QButtonGroup, QLabel, QVBoxLayout, QWidget

from core.data import DATASET_INFO, DATASETS, load_dataset
from gui.panels import thumbnail_store
from gui.panels.thumbnails import THUMB_SIZE, ThumbnailButton, render_thumbnail
from gui.panels.widgets import FlowLayout

GROUPS = (
    ("Classification", "classification"),
    ("Regression", "regression"),
    ("Real data", "builtin"),
)
_THUMBNAILS = {}  # dataset name -> QPixmap, read or drawn once per process


def group_of(info):
    """The key of the group (``GROUPS``) a ``DATASET_INFO`` entry belongs to."""
    if info.source == "builtin":
        return "builtin"
    return "regression" if info.task == "regression" else "classification"


def thumbnail(name):
    """The thumbnail pixmap of dataset ``name`` at its default settings: kept from an earlier
    launch when the code and data behind it are the same, else drawn (and kept)."""
    if name not in _THUMBNAILS:
        pixmap = thumbnail_store.load(name, THUMB_SIZE)
        if pixmap is None:
            pixmap = render_thumbnail(load_dataset(name))
            thumbnail_store.save(name, pixmap)
        _THUMBNAILS[name] = pixmap
    return _THUMBNAILS[name]


def two_lines(text, metrics, width):
    """``text`` wrapped at spaces onto at most two lines of ``width`` pixels."""
    lines = [""]
    for word in text.split():
        candidate = f"{lines[-1]} {word}".strip()
        if metrics.horizontalAdvance(candidate) <= width or not lines[-1]:
            lines[-1] = candidate
        else:
            lines.append(word)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    return "\n".join(metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines)


class DatasetTiles(QWidget):
    """Grouped tiles, at most one checked.

    Signals
    -------
    chosen(str) : the user clicked the tile of this dataset name.
    """

    chosen = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        flows = {}
        for title, key in GROUPS:
            column.addWidget(QLabel(f"<b>{title}</b>"))
            flows[key] = FlowLayout(spacing=4)
            column.addLayout(flows[key])
        metrics = QFontMetrics(self.font())
        for name in DATASETS.names():
            info = DATASET_INFO[name]
            short = info.title.split(" (")[0]  # the full title is in the tooltip
            tile = ThumbnailButton(name, two_lines(short, metrics, THUMB_SIZE + 16),
                                   thumbnail(name))
            tile.setToolTip(f"<b>{info.title}</b><br>{info.description}")
            tile.clicked.connect(lambda _=False, n=name: self.chosen.emit(n))
            self._group.addButton(tile)
            flows[group_of(info)].addWidget(tile)
        # at least two tiles a row: one tile a row reads as a broken panel
        tile_width = max(b.width() for b in self._group.buttons())
        self.setMinimumWidth(2 * tile_width + 4)

    def buttons(self):
        """Every tile (``ThumbnailButton``), in registry order."""
        return self._group.buttons()

    def select(self, name):
        """Check the tile of dataset ``name`` (none for ``None``: CSV data). Emits nothing."""
        self._group.setExclusive(False)
        for tile in self._group.buttons():
            tile.setChecked(tile.dataset_name == name)
        self._group.setExclusive(True)

    def checked_name(self):
        """The name of the checked tile, or None."""
        checked = self._group.checkedButton()
        return checked.dataset_name if checked else None
