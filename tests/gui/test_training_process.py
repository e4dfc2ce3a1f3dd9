"""Playing at full speed trains in a child process (gui.running.worker_remote): the window shows the
same run, every request still lands between two steps on an exact trainer, and a failing
child only sends training back to the window's own thread."""

import multiprocessing

import numpy as np
import pytest

from core.data import load_dataset
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from gui.shell.window import MainWindow
from tests.gui.helpers import in_worker
from tests.gui.helpers import pause_training as pause
from tests.test_stepthrough import assert_same

TIMEOUT = 60_000


def make_window(qtbot, dataset="circles", **config):
    window = MainWindow(load_dataset(dataset), TrainConfig(**config))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def remote(window):
    return window.session.worker._remote


def play_until(qtbot, window, steps):
    window.session.play()
    qtbot.waitUntil(lambda: window.session.counters[0] >= steps, timeout=TIMEOUT)


def reference_state(dataset, config, steps):
    trainer = Trainer(load_dataset(dataset), config)
    for _ in range(steps):
        trainer.step()
    return trainer.state_dict()


def test_full_speed_trains_in_a_child_and_pause_takes_back_the_exact_trainer(qtbot):
    window = make_window(qtbot, optimizer="adam", lr=0.01, epochs=10**6)
    play_until(qtbot, window, 2000)
    assert remote(window).running and remote(window).pid in child_pids()
    pause(qtbot, window)
    assert not remote(window).running
    state = in_worker(qtbot, window, lambda t: t.state_dict())
    assert state["step_count"] == window.session.counters[0] >= 2000
    assert_same(state, reference_state("circles", window.session.config, state["step_count"]))
    play_until(qtbot, window, state["step_count"] + 1000)  # the child still holds the data
    pause(qtbot, window)
    state = in_worker(qtbot, window, lambda t: t.state_dict())
    assert_same(state, reference_state("circles", window.session.config, state["step_count"]))
    assert remote(window).datasets_sent == 1


def child_pids():
    return {p.pid for p in multiprocessing.active_children()}


def test_the_child_is_started_once_the_window_is_on_screen(qtbot):
    window = MainWindow(load_dataset("circles"), TrainConfig(epochs=10**6))
    qtbot.addWidget(window)
    in_worker(qtbot, window, lambda t: None)  # the worker has run what it was asked so far
    assert remote(window).pid is None  # its imports would compete with building the window
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: remote(window).pid is not None, timeout=TIMEOUT)
    assert remote(window).pid in child_pids()
    assert not remote(window).running


def test_a_window_shown_but_never_painted_starts_the_child_all_the_same(qtbot, monkeypatch):
    from gui.shell import window as window_module

    monkeypatch.setattr(window_module, "AFTER_SHOW_MS", 200)
    window = MainWindow(load_dataset("circles"), TrainConfig(epochs=10**6))
    qtbot.addWidget(window)
    window._painted = True  # as if no paint ever came (a window the system shows minimised)
    window.show()
    qtbot.waitUntil(lambda: remote(window).pid is not None, timeout=TIMEOUT)
    pid = remote(window).pid
    window._after_first_paint()  # a later paint or timer starts nothing twice
    in_worker(qtbot, window, lambda t: None)
    assert remote(window).pid == pid


def test_max_speed_play_before_the_child_was_started_trains_in_the_child(qtbot):
    window = MainWindow(load_dataset("circles"), TrainConfig(epochs=10**6))  # not shown yet
    qtbot.addWidget(window)
    in_worker(qtbot, window, lambda t: None)
    assert remote(window).pid is None
    play_until(qtbot, window, 2000)  # the settings say Max speed: the child starts now
    assert remote(window).running and remote(window).pid in child_pids()
    pause(qtbot, window)
    state = in_worker(qtbot, window, lambda t: t.state_dict())
    assert_same(state, reference_state("circles", window.session.config, state["step_count"]))


