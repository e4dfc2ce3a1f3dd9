"""core.watch.shared_inputs: network inputs in shared memory equal the trainer's own, travel
to the training process by name (not bytes), are read-only, and their block is removed when
the last array made from it goes."""

import dataclasses
import gc
import multiprocessing
import threading
from multiprocessing import shared_memory

import numpy as np
import pytest

from core.data import load_dataset
from core.train.config import TrainConfig
from core.train.trainer import Trainer, input_pipeline
from core.watch import shared_inputs
from core.watch.remote_run import (
    Adopt,
    Buffered,
    Progress,
    Unreadable,
    pack_trainer,
    receive,
    send_buffered,
)
from core.watch.shared_inputs import InputsReuse, is_shared, shared_empty, shared_network_inputs
from tests.test_remote_run import (  # noqa: F401 - child: a fixture
    assert_same_trainer,
    child,
    receive_until,
    run,
    stop_and_check_exact,
)

CONFIGS = {
    "standardised": {"hidden": (8,)},
    "raw_float32": {"hidden": (8,), "standardize": False, "dtype": "float32"},
}


@pytest.fixture
def digits():
    return load_dataset("digits")


def shared_trainer(dataset, config):
    pipeline = input_pipeline(dataset, config)
    inputs = shared_network_inputs(pipeline, dataset, config.resolved(dataset).dtype)
    return Trainer(dataset, config, pipeline=pipeline, inputs=inputs)


def block_exists(name):
    try:
        shared_memory.SharedMemory(name=name).close()
    except FileNotFoundError:
        return False
    return True


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_shared_inputs_equal_the_trainers_own_and_are_read_only(digits, name, monkeypatch):
    monkeypatch.setattr(shared_inputs, "BLOCK_BYTES", 5_000)  # several row blocks
    config = TrainConfig(**CONFIGS[name])
    plain = Trainer(digits, config)
    shared = shared_trainer(digits, config)
    for mine, theirs in ((shared.X_train, plain.X_train), (shared.X_test, plain.X_test)):
        assert is_shared(mine) and not is_shared(theirs)
        assert mine.dtype == theirs.dtype and np.array_equal(mine, theirs)
        assert not mine.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            mine[0, 0] = 1.0
    for _ in range(30):
        plain.step()
        shared.step()
    assert_same_trainer(shared, plain)


def test_a_shared_array_pickles_as_its_name_and_attaches_to_the_same_values(digits):
    trainer = shared_trainer(digits, TrainConfig(hidden=(8,)))
    sent = []
    sender, receiver = multiprocessing.Pipe()
    spy = type(
        "Spy",
        (),
        {
            "send": lambda _s, m: (sent.append(m), sender.send(m)),
            "send_bytes": lambda _s, b: (sent.append(b), sender.send_bytes(b)),
        },
    )()
    thread = threading.Thread(target=send_buffered, args=(spy, Adopt(pack_trainer(trainer))))
    thread.start()
    got = receive(receiver)
    thread.join()
    assert isinstance(sent[0], Buffered)
    sent_bytes = len(sent[0].head) + sum(sent[0].sizes)
    assert sent_bytes < trainer.X_train.nbytes / 4  # the inputs did not travel as bytes
    X_train, X_test = got.package["inputs"]
    assert np.array_equal(X_train, trainer.X_train) and np.array_equal(X_test, trainer.X_test)
    assert X_train.base.name == trainer.X_train.base.name and not X_train.base.owner
    assert not X_train.flags.writeable


def test_a_trainer_on_shared_inputs_trains_exactly_in_a_child_process(child, digits):  # noqa: F811
    config = TrainConfig(hidden=(8,), batch_size=16, epochs=10**6, optimizer="adam", lr=0.01)
    trainer = shared_trainer(digits, config)
    send_buffered(child, Adopt(pack_trainer(trainer)))
    run(child, trainer, adopt=False)
    receive_until(child, Progress)
    stop_and_check_exact(child, trainer, digits, config)
    assert trainer.step_count > 0


def test_the_block_is_removed_when_the_last_array_goes():
    array = shared_empty((100, 3), np.float64)
    view = array[10:20]
    name = array.base.name
    del array
    gc.collect()
    assert block_exists(name)  # a view still uses it
    view[:] = 7.0
    del view
    gc.collect()
    assert not block_exists(name)


