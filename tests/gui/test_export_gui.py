"""Take it away, GUI half: view/diagram export (PNG size, SVG), export-all, weights, sessions.

Everything runs offscreen and waits on signals (never sleeps). Message boxes are replaced by
recorders, file dialogs are bypassed by calling the functions behind the actions.
"""

import errno
import os

import numpy as np
import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QAction, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QDockWidget, QMessageBox

from core.data import load_dataset
from core.io import save_weights_file
from core.io.atomic import atomic_write
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from gui.export import operations, plot_export
from gui.export.context_menu import DIAGRAM_ACTION, VIEW_ACTION, diagram_menu
from gui.export.dialogs import ExportDialog
from gui.export.export_all import HISTORY_FILE
from gui.export.headless import export_all_plots
from gui.export.pg_svg import QtSvgExporter
from gui.shell.window import MainWindow
from tests.gui.helpers import shown_window

TIMEOUT = 15_000


# ----------------------------------------------------------------------------- helpers
def pixels(image):
    img = image.convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes())
    return arr.reshape(img.height(), img.bytesPerLine())[:, : img.width() * 4]


def assert_png(path, size=None):
    image = QImage(str(path))
    assert not image.isNull(), f"{path} is not a readable PNG"
    if size is not None:
        assert image.size() == QSize(*size), f"{path}: {image.size()} != {size}"
    assert pixels(image).var() > 0, f"{path} is blank"


def assert_svg(path):
    renderer = QSvgRenderer(str(path))
    assert renderer.isValid(), f"{path} does not parse as SVG"
    image = QImage(renderer.defaultSize(), QImage.Format.Format_ARGB32)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    assert pixels(image).var() > 0, f"{path} renders blank"


def trained(name="circles", hidden=(8, 8), epochs=3, **kw):
    trainer = Trainer(load_dataset(name, **kw), TrainConfig(hidden=hidden, lr=0.05))
    trainer.train(epochs)
    return trainer


class Boxes:
    """Records QMessageBox.critical texts; answers QMessageBox.question with ``answer``."""

    def __init__(self, monkeypatch, answer=QMessageBox.StandardButton.Yes):
        self.errors, self.questions = [], []

        def critical(_parent, _title, text, *args, **kw):
            self.errors.append(text)
            return QMessageBox.StandardButton.Ok

        def question(_parent, _title, text, *args, **kw):
            self.questions.append(text)
            return answer

        monkeypatch.setattr(QMessageBox, "critical", critical)
        monkeypatch.setattr(QMessageBox, "question", question)


def trainer_weights(qtbot, window):
    """Copies of the worker's current weights, read in the worker thread."""
    return window.session.call(lambda t: [layer.W.copy() for layer in t.network.layers])


@pytest.fixture
def window(qtbot):
    w = shown_window(qtbot)
    yield w
    w.close()


# ----------------------------------------------------------------------------- one view
def test_every_view_exports_png_of_requested_size_and_svg(qtbot, tmp_path):
    from gui.export.headless import build_views

    trainer = trained()
    views = build_views(["decision_surface", "loss_curves", "weights", "network"])
    from core.watch.snapshot import take_snapshot

    snap = take_snapshot(trainer)
    for name, view in views.items():
        qtbot.addWidget(view)
        view.resize(500, 360)
        view.show()
        qtbot.waitExposed(view)
        view.reset(trainer.info())
        view.show_snapshot(snap)
        on_screen = plot_export.screen_size(view)
        default = plot_export.export_view(view, tmp_path / f"{name}.png")
        assert_png(default, (on_screen.width() * 2, on_screen.height() * 2))
        custom = plot_export.export_view(view, tmp_path / f"{name} wide é.png", (900, 300))
        assert_png(custom, (900, 300))
        assert_svg(plot_export.export_view(view, tmp_path / f"{name}.svg"))
        assert_png(plot_export.export_view(view, tmp_path / f"{name}@1.png", 1),
                   on_screen.toTuple())
    printed = plot_export.export_view(view, tmp_path / "print.png", (1920, 1440), dpi=300)
    image = QImage(str(printed))
    assert (image.width(), image.height()) == (1920, 1440)
    assert image.dotsPerMeterX() == image.dotsPerMeterY() == round(300 / 0.0254)  # 6.4×4.8 in
    assert QImage(str(default)).dotsPerMeterX() != round(300 / 0.0254)


