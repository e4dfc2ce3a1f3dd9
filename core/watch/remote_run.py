"""Training in a child process: the trainer's way there and back, and the child's loop.

Why: the window's training worker and its drawing share one Python interpreter, so every
millisecond the GUI spends in Python is a millisecond the trainer cannot step (the GIL). While
the window plays at full speed, the worker hands the trainer to a child process that steps it
on its own CPU, and takes it back, exactly, at the next request (pause, a setting, an edit).

The way there and back (:func:`pack_trainer`, :func:`unpack_trainer`, :func:`progress_of`,
:func:`apply_progress`) is exact: a trainer sent, stepped ``n`` times and taken back equals the
same trainer stepped ``n`` times in place, bit for bit (parameters, optimizer, generator, batch
order, history, last gradients and updates).

The child's loop (:func:`serve`) speaks typed messages (named tuples) over a
``multiprocessing`` connection:

parent → child
    :class:`Adopt` ``(package)``: the trainer to run from now on (:func:`pack_trainer`),
    its dataset's shell included unless it is the dataset of the trainer adopted before,
    its network inputs unless they are that trainer's too (same data, input scaling and
    dtype); sent once per trainer, with :func:`send_buffered`. The raw input values never
    travel: the child trains on the inputs made here. :class:`Run` ``(progress, options)``:
    bring the adopted trainer to ``progress`` (:func:`apply_progress`) and step until told
    to stop;
    :class:`Frame`: send a snapshot at the next step; :class:`Stop`: stop and send the
    trainer back; :class:`Quit`: exit.
child → parent
    :class:`Progress` about 12 times a second (with :func:`send_buffered`: read it with
    :func:`receive`); :class:`SnapshotTaken` after each
    :class:`Frame`; :class:`Stopped` when a run ends: ``finished`` (epoch limit or early
    stopping) or ``error`` (an exception), neither when told to stop.

``records`` holds one list per recorder of :class:`RunOptions` ``recorders``
(:class:`PacedRecorder`): what per-step histories (gradient norms, timeline states) recorded
since the last message.
"""

import dataclasses
import io
import math
import pickle
import time
from typing import Any, NamedTuple

import numpy as np

from core.watch.norms import gradient_norms, weight_norms
from core.watch.shared_inputs import shared_reduction
from core.watch.snapshot import take_snapshot
from core.watch.timeline import state_nbytes

#: Seconds between two looks at the connection while stepping (a look is a system call).
POLL_SECONDS = 0.002
#: Seconds between two progress messages.
PROGRESS_SECONDS = 1 / 12
#: Largest share of the child's time spent on snapshots. A snapshot is a forward pass over
#: the test set (0.1 s on MNIST, 25 steps' worth): a Frame asked for sooner than
#: ``cost / SNAPSHOT_SHARE`` after the last one began waits, and the steps go on meanwhile.
SNAPSHOT_SHARE = 0.1


# ---- the trainer's way there and back -------------------------------------------------------
def pack_trainer(trainer, with_dataset=True, with_inputs=None):
    """Everything needed to rebuild ``trainer`` elsewhere (a dict of copies, picklable).

    The dataset travels as :func:`dataset_shell` (its raw input values stay here) and the
    network-ready inputs ``trainer.X_train``, ``trainer.X_test`` beside it; either is left
    out (``None``) when the other side already has it: the dataset when ``with_dataset`` is
    False, the inputs when ``with_inputs`` is False (default: as ``with_dataset``).
    """
    with_inputs = with_dataset if with_inputs is None else with_inputs
    return {
        "dataset": dataset_shell(trainer.dataset) if with_dataset else None,
        "inputs": (trainer.X_train, trainer.X_test) if with_inputs else None,
        "config": trainer.config,
        "network": trainer.network,  # pickled as a copy (Network.__reduce__)
        "pipeline": trainer.pipeline,
        "progress": progress_of(trainer),
    }