def test_an_adopt_whose_block_is_gone_is_unreadable_not_fatal(digits):
    trainer = shared_trainer(digits, TrainConfig(hidden=(8,)))
    sender, receiver = multiprocessing.Pipe()
    thread = threading.Thread(target=send_buffered, args=(sender, Adopt(pack_trainer(trainer))))
    thread.start()
    message = receiver.recv()  # the head; the block goes before the message is rebuilt
    assert isinstance(message, Buffered)
    buffers = [receiver.recv_bytes() for _ in message.sizes]
    thread.join()
    del trainer
    gc.collect()
    sender.send(message)
    for buffer in buffers:
        sender.send_bytes(buffer)
    got = receive(receiver)
    assert isinstance(got, Unreadable) and "sent again at the next Play" in str(got.error)


def test_no_shared_memory_when_the_folder_lacks_room(digits, monkeypatch):
    monkeypatch.setattr(shared_inputs, "SPARE_BYTES", 2**62)
    pipeline = input_pipeline(digits, TrainConfig())
    assert shared_network_inputs(pipeline, digits, np.float64) is None
    assert InputsReuse().inputs_for(pipeline, digits, np.float64) is None


def test_reuse_gives_the_same_arrays_for_the_same_data_and_scaling_only(digits):
    reuse = InputsReuse()
    config = TrainConfig(hidden=(8,))
    first = reuse.inputs_for(input_pipeline(digits, config), digits, np.float64)
    again = reuse.inputs_for(
        input_pipeline(digits, dataclasses.replace(config, hidden=(4,))), digits, np.float64
    )
    assert all(a is b for a, b in zip(first, again, strict=True))
    raw = reuse.inputs_for(
        input_pipeline(digits, dataclasses.replace(config, standardize=False)), digits, np.float64
    )
    assert raw[0] is not first[0] and not np.array_equal(raw[0], first[0])
    float32 = reuse.inputs_for(input_pipeline(digits, config), digits, np.float32)
    assert float32[0].dtype == np.float32
    other = load_dataset("digits", seed=1)
    assert reuse.inputs_for(input_pipeline(other, config), other, np.float32)[0] is not float32[0]


def test_reuse_forgets_inputs_no_trainer_uses(digits):
    reuse = InputsReuse()
    pipeline = input_pipeline(digits, TrainConfig())
    first = reuse.inputs_for(pipeline, digits, np.float64)
    name = first[0].base.name
    del first
    gc.collect()
    assert not block_exists(name)
    assert reuse.inputs_for(pipeline, digits, np.float64)[0].base.name != name


def test_a_new_input_scaling_on_shared_inputs_leaves_them_unchanged(digits):
    config = TrainConfig(hidden=(8,))
    raw_config = dataclasses.replace(config, standardize=False)
    trainer = shared_trainer(digits, config)
    shared_rows = trainer.X_train
    before = shared_rows.copy()
    trainer.set_pipeline(input_pipeline(digits, raw_config))
    assert np.array_equal(shared_rows, before)  # another reader of the block sees no change
    assert np.array_equal(trainer.X_train, Trainer(digits, raw_config).X_train)
    reference = Trainer(digits, raw_config, network=trainer.network.copy())
    trainer.step()
    reference.step()
    assert np.array_equal(trainer.network.flat_params, reference.network.flat_params)


def test_an_array_still_alive_when_its_name_is_removed_stays_readable():
    # At interpreter exit the finalizer runs while a thread's trainer may still hold the
    # inputs: the name goes, the mapping must not.
    array = shared_empty((1000,), np.float64)
    array[:] = 3.0
    name = array.base.name
    shared_inputs._forget(array.base.memory)
    assert not block_exists(name)
    assert array.sum() == 3000.0


def test_a_block_whose_pages_cannot_be_set_aside_is_not_made(monkeypatch):
    import errno
    import os

    made = []
    real = shared_memory.SharedMemory

    def recording(*args, **kwargs):
        made.append(real(*args, **kwargs))
        return made[-1]

    def no_space(fd, offset, length):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shared_memory, "SharedMemory", recording)
    monkeypatch.setattr(os, "posix_fallocate", no_space, raising=False)
    assert shared_empty((1000, 10), np.float64) is None
    assert len(made) == 1 and not block_exists(made[0].name)  # nothing left behind
