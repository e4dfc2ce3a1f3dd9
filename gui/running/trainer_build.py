"""``TrainerBuildTask``: build a ``Trainer`` on a pool thread.

On MNIST-size data (48,000 × 784 training rows) a new trainer takes seconds: the input
pipeline's statistics and the standardised copies of the training and test inputs. The
session builds it here, with its first snapshot (a forward pass over 12,000 test rows), and
installs both when ``built`` arrives, so the window keeps drawing.
When the window trains in a child process, those copies are made in shared memory
(``core.watch.shared_inputs``): the child maps them instead of receiving its own.
"""

from PySide6.QtCore import QObject, QRunnable, Signal

from core.train.state import use_inputs
from core.train.trainer import Trainer, input_pipeline
from core.watch.shared_inputs import is_shared
from core.watch.snapshot import take_snapshot

#: From this many training input cells (rows × inputs) on, a trainer is built off the GUI
#: thread (MNIST: 37 million; the shipped data sets: under 100,000).
BACKGROUND_CELLS = 4_000_000


def builds_in_background(dataset):
    """True when a trainer on ``dataset`` is big enough to be built on a pool thread."""
    return dataset.n_train * dataset.n_inputs >= BACKGROUND_CELLS


class TrainerBuildSignals(QObject):
    """``built((trainer, snapshot))`` or ``failed(exception)``, queued into the GUI thread."""

    built = Signal(object)
    failed = Signal(object)


class TrainerBuildTask(QRunnable):
    """``Trainer(dataset, config)`` and its first ``take_snapshot(trainer, **snapshot_options)``
    on a pool thread; with ``shared`` (a ``core.watch.shared_inputs.InputsReuse``) its network
    inputs live in shared memory. Nothing else sees the trainer before ``built``."""

    def __init__(self, dataset, config, shared=None, snapshot_options=None):
        super().__init__()
        self.setAutoDelete(False)  # the session keeps it until its signal is handled
        self.signals = TrainerBuildSignals()
        self._dataset, self._config, self._shared = dataset, config, shared
        self._snapshot_options = dict(snapshot_options or {})

    def run(self):
        """Runs on a pool thread; ends in exactly one signal."""
        try:
            trainer = build_trainer(self._dataset, self._config, self._shared)
            # cached on the dataset, so that the views' resets need not scan the data
            _ = trainer.dataset.input_stats
            if trainer.dataset.is_classification:
                _ = trainer.dataset.class_means  # the decision surface's slice presets
            snapshot = take_snapshot(trainer, **self._snapshot_options)
        except Exception as exc:  # noqa: BLE001 - shown by the session, old network kept
            self.signals.failed.emit(exc)
        else:
            self.signals.built.emit((trainer, snapshot))
        finally:
            self._dataset = self._config = self._shared = None


def build_trainer(dataset, config, shared=None):
    """``Trainer(dataset, config)``; with ``shared`` (a ``core.watch.shared_inputs.
    InputsReuse``) and big data (:func:`builds_in_background`), its network inputs in shared
    memory."""
    if shared is None or not builds_in_background(dataset):
        return Trainer(dataset, config)
    pipeline = input_pipeline(dataset, config)
    inputs = shared.inputs_for(pipeline, dataset, config.resolved(dataset).dtype)
    return Trainer(dataset, config, pipeline=pipeline, inputs=inputs)


def share_inputs(trainer, shared):
    """Feed ``trainer`` (built with its own arrays: brought back by Edit → Undo, opened from
    a file) from the shared inputs made for the same data, scaling and dtype, when they are
    still alive (``shared``, a ``core.watch.shared_inputs.InputsReuse``): the training
    process then maps them instead of receiving a copy. Nothing is made here."""
    if is_shared(trainer.X_train) or not builds_in_background(trainer.dataset):
        return
    arrays = shared.existing(trainer.pipeline, trainer.dataset, trainer.dtype)
    if arrays is not None:
        use_inputs(trainer, *arrays)