def unpack_trainer(package, dataset=None, inputs=None):
    """The ``Trainer`` that :func:`pack_trainer` described; ``dataset`` (a ``Dataset``) and
    ``inputs`` stand in for what the package came without."""
    from core.train.trainer import Trainer  # the trainer does not import this module; keep it lazy

    if package["dataset"] is not None:
        dataset = dataset_from_shell(package["dataset"])
    inputs = package["inputs"] if package["inputs"] is not None else inputs
    if dataset is None or inputs is None:
        raise RuntimeError("The trainer was sent without its dataset, which was never sent.")
    trainer = Trainer(dataset, package["config"], network=package["network"],
                      pipeline=package["pipeline"], inputs=inputs)  # made once, in the parent
    apply_progress(trainer, package["progress"])
    return trainer


def dataset_shell(dataset):
    """``dataset`` without its raw input values, picklable: every other field, the inputs'
    shapes and their ``input_stats`` (all that a surface grid needs of them)."""
    skipped = ("X_train", "X_test", "row_order")
    fields = {f.name: getattr(dataset, f.name) for f in dataclasses.fields(dataset)
              if f.name not in skipped}
    return {"fields": fields, "shapes": (dataset.X_train.shape, dataset.X_test.shape),
            "stats": dataset.input_stats}


def dataset_from_shell(shell):
    """A ``Dataset`` from :func:`dataset_shell`. Its raw inputs are read-only NaN stand-ins
    of the right shapes, taking no memory: anything that reads their values gets NaN and
    shows it, instead of silently using wrong numbers."""
    from core.data.dataset import Dataset

    train_shape, test_shape = shell["shapes"]
    stand_in = np.float64(np.nan)
    dataset = Dataset(X_train=np.broadcast_to(stand_in, train_shape),
                      X_test=np.broadcast_to(stand_in, test_shape), **shell["fields"])
    vars(dataset)["input_stats"] = shell["stats"]  # the cached_property's own slot
    return dataset


def progress_of(trainer):
    """What stepping changes in ``trainer`` (copies): its state, last gradients and updates."""
    return {
        "state": trainer.state_dict(),
        "grads": trainer.network.flat_grads.copy(),
        "updates": [u.copy() for u in trainer.last_updates],
    }


def apply_progress(trainer, progress):
    """Bring ``trainer`` (same data and architecture) to ``progress`` (:func:`progress_of`)."""
    trainer.load_state_dict(progress["state"])
    np.copyto(trainer.network.flat_grads, progress["grads"])
    for mine, theirs in zip(trainer.last_updates, progress["updates"], strict=True):
        np.copyto(mine, theirs)


# ---- per-step histories recorded in the child -------------------------------------------------
def capture_norms(trainer):
    """``(step, grad (L,), weight (L,))``: each layer's ‖∂L/∂W‖ and ‖W‖ after this step."""
    network = trainer.network
    return trainer.step_count, gradient_norms(network), weight_norms(network)


def capture_state(trainer):
    """``(step, trainer.state_dict(history=False))``: the history, long and append-only, is
    not copied and sent with every state (the parent takes it from the trainer it gets back)."""
    return trainer.step_count, trainer.state_dict(history=False)


class PacedRecorder:
    """Records ``capture(trainer)`` at the first step it sees, then every ``spacing`` steps,
    paced by ``pacer`` (a :class:`~core.watch.pacing.RecordPacer`), into a list the loop sends on.

    It stands in for a history of the parent (gradient norms, timeline states) while the
    child trains. The parent files the records into the history itself, which keeps only the
    due ones (its spacing may have doubled meanwhile) and handles a rewound run exactly as
    when it records in place.
    """

    def __init__(self, capture, spacing, pacer):
        self.capture = capture
        self.spacing = int(spacing)
        self.due = 0
        self.pacer = pacer
        self.records = []

    def after_steps(self, trainer):
        """Record if due; the step count at which it is next due."""
        step = trainer.step_count
        if step >= self.due:
            start = time.perf_counter()
            record = self.capture(trainer)
            cost = time.perf_counter() - start
            self.records.append(record)
            nbytes = state_nbytes(record) if self.pacer.byte_rate else 0
            self.due = self.pacer.next_step(step, step + self.spacing, cost=cost, nbytes=nbytes)
        return self.due

    def drain(self):
        """The records since the last call."""
        records, self.records = self.records, []
        return records


