"""CsvImportDialog: preview, target and task choice, errors shown inside the dialog."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialogButtonBox  # noqa: E402

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
