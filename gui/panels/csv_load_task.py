"""``CsvLoadTask``: read and build a CSV dataset on a pool thread, with progress and Cancel;
``ResplitTask``: a new train/test split of a loaded one, also off the GUI thread.

The work is core's Qt-free loader (``read_table`` with a progress callback, then
``preview_from_table`` and ``dataset_from_table``); this module only runs it off the GUI
thread and reports through signals, which Qt delivers in the GUI thread. Cancel sets a flag
that the progress callback checks between chunks of the file.
"""

import threading
import time

from PySide6.QtCore import QObject, QRunnable, Signal

from core.data.csv_loader import dataset_from_table, preview_from_table
from core.data.csv_table import read_table
from core.data.resplit import resplit
from core.errors import UserInputError


class LoadCancelled(Exception):
    """Raised inside the worker by the progress callback once Cancel was pressed."""


class CsvLoadSignals(QObject):
    """What a ``CsvLoadTask`` reports (queued into the GUI thread).

    ``progress(percent)``; then exactly one of ``finished(result)`` with a ``CsvLoadResult``,
    ``failed(message)`` or ``cancelled()``.
    """

    progress = Signal(int)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class CsvLoadResult:
    """A read table, its preview, and the dataset or the message saying why there is none."""

    def __init__(self, table, preview, dataset, error):
        self.table, self.preview, self.dataset, self.error = table, preview, dataset, error


class CsvLoadTask(QRunnable):
    """Read ``path`` (or reuse ``table``) and build the dataset with ``options``.

    Parameters
    ----------
    path : str or Path
    options : dict
        ``target``, ``task``, ``train_ratio``, ``seed`` for ``dataset_from_table``.
    table : CsvTable, optional
        An already read table (a new target or task needs no second read).
    preview_rows : int
    """

    #: Fewest seconds between two progress reports. Each one repaints the progress bar, and
    #: every Python handler of that repaint's events (the wheel guard sees them all) waits
    #: for the reader to let go of the interpreter lock, ~15 ms a chunk: a report per chunk
    #: stalled the window 30–50 ms at a time, as often as chunks came. Between chunks the
    #: reader also lets go of the lock (``sleep(0)``), so a waiting GUI thread takes it at
    #: once rather than after its 5 ms switch request (heartbeat p99 while reading MNIST:
    #: 17–31 ms instead of 23–41).
    REPORT_INTERVAL = 0.1

    def __init__(self, path, options, table=None, preview_rows=20):
        super().__init__()
        self.setAutoDelete(False)  # the dialog keeps it until its signals are handled
        self.signals = CsvLoadSignals()
        self._path, self._options, self._table = path, dict(options), table
        self._preview_rows = preview_rows
        self._cancel = threading.Event()
        self._reported = None  # time.monotonic() of the last progress report

    def cancel(self):
        """Ask the worker to stop at its next progress report (thread-safe)."""
        self._cancel.set()

    def _report(self, fraction):
        if self._cancel.is_set():
            raise LoadCancelled
        time.sleep(0)  # lets the GUI thread take the interpreter lock: see REPORT_INTERVAL
        now = time.monotonic()
        if (fraction >= 1.0 or self._reported is None
                or now - self._reported >= self.REPORT_INTERVAL):
            self._reported = now
            self.signals.progress.emit(round(100 * fraction))

    def run(self):
        """Runs on a pool thread; every outcome ends in one signal."""
        try:
            table = self._table or read_table(self._path, progress=self._report)
            if self._cancel.is_set():
                raise LoadCancelled
            preview = preview_from_table(table, self._preview_rows)
            try:
                dataset, error = dataset_from_table(table, **self._options), None
            except UserInputError as exc:
                dataset, error = None, str(exc)
            if self._cancel.is_set():
                raise LoadCancelled
        except LoadCancelled:
            self.signals.cancelled.emit()
        except (UserInputError, OSError) as exc:
            self.signals.failed.emit(str(exc))
        except MemoryError:
            self.signals.failed.emit("Out of memory while reading the file: it is too large "
                                     "for this computer.")
        except Exception as exc:  # noqa: BLE001  (a worker must report, never die silently)
            self.signals.failed.emit(f"Unexpected error while reading the file: {exc!r}")
        else:
            self.signals.finished.emit(CsvLoadResult(table, preview, dataset, error))
        finally:
            self._table = None  # a finished task must not keep a big table alive


class ResplitTask(QRunnable):
    """A new train/test split of an already loaded ``dataset`` (``core.data.resplit``).

    Reports like ``CsvLoadTask``: ``progress`` (0, then 100), then ``finished`` with a
    ``CsvLoadResult`` (no table or preview) or ``cancelled``. Gathering the rows takes a
    fraction of a second on MNIST-size data, with NumPy's copy loops outside the GIL.
    """

    def __init__(self, dataset, train_ratio, seed):
        super().__init__()
        self.setAutoDelete(False)
        self.signals = CsvLoadSignals()
        self._dataset, self._ratio, self._seed = dataset, train_ratio, seed
        self._cancel = threading.Event()

    def cancel(self):
        """Drop the result when it is ready (thread-safe)."""
        self._cancel.set()

    def run(self):
        """Runs on a pool thread; every outcome ends in one signal."""
        self.signals.progress.emit(0)
        try:
            dataset, error = resplit(self._dataset, self._ratio, self._seed), None
        except UserInputError as exc:
            dataset, error = None, str(exc)
        except MemoryError:
            dataset, error = None, "Out of memory while splitting the rows."
        except Exception as exc:  # noqa: BLE001  (a worker must report, never die silently)
            self.signals.failed.emit(f"Unexpected error while splitting the rows: {exc!r}")
            return
        finally:
            self._dataset = None
        if self._cancel.is_set():
            self.signals.cancelled.emit()
            return
        self.signals.progress.emit(100)
        self.signals.finished.emit(CsvLoadResult(None, None, dataset, error))
