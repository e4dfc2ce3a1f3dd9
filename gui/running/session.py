"""``TrainingSession``: the GUI-thread controller between the window and the worker.

It holds what the user chose (dataset, config), builds a new ``Trainer`` whenever that
needs a new network, resets every registered view with ``trainer.info()`` and shows the
first snapshot, then hands the trainer to the :class:`~gui.running.worker.TrainingWorker` in its
``QThread``. Snapshots coming back are shown on every view (in the GUI thread) and
acknowledged so the worker may send the next one. Snapshots of a replaced trainer are
dropped (each trainer has a *generation* number). A :class:`~gui.running.frame_painter.FramePainter`
updates the views one per event-loop turn and skips the ones that cannot be seen.

Features that need the trainer itself use :meth:`TrainingSession.call`, which returns the
value of ``fn(trainer, *args)`` run by the worker between two steps.

Views are any objects with ``reset(trainer_info)`` and ``show_snapshot(snapshot)``.
"""

import dataclasses
import time
import traceback

from pyqtgraph.util.garbage_collector import GarbageCollector
from PySide6.QtCore import QObject, QThread, QThreadPool, QTimer, Signal

from core.data.image_shape import is_image_classification
from core.io.session import data_fingerprint
from core.train.trainer import LIVE_FIELDS, Trainer
from core.watch.shared_inputs import InputsReuse
from core.watch.snapshot import SurfaceSlice, take_snapshot
from gui.panels.output_rules import adapt_to_dataset
from gui.running.change_words import run_change, same_network
from gui.running.frame_painter import FramePainter
from gui.running.pending_call import CALL_TIMEOUT
from gui.running.trainer_build import (
    TrainerBuildTask,
    build_trainer,
    builds_in_background,
    share_inputs,
)
from gui.running.worker import TrainingWorker

#: Threads whose worker was told to stop but had not ended within ``shutdown``'s wait.
_STOPPING = []


def describe_error(exc):
    """A one-paragraph message for the user about ``exc``."""
    text = str(exc).strip()
    if isinstance(exc, ValueError | RuntimeError) and text:
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def default_columns(dataset):
    """Raw input columns of the surface: (0, 1) when there are two or more inputs."""
    return (0, 1) if dataset.X_train.shape[1] >= 2 else None


def same_data(a, b):
    """Whether datasets ``a`` and ``b`` hold the same rows from the same definition."""
    if a is b:
        return True
    return (a.name == b.name and a.spec == b.spec and a.task == b.task
            and data_fingerprint(a) == data_fingerprint(b))


def _short(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


#: Python's cyclic garbage collector runs only in the GUI thread once a training thread exists
#: (pyqtgraph's ``GarbageCollector``: automatic collection off, a GUI-thread timer collects).
#: A collection in the worker thread could free a Qt object there (a closed menu, a lesson
#: panel in a reference cycle), and its destructor would deadlock with the GUI thread.
COLLECT_SECONDS = 0.1
_collector = None


def collect_in_gui_thread():
    """Start the GUI-thread garbage collector (once per process; call in the GUI thread)."""
    global _collector
    if _collector is None:
        _collector = GarbageCollector(interval=COLLECT_SECONDS)
    return _collector


class TrainingSession(QObject):
    """Owns the worker thread and the current trainer's description; see module docstring."""

    trainerChanging = Signal(object)  # TrainerInfo of the new trainer, before views reset
    trainerChanged = Signal(object)  # TrainerInfo of the new trainer
    snapshotShown = Signal(object)  # Snapshot, after every view has shown it
    countersChanged = Signal(object)  # (step, epoch, steps_per_second)
    runningChanged = Signal(object)  # bool
    finished = Signal(object)  # reason (str)
    error = Signal(object)  # message (str) for the user
    message = Signal(object)  # status text (str)

    def __init__(self, dataset, config, parent=None, max_rate=30.0, surface_resolution=50,
                 use_process=True):
        super().__init__(parent)
        self.use_process = use_process
        self.views = []
        self.painter = FramePainter(self._call, parent=self)
        self.dataset = dataset
        self.config = config
        self.info = None
        self.last_snapshot = None
        self.running = False
        self.counters = (0, 0, 0.0)
        self._generation = 0
        #: Told before a new trainer replaces the run (``gui.undo.RunHistory``), or None.
        self.keeper = None
        self._saved = None  # (generation, step) of the last save or open
        self._pending = None  # (dataset, config) of a trainer being built on a pool thread
        self._builds = []  # build tasks the pool may still run
        # big data's network inputs, shared with the training process (when there is one)
        self._shared = InputsReuse() if use_process else None
        self.surface_resolution = surface_resolution
        self.surface_shown = True  # a view that draws the surface may be on screen
        trainer = build_trainer(dataset, config, self._shared)
        self._show_first(self._look_at(trainer))
        self._start_thread(trainer, max_rate)

    # -- thread -----------------------------------------------------------------------------
    def _start_thread(self, trainer, max_rate):
        self.thread = QThread()
        self.thread.setObjectName("TrainingThread")
        self.worker = TrainingWorker(trainer, self._generation, max_rate=max_rate,
                                     surface_resolution=self._resolution(),
                                     surface_columns=self.surface_columns,
                                     use_process=self.use_process)
        self.worker.moveToThread(self.thread)
        self.worker.snapshotReady.connect(self._on_snapshot)
        self.worker.countersChanged.connect(self._on_counters)
        self.worker.runningChanged.connect(self._on_running)
        self.worker.finished.connect(self._on_finished)
        self.worker.error.connect(self._on_error)
        self.worker.notice.connect(self.message)
        self.thread.finished.connect(self.worker.deleteLater)
        collect_in_gui_thread()
        self.thread.start()

    def shutdown(self, timeout_ms=5000):
        """Stop training and the thread, and wait for it. Safe to call twice."""
        if self.thread is None:
            return True
        done = True
        if self.thread.isRunning():
            self.worker.stop()
            done = self.thread.wait(timeout_ms)
        if not done:  # a slow stop (a loaded machine): a QThread destroyed while it runs
            _STOPPING.append(self.thread)  # aborts the app, so keep it until the app exits
        self.thread = None
        return done

    # -- views ------------------------------------------------------------------------------
    def add_view(self, view):
        """Register ``view`` and bring it up to date with the current trainer."""
        self.views.append(view)
        self.painter.add(view)
        self._call(view, "reset", self.info)
        if self.last_snapshot is not None:
            self._call(view, "show_snapshot", self.last_snapshot)

    def _call(self, view, method, arg):
        try:
            getattr(view, method)(arg)
        except Exception as exc:  # noqa: BLE001 - a broken view must not take the window down
            traceback.print_exc()
            self.pause()
            name = type(view).__name__
            self.error.emit(f"{name} could not show this network: {describe_error(exc)}")
            return False
        return True

    def _show_all(self, snapshot):
        """Show ``snapshot`` on every view now (a new trainer's first state)."""
        self.last_snapshot = snapshot
        self.painter.show_now(snapshot)
        self.snapshotShown.emit(snapshot)

    def _shown(self, snapshot, start):
        """Every view has ``snapshot`` (a staggered pass that began at GUI-thread CPU time
        ``start`` ended): publish it; acknowledge it once the last view has repainted."""
        self.last_snapshot = snapshot
        if self.running:  # the counters follow the views, a frame behind the worker
            self.counters = (snapshot.step, snapshot.epoch, self.counters[2])
            self.countersChanged.emit(self.counters)
        self.snapshotShown.emit(snapshot)
        QTimer.singleShot(self.painter.gap_ms,
                          lambda: self._drawn(time.thread_time() - start))

    # -- transport --------------------------------------------------------------------------
    def play(self):
        self.worker.play()

    def pause(self):
        self.worker.pause()

    def toggle(self):
        self.pause() if self.running else self.play()

    def step(self):
        self.worker.step()

    def step_epoch(self):
        self.worker.step_epoch()

    def refresh(self):
        """Show the trainer's current state on every view (after it was changed by a call)."""
        self.worker.refresh()

    def call(self, fn, *args, timeout=CALL_TIMEOUT):
        """``fn(trainer, *args)`` run by the worker between two steps; its value.

        The GUI thread waits (milliseconds). Raises what ``fn`` raised, ``RuntimeError`` when
        training has been shut down, ``gui.running.worker.CallTimeout`` after ``timeout`` seconds.
        Pause first (:meth:`pause`) to act on the state the user sees.
        """
        if self.thread is None or not self.thread.isRunning():
            raise RuntimeError("Training has been shut down; nothing to save or load.")
        return self.worker.call(fn, *args, timeout=timeout)

    def set_surface_columns(self, columns):
        """Draw surfaces over raw input ``columns`` ``(i, j)`` (or a ``SurfaceSlice``: those
        columns, the other inputs at its values) from the next snapshot on."""
        self.surface_columns = columns if isinstance(columns, SurfaceSlice) else tuple(columns)
        self.worker.set_columns(self.surface_columns)

    def set_speed(self, steps_per_second):
        """Limit training to ``steps_per_second`` (``None`` = as fast as possible)."""
        self.worker.set_speed(steps_per_second)

    def _chosen(self):
        """``(dataset, config)`` the user chose last: a trainer being built, or the current."""
        return self._pending or (self.dataset, self.config)

    @property
    def building(self):
        """True while a new trainer is built on a pool thread (big data)."""
        return self._pending is not None

    def reset(self, note="Network reset.", what="reset to the same initial weights"):
        """A fresh network with the current dataset and config (same seed: same start)."""
        return self._replace(*self._chosen(), note, what)

    # -- saved or not -----------------------------------------------------------------------
    def mark_saved(self, step=None):
        """The run at ``step`` (default: the step shown) has been saved, or was just opened
        from a file."""
        self._saved = (self._generation, int(self.counters[0] if step is None else step))

    def unsaved_steps(self):
        """Trained steps that no file holds: 0 when nothing would be lost by replacing it."""
        step = int(self.counters[0])
        if self._saved is not None and self._saved[0] == self._generation:
            return 0 if step == self._saved[1] else step - min(self._saved[1], step)
        return step

    # -- what the user changes --------------------------------------------------------------
    def set_dataset(self, dataset):
        """A new network on ``dataset``; an output/loss that does not fit its task goes back
        to Auto (``output_rules.adapt_to_dataset``), and the status line says so."""
        config, adapted = adapt_to_dataset(self._chosen()[1], dataset)
        if config.features and not dataset.is_2d:
            config = dataclasses.replace(config, features=())
        if config == self.config and same_data(dataset, self.dataset):
            self.dataset = dataset  # e.g. the chosen tile clicked again: nothing to rebuild
            return True
        note = f"Dataset {dataset.name!r}: network reset. {adapted}".strip()
        return self._replace(dataset, config, note)

    def set_features(self, features):
        return self.update_config({"features": tuple(features)})

    def set_hidden(self, hidden):
        return self.update_config({"hidden": tuple(hidden)})

    def update_config(self, changes, note=None, what=None):
        """Apply ``changes`` (TrainConfig fields) that need a new network; say so (``note``,
        default: what changed; ``what``: the change's name for Edit → Undo)."""
        live = {k: v for k, v in changes.items() if k in LIVE_FIELDS}
        rest = {k: v for k, v in changes.items() if k not in LIVE_FIELDS}
        if live:
            self.set_live(live)
        if not rest:
            return True
        dataset, chosen = self._chosen()
        try:
            config = dataclasses.replace(chosen, **rest)
        except TypeError as exc:
            self.error.emit(describe_error(exc))
            return False
        if same_network(self.config, config) and dataset is self.dataset:
            self.config = config  # e.g. "Per layer" ticked, every layer equal
            return True
        if note is None:
            note = f"New network: {run_change(self.dataset, self.config, dataset, config)}."
        return self._replace(dataset, config, note, what)

    def set_live(self, changes):
        """Apply ``LIVE_FIELDS`` (lr, l1, l2, epochs, clip_norm) between steps, no reset."""
        changes = {k: v for k, v in changes.items() if k in LIVE_FIELDS}
        if not changes:
            return False
        try:
            config = dataclasses.replace(self.config, **changes)
            config.validate(self.dataset)
        except Exception as exc:  # noqa: BLE001 - bad input is shown, training goes on
            self.error.emit(describe_error(exc))
            return False
        self.config = config
        self.worker.set_live(changes)
        shown = ", ".join(f"{k} = {_short(v)}" for k, v in changes.items())
        self.message.emit(f"Applied {shown} (no reset).")
        return True

    # -- new trainers -----------------------------------------------------------------------
    def _replace(self, dataset, config, note, what=None):
        """Build a trainer; on success swap it in and return True, else report and keep.

        Big data (``builds_in_background``): the trainer is built on a pool thread and
        swapped in when ready (True is returned at once; a failure is reported then); the
        last request wins."""
        self._pending = None
        if builds_in_background(dataset):
            self._build_in_background(dataset, config, note, what)
            return True
        try:
            trainer = Trainer(dataset, config)
        except Exception as exc:  # noqa: BLE001 - bad input is shown, the old network stays
            self.pause()
            self.error.emit(f"Could not build the network: {describe_error(exc)}")
            return False
        self.install(trainer, note, config, what)
        return True

    def _build_in_background(self, dataset, config, note, what):
        self.pause()
        self._pending = pending = (dataset, config)
        self.message.emit(f"Building the network on {dataset.n_train:,} training rows…")
        task = TrainerBuildTask(dataset, config, self._shared, self._snapshot_options(dataset))
        def ended(result):
            self._on_built(task, pending, result, note, what)

        task.signals.built.connect(ended)
        task.signals.failed.connect(ended)
        self._builds.append(task)
        QThreadPool.globalInstance().start(task)

    def _on_built(self, task, pending, result, note, what):
        """A background build ended: install it unless a newer request replaced it."""
        self._builds.remove(task)
        if pending is not self._pending:
            return
        self._pending = None
        if isinstance(result, Exception):
            self.error.emit(f"Could not build the network: {describe_error(result)}")
            return
        trainer, snapshot = result
        self.install(trainer, note, pending[1], what, snapshot)

    def install(self, trainer, note, config=None, what=None, snapshot=None):
        """Make ``trainer`` (built in the GUI thread, not yet shared) the current one.

        Resets every view, shows its first snapshot and hands it to the worker, paused.
        ``config`` is what the user chose (default: the trainer's resolved config). The
        :attr:`keeper`, if any, first keeps the run being replaced (Edit → Undo) and words
        the status message; ``what`` names the change for it ("opened session x"; default:
        the settings that differ). ``snapshot``: the trainer's first, when already taken
        (with :meth:`_snapshot_options`, on the pool thread that built it).
        """
        self._pending = None  # this trainer wins over one still being built
        if self._shared is not None:  # big data brought back: the inputs the child maps
            share_inputs(trainer, self._shared)
        if self.keeper is not None:
            note = self.keeper.before_replace(trainer, config or trainer.config, note, what)
        self.dataset = trainer.dataset
        self.config = trainer.config if config is None else config
        self._generation += 1
        snapshot = self._look_at(trainer, snapshot)
        # Handed over before the views reset: the worker sends it to the training process
        # (376 MB of inputs on MNIST) while the window redraws, so Play starts at once.
        self.worker.replace(trainer, self._generation, self.surface_columns)
        self._show_first(snapshot)
        self.message.emit(note)

    def _look_at(self, trainer, snapshot=None):
        """What the views need of ``trainer`` (not yet shared with the worker): its info,
        counters and first snapshot (taken unless given), which is returned."""
        self.info = trainer.info()
        self.surface_columns = default_columns(trainer.dataset)
        self.counters = (trainer.step_count, trainer.epoch, 0.0)
        if snapshot is not None:
            return snapshot
        return take_snapshot(trainer, **self._snapshot_options(trainer.dataset))

    def _snapshot_options(self, dataset):
        """``take_snapshot`` keywords for a new run's first snapshot on ``dataset``: with its
        surface unless the data are images, whose Images tab comes first, not the Surface
        tab (``gui.shell.output_tabs``; the window then says so: :meth:`set_surface_shown`)."""
        images = is_image_classification(dataset)
        return {"surface_resolution": 0 if images else self.surface_resolution,
                "surface_columns": default_columns(dataset)}

    def _resolution(self):
        """The surface's grid points per axis; 0 (none taken) while no view shows it."""
        return self.surface_resolution if self.surface_shown else 0

    def set_surface_shown(self, shown):
        """Whether a view that draws the surface is on screen. Off, snapshots are taken
        without it (on the digits, 7 of a paused Step's ~11 ms in the worker went to the
        surface over two pixels that nothing on screen drew); back on, the current state's
        surface is sent at once."""
        if bool(shown) != self.surface_shown and self.thread is not None:
            self.surface_shown = bool(shown)
            self.worker.set_resolution(self._resolution())

    def surface_snapshot(self):
        """A snapshot of the current state with its surface, taken now by the worker."""
        columns = self.surface_columns
        return self.call(lambda trainer: take_snapshot(
            trainer, surface_resolution=self.surface_resolution, surface_columns=columns))

    def show_with_surface(self):
        """Show every view, hidden ones included, the current state with its surface, now;
        returns it. For an export while no view draws the surface (none is taken): the
        decision view's would be older than the others, and while training runs the current
        state is newer than what the views show, so all of them move to it together."""
        snapshot = self.surface_snapshot()
        start = time.thread_time()
        self.painter.show_now(snapshot)
        self.painter.bring_up_to_date()
        self._shown(snapshot, start)
        return snapshot

    def _show_first(self, snapshot):
        """Reset every view for the new run (``self.info``) and show its first ``snapshot``."""
        # The window shows the tabs that fit the data first: views reset while hidden put
        # off their drawing (48,000 points of a pixel-against-pixel surface on MNIST).
        self.trainerChanging.emit(self.info)
        for view in self.views:
            self._call(view, "reset", self.info)
        self.trainerChanged.emit(self.info)
        self.countersChanged.emit(self.counters)
        self._show_all(snapshot)

    # -- from the worker --------------------------------------------------------------------
    def _on_snapshot(self, payload):
        generation, snapshot = payload
        if generation != self._generation:
            QTimer.singleShot(0, lambda: self._drawn(0.0))
            return
        if self.running:  # a stream of snapshots: one view per event-loop turn
            self.painter.show(snapshot, lambda start: self._shown(snapshot, start))
        else:  # a step, a pause, a request: the user waits for exactly this state
            start = time.thread_time()
            self.painter.show_now(snapshot)
            self._shown(snapshot, start)

    def _drawn(self, cpu_seconds):
        """Tell the worker the GUI took ``cpu_seconds`` of its own time to draw a snapshot."""
        if self.thread is not None:
            self.worker.snapshot_drawn(cpu_seconds)

    def _on_counters(self, payload):
        generation, step, epoch, rate = payload
        if generation != self._generation:
            return
        if self.running and self.last_snapshot is not None:
            # While training runs the worker is ahead of the views by up to a frame: keep
            # the step and epoch of the snapshot shown (``_shown``), take only the rate.
            step, epoch = self.counters[:2]
        self.counters = (step, epoch, rate)
        self.countersChanged.emit(self.counters)

    def _on_running(self, running):
        self.running = bool(running)
        self.runningChanged.emit(self.running)

    def _on_finished(self, reason):
        self.finished.emit(reason)
        self.message.emit(f"Training stopped. {reason}")

    def _on_error(self, exc):
        self.error.emit(describe_error(exc))