def test_views_and_histories_follow_the_child(qtbot):
    window = make_window(qtbot, epochs=10**6)
    window.norms.dock.raise_()
    play_until(qtbot, window, 3000)
    qtbot.waitUntil(lambda: window.session.last_snapshot.step > 1000, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.norms.view.data is not None
                    and window.norms.view.data.steps[-1] > 1000, timeout=TIMEOUT)
    bar = window.timeline.bar  # the GUI side's copy (the timeline itself is the worker's)
    qtbot.waitUntil(lambda: bar.data is not None and bar.data.steps[-1] > 1000,
                    timeout=TIMEOUT)
    pause(qtbot, window)
    rows, epoch, steps, per_epoch = in_worker(qtbot, window, lambda t: (
        len(t.history.state_dict()["data"][0]), t.epoch, t.step_count, t.steps_per_epoch))
    # every epoch finished in the child was recorded in the history that came back; counts
    # follow from the steps taken (>= 3000), however fast the machine trained
    assert epoch == steps // per_epoch >= 3000 // per_epoch
    assert rows == epoch
    kept = window.timeline.observer.timeline.steps()
    assert kept[0] == 0 and kept[-1] > 1000 and len(kept) > 10



def test_snapshots_from_the_child_show_test_outputs_of_their_own_weights(qtbot,
                                                                       monkeypatch):
    """The child leaves the test forward pass to the window's process (but for a run's
    first frame): every snapshot shown while it trains carries the outputs its own weights
    give on the test rows."""
    from gui.running import worker_remote

    filled = []  # (step, arrived without test outputs), in the worker's thread

    def recording(snapshot, trainer):
        filled.append((snapshot.step, snapshot.test_probs is None))
        return worker_remote_fill(snapshot, trainer)

    worker_remote_fill = worker_remote.with_test_outputs
    monkeypatch.setattr(worker_remote, "with_test_outputs", recording)
    window = make_window(qtbot, epochs=10**6)
    shown = []
    window.session.snapshotShown.connect(shown.append)
    play_until(qtbot, window, 2000)

    def filled_here():  # shown snapshots whose test outputs the window's process made
        bare = {step for step, without in list(filled) if without}
        return [s for s in shown if s.step in bare]

    qtbot.waitUntil(lambda: remote(window).running and bool(filled_here()), timeout=TIMEOUT)
    assert filled[0][1] is False  # the run's first frame came whole
    snapshot = filled_here()[-1]
    pause(qtbot, window)

    def predicted(trainer):  # the trainer's own forward pass, at the snapshot's weights
        for layer, W, b in zip(trainer.network.layers, snapshot.weights, snapshot.biases,
                               strict=True):
            layer.W[...], layer.b[...] = W, b
        return trainer.network.predict(trainer.X_test)

    expected = in_worker(qtbot, window, predicted)
    assert snapshot.test_probs is not None and not snapshot.test_probs.flags.writeable
    np.testing.assert_array_equal(snapshot.test_probs, expected)
    assert window.session.worker.fill_seconds == 0.0  # paced by drawing alone after the run



def test_test_outputs_that_cannot_be_made_leave_training_and_the_frames_going(qtbot,
                                                                            monkeypatch):
    from gui.running import worker_remote

    def no_memory(snapshot, trainer):
        raise MemoryError("no room for the test outputs")

    monkeypatch.setattr(worker_remote, "with_test_outputs", no_memory)
    window = make_window(qtbot, epochs=10**6)
    notices, shown = [], []
    window.session.message.connect(notices.append)
    window.session.snapshotShown.connect(shown.append)
    play_until(qtbot, window, 2000)
    qtbot.waitUntil(lambda: sum(s.test_probs is None for s in shown) >= 2, timeout=TIMEOUT)
    assert remote(window).running  # training goes on in the child
    pause(qtbot, window)
    said = [n for n in notices if "Test-set predictions could not be made" in n]
    assert len(said) == 1 and "MemoryError" in said[0]  # said once, with the reason
    qtbot.waitUntil(lambda: window.session.last_snapshot.test_probs is not None,
                    timeout=TIMEOUT)  # the paused state is shown whole


def test_a_live_setting_while_playing_reaches_the_child(qtbot):
    window = make_window(qtbot, epochs=10**6)
    play_until(qtbot, window, 500)
    assert window.session.set_live({"lr": 0.2})
    start = window.session.counters[0]
    qtbot.waitUntil(lambda: window.session.counters[0] > start + 500, timeout=TIMEOUT)
    assert remote(window).running  # back in the child after the request
    pause(qtbot, window)
    assert in_worker(qtbot, window, lambda t: t.config.lr) == 0.2


