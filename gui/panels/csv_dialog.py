"""``CsvImportDialog``: preview a CSV file, pick the target column and task, then load it.

Everything is checked as it is chosen: the file is read once (``read_table``), previewed and
turned into a dataset on every change, so any problem (with its row and column) is shown
inside the dialog and OK stays disabled until the file loads. No modal loop is needed to
drive it: ``set_path``, ``set_target``, ``set_task`` and ``set_train_ratio`` do what the
widgets do, and ``dataset()`` returns the result.

Files of ``BACKGROUND_BYTES`` or more are read and built on a pool thread
(``CsvLoadTask``) behind a progress dialog with Cancel, so the window never freezes;
``loading()`` says one is under way and ``loadFinished`` is emitted when it ends. Nothing
reaches the rest of the app before OK: cancelling leaves the current run as it was.
"""

from pathlib import Path

from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from core.data.csv_loader import dataset_from_table, preview_from_table
from core.data.csv_table import read_table
from core.data.image_shape import IMAGE_PIXELS_KEY, image_side, square_side
from core.errors import UserInputError
from gui.panels.csv_load_task import CsvLoadTask
from gui.panels.widgets import train_percent_spin
from gui.theme.style import ERROR_FG

PREVIEW_ROWS = 20
_TASK_TEXT = {
    "binary": "binary classification",
    "multiclass": "multi-class classification",
    "regression": "regression",
}


