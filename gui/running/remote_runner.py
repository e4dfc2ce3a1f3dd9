"""``RemoteRunner``: the training worker's handle on the child process that trains while the
window plays at full speed (why, and what is said over the connection: ``core.watch.remote_run``).

Used from the worker thread only. The child is started once (``spawn``: a fresh interpreter,
nothing of Qt inherited) and serves every run of the worker's lifetime; :meth:`close` ends it,
and it also ends by itself when the window's process goes away.
"""

import contextlib
import multiprocessing
import weakref

from core.watch.remote_run import (
    Adopt,
    Frame,
    Progress,
    Quit,
    Run,
    SnapshotTaken,
    Stop,
    Stopped,
    Unreadable,
    pack_trainer,
    progress_of,
    receive,
    send_buffered,
    serve,
)

#: Seconds to wait for the child to hand the trainer back (it answers within milliseconds;
#: the first run also waits for the child to start, about half a second).
RECALL_TIMEOUT = 30.0


class RemoteFailed(RuntimeError):
    """The child process could not be started, or stopped answering."""


class RemoteRunner:
    """Starts runs in the child process, reads what it sends, and takes the trainer back.

    Attributes
    ----------
    running : bool
        A run is under way in the child (until its ``Stopped`` message has been read).
    frame_pending : bool
        A snapshot was asked for and has not arrived yet.
    trainers_sent, datasets_sent, inputs_sent : int
        How many trainers were sent (one per trainer or input scaling, not per run), how
        many of them carried their dataset (one per dataset: a new network on the same data
        travels without it), and how many their network inputs (once per dataset, input
        scaling and dtype: the big arrays).
    """

    def __init__(self):
        self._process = None
        self._conn = None
        self.running = False
        self.frame_pending = False
        self.trainers_sent = self.datasets_sent = self.inputs_sent = 0
        self._adopted = lambda: None  # weak reference to the trainer the child holds
        self._pipeline = None  # the pipeline the child's trainer uses
        self._dataset = lambda: None  # weak reference to the last dataset the child got
        self._inputs_key = None  # what the child's network inputs were made with
        self._inputs_held = []  # network inputs sent and perhaps not read yet; the last
        self._held_before_run = 0  # how many of them a Run sent since follows

    def start_process(self):
        """Start the child if it is not running (returns at once: it imports on its own)."""
        if self._process is not None:
            return
        try:
            context = multiprocessing.get_context("spawn")
            mine, theirs = context.Pipe()
            process = context.Process(target=serve, args=(theirs,), daemon=True,
                                      name="BackpropStudioTraining")
            process.start()
            self._adopted = self._dataset = lambda: None  # a new child holds nothing yet
            self._inputs_key = None
        except Exception as exc:  # noqa: BLE001 - e.g. no permission to start processes
            raise RemoteFailed(f"could not start the training process: {exc}") from exc
        theirs.close()
        self._process, self._conn = process, mine

    def launch(self, trainer, options):
        """Let the child step a copy of ``trainer`` until :meth:`recall` (``options``: a
        ``core.watch.remote_run.RunOptions``). The trainer with its dataset is sent once (again
        only if its input pipeline was replaced); later runs send only its progress."""
        self.adopt(trainer)
        self._send(Run(progress_of(trainer), options))
        self._held_before_run = len(self._inputs_held)
        self.running, self.frame_pending = True, False

    def adopt(self, trainer):
        """Send ``trainer`` to the child unless it holds it already (with its dataset unless
        the child has that too), so that a later :meth:`launch` starts at once."""
        self.start_process()
        if self._adopted() is not trainer or self._pipeline is not trainer.pipeline:
            known = self._dataset() is trainer.dataset
            inputs_key = (trainer.dtype.str, trainer.pipeline.to_dict())
            same_inputs = known and inputs_key == self._inputs_key
            package = pack_trainer(trainer, with_dataset=not known, with_inputs=not same_inputs)
            self._send(Adopt(package), buffered=True)
            self._adopted, self._pipeline = weakref.ref(trainer), trainer.pipeline
            self._dataset, self._inputs_key = weakref.ref(trainer.dataset), inputs_key
            self.trainers_sent += 1
            self.datasets_sent += not known
            self.inputs_sent += not same_inputs
            if not same_inputs:
                # Inputs in shared memory travel by name: keep them (and so their name) until
                # the child has surely read them, whatever becomes of this trainer: the last
                # ones always (a restarted child is sent them again), earlier ones until the
                # child answers a run started after them (it reads messages in order).
                self._inputs_held.append((trainer.X_train, trainer.X_test))

    def request_frame(self):
        """Ask for a snapshot at the child's next step (once until it arrives)."""
        if self.running and not self.frame_pending:
            self._send(Frame())
            self.frame_pending = True

    def messages(self):
        """Every message received so far, without waiting."""
        received = []
        try:
            while self._conn.poll():
                self._keep(received, receive(self._conn))
        except (EOFError, OSError) as exc:
            raise RemoteFailed(f"the training process stopped unexpectedly ({exc!r})") from exc
        return received

    def recall(self, timeout=RECALL_TIMEOUT):
        """Stop the run; the messages up to and including its ``Stopped``."""
        self._send(Stop())
        received = []
        try:
            while self.running:
                if not self._conn.poll(timeout):
                    raise RemoteFailed(f"the training process did not answer in {timeout:g} s")
                self._keep(received, receive(self._conn))
        except (EOFError, OSError) as exc:
            raise RemoteFailed(f"the training process stopped unexpectedly ({exc!r})") from exc
        return received

    def _keep(self, received, message):
        """Append ``message`` to ``received`` (noted); a progress report that could not be
        read is dropped (only those are sent buffered): the next one follows, and the
        histories it carried keep a gap, as when their pacer skips steps."""
        if not isinstance(message, Unreadable):
            received.append(self._note(message))

    def close(self, timeout=5.0):
        """End the child process (waits up to ``timeout`` seconds, then kills it)."""
        process, self._process = self._process, None
        self.running = False
        if process is None:
            return
        with contextlib.suppress(OSError):
            self._conn.send(Quit())
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join(timeout)
        self._conn.close()

    @property
    def pid(self):
        """The child's process id, None when it is not started."""
        return None if self._process is None else self._process.pid

    def _note(self, message):
        # An answer to the Run: the child has read every Adopt sent before it.
        read = min(self._held_before_run, len(self._inputs_held) - 1)
        if read > 0:
            del self._inputs_held[:read]
            self._held_before_run -= read
        if isinstance(message, SnapshotTaken):
            self.frame_pending = False
        elif isinstance(message, Stopped):
            self.running = self.frame_pending = False
            if message.progress is None:  # the child had no trainer to run: send it all again
                self._adopted = self._dataset = lambda: None
                self._inputs_key = None
        elif not isinstance(message, Progress):
            raise RemoteFailed(f"the training process sent {message!r}")
        return message

    def _send(self, message, buffered=False):
        try:
            send_buffered(self._conn, message) if buffered else self._conn.send(message)
        except (OSError, ValueError) as exc:
            raise RemoteFailed(f"the training process stopped unexpectedly ({exc!r})") from exc
        except Exception as exc:  # noqa: BLE001 - e.g. something in the trainer cannot pickle
            raise RemoteFailed(f"the trainer could not be sent to its process ({exc!r})") from exc