def test_the_epoch_limit_stops_the_child_and_is_reported(qtbot):
    window = make_window(qtbot, epochs=40)
    with qtbot.waitSignal(window.session.finished, timeout=TIMEOUT) as blocker:
        window.session.play()
    assert "40 epochs" in blocker.args[0]
    qtbot.waitUntil(lambda: not window.session.running, timeout=TIMEOUT)
    assert in_worker(qtbot, window, lambda t: t.epoch) == 40
    qtbot.waitUntil(lambda: window.session.counters[1] == 40, timeout=TIMEOUT)


def test_divergence_in_the_child_shows_an_error_and_pauses(qtbot):
    window = make_window(qtbot, "squares_sum", optimizer="sgd", lr=10.0, activation="relu",
                         epochs=10**6)
    with qtbot.waitSignal(window.session.error, timeout=TIMEOUT) as blocker:
        window.session.play()
    assert "diverged at step" in blocker.args[0]
    qtbot.waitUntil(lambda: not window.session.running, timeout=TIMEOUT)
    assert window.banner.kind == "error"


def test_a_dead_child_sends_training_back_to_the_thread(qtbot):
    window = make_window(qtbot, epochs=10**6)
    play_until(qtbot, window, 500)
    child = [p for p in multiprocessing.active_children() if p.pid == remote(window).pid][0]
    notices = []
    window.session.message.connect(notices.append)
    child.kill()
    child.join(10)
    qtbot.waitUntil(lambda: remote(window) is None, timeout=TIMEOUT)
    start = window.session.counters[0]
    qtbot.waitUntil(lambda: window.session.counters[0] > start + 500, timeout=TIMEOUT)
    assert window.session.running
    pause(qtbot, window)
    assert [n for n in notices if n.startswith("Training runs in the window's process")]
    assert in_worker(qtbot, window, lambda t: t.step_count) == window.session.counters[0]


@pytest.mark.parametrize("closing", ["playing", "paused"])
def test_closing_the_window_ends_the_child(qtbot, closing):
    window = make_window(qtbot, epochs=10**6)
    play_until(qtbot, window, 200)
    if closing == "paused":
        pause(qtbot, window)
    pid = remote(window).pid
    window.close()
    assert pid not in {p.pid for p in multiprocessing.active_children()}


def test_a_speed_limit_trains_in_the_thread(qtbot):
    window = make_window(qtbot, epochs=10**6)
    window.session.set_speed(200)
    play_until(qtbot, window, 50)
    assert not remote(window).running
    pause(qtbot, window)


def test_a_state_recorded_in_the_child_restores_exactly(qtbot):
    window = make_window(qtbot, epochs=10**6)
    observer = window.timeline.observer
    play_until(qtbot, window, 3000)
    pause(qtbot, window)
    kept = observer.timeline.steps()
    step = [s for s in kept if s > 1000][0]  # recorded in the child, without its history
    state = in_worker(qtbot, window, lambda t: (observer.restore(t, step), t.state_dict())[1])
    assert state["step_count"] == step
    assert_same(state, reference_state("circles", window.session.config, step))


class MessageList:
    """A connection that appends the messages sent to ``sent``, put back together when
    they were sent in parts (``core.watch.remote_run.send_buffered``)."""

    def __init__(self, sent):
        self.sent, self.parts = sent, []

    def send(self, message):
        self.parts.append(message)
        self._assemble()

    def send_bytes(self, data):
        self.parts.append(bytes(data))
        self._assemble()

    def _assemble(self):
        import pickle

        from core.watch.remote_run import Buffered

        head = self.parts[0]
        if not isinstance(head, Buffered):
            self.sent.append(self.parts.pop())
        elif len(self.parts) == 1 + len(head.sizes):
            self.sent.append(pickle.loads(head.head, buffers=self.parts[1:]))
            self.parts = []