def test_export_dialog_sizes_and_extension(qtbot, tmp_path):
    dialog = ExportDialog(None, QSize(400, 300), tmp_path / "plot")
    qtbot.addWidget(dialog)
    assert dialog.preset_combo.currentText() == "Slide 1920×1080"  # the default
    assert dialog.chosen_size() == QSize(1920, 1080)
    dialog.preset_combo.setCurrentText("As on screen")
    assert dialog.chosen_size() == QSize(400, 300)
    dialog.preset_combo.setCurrentText("2× screen")
    assert dialog.chosen_size() == QSize(800, 600)
    assert dialog.chosen_dpi() is None  # screen presets keep Qt's default resolution
    dialog.preset_combo.setCurrentText("Print 300 dpi (6.4×4.8 in)")
    assert dialog.chosen_size() == QSize(1920, 1440) and dialog.chosen_dpi() == 300
    dialog.preset_combo.setCurrentText("Custom")
    dialog.width_box.setValue(1000)
    assert dialog.chosen_size() == QSize(1000, 750)  # height follows the proportions
    assert dialog.chosen_path() == tmp_path / "plot.png"
    dialog.format_combo.setCurrentIndex(1)
    assert dialog.chosen_path() == tmp_path / "plot.svg"
    folder = ExportDialog(None, QSize(400, 300), tmp_path, folder=True)
    qtbot.addWidget(folder)
    assert folder.chosen_size() == QSize(1920, 1080)
    assert folder.chosen_formats() == ("png", "svg")
    folder.preset_combo.setCurrentText("As on screen")
    assert folder.chosen_size() == 1 and folder.chosen_path() == tmp_path


def test_export_dialog_remembers_the_size(qtbot, tmp_path, temporary_settings):
    from gui.shell.window import app_settings

    first = ExportDialog(None, QSize(400, 300), tmp_path / "plot", settings=app_settings)
    qtbot.addWidget(first)
    first.preset_combo.setCurrentText("Custom")
    first.width_box.setValue(1234)
    first.height_box.setValue(567)
    first.accept()
    again = ExportDialog(None, QSize(400, 300), tmp_path / "plot", settings=app_settings)
    qtbot.addWidget(again)
    assert again.preset_combo.currentText() == "Custom"
    assert again.chosen_size() == QSize(1234, 567)
    again.preset_combo.setCurrentText("Print 300 dpi (6.4×4.8 in)")
    again.accept()
    third = ExportDialog(None, QSize(400, 300), tmp_path, folder=True, settings=app_settings)
    qtbot.addWidget(third)
    assert third.chosen_size() == QSize(1920, 1440)


# ----------------------------------------------------------------------------- export all
def test_export_all_plots_headless_from_a_plain_trainer(tmp_path):
    written = export_all_plots(trained("digits", hidden=(16,), epochs=2), tmp_path / "out")
    names = {p.name for p in written}
    for stem in ("decision_surface", "loss_curves", "weights", "digits", "network"):
        assert {f"{stem}.png", f"{stem}.svg"} <= names
        assert_png(tmp_path / "out" / f"{stem}.png")
        assert_svg(tmp_path / "out" / f"{stem}.svg")
    assert "regression_surface.png" not in names
    lines = (tmp_path / "out" / HISTORY_FILE).read_text().splitlines()
    assert lines[0] == "epoch,train_loss,test_loss,train_metric,test_metric,lr"
    assert len(lines) == 3


def test_export_all_plots_headless_regression_with_size(tmp_path):
    written = export_all_plots(trained("plane", epochs=1), tmp_path, size=(640, 480))
    pngs = [p for p in written if p.suffix == ".png"]
    assert {p.stem for p in pngs} == {"regression_surface", "loss_curves", "weights", "network"}
    for path in pngs:
        assert_png(path, (640, 480))


