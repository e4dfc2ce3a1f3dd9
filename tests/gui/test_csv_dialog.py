"""CsvImportDialog: preview, target and task choice, errors shown inside the dialog."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialogButtonBox, QPushButton  # noqa: E402

from gui.panels.csv_dialog import CsvImportDialog  # noqa: E402

ROWS = [(i * 0.5, (i % 3) - 1.0, i % 2, i * 0.25 + 1.0) for i in range(30)]


@pytest.fixture
def good_csv(tmp_path):
    path = tmp_path / "measurements.csv"
    lines = ["x1,x2,label,size"] + [",".join(f"{v:g}" for v in row) for row in ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def dialog(qtbot):
    dlg = CsvImportDialog(train_ratio=0.8, seed=0)
    qtbot.addWidget(dlg)
    return dlg


def ok_button(dlg):
    return dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_starts_without_a_file_and_ok_disabled(dialog):
    assert dialog.dataset() is None
    assert not ok_button(dialog).isEnabled()


def test_valid_file_previews_and_loads_last_column(dialog, good_csv):
    dialog.set_path(good_csv)
    assert dialog.table.rowCount() == 20  # preview: first 20 of 30 rows
    assert dialog.table.columnCount() == 4
    assert "comma" in dialog.info_label.text()
    assert "header row: yes" in dialog.info_label.text()
    assert "30 rows × 4 columns" in dialog.info_label.text()
    assert dialog.target_combo.currentText() == "size"
    assert dialog.task_combo.itemText(0) == "Auto (regression)"
    ds = dialog.dataset()
    assert ds is not None and ok_button(dialog).isEnabled()
    assert ds.task == "regression"
    assert ds.input_names == ["x1", "x2", "label"]
    assert ds.X_train.shape == (24, 3) and ds.X_test.shape == (6, 3)
    assert dialog.summary_label.text().startswith("measurements:")


def test_chosen_target_and_task_override(dialog, good_csv):
    dialog.set_path(good_csv)
    dialog.set_target("label")
    assert dialog.task_combo.itemText(0) == "Auto (binary classification)"
    ds = dialog.dataset()
    assert ds.task == "binary" and ds.input_names == ["x1", "x2", "size"]
    assert ds.y_train.shape[1] == 1
    dialog.set_task("regression")
    assert dialog.dataset().task == "regression"
    dialog.set_train_ratio(0.5)
    assert dialog.dataset().X_train.shape == (15, 3)


def test_ok_accepts_with_the_dataset(qtbot, dialog, good_csv):
    dialog.set_path(good_csv)
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(ok_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.dataset().name == "measurements"


def test_bad_cell_shows_row_and_column_and_disables_ok(dialog, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("x1,x2,label\n1,2,0\n2,3,1\n3,oops,0\n4,5,1\n", encoding="utf-8")
    dialog.set_path(path)
    assert dialog.table.rowCount() == 4  # the preview still shows the file
    assert dialog.dataset() is None
    assert not ok_button(dialog).isEnabled()
    text = dialog.error_label.text()
    assert "row 4" in text and "'x2'" in text and "oops" in text
    assert dialog.error_text() == text
    # As the target, a number column with one odd cell is refused (a typo, not a class)…
    dialog.set_target("x2")
    assert dialog.dataset() is None and not ok_button(dialog).isEnabled()
    assert "numbers except in 1 of 4 rows: row 4 ('oops')" in dialog.error_label.text()
    # …until the user says these are class names.
    dialog.set_task("classification")
    assert dialog.dataset() is not None and ok_button(dialog).isEnabled()
    assert dialog.dataset().target_names == ["2", "3", "5", "oops"]
    assert dialog.error_label.text() == ""


def test_ragged_file_and_missing_file(dialog, tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("x1,x2,label\n1,2,0\n2,3\n3,4,0\n", encoding="utf-8")
    dialog.set_path(path)
    assert "row 3" in dialog.error_label.text()
    assert dialog.table.rowCount() == 0 and not ok_button(dialog).isEnabled()
    dialog.set_path(tmp_path / "nowhere.csv")
    assert "file not found" in dialog.error_label.text()
    assert dialog.dataset() is None


def test_typed_path_is_previewed(qtbot, dialog, good_csv):
    dialog.path_edit.setText(str(good_csv))
    dialog.path_edit.editingFinished.emit()
    assert dialog.dataset() is not None


def test_dialog_renders(dialog, good_csv, tmp_path):
    dialog.set_path(good_csv)
    dialog.show()
    image = dialog.grab().toImage()
    assert image.width() > 300
    assert image.save(str(tmp_path / "csv_dialog.png"))


def test_header_decision_is_shown(dialog, tmp_path):
    path = tmp_path / "years.csv"
    path.write_text("1990,2000,0\n" + "".join(f"{i},{i + 1},{i % 2}\n" for i in range(9)),
                    encoding="utf-8")
    dialog.set_path(path)
    assert "header row: no" in dialog.info_label.text()
    assert "line 1 holds only numbers, so it was read as data" in dialog.info_label.text()
    assert "note: No header row" in dialog.summary_label.text()


# --- large files: read off the GUI thread, with progress and Cancel ---

def _large_csv(tmp_path, rows=30_000):
    path = tmp_path / "large.csv"
    lines = ["a,b,c,d,label"] + [f"{i * 0.25},{-i},{i % 7}.5,{i * 1e-3:.6f},{i % 3}"
                                 for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    return path


@pytest.fixture
def background(monkeypatch):
    """Files over 100 kB load in the background, read in 16 kB chunks, each reported (many
    progress steps)."""
    from core.data import csv_fast
    from gui.panels.csv_load_task import CsvLoadTask

    monkeypatch.setattr(CsvImportDialog, "BACKGROUND_BYTES", 100_000)
    monkeypatch.setattr(csv_fast, "CHUNK_BYTES", 16 << 10)
    monkeypatch.setattr(CsvLoadTask, "REPORT_INTERVAL", 0.0)


def test_large_file_loads_in_the_background_with_progress(qtbot, dialog, tmp_path, background):
    path = _large_csv(tmp_path)
    seen = []
    dialog.loadProgress.connect(seen.append)
    with qtbot.waitSignal(dialog.loadFinished, timeout=120_000):
        dialog.set_path(path)
        assert dialog.loading() and dialog.dataset() is None  # set_path returned at once
        assert dialog.progress_dialog.labelText() == "Reading large.csv…"
        assert not ok_button(dialog).isEnabled()
    assert not dialog.loading() and dialog.progress_dialog is None
    ds = dialog.dataset()
    assert ds is not None and ds.n_train + ds.n_test == 30_000 and ds.task == "multiclass"
    assert len(seen) > 5 and seen == sorted(seen) and seen[-1] == 100
    assert dialog.table.rowCount() == 20 and ok_button(dialog).isEnabled()
    header = dialog.table.horizontalHeader()  # stretched again once every column is in
    assert header.stretchLastSection() and dialog.table.columnCount() == 5
    # A new target is built in the background from the table already read.
    seen.clear()
    with qtbot.waitSignal(dialog.loadFinished, timeout=120_000):
        dialog.set_target("a")
        assert dialog.loading()
    assert dialog.dataset().task == "regression" and seen == []


def test_progress_is_reported_at_most_every_report_interval_and_always_at_the_end(
        qtbot, dialog, tmp_path, background, monkeypatch):
    from gui.panels.csv_load_task import CsvLoadTask

    # each report repaints the progress bar while the reader holds the interpreter lock
    monkeypatch.setattr(CsvLoadTask, "REPORT_INTERVAL", 3600.0)
    seen = []
    dialog.loadProgress.connect(seen.append)
    with qtbot.waitSignal(dialog.loadFinished, timeout=120_000):
        dialog.set_path(_large_csv(tmp_path))
    assert len(seen) == 2 and 0 < seen[0] < 100 and seen[1] == 100
    assert dialog.dataset() is not None


def test_the_path_field_losing_focus_does_not_start_a_load_over(
        qtbot, dialog, tmp_path, background):
    path = _large_csv(tmp_path)
    seen = []
    dialog.loadProgress.connect(seen.append)
    with qtbot.waitSignal(dialog.loadFinished, timeout=120_000):
        dialog.set_path(path)
        task = dialog._task
        dialog.path_edit.editingFinished.emit()  # what focus moving to the progress bar sends
        assert dialog._task is task
    assert seen == sorted(seen) and seen[-1] == 100 and dialog.dataset() is not None
    # Enter in the field reads the file again (it may have changed on disk).
    with qtbot.waitSignal(dialog.loadFinished, timeout=120_000):
        dialog.path_edit.returnPressed.emit()
        assert dialog.loading()
    # A different path typed in the field is read when the field is left.
    other = tmp_path / "other.csv"
    other.write_bytes(path.read_bytes())
    dialog.path_edit.setText(str(other))
    with qtbot.waitSignal(dialog.loadFinished, timeout=120_000):
        dialog.path_edit.editingFinished.emit()
        assert dialog.loading()
    assert dialog.dataset().spec["path"] == str(other.resolve())


def test_cancel_keeps_the_current_data(qtbot, tmp_path, background):
    import threading

    from PySide6.QtCore import QRunnable

    from gui.panels.dataset_panel import DatasetPanel

    panel = DatasetPanel()
    qtbot.addWidget(panel)
    before = panel.current_dataset()
    dialog = panel.open_csv()
    gate = threading.Event()

    class Hold(QRunnable):  # occupies the dialog's one loading thread until released
        def run(self):
            gate.wait(60)

    hold = Hold()
    dialog._pool.start(hold)
    with qtbot.assertNotEmitted(panel.datasetChanged), qtbot.waitSignal(
            dialog.loadFinished, timeout=120_000):
        dialog.set_path(_large_csv(tmp_path))
        cancel = dialog.progress_dialog.findChild(QPushButton)
        assert cancel.text() == "Cancel"
        cancel.click()  # the user's Cancel, before any chunk is read
        gate.set()
    assert "Loading cancelled" in dialog.error_text(), (dialog.error_label.text(),
                                                         dialog.summary_label.text())
    assert dialog.dataset() is None and not ok_button(dialog).isEnabled()
    assert not dialog.loading() and dialog.progress_dialog is None
    dialog.reject()
    assert panel.current_dataset() is before