def test_the_runner_sends_a_trainer_again_only_when_it_or_its_scaling_changed():
    from core.data import InputPipeline
    from core.watch.remote_run import Adopt, Run, RunOptions
    from gui.running.remote_runner import RemoteRunner

    runner, sent = RemoteRunner(), []
    runner._process = object()  # a child "already started"
    runner._conn = MessageList(sent)
    circles = load_dataset("circles")
    trainer = Trainer(circles, TrainConfig(standardize=True))
    for _ in range(2):
        runner.launch(trainer, RunOptions())
    # A new network on the same data and scaling: its inputs are the child's already.
    runner.launch(Trainer(circles, TrainConfig(standardize=True, hidden=(5,))), RunOptions())
    trainer.set_pipeline(InputPipeline.fit(circles.X_train * 3.0, (), True, circles.input_names))
    runner.launch(trainer, RunOptions())
    assert [type(m) for m in sent] == [Adopt, Run, Run, Adopt, Run, Adopt, Run]
    assert runner.trainers_sent == 3
    packages = [m.package for m in sent if isinstance(m, Adopt)]
    assert [p["dataset"] is None for p in packages] == [False, True, True]  # the data once
    assert "X_train" not in packages[0]["dataset"]["fields"]  # raw inputs stay here
    assert [p["inputs"] is None for p in packages] == [False, True, False]  # per scaling
    np.testing.assert_array_equal(packages[0]["inputs"][0],
                                  Trainer(circles, TrainConfig(standardize=True)).X_train)
    np.testing.assert_array_equal(packages[2]["inputs"][0], trainer.X_train)
    assert runner.datasets_sent == 1 and runner.inputs_sent == 2
    runner.launch(Trainer(load_dataset("xor"), TrainConfig()), RunOptions())
    xor = sent[-2].package
    assert xor["dataset"]["fields"]["name"] == "xor" and xor["inputs"] is not None
    assert runner.datasets_sent == 2 and runner.inputs_sent == 3


def test_a_run_the_child_could_not_start_makes_the_runner_send_everything_again():
    from core.watch.remote_run import Adopt, RunOptions, Stopped
    from gui.running.remote_runner import RemoteRunner

    runner, sent = RemoteRunner(), []
    runner._process = object()  # a child "already started"
    runner._conn = MessageList(sent)
    trainer = Trainer(load_dataset("circles"), TrainConfig())
    runner.launch(trainer, RunOptions())
    runner.launch(trainer, RunOptions())
    assert [type(m) for m in sent].count(Adopt) == 1
    # e.g. the trainer's shared inputs were gone when the child read its Adopt
    runner._note(Stopped(None, [], error=RuntimeError("could not read")))
    runner.launch(trainer, RunOptions())
    adopts = [m.package for m in sent if isinstance(m, Adopt)]
    assert len(adopts) == 2 and adopts[1]["dataset"] is not None
    assert adopts[1]["inputs"] is not None


def test_inputs_sent_stay_alive_until_the_child_has_surely_read_them():
    import dataclasses

    from core.train.trainer import input_pipeline
    from core.watch.remote_run import Progress, RunOptions
    from core.watch.shared_inputs import shared_network_inputs
    from gui.running.remote_runner import RemoteRunner

    def shared_trainer(config):
        pipeline = input_pipeline(digits, config)
        inputs = shared_network_inputs(pipeline, digits, np.float64)
        return Trainer(digits, config, pipeline=pipeline, inputs=inputs)

    runner, sent = RemoteRunner(), []
    runner._process = object()  # a child "already started"
    runner._conn = MessageList(sent)
    digits = load_dataset("digits")
    config = TrainConfig(hidden=(8,))
    first = shared_trainer(config)
    second = shared_trainer(dataclasses.replace(config, standardize=False))
    runner.adopt(first)
    runner.adopt(second)  # the child may not have read the first yet
    runner._note(Progress(1, 0, []))  # an answer to no run: proves nothing
    held = [inputs[0] for inputs in runner._inputs_held]
    assert len(held) == 2 and held[0] is first.X_train and held[1] is second.X_train
    runner.launch(second, RunOptions())
    runner._note(Progress(2, 0, []))  # answers a run sent after both: both were read
    assert len(runner._inputs_held) == 1 and runner._inputs_held[0][0] is second.X_train


def test_a_new_network_is_in_the_training_process_before_play(qtbot):
    window = make_window(qtbot, epochs=10**6)
    session = window.session

    def adopted(trainer):
        runner = remote(window)
        return runner._adopted() is trainer, runner.trainers_sent, runner.datasets_sent

    _, trainers, datasets = in_worker(qtbot, window, adopted)
    with qtbot.waitSignal(session.trainerChanged, timeout=TIMEOUT):
        session.update_config({"activation": "relu"})
    held, *sent = in_worker(qtbot, window, adopted)
    assert held and sent == [trainers + 1, 1]  # sent when made; the data at most once
    play_until(qtbot, window, 500)
    pause(qtbot, window)
    assert in_worker(qtbot, window, adopted)[1:] == tuple(sent)  # Play sent nothing more