def test_every_plot_exports_from_a_window_mid_training(qtbot, tmp_path):
    # An epoch limit the run cannot reach, so training is still going during the export.
    window = MainWindow(load_dataset("circles"), TrainConfig(epochs=10**6))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.findChild(QAction, "exportPlots") is not None
    window.findChild(QAction, "play").trigger()
    qtbot.waitUntil(lambda: len(window.session.last_snapshot.history["epoch"]) >= 2,
                    timeout=TIMEOUT)
    written = operations.export_plots_to(window, tmp_path)  # while training runs
    with qtbot.waitSignal(window.session.runningChanged, timeout=TIMEOUT):
        window.session.pause()
    assert written is not None
    for stem in ("decision_surface", "loss_curves", "weights", "network", "gradient_norms"):
        assert_png(tmp_path / f"{stem}.png")
        assert_svg(tmp_path / f"{stem}.svg")
    rows = (tmp_path / HISTORY_FILE).read_text().splitlines()
    assert len(rows) >= 3
    norms = (tmp_path / "gradient_norms.svg").read_text()
    assert "Gradient norms" in norms and "layer 1" in norms and "step" in norms


# ----------------------------------------------------------------------------- safety
def test_failing_writer_keeps_the_old_file_and_leaves_no_temp_file(qtbot, monkeypatch,
                                                                    window, tmp_path):
    boxes = Boxes(monkeypatch)
    target = tmp_path / "loss.png"
    target.write_bytes(b"old picture")

    def disk_full(path, data):
        def writer(f):
            f.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        return atomic_write(path, writer)

    monkeypatch.setattr(plot_export, "atomic_write_bytes", disk_full)
    assert operations.export_view_to(window, window.loss_view, target) is None
    assert target.read_bytes() == b"old picture"
    assert os.listdir(tmp_path) == ["loss.png"]
    assert boxes.errors and "disk is full" in boxes.errors[0]


def test_unwritable_or_missing_folder_is_reported(qtbot, monkeypatch, window, tmp_path):
    boxes = Boxes(monkeypatch)
    assert operations.export_view_to(window, window.diagram, tmp_path / "no" / "d.png") is None
    assert "does not exist" in boxes.errors[-1]
    assert operations.export_view_to(window, window.diagram, tmp_path / "d.gif") is None
    assert ".png or .svg" in boxes.errors[-1]
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if not os.access(locked, os.W_OK):  # root can write anywhere
            assert operations.export_view_to(window, window.diagram, locked / "d.png") is None
            assert "permission denied" in boxes.errors[-1]
    finally:
        locked.chmod(0o700)


# ----------------------------------------------------------------------------- weights
def test_load_weights_of_another_shape_offers_rebuild(qtbot, monkeypatch, window, tmp_path):
    boxes = Boxes(monkeypatch, answer=QMessageBox.StandardButton.Yes)
    other = trained(hidden=(5,), epochs=1)
    path = save_weights_file(tmp_path / "other net.json", other)
    assert operations.load_weights_from(window, path)
    assert boxes.questions and "Rebuild" in boxes.questions[0]
    assert tuple(window.session.info.sizes) == (2, 5, 1)
    assert window.diagram.hidden_sizes() == (5,)
    weights = trainer_weights(qtbot, window)
    for mine, theirs in zip(weights, other.network.layers, strict=True):
        np.testing.assert_array_equal(mine, theirs.W)


def test_load_matching_weights_copies_them(qtbot, monkeypatch, window, tmp_path):
    boxes = Boxes(monkeypatch)
    sizes = tuple(window.session.info.sizes)
    donor = Trainer(window.session.dataset, window.session.config)
    donor.train(1)
    path = save_weights_file(tmp_path / "w.npz", donor)
    assert operations.load_weights_from(window, path)
    assert not boxes.errors and not boxes.questions
    assert tuple(window.session.info.sizes) == sizes
    for mine, theirs in zip(trainer_weights(qtbot, window), donor.network.layers, strict=True):
        np.testing.assert_array_equal(mine, theirs.W)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "version"])
