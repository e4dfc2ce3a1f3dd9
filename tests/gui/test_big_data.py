"""Big CSV data in the real window: loading off the GUI thread with progress and Cancel, a
new train share without reading the file again, image-shaped data shown as images, wide
weight heatmaps readable with exact values on hover."""

import threading

import numpy as np
from PySide6.QtCore import QRunnable

from core.data import load_csv


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
    flat = images.reshape(rows, -1)
    body = "\n".join(f"{lab}," + ",".join(map(str, row)) for lab, row in zip(
        labels, flat.tolist(), strict=True))
    path.write_text(header + "\n" + body + "\n", encoding="ascii")
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