class CsvImportDialog(QDialog):
    """Choose a CSV file and how to read it; see the module docstring.

    Parameters
    ----------
    train_ratio : float
        Initial share of rows used for training.
    seed : int
        Seed of the train/test split.
    """

    BACKGROUND_BYTES = 4 << 20  # files this large are read off the GUI thread
    loadFinished = Signal()  # a background read or build ended (loaded, failed or cancelled)
    loadProgress = Signal(int)  # percent of the file read

    def __init__(self, parent=None, train_ratio=0.8, seed=0):
        super().__init__(parent)
        self.setWindowTitle("Open CSV")
        self.resize(720, 520)
        self._seed = seed
        self._path = None
        self._table = None
        self._preview = None
        self._dataset = None
        self._task = None  # the running CsvLoadTask
        self._started = []  # every task started: alive until the pool is done with them
        self._background = False  # this file is read and built on the pool thread
        self._applying = False  # showing a background result: no reload
        self.progress_dialog = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        layout = QVBoxLayout(self)
        layout.addLayout(self._file_row())
        self.info_label = QLabel(objectName="info_label", wordWrap=True)
        layout.addWidget(self.info_label)
        self.table = QTableWidget(objectName="preview_table")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setToolTip(f"The first {PREVIEW_ROWS} data rows of the file, as read.")
        self.table.verticalHeader().hide()  # messages count file lines, not table rows
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        layout.addLayout(self._options_form(train_ratio))
        self.summary_label = QLabel(objectName="summary_label", wordWrap=True)
        layout.addWidget(self.summary_label)
        self.error_label = QLabel(objectName="error_label", wordWrap=True)
        self.error_label.setStyleSheet(f"color: {ERROR_FG.name()};")
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._show_error("Choose a CSV file.")

    # ---- building ------------------------------------------------------------------------
    def _file_row(self):
        row = QHBoxLayout()
        self.path_edit = QLineEdit(objectName="path_edit")
        self.path_edit.setPlaceholderText("path/to/data.csv")
        self.path_edit.setToolTip("The file to import; type a path or use Browse….")
        self.path_edit.returnPressed.connect(lambda: self.set_path(self.path_edit.text()))
        self.path_edit.editingFinished.connect(self._path_edited)
        browse = QPushButton("Browse…", objectName="browse")
        browse.clicked.connect(self._browse)
        row.addWidget(QLabel("File"))
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        return row

    def _options_form(self, train_ratio):
        form = QFormLayout()
        self.target_combo = QComboBox(objectName="target_combo")
        self.target_combo.setToolTip(
            "The column the network learns to predict; every other "
            "column is an input and must hold numbers."
        )
        self.target_combo.currentIndexChanged.connect(self._on_target)
        form.addRow("Target column", self.target_combo)
        self.task_combo = QComboBox(objectName="task_combo")
        self.task_combo.setToolTip(
            "Auto: text or few whole-number values → classification, "
            "other numbers → regression. Override if Auto guessed wrong."
        )
        for text, task in (
            ("Auto", None),
            ("Classification", "classification"),
            ("Regression", "regression"),
        ):
            self.task_combo.addItem(text, task)
        self.task_combo.currentIndexChanged.connect(self._reload)
        form.addRow("Task", self.task_combo)
        self.ratio_spin = train_percent_spin("ratio_spin", 100 * train_ratio)
        self.ratio_spin.valueChanged.connect(self._reload)
        form.addRow("Training data", self.ratio_spin)
        self.image_box = QCheckBox("Inputs are image pixels", objectName="image_pixels")
        self.image_box.toggled.connect(self._apply_image_flag)
        self.image_box.setEnabled(False)
        form.addRow("", self.image_box)
        return form

    # ---- public API ----------------------------------------------------------------------
    def set_path(self, path):
        """Preview the file at ``path`` and load it (target: the last column by default).

        Large files are read in the background (see the module docstring).
        """
        path = str(path)
        if self.path_edit.text() != path:
            self.path_edit.setText(path)
        self._stop_load()
        self._path, self._table, self._preview = path, None, None
        try:
            self._background = Path(path).stat().st_size >= self.BACKGROUND_BYTES
        except OSError:
            self._background = False  # read_table says what is wrong with the path
        if self._background:
            self._show_table(None)
            self._start_load()
            return
        try:
            self._table = read_table(path)
        except (UserInputError, OSError) as exc:
            self._show_table(None)
            self._show_error(str(exc))
            return
        self._show_preview(preview_from_table(self._table, PREVIEW_ROWS))

    def set_target(self, column):
        """Use the column named ``column`` as the target."""
        self.target_combo.setCurrentIndex(self.target_combo.findText(column))

    def set_task(self, task):
        """``None`` (auto), ``"classification"`` or ``"regression"``."""
        self.task_combo.setCurrentIndex(self.task_combo.findData(task))

    def set_train_ratio(self, ratio):
        """Share of rows for training, in (0, 1]."""
        self.ratio_spin.setValue(round(100 * ratio))

    def dataset(self):
        """The loaded ``Dataset``, or None while the choices are not valid (or loading)."""
        return self._dataset

    def loading(self):
        """True while a background read or build is under way."""
        return self._task is not None

    def cancel_load(self):
        """Stop the background read (what the progress dialog's Cancel does)."""
        if self._task is not None:
            self._task.cancel()

    def error_text(self):
        """The problem shown in the dialog, or ``""``."""
        return self.error_label.text() if self._dataset is None else ""

    # ---- reactions -----------------------------------------------------------------------
    def _path_edited(self):
        """Read the typed path, unless it is the file already shown or being read: the
        field also finishes editing when it merely loses focus (to the progress dialog,
        say), and that must not start a 100 MB file over (Enter reads it again)."""
        if self.path_edit.text() != self._path:
            self.set_path(self.path_edit.text())

    def _browse(self):
        path, _ = QFileDialog.getOpenFileName(
            self, "Open CSV", self.path_edit.text(), "CSV files (*.csv *.tsv *.txt);;All files (*)"
        )
        if path:
            self.set_path(path)

    def _show_table(self, preview):
        self.table.clear()
        if preview is None:
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            self.info_label.setText("")
            return
        # A stretched last section is laid out again for every header label: 785 columns of
        # pixels took 0.2 s, the window frozen. Stretch once they are all in.
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.setColumnCount(len(preview.header))
        self.table.setRowCount(len(preview.rows))
        labels = [
            f"{name}\n{kind}"
            for name, kind in zip(preview.header, preview.column_types, strict=True)
        ]
        self.table.setHorizontalHeaderLabels(labels)
        for i, row in enumerate(preview.rows):
            for j, cell in enumerate(row):
                self.table.setItem(i, j, QTableWidgetItem(cell))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        header = "yes" if preview.has_header else "no (columns named col1 … colN)"
        self.info_label.setText(
            f"Delimiter: {preview.delimiter_name} · header row: {header} · "
            f"{preview.n_rows} rows × {len(preview.header)} columns"
            + ("" if preview.n_rows <= PREVIEW_ROWS else f" (first {PREVIEW_ROWS} shown)")
            + "".join(f"\n{note}" for note in preview.notes)  # how the header was decided
        )

    def _fill_targets(self, preview):
        """Offer the file's columns; keep the chosen target if the file still has it."""
        chosen = self.target_combo.currentText()
        self.target_combo.blockSignals(True)
        self.target_combo.clear()
        self.target_combo.addItems(preview.header)
        keep = chosen in preview.header
        self.target_combo.setCurrentText(chosen if keep else preview.default_target)
        self.target_combo.blockSignals(False)
        self._on_target()

    def _on_target(self):
        if self._preview is None:
            return
        guess = self._preview.suggest_task(self.target_combo.currentText())
        self.task_combo.setItemText(0, f"Auto ({_TASK_TEXT[guess]})")
        self._reload()

    def _show_preview(self, preview):
        self._preview = preview
        self._show_table(preview)
        self._fill_targets(preview)

    def _options(self):
        return {
            "target": self.target_combo.currentText() or None,
            "task": self.task_combo.currentData(),
            "train_ratio": self.ratio_spin.value() / 100.0,
            "seed": self._seed,
        }

    def _reload(self):
        """Load the file with the current choices; show the result or the problem."""
        self._dataset = None
        if self._preview is None or self._applying:
            return
        if self._background:
            self._start_load()
            return
        try:
            dataset = dataset_from_table(self._table, **self._options())
        except UserInputError as exc:
            self._show_error(str(exc))
            return
        self._show_dataset(dataset)

    def _show_image_choice(self, dataset):
        """The "Inputs are image pixels" box for ``dataset``: ticked (and fixed) when the
        column names say pixels, free when the inputs are a square number, else off."""
        n, side = dataset.n_inputs, square_side(dataset.n_inputs)
        named = image_side(n, dataset.input_names)
        self.image_box.blockSignals(True)
        if named:
            self.image_box.setChecked(True)
            self.image_box.setText(f"Inputs are image pixels ({named}×{named}: the column "
                                   "names say so)")
            tip = "Shown as images: test images, confusion rows, weights, drawing pad."
        elif side:
            self.image_box.setText(f"Inputs are image pixels ({side}×{side}, row by row)")
            tip = (f"Tick if the {n} inputs are the pixels of {side}×{side} images, row by "
                   "row: the app then shows them as images (test images, confusion rows, "
                   "first-layer weights, drawing pad).")
        else:
            self.image_box.setChecked(False)
            self.image_box.setText("Inputs are image pixels")
            tip = (f"Needs a square number of inputs (64 = 8×8, 784 = 28×28, 1,024 = 32×32); "
                   f"this data has {n}.")
        self.image_box.blockSignals(False)
        self.image_box.setEnabled(bool(side) and not named)
        self.image_box.setToolTip(tip)

    def _apply_image_flag(self):
        """Record the user's confirmation in the dataset's spec (what the views read)."""
        if self._dataset is None:
            return
        if self.image_box.isChecked() and square_side(self._dataset.n_inputs):
            self._dataset.spec[IMAGE_PIXELS_KEY] = True
        else:
            self._dataset.spec.pop(IMAGE_PIXELS_KEY, None)

    def _show_dataset(self, dataset):
        self._show_image_choice(dataset)
        self._dataset = dataset
        self._apply_image_flag()
        self.error_label.setText("")
        self.summary_label.setText(dataset.summary())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)

    # ---- background loading ---------------------------------------------------------------
    def _start_load(self):
        """Read (unless already read) and build on the pool thread, behind a progress bar."""
        self._stop_load()
        task = CsvLoadTask(self._path, self._options(), self._table, PREVIEW_ROWS)
        task.signals.progress.connect(lambda percent: self._on_progress(task, percent))
        task.signals.finished.connect(lambda result: self._on_loaded(task, result))
        task.signals.failed.connect(lambda message: self._on_failed(task, message))
        task.signals.cancelled.connect(lambda: self._on_cancelled(task))
        self._task = task
        if self._pool.activeThreadCount() == 0:
            self._started.clear()
        self._started.append(task)
        what = "Building the dataset" if self._table is not None else "Reading"
        self._show_error(f"{what} {Path(self._path).name}…")
        self.progress_dialog = QProgressDialog(f"{what} {Path(self._path).name}…", "Cancel",
                                               0, 100, self)
        # Not modal: a modal progress dialog runs nested event loops in setValue().
        self.progress_dialog.setWindowModality(Qt.WindowModality.NonModal)
        self.progress_dialog.setMinimumDuration(0)
        self.progress_dialog.setAutoClose(False)
        self.progress_dialog.setAutoReset(False)
        self.progress_dialog.canceled.connect(self.cancel_load)
        self._pool.start(task)

    def _stop_load(self):
        """Cancel a running task and forget it (its late signals are ignored)."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._close_progress()

    def _close_progress(self):
        if self.progress_dialog is not None:
            self.progress_dialog.canceled.disconnect(self.cancel_load)
            self.progress_dialog.close()
            self.progress_dialog.deleteLater()
            self.progress_dialog = None

    def _end_task(self, task):
        """True (and the task forgotten) when ``task`` is the current one."""
        if task is not self._task:
            return False
        self._task = None
        self._close_progress()
        return True

    def _on_progress(self, task, percent):
        if task is self._task and self.progress_dialog is not None:
            self.loadProgress.emit(percent)
            self.progress_dialog.setValue(percent)

    def _on_loaded(self, task, result):
        if not self._end_task(task):
            return
        self._table = result.table
        if self._preview is None:
            self._applying = True  # the result already holds the dataset for these choices
            try:
                self._show_preview(result.preview)
            finally:
                self._applying = False
        if result.dataset is not None:
            self._show_dataset(result.dataset)
        else:
            self._show_error(result.error)
        self.loadFinished.emit()

    def _on_failed(self, task, message):
        if self._end_task(task):
            if self._table is None:
                self._show_table(None)
            self._show_error(message)
            self.loadFinished.emit()

    def _on_cancelled(self, task):
        if self._end_task(task):
            self._show_error("Loading cancelled: nothing was loaded and the current data is "
                             "unchanged. Choose the file again (or another target) to retry.")
            self.loadFinished.emit()

    def done(self, result):
        """Closing stops a background load first (its thread must not outlive the dialog)."""
        self._stop_load()
        self._pool.waitForDone()
        super().done(result)
        # The file's whole table (377 MB for MNIST) must not live on beside the dataset
        # built from it until Qt gets round to deleting the dialog (``dataset()`` stays).
        self._table = self._preview = None
        self._started.clear()

    def _show_error(self, message):
        self._dataset = None
        self.summary_label.setText("")
        self.error_label.setText(message)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