def test_big_data_inputs_are_shared_with_the_child_and_reused_by_a_new_network(qtbot,
                                                                                monkeypatch):
    from core.watch.shared_inputs import is_shared
    from gui.running import trainer_build

    monkeypatch.setattr(trainer_build, "BACKGROUND_CELLS", 1)  # digits counts as big data
    window = make_window(qtbot, "digits", hidden=(16,), batch_size=32, epochs=10**6)
    session = window.session
    first = in_worker(qtbot, window, lambda trainer: trainer.X_train)
    assert is_shared(first)  # the window opened on big data shares its first inputs too
    with qtbot.waitSignal(session.trainerChanged, timeout=TIMEOUT):
        session.update_config({"activation": "relu"})

    def inputs(trainer):
        runner = remote(window)
        return trainer.X_train, runner._inputs_held[-1][0], runner.inputs_sent

    X_train, held, sent = in_worker(qtbot, window, inputs)
    assert X_train is first and held is X_train  # the child maps this very block
    play_until(qtbot, window, 300)
    pause(qtbot, window)
    state = in_worker(qtbot, window, lambda trainer: trainer.state_dict())
    assert state["step_count"] >= 300
    assert_same(state, reference_state("digits", session.config, state["step_count"]))
    with qtbot.waitSignal(session.trainerChanged, timeout=TIMEOUT):
        session.update_config({"hidden": (8,)})
    X_again, held_again, sent_again = in_worker(qtbot, window, inputs)
    assert X_again is X_train and held_again is X_train and sent_again == sent  # not resent


def test_a_run_brought_back_on_big_data_feeds_from_the_shared_inputs(qtbot, monkeypatch):
    """Edit → Undo rebuilds the run with its own arrays; the session hands it the shared
    inputs of the same data and scaling, so the training process is sent nothing new."""
    from core.watch.shared_inputs import is_shared
    from gui.running import trainer_build
    from tests.gui.helpers import action

    monkeypatch.setattr(trainer_build, "BACKGROUND_CELLS", 1)  # digits counts as big data
    window = make_window(qtbot, "digits", hidden=(16,), batch_size=32, epochs=10**6)
    session = window.session
    first = in_worker(qtbot, window, lambda trainer: trainer.X_train)
    play_until(qtbot, window, 200)
    pause(qtbot, window)
    with qtbot.waitSignal(session.trainerChanged, timeout=TIMEOUT):
        session.update_config({"activation": "relu"})
    sent = in_worker(qtbot, window, lambda trainer: remote(window).inputs_sent)
    with qtbot.waitSignal(window.undo.history.restored, timeout=TIMEOUT):
        action(window, "undo").trigger()
    X_train, X_test, step = in_worker(
        qtbot, window, lambda trainer: (trainer.X_train, trainer.X_test, trainer.step_count))
    assert X_train is first and is_shared(X_test) and step >= 200
    play_until(qtbot, window, step + 300)
    pause(qtbot, window)
    assert in_worker(qtbot, window, lambda trainer: remote(window).inputs_sent) == sent
    state = in_worker(qtbot, window, lambda trainer: trainer.state_dict())
    assert state["step_count"] >= step + 300
    assert_same(state, reference_state("digits", session.config, state["step_count"]))



def test_a_progress_report_that_cannot_be_read_is_dropped_and_training_goes_on():
    """Progress reports come buffered (pickle 5): one whose pickle cannot be rebuilt is
    dropped, while reading and while taking the trainer back, instead of failing the child."""
    from core.watch.remote_run import Buffered, Progress, Stopped, send_buffered
    from gui.running.remote_runner import RemoteRunner

    parent, child = multiprocessing.Pipe()
    runner = RemoteRunner()
    runner._process = object()  # a child "already started", running
    runner._conn, runner.running = parent, True
    child.send(Buffered(b"not a pickle", (3,)))
    child.send_bytes(b"abc")
    send_buffered(child, Progress(5, 0, [[(5, np.arange(3.0))]]))
    got = runner.messages()
    assert [type(m) for m in got] == [Progress] and got[0].step == 5
    np.testing.assert_array_equal(got[0].records[0][0][1], np.arange(3.0))
    child.send(Buffered(b"nor this", (1,)))
    child.send_bytes(b"x")
    child.send(Stopped(None, []))
    assert [type(m) for m in runner.recall(timeout=5)] == [Stopped]
    assert not runner.running