# ---- the messages ---------------------------------------------------------------------------
class RunOptions(NamedTuple):
    recorders: tuple = ()  # a PacedRecorder per observer of the parent
    surface_resolution: int = 50
    surface_columns: tuple | None = None


class Adopt(NamedTuple):
    package: dict  # pack_trainer(trainer)


class Buffered(NamedTuple):
    """Announces a message sent by :func:`send_buffered`: its pickle without the arrays'
    memory, which follows as ``len(sizes)`` raw byte messages."""

    head: bytes
    sizes: tuple


class Unreadable(NamedTuple):
    """What :func:`receive` gives for a buffered message that could not be rebuilt."""

    error: Exception


class Run(NamedTuple):
    progress: dict  # progress_of(trainer)
    options: RunOptions


class Frame(NamedTuple):
    """Parent → child: send a snapshot at the next step."""


class Stop(NamedTuple):
    """Parent → child: stop the run and send the trainer back."""


class Quit(NamedTuple):
    """Parent → child: end the process."""


class Progress(NamedTuple):
    step: int
    epoch: int
    records: list


class SnapshotTaken(NamedTuple):
    snapshot: Any  # core.watch.snapshot.Snapshot
    step: int
    epoch: int
    records: list


class Stopped(NamedTuple):
    progress: dict | None  # None: the trainer could not be rebuilt
    records: list
    finished: bool = False  # the epoch limit or early stopping
    error: Exception | None = None


# ---- big messages ----------------------------------------------------------------------------
def send_buffered(conn, message):
    """Send ``message`` with its arrays' memory written straight to ``conn`` (pickle protocol
    5 out-of-band buffers): no pickled copy of a 400 MB dataset is made, and the interpreter
    lock is released while the bytes are written, so the window's thread goes on drawing.
    Arrays in shared memory travel as their block's name (:class:`_SharedPickler`)."""
    buffers, head = [], io.BytesIO()
    _SharedPickler(head, protocol=5, buffer_callback=buffers.append).dump(message)
    head = head.getvalue()
    views = [b.raw() for b in buffers]
    conn.send(Buffered(head, tuple(v.nbytes for v in views)))
    for view in views:
        conn.send_bytes(view)


class _SharedPickler(pickle.Pickler):
    """Pickles an array that lives in shared memory as its block's name: the other process
    maps the same pages instead of receiving a copy (``core.watch.shared_inputs``)."""

    def reducer_override(self, obj):
        if type(obj) is np.ndarray:
            return shared_reduction(obj) or NotImplemented
        return NotImplemented


def receive(conn):
    """The next message on ``conn``, put together again if it was :func:`send_buffered`."""
    message = conn.recv()
    if isinstance(message, Buffered):
        buffers = [conn.recv_bytes() for _ in message.sizes]
        try:
            message = pickle.loads(message.head, buffers=buffers)
        except Exception as exc:  # noqa: BLE001 - e.g. a shared block already removed
            message = Unreadable(RuntimeError(
                f"The training process could not read the network sent to it ({exc}); it is "
                "sent again at the next Play."))
    return message