def test_corrupted_weights_file_is_refused_and_weights_unchanged(qtbot, monkeypatch, window,
                                                                 tmp_path, damage):
    boxes = Boxes(monkeypatch)
    before = trainer_weights(qtbot, window)
    good = save_weights_file(tmp_path / "w.json", Trainer(window.session.dataset,
                                                          window.session.config))
    text = good.read_text()
    bad = tmp_path / "bad.json"
    if damage == "truncated":
        bad.write_text(text[: len(text) // 2])
    elif damage == "garbage":
        bad = tmp_path / "bad.npz"
        bad.write_bytes(b"PK\x03\x04 not really a zip")
    else:
        bad.write_text(text.replace('"format_version": 1', '"format_version": 99'))
    assert operations.load_weights_from(window, bad) is False
    assert len(boxes.errors) == 1 and str(bad.name) in boxes.errors[0]
    assert not boxes.questions
    for a, b in zip(before, trainer_weights(qtbot, window), strict=True):
        np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------------------- sessions
def test_session_round_trip_restores_run_and_views(qtbot, monkeypatch, window, tmp_path):
    boxes = Boxes(monkeypatch)
    session = window.session
    for _ in range(2):
        with qtbot.waitSignal(session.snapshotShown, timeout=TIMEOUT):
            session.step_epoch()
    window.decision_view.discretize.setChecked(True)
    window.loss_view.set_log_scale(True)
    counters, sizes = session.counters[:2], tuple(session.info.sizes)
    path = tmp_path / "my run ü.bpsession"
    assert operations.save_session_to(window, path)
    assert path.is_file() and not boxes.errors

    window.decision_view.discretize.setChecked(False)
    window.loss_view.set_log_scale(False)
    session.update_config({"hidden": (3,)})
    assert tuple(session.info.sizes) == (2, 3, 1)

    assert operations.open_session_from(window, path)
    assert tuple(session.info.sizes) == sizes
    assert window.diagram.hidden_sizes() == sizes[1:-1]
    assert session.counters[:2] == counters
    assert window.decision_view.discretize.isChecked()
    assert window.loss_view.is_log_scale()
    assert window.hyper_panel.config_fields()["lr"] == pytest.approx(session.config.lr)
    history = session.last_snapshot.history
    assert len(history["epoch"]) == counters[1]


def test_broken_session_file_is_refused(qtbot, monkeypatch, window, tmp_path):
    boxes = Boxes(monkeypatch)
    info = window.session.info
    bad = tmp_path / "broken.bpsession"
    bad.write_bytes(b"nothing here")
    assert not operations.open_session_from(window, bad)
    assert boxes.errors and "broken.bpsession" in boxes.errors[0]
    assert window.session.info is info


# ----------------------------------------------------------------------------- menus
def test_file_actions_and_context_menus_are_installed(window):
    for name in ("exportWeights", "loadWeights", "exportPlots", "saveSession", "openSession",
                 "exportPython", "exportOnnx"):
        matches = [a for a in window.findChildren(QAction) if a.objectName() == name]
        assert len(matches) == 1 and matches[0].toolTip(), name
    onnx = window.findChild(QAction, "exportOnnx")
    if not operations.onnx_available():
        assert not onnx.isEnabled() and "pip install onnx" in onnx.toolTip()
    scene = window.loss_view.layout_widget.scene()
    assert any(a.objectName() == VIEW_ACTION for a in scene.contextMenu)
    menu = diagram_menu(window.diagram, lambda: None)
    assert [a.objectName() for a in menu.actions()] == [DIAGRAM_ACTION]


def test_pyqtgraph_own_export_dialog_writes_svg(window, tmp_path):
    import pyqtgraph.exporters as pg_exporters

    assert QtSvgExporter in pg_exporters.listExporters()
    assert pg_exporters.SVGExporter not in pg_exporters.listExporters()
    exporter = QtSvgExporter(window.loss_view.loss_plot)
    exporter.export(str(tmp_path / "pg.svg"))
    assert_svg(tmp_path / "pg.svg")


def test_a_hidden_tab_exports_the_network_it_was_reset_for(qtbot, tmp_path):
    window = MainWindow(load_dataset("circles"), TrainConfig())
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    heatmaps = window.weights_view
    window.findChild(QDockWidget, "inspectDock").hide()  # closed by the user
    qtbot.waitUntil(lambda: not heatmaps.isVisible())
    with qtbot.waitSignal(window.session.trainerChanged, timeout=TIMEOUT):
        window.session.set_hidden((5, 4, 3))  # reset while hidden
    assert operations.export_plots_to(window, tmp_path) is not None
    assert len(heatmaps.cells) == 4  # drawn for the export, not only when shown
    titles = [cell.w_plot.titleLabel.text for cell in heatmaps.cells]
    assert titles[0].startswith("Layer 1: 2×5")
    assert_png(tmp_path / "weights.png")
