"""The dataset tiles show each dataset's own picture: drawn the first time, then kept on disk
and read at the next launches (gui.panels.thumbnail_store), the same picture either way."""

import pytest
from PySide6.QtGui import QImage

from core.data import DATASETS, load_dataset
from gui.panels import dataset_tiles, thumbnail_store
from gui.panels.dataset_tiles import DatasetTiles
from gui.panels.thumbnails import THUMB_SIZE, render_thumbnail


def pixels(pixmap):
    return pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32)


def drawn_now(name):
    return pixels(render_thumbnail(load_dataset(name)))


@pytest.fixture
def first_launch(tmp_path, monkeypatch):
    """Nothing drawn in this process yet, and an empty cache folder; its path."""
    where = tmp_path / "thumbnails" / "key"
    monkeypatch.setattr(thumbnail_store, "folder", lambda: where)
    monkeypatch.setattr(dataset_tiles, "_THUMBNAILS", {})
    return where


def tile_pictures(qtbot):
    tiles = DatasetTiles()
    qtbot.addWidget(tiles)
    return {tile.dataset_name: pixels(tile.icon().pixmap(THUMB_SIZE, THUMB_SIZE))
            for tile in tiles.buttons()}


def test_every_tile_shows_its_dataset_and_the_next_launch_reads_the_same_pictures(
        qtbot, first_launch, monkeypatch):
    drawn = tile_pictures(qtbot)
    assert sorted(p.stem for p in first_launch.glob("*.png")) == sorted(DATASETS.names())
    monkeypatch.setattr(dataset_tiles, "_THUMBNAILS", {})  # the next launch

    def no_drawing(dataset):
        raise AssertionError(f"the {dataset.name} tile was drawn again")

    monkeypatch.setattr(dataset_tiles, "render_thumbnail", no_drawing)
    kept = tile_pictures(qtbot)
    for name in DATASETS.names():
        assert drawn[name] == drawn_now(name) == kept[name], name
    assert len({kept[name].bits().tobytes() for name in kept}) == len(kept)


def test_a_damaged_picture_is_drawn_again(first_launch):
    first_launch.mkdir(parents=True)
    (first_launch / "circles.png").write_bytes(b"not a picture")
    assert pixels(dataset_tiles.thumbnail("circles")) == drawn_now("circles")
    assert QImage(str(first_launch / "circles.png")).convertToFormat(
        QImage.Format.Format_ARGB32) == drawn_now("circles")


def test_a_new_key_replaces_the_pictures_of_the_old_one(first_launch):
    old = first_launch.parent / "old-key"
    old.mkdir(parents=True)
    (old / "circles.png").write_bytes(b"old")
    dataset_tiles.thumbnail("circles")
    assert not old.exists() and (first_launch / "circles.png").is_file()


def test_the_key_covers_the_generators_the_data_the_drawing_and_the_versions():
    parts = thumbnail_store.sources()
    names = {name for name, _ in parts}
    assert {"core.data/synthetic.py", "core.data/split.py", "gui.panels/thumbnails.py",
            "gui.theme/style.py", "resources/digits.csv.gz", "versions"} <= names
    key = thumbnail_store.key_of(parts)
    for i, (name, data) in enumerate(parts):
        changed = parts[:i] + [(name, data + b"#")] + parts[i + 1:]
        assert thumbnail_store.key_of(changed) != key, name


def test_the_cache_folder_is_the_users_cache_location(qapp):
    from PySide6.QtCore import QStandardPaths

    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    assert str(thumbnail_store.folder()).startswith(base)


def test_without_the_sources_nothing_is_kept(monkeypatch):
    class Sourceless:
        def __init__(self, real):
            self.real = real

        def iterdir(self):
            return [item for item in self.real.iterdir() if not item.name.endswith(".py")]

    real_files = thumbnail_store.resources.files
    monkeypatch.setattr(thumbnail_store.resources, "files", lambda package: Sourceless(
        real_files(package)) if package == "core.data" else real_files(package))
    with pytest.raises(FileNotFoundError):
        thumbnail_store.sources()
    thumbnail_store.folder.cache_clear()
    try:
        assert thumbnail_store.folder() is None
    finally:
        monkeypatch.undo()
        thumbnail_store.folder.cache_clear()