# ---- the child's loop -----------------------------------------------------------------------
def serve(conn):
    """The child process's main function: run what the parent sends until :class:`Quit`."""
    trainer = None  # the adopted trainer, or the exception that rebuilding it raised
    # The last dataset and network inputs sent: a new network on them comes without them.
    dataset = inputs = None
    try:
        while True:
            message = receive(conn)
            if isinstance(message, Quit):
                return
            if isinstance(message, Unreadable):  # only an Adopt is sent buffered
                trainer = message.error  # reported at the next Run
                dataset = inputs = None  # unknown now: a later Adopt must bring them
            elif isinstance(message, Adopt):
                package = message.package
                trainer = None  # let the old one go before building anew
                try:
                    if package["dataset"] is not None:
                        dataset = dataset_from_shell(package["dataset"])
                    if package["inputs"] is not None:
                        inputs = package["inputs"]
                    trainer = unpack_trainer(dict(package, dataset=None), dataset, inputs)
                except Exception as exc:  # noqa: BLE001 - reported at the next Run
                    trainer = exc
            elif isinstance(message, Run):
                conn.send(_run(conn, trainer, message))
    except (EOFError, OSError):  # the parent has gone: nothing left to do
        return


def _run(conn, trainer, run):
    """Step ``trainer`` from ``run.progress`` until stopped; the final :class:`Stopped`."""
    recorders = run.options.recorders
    try:
        if not hasattr(trainer, "step"):
            raise trainer if trainer is not None else RuntimeError("No trainer was adopted.")
        apply_progress(trainer, run.progress)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which shows it
        return Stopped(None, [], error=_sendable(exc))
    try:
        finished, error = _steps(conn, trainer, recorders, run.options), None
    except Exception as exc:  # noqa: BLE001 - e.g. a snapshot failed: keep the steps done
        finished, error = False, _sendable(exc)
    return Stopped(progress_of(trainer), _drain(recorders), finished, error)


def _steps(conn, trainer, recorders, options):
    """The stepping loop of :func:`_run`: True at the epoch limit (or early stopping),
    False when told to stop; raises what a step raised."""
    due = 0
    now = time.perf_counter()
    next_poll, next_progress = now + POLL_SECONDS, now + PROGRESS_SECONDS
    frame_wanted, next_frame = False, now
    first_frame = True  # a run's first state is shown at once: taken whole, here
    with np.errstate(all="ignore"):  # the trainer reports non-finite values itself
        while True:
            if trainer.stopped_early or trainer.epoch >= trainer.config.epochs:
                return True
            trainer.step()
            if trainer.step_count >= due:
                due = min((r.after_steps(trainer) for r in recorders), default=math.inf)
            now = time.perf_counter()
            if now >= next_poll:
                next_poll = now + POLL_SECONDS
                while conn.poll():
                    message = conn.recv()
                    if isinstance(message, Stop):
                        return False
                    frame_wanted = frame_wanted or isinstance(message, Frame)
                if frame_wanted and now >= next_frame:
                    frame_wanted = False
                    next_frame = now + _send_snapshot(conn, trainer, recorders, options,
                                                      test_outputs=first_frame) / SNAPSHOT_SHARE
                    first_frame = False
            if now >= next_progress:
                next_progress = now + PROGRESS_SECONDS
                # out of band: a 784-128-10 state is 2.4 MB, whose copy into a pickle cost
                # the child ~2 % of its time
                send_buffered(conn, Progress(trainer.step_count, trainer.epoch,
                                             _drain(recorders)))


def _send_snapshot(conn, trainer, recorders, options, test_outputs=False):
    """Send a :class:`SnapshotTaken` of ``trainer`` now; the seconds it took.

    Without the test outputs unless asked (a run's first frame, which the user waits for):
    on big data that forward pass (12,000 MNIST rows: ~0.14 s) was most of a snapshot's
    cost; the window's process makes them from the snapshot's weights
    (``core.watch.snapshot.with_test_outputs``) while this one steps on."""
    start = time.perf_counter()
    snap = take_snapshot(trainer, options.surface_resolution, options.surface_columns,
                         test_outputs=test_outputs)
    conn.send(SnapshotTaken(snap, trainer.step_count, trainer.epoch, _drain(recorders)))
    return time.perf_counter() - start


def _drain(recorders):
    return [r.drain() for r in recorders]


def _sendable(exc):
    """``exc`` if it survives pickling, else a ``RuntimeError`` with its message."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any pickling failure
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc
