"""The CSV part of ``DatasetPanel``: a new train share or seed of CSV data, made off the
GUI thread.

The rows are split anew from the arrays in memory (``ResplitTask``, ``core.data.resplit``);
when the file order of the rows is unknown (a session's data), the file is read again on a
pool thread (``CsvLoadTask``). A progress bar and a Cancel button beside the file name show
while it runs; the last request wins, Cancel keeps the current data and its settings.
"""

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QProgressBar, QPushButton

from core.data.image_shape import IMAGE_PIXELS_KEY
from core.data.resplit import can_resplit
from gui.panels.csv_load_task import CsvLoadTask, ResplitTask


class CsvRebuildMixin:
    """Mixed into ``DatasetPanel``; uses its ``_dataset``, ``_csv``, ``train_percent``,
    ``seed``, ``error_label``, ``_refresh``, ``_restore_previous``, ``_show_source``,
    ``_csv_of`` and ``datasetChanged``."""

    def _init_rebuild(self):
        self._rebuild_task = None  # the running ResplitTask or CsvLoadTask of the CSV data
        self._started = []  # every task started: alive while the pool may still run them

    def _add_rebuild_widgets(self, row):
        """The progress bar and Cancel button, hidden until a new split runs."""
        self.rebuild_bar = QProgressBar(objectName="csv_rebuild_progress", maximumWidth=90)
        self.rebuild_bar.setFormat("split %p%")
        self.rebuild_cancel = QPushButton("Cancel", objectName="csv_rebuild_cancel")
        self.rebuild_cancel.setToolTip("Keep the current split of the CSV data.")
        self.rebuild_cancel.clicked.connect(self.cancel_rebuild)
        row.addWidget(self.rebuild_bar)
        row.addWidget(self.rebuild_cancel)
        self.rebuild_bar.hide()
        self.rebuild_cancel.hide()

    def _rebuild_csv(self):
        """Split the CSV rows anew (train share, seed) on a pool thread; the last request
        wins, and its result is shown and emitted when it arrives."""
        self._stop_rebuild()
        ratio, seed = self.train_percent.value() / 100.0, self.seed.value()
        current = self._dataset
        if current is not None and self._csv_of(current.spec) == self._csv and can_resplit(
                current):
            task = ResplitTask(current, ratio, seed)
            self.rebuild_bar.setFormat("split %p%")
        else:  # e.g. a session's data: the file order of its rows is unknown
            options = {"target": self._csv["target"], "task": self._csv["task"],
                       "train_ratio": ratio, "seed": seed}
            task = CsvLoadTask(self._csv["path"], options, preview_rows=0)
            self.rebuild_bar.setFormat("reading %p%")
        signals = task.signals
        signals.progress.connect(lambda percent: self._on_rebuild_progress(task, percent))
        signals.finished.connect(lambda result: self._on_rebuilt(task, result))
        signals.failed.connect(lambda message: self._on_rebuild_failed(task, message))
        signals.cancelled.connect(lambda: self._end_rebuild(task))
        self._rebuild_task = task
        self._started.append(task)
        self.rebuild_bar.setValue(0)
        self.rebuild_bar.show()
        self.rebuild_cancel.show()
        QThreadPool.globalInstance().start(task)

    def rebuilding(self):
        """True while a new split of the CSV data is being made."""
        return self._rebuild_task is not None

    def cancel_rebuild(self):
        """Stop the running split: the current data and its settings stay."""
        if self._rebuild_task is None:
            return
        self._stop_rebuild()
        if self._dataset is not None:
            self._show_source(self._dataset.spec)

    def _stop_rebuild(self):
        if self._rebuild_task is not None:
            self._rebuild_task.cancel()
            self._rebuild_task = None
        self.rebuild_bar.hide()
        self.rebuild_cancel.hide()

    def _end_rebuild(self, task):
        """True (and the task forgotten) when ``task`` is the running one."""
        if task in self._started:
            self._started.remove(task)
        if task is not self._rebuild_task:
            return False
        self._stop_rebuild()
        return True

    def _on_rebuild_progress(self, task, percent):
        if task is self._rebuild_task:
            self.rebuild_bar.setValue(percent)

    def _on_rebuilt(self, task, result):
        if not self._end_rebuild(task):
            return
        if result.error:
            self._on_rebuild_failed(None, result.error)
            return
        self.error_label.hide()
        if self._csv.get("image_pixels"):  # the user's word, not in the file: keep it
            result.dataset.spec[IMAGE_PIXELS_KEY] = True
        self._dataset = result.dataset
        self._refresh()
        self.datasetChanged.emit(result.dataset)

    def _on_rebuild_failed(self, task, message):
        if task is not None and not self._end_rebuild(task):
            return
        self.error_label.setText(message)
        self.error_label.show()
        self._restore_previous()
