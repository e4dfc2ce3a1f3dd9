"""Big CSV data in the real window: loading off the GUI thread with progress and Cancel, a
new train share without reading the file again, image-shaped data shown as images, wide
weight heatmaps readable with exact values on hover."""

import gc
import threading
import weakref

import numpy as np
from PySide6.QtCore import QRunnable, Qt
from PySide6.QtWidgets import QDockWidget

from core.data import load_csv
from tests.gui.helpers import action


def pixel_csv(path, rows, side=28, seed=0):
    """A label and ``side²`` pixel columns (0–255 integers, mostly 0): strokes of one of
    three shapes per class, the shape and header of the MNIST CSV."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, size=rows)
    images = np.zeros((rows, side, side), dtype=np.int64)
    mid, span = side // 2, np.arange(side // 4, side - side // 4)
    for i, label in enumerate(labels):
        shift = int(rng.integers(-2, 3))
        if label == 0:  # vertical stroke
            images[i, span, mid + shift] = 255
        elif label == 1:  # horizontal stroke
            images[i, mid + shift, span] = 255
        else:  # diagonal stroke
            images[i, span, np.clip(span + shift, 0, side - 1)] = 255
    header = "label," + ",".join(f"pixel{k}" for k in range(side * side))
    words = np.array([str(v) for v in range(256)], dtype=object)  # a value's text, once
    cells = words[np.column_stack([labels, images.reshape(rows, -1)])]
    with open(path, "w", encoding="ascii") as f:
        f.write(header + "\n")
        f.writelines(",".join(row) + "\n" for row in cells.tolist())
    return path


def _table_csv(path, rows=400):
    lines = ["a,b,label"] + [f"{i * 0.5},{(i * 7) % 13},{i % 3}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


def _track_reads(monkeypatch):
    """Record the thread of every ``read_table`` call (the loader's and the task's)."""
    from core.data import csv_loader
    from gui.panels import csv_load_task

    threads = []
    for module in (csv_loader, csv_load_task):
        original = module.read_table

        def traced(*args, _original=original, **kwargs):
            threads.append(threading.current_thread())
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, "read_table", traced)
    return threads


def test_a_new_train_share_splits_the_loaded_rows_without_reading_the_file(
        qtbot, window, tmp_path, monkeypatch):
    path = _table_csv(tmp_path / "table.csv")
    panel = window.dataset_panel
    with qtbot.waitSignal(panel.datasetChanged, timeout=60_000):
        panel.use_dataset(load_csv(path, target="label"))
    reads = _track_reads(monkeypatch)
    with qtbot.waitSignal(panel.datasetChanged, timeout=60_000) as changed:
        panel.train_percent.setValue(60)
        assert panel.rebuilding() and panel.rebuild_bar.isVisible()
    assert reads == [] and not panel.rebuilding() and not panel.rebuild_bar.isVisible()
    expected = load_csv(path, target="label", train_ratio=0.6, seed=panel.seed.value())
    got = changed.args[0]
    np.testing.assert_array_equal(got.X_train, expected.X_train)
    np.testing.assert_array_equal(got.y_test, expected.y_test)
    assert got.spec["train_ratio"] == 0.6 and window.session.dataset is got


def test_without_the_row_order_the_file_is_read_again_off_the_gui_thread(
        qtbot, window, tmp_path, monkeypatch):
    path = _table_csv(tmp_path / "table.csv")
    panel = window.dataset_panel
    loaded = load_csv(path, target="label")
    loaded.row_order = None  # as a dataset restored from a session
    with qtbot.waitSignal(panel.datasetChanged, timeout=60_000):
        panel.use_dataset(loaded)
    reads = _track_reads(monkeypatch)
    with qtbot.waitSignal(panel.datasetChanged, timeout=60_000) as changed:
        panel.seed.setValue(5)
    assert len(reads) == 1 and reads[0] is not threading.main_thread()
    assert changed.args[0].spec["seed"] == 5


def test_cancelling_a_new_split_keeps_the_data_and_its_settings(qtbot, window, tmp_path):
    from PySide6.QtCore import QThreadPool

    path = _table_csv(tmp_path / "table.csv")
    panel = window.dataset_panel
    with qtbot.waitSignal(panel.datasetChanged, timeout=60_000):
        panel.use_dataset(load_csv(path, target="label"))
    before = panel.current_dataset()
    gate = threading.Event()

    class Hold(QRunnable):  # occupies every pool thread until released
        def run(self):
            gate.wait(60)

    pool = QThreadPool.globalInstance()
    holds = [Hold() for _ in range(pool.maxThreadCount())]
    for hold in holds:
        pool.start(hold)
    try:
        with qtbot.assertNotEmitted(panel.datasetChanged, wait=200):
            panel.train_percent.setValue(50)
            assert panel.rebuilding()
            panel.rebuild_cancel.click()
            gate.set()
            pool.waitForDone(60_000)
    finally:
        gate.set()
    assert not panel.rebuilding() and panel.current_dataset() is before
    assert panel.train_percent.value() == 80 and window.session.dataset is before



def _open_in_window(qtbot, window, path, image_box=None):
    """Open ``path`` through Data → Open CSV… and press OK (``image_box`` ticks or unticks
    "Inputs are image pixels" first); returns the new dataset."""
    from PySide6.QtWidgets import QDialogButtonBox

    dialog = window.dataset_panel.open_csv()
    dialog.set_path(path)
    dialog.set_target("label")
    qtbot.waitUntil(lambda: not dialog.loading(), timeout=120_000)
    assert dialog.dataset() is not None, dialog.error_text()
    if image_box is not None:
        dialog.image_box.setChecked(image_box)
    with qtbot.waitSignal(window.session.trainerChanged, timeout=60_000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    return window.session.dataset


def _step_until_snapshot(qtbot, window):
    with qtbot.waitSignal(window.session.snapshotShown, timeout=60_000):
        window.session.step()


def test_an_mnist_shaped_csv_is_shown_as_28_by_28_images(qtbot, window, tmp_path):
    from gui.shell.output_tabs import DIGITS_TAB

    path = pixel_csv(tmp_path / "strokes.csv", rows=300)
    dataset = _open_in_window(qtbot, window, path)
    assert dataset.n_inputs == 784 and dataset.input_names[0] == "pixel0"
    # the image views are the default output view, not a scatter of pixel0 against pixel1
    assert window.tabs.currentIndex() == DIGITS_TAB and window.tabs.tabText(DIGITS_TAB) == "Images"
    view = window.digits_view
    assert view.side == 28 and view.n_weight_tiles == min(64, window.session.info.sizes[1])
    grid = view.grid_image.image
    assert grid.shape[1] == 8 * 29 and np.nanmax(grid) == 255.0  # 8 images of 28 a row
    window.findChild(QDockWidget, "confusionDock").raise_()
    qtbot.waitUntil(lambda: window.analysis.confusion_view.isVisible(), timeout=5000)
    _step_until_snapshot(qtbot, window)
    tiles = view.tiles_image.image
    cols = int(np.ceil(np.sqrt(view.n_weight_tiles)))
    assert tiles.shape[1] == cols * 29  # one 28×28 tile per first-layer unit
    assert view.confusion().sum() == dataset.n_test
    # a clicked cell of the confusion matrix lists its rows with their pictures
    confusion = window.analysis.confusion_view
    true_class = int(dataset.labels_test[0])
    predicted = int(np.argmax(confusion.matrix()[true_class]))
    confusion.select_cell(true_class, predicted)
    table = confusion.table
    assert table.horizontalHeaderItem(1).text() == "image" and table.rowCount() > 0
    picture = table.item(0, 1).data(Qt.ItemDataRole.DecorationRole)
    assert picture.width() == 32 and not picture.isNull()
    # the drawing pad draws at 28×28, gray values up to 255
    assert action(window, "drawDigit").isEnabled()
    pad = window.drawing.dialog.pad
    assert pad.preview.side == 28 and "28×28 pixels, 0–255" in pad.caption.text()
    pad.canvas.draw_segment(*_points(60, 40, 60, 200))
    row = pad.digit_input()
    assert row.shape == (784,) and 200.0 < row.max() <= 255.0  # the pen's gray ink
    assert set(np.nonzero(row.reshape(28, 28))[1]) <= set(range(10, 18))  # a centred stroke


def _points(x0, y0, x1, y1):
    from PySide6.QtCore import QPointF

    return QPointF(x0, y0), QPointF(x1, y1)


def test_a_square_csv_without_pixel_names_is_images_when_the_user_says_so(
        qtbot, window, tmp_path):
    from gui.shell.output_tabs import DIGITS_TAB

    path = pixel_csv(tmp_path / "plain.csv", rows=200, side=8)
    text = path.read_text().splitlines()
    text[0] = "label," + ",".join(f"v{k}" for k in range(64))  # names say nothing
    path.write_text("\n".join(text) + "\n")
    _open_in_window(qtbot, window, path, image_box=False)
    assert not window.tabs.isTabVisible(DIGITS_TAB) and window.tabs.currentIndex() == 0
    dataset = _open_in_window(qtbot, window, path, image_box=True)
    assert dataset.spec["image_pixels"] is True
    assert window.tabs.currentIndex() == DIGITS_TAB and window.digits_view.side == 8
    # a new train share keeps the user's word
    with qtbot.waitSignal(window.session.trainerChanged, timeout=60_000):
        window.dataset_panel.train_percent.setValue(70)
    assert window.session.dataset.spec["image_pixels"] is True
    assert window.tabs.currentIndex() == DIGITS_TAB


def test_a_wide_weight_matrix_is_drawn_downsampled_with_exact_values_on_hover(qtbot):
    from core.data import make_dataset_from_arrays
    from core.train.config import TrainConfig
    from core.train.trainer import Trainer
    from core.watch.snapshot import take_snapshot
    from gui.views.heatmaps import WeightHeatmapsView, block_max_abs

    rng = np.random.default_rng(0)
    names = [f"pixel{k}" for k in range(784)]
    data = make_dataset_from_arrays(rng.integers(0, 256, (60, 784)), np.arange(60) % 10,
                                    "multiclass", input_names=names)
    trainer = Trainer(data, TrainConfig(hidden=(256,), activation="relu"))
    view = WeightHeatmapsView()
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    qtbot.waitExposed(view)
    view.reset(trainer.info())
    qtbot.wait(1)  # let the layout place the items (event loop turn, no sleep)
    snap = take_snapshot(trainer)
    view.show_snapshot(snap)
    cell, W = view.cells[0], snap.weights[0]
    rows, cols = cell.blocks
    box = cell.w_plot.getViewBox().size()
    assert rows > 1 and cell.w_image.image.shape[0] <= box.height()  # fits its pixels
    assert cell.w_image.image.shape == (-(-784 // rows), -(-256 // cols))
    np.testing.assert_allclose(cell.w_image.image, block_max_abs(W, rows, cols), rtol=1e-6)
    # the largest weight of a block is the one drawn, not an average
    top = np.unravel_index(np.argmax(np.abs(W)), W.shape)
    assert cell.w_image.image[top[0] // rows, top[1] // cols] == np.float32(W[top])
    # hovering row 412, column 17 gives that exact weight and what it connects
    scene = cell.w_plot.getViewBox().mapViewToScene(pg_point(17.5, 412.5))
    value, connects, drawn = view.hover_text(scene).splitlines()
    assert value == f"W[412, 17] = {float(W[412, 17]):.4g}"
    assert connects == "pixel412 → unit 17 of layer 1"
    assert drawn == f"(drawn: each pixel the largest |w| of {rows} rows × {cols} columns)"


def pg_point(x, y):
    from PySide6.QtCore import QPointF

    return QPointF(x, y)


def test_a_large_csv_loads_with_progress_and_cancel_keeps_the_current_run(
        qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QDialogButtonBox, QPushButton

    from core.data import csv_fast
    from gui.panels.csv_load_task import CsvLoadTask
    from gui.shell.output_tabs import DIGITS_TAB

    monkeypatch.setattr(csv_fast, "CHUNK_BYTES", 256 << 10)  # many progress steps
    monkeypatch.setattr(CsvLoadTask, "REPORT_INTERVAL", 0.0)  # each one reported
    gate, report = threading.Event(), CsvLoadTask._report

    def held_report(task, fraction):  # the worker waits after its first chunk until released
        report(task, fraction)
        gate.wait(60)

    monkeypatch.setattr(CsvLoadTask, "_report", held_report)
    path = pixel_csv(tmp_path / "large.csv", rows=20_000)
    _step_until_snapshot(qtbot, window)
    session = window.session
    run, steps = session.info, session.counters[0]
    assert steps > 0
    # Open, watch the progress, cancel: the run on screen is the one before.
    dialog = window.dataset_panel.open_csv()
    seen = []
    dialog.loadProgress.connect(seen.append)
    with qtbot.waitSignal(dialog.loadFinished, timeout=120_000):
        dialog.set_path(path)
        assert dialog.loading() and dialog.progress_dialog is not None
        qtbot.waitUntil(lambda: len(seen) >= 1, timeout=120_000)
        dialog.progress_dialog.findChild(QPushButton).click()  # the user's Cancel
        gate.set()
    assert "Loading cancelled" in dialog.error_text() and 0 < seen[-1] < 100
    dialog.reject()
    assert session.info is run and session.counters[0] == steps
    _step_until_snapshot(qtbot, window)  # the run goes on where it was
    assert session.info is run and session.counters[0] > steps
    # Open again and let it load: 20,000 images of 28×28, progress up to 100 %.
    dialog = window.dataset_panel.open_csv()
    seen = []
    dialog.loadProgress.connect(seen.append)
    with qtbot.waitSignal(dialog.loadFinished, timeout=300_000):
        dialog.set_path(path)
    assert seen == sorted(seen) and seen[-1] == 100 and len(seen) > 5
    assert dialog.target_combo.currentText() == "label"
    table = weakref.ref(dialog._table)
    with qtbot.waitSignal(session.trainerChanged, timeout=120_000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert session.dataset.n_train + session.dataset.n_test == 20_000
    gc.collect()
    assert table() is None  # the file's table is not kept beside the dataset built from it
    assert window.tabs.currentIndex() == DIGITS_TAB and window.digits_view.side == 28


def test_a_network_on_big_data_is_built_off_the_gui_thread(qtbot, window, monkeypatch):
    from core.data import make_dataset_from_arrays
    from core.train import trainer as trainer_module
    from gui.running import trainer_build

    built_on = []
    original = trainer_module.Trainer.__init__

    def traced(self, *args, **kwargs):
        built_on.append(threading.current_thread())
        original(self, *args, **kwargs)

    monkeypatch.setattr(trainer_module.Trainer, "__init__", traced)
    monkeypatch.setattr(trainer_build, "BACKGROUND_CELLS", 100_000)
    snapshot_on, taken, take = [], [], trainer_build.take_snapshot

    def traced_snapshot(*args, **kwargs):  # the first one: a forward pass over the test rows
        snapshot_on.append(threading.current_thread())
        taken.append(take(*args, **kwargs))
        return taken[-1]

    monkeypatch.setattr(trainer_build, "take_snapshot", traced_snapshot)
    rng = np.random.default_rng(0)
    big = make_dataset_from_arrays(rng.normal(size=(500, 300)), np.arange(500) % 4,
                                   "multiclass")
    session, before = window.session, window.session.info
    with qtbot.waitSignal(session.trainerChanged, timeout=120_000) as changed:
        assert session.set_dataset(big) and session.building
        assert session.info is before  # the old run stays on screen meanwhile
    assert not session.building and changed.args[0].dataset is big
    assert built_on and threading.main_thread() not in built_on
    assert snapshot_on and threading.main_thread() not in snapshot_on
    first = session.last_snapshot  # what the views show is the pool thread's snapshot
    assert first is taken[-1] and first.step == 0 and first.test_probs.shape == (100, 4)
    # a second request while one is being built: the last one wins
    small = make_dataset_from_arrays(rng.normal(size=(500, 300)), np.arange(500) % 3,
                                     "multiclass")
    with qtbot.waitSignal(session.trainerChanged, timeout=120_000):
        session.set_dataset(big)
        session.update_config({"hidden": (7,)})
    qtbot.waitUntil(lambda: not session.building, timeout=120_000)
    assert session.info.sizes == (300, 7, 4) and session.dataset is big
    with qtbot.waitSignal(session.trainerChanged, timeout=120_000):
        session.set_dataset(small)
    assert session.dataset is small and session.info.sizes[-1] == 3


def test_image_data_takes_the_surface_only_while_its_tab_is_in_front(qtbot, tmp_path):
    """Over two pixels the surface is drawn only by the Surface tab: with the Images tab in
    front, snapshots come without it (a forward pass per snapshot that nothing showed);
    brought to the front, the tab gets the current state's surface at once, and an export
    of every plot brings a hidden surface up to the step shown."""
    from core.train.config import TrainConfig
    from core.train.confusion import confusion_matrix, predicted_labels
    from gui.export import operations
    from gui.shell.output_tabs import DIGITS_TAB
    from tests.gui.helpers import pause_training, shown_window

    window = shown_window(qtbot, "digits", TrainConfig(hidden=(8,), epochs=10**6))
    session, decision = window.session, window.decision_view
    assert window.tabs.currentIndex() == DIGITS_TAB and not session.surface_shown

    def step():
        with qtbot.waitSignal(session.snapshotShown, timeout=15_000):
            session.step()
        return session.last_snapshot

    assert step().surface is None
    with qtbot.waitSignal(session.snapshotShown, timeout=15_000):
        window.tabs.setCurrentIndex(0)  # paused: the surface comes without a step
    snap = session.last_snapshot
    assert snap.surface is not None and snap.step == session.counters[0] == 1
    assert decision.shown_columns() == (0, 1)
    assert step().surface is not None
    window.tabs.setCurrentIndex(DIGITS_TAB)
    assert step().surface is None and step().surface is None
    assert operations.export_plots_to(window, tmp_path) is not None
    now = session.surface_snapshot()
    assert now.step == 4 == session.last_snapshot.step
    np.testing.assert_array_equal(decision._surface.output, now.surface.output)
    # while training runs (what an export does first): every view, hidden ones included,
    # moves to the current state, whose surface the decision view draws
    session.set_speed(50)
    session.play()
    qtbot.waitUntil(lambda: session.last_snapshot.step > 8, timeout=15_000)
    shown = session.show_with_surface()
    assert shown.surface is not None and session.last_snapshot is shown
    assert decision._surface is shown.surface and window.diagram._snapshot is shown
    ds = session.dataset
    true = ds.y_test.argmax(axis=1)  # one-hot rows
    expected = confusion_matrix(true, predicted_labels(shown.test_probs), ds.n_classes)
    np.testing.assert_array_equal(window.digits_view.confusion(), expected)
    pause_training(qtbot, window)
    # a dataset that is not images keeps its surface from its first frame on
    frames = []
    session.snapshotShown.connect(frames.append)
    with qtbot.waitSignal(session.trainerChanged, timeout=15_000):
        window.dataset_panel.select_dataset("circles")
    assert session.surface_shown and session.last_snapshot.surface is not None
    assert step().surface is not None
    assert frames and all(f.surface is not None for f in frames)
