"""Loader fuzzing: damaged weights (.npz, .json) and session files.

Whatever the bytes, loading either succeeds or raises ``UserInputError`` (never another
exception type), and a failed ``load_into`` leaves the target network exactly as it was.
Whatever loaded must also train: a few steps raise nothing but ``TrainingDiverged``.
"""

import contextlib
import copy
import json
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.data import load_dataset
from core.errors import TrainingDiverged, UserInputError
from core.io import (
    config_from_weights,
    load_into,
    load_session,
    network_from_weights,
    read_weights,
)
from core.io.archive import read_archive, write_archive
from core.io.session import save_session
from core.io.weights_files import load_weights_into
from core.io.weights_json import save_weights_json
from core.io.weights_npz import save_weights
from core.train.config import TrainConfig
from core.train.trainer import Trainer

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=8,
)
ARRAYS = st.sampled_from([
    np.zeros((0,)), np.zeros((3, 3)), np.full((2, 8), np.nan), np.array(["a", "b"]),
    np.arange(6).reshape(2, 3), np.array(1.5), np.ones((3, 8, 1)), np.array([np.inf]),
    np.zeros((160,), dtype=np.int64),
])


def make_trainer():
    """The trainer whose files are damaged: Adam, a derived feature, standardised, mid-run."""
    ds = load_dataset("circles", n_samples=80, noise=0.1, seed=0)
    t = Trainer(ds, TrainConfig(hidden=(8,), optimizer="adam", batch_size=16,
                                features=("x1^2",), standardize=True, seed=1))
    t.run_steps(7)
    return t


@pytest.fixture(scope="module")
def trainer():
    return make_trainer()


class _Files(dict):
    """The good files' bytes by kind (short repr: hypothesis prints its arguments)."""

    def __repr__(self):
        return f"files({', '.join(self)})"


@pytest.fixture(scope="module")
def files(trainer, tmp_path_factory):
    return good_files(trainer, tmp_path_factory.mktemp("good"))


def good_files(trainer, folder):
    """The good files' bytes by kind (npz, json, session), written into ``folder``."""
    return _Files({
        "npz": save_weights(folder / "w.npz", trainer).read_bytes(),
        "json": save_weights_json(folder / "w.json", trainer).read_bytes(),
        "session": save_session(folder / "s.bpsession", trainer, {"v": 1}).read_bytes(),
    })


def _train_a_little(trainer, steps=3):
    """What loaded must train: nothing may go wrong but a reported divergence."""
    with contextlib.suppress(TrainingDiverged):
        trainer.run_steps(steps)


def _load(kind, path, target):
    """Load ``path`` as ``kind``; returns True on success, False on ``UserInputError``.

    Weights are loaded into a fresh copy of ``target`` (the module's trainer stays as it
    is). After a successful load, a few training steps run on what was loaded: that copy, a
    trainer on the network rebuilt from the file, and the reopened session.
    """
    fresh = Trainer(target.dataset, target.config)
    before = [p.copy() for p in fresh.network.params()]
    pipeline = fresh.pipeline.to_dict()
    trainers = []
    try:
        if kind == "session":
            trainers.append(load_session(path)[0])
        else:
            wf = read_weights(path)
            load_into(fresh, path)
            trainers.append(fresh)
            trainers.append(Trainer(target.dataset, config_from_weights(wf, target.config),
                                    network=network_from_weights(wf)))
    except UserInputError as e:
        assert str(e)
        if fresh not in trainers:  # the load itself failed: it changed nothing
            for p, q in zip(before, fresh.network.params(), strict=True):
                np.testing.assert_array_equal(p, q)
            assert fresh.pipeline.to_dict() == pipeline
        return False
    for trainer in trainers:
        _train_a_little(trainer)
    return True


def _write(tmp_path, kind, data):
    path = tmp_path / f"fuzz.{'bpsession' if kind == 'session' else kind}"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("kind", ["npz", "json", "session"])
def test_good_files_load(kind, trainer, files, tmp_path):
    assert _load(kind, _write(tmp_path, kind, files[kind]), trainer)


@pytest.mark.parametrize("kind", ["npz", "json", "session"])
@FUZZ
@given(cut=st.floats(0.0, 1.0, exclude_max=True))
def test_truncated_files(kind, cut, trainer, files, tmp_path):
    data = files[kind]
    _load(kind, _write(tmp_path, kind, data[: int(cut * len(data))]), trainer)


@pytest.mark.parametrize("kind", ["npz", "json", "session"])
@FUZZ
@given(noise=st.binary(max_size=300))
def test_random_bytes(kind, noise, trainer, tmp_path):
    assert not _load(kind, _write(tmp_path, kind, noise), trainer)


@pytest.mark.parametrize("kind", ["npz", "json", "session"])
@FUZZ
@given(flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(1, 255)),
                      min_size=1, max_size=4))
def test_flipped_bytes(kind, flips, trainer, files, tmp_path):
    data = bytearray(files[kind])
    for where, mask in flips:
        data[int(where * len(data))] ^= mask
    _load(kind, _write(tmp_path, kind, bytes(data)), trainer)


def _mutate(data, doc):
    """Replace or delete one value at a random depth of a JSON document, in place."""
    node = doc
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            return
        key = data.draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, dict | list) and child and data.draw(st.booleans()):
            node = child
            continue
        if isinstance(node, dict) and data.draw(st.booleans()):
            del node[key]
        else:
            node[key] = data.draw(JSON_VALUES)
        return


@FUZZ
@given(data=st.data())
def test_wrong_values_in_json_weights(data, trainer, files, tmp_path):
    doc = json.loads(files["json"])
    for _ in range(data.draw(st.integers(1, 3))):
        _mutate(data, doc)
    _load("json", _write(tmp_path, "json", json.dumps(doc).encode()), trainer)


def _npz_members(raw):
    with zipfile.ZipFile(_bytes_io(raw)) as z, np.load(_bytes_io(raw)) as npz:
        assert z.namelist()
        return {k: npz[k] for k in npz.files}


def _bytes_io(raw):
    import io

    return io.BytesIO(raw)


@FUZZ
@given(data=st.data())
def test_wrong_meta_keys_and_shapes_in_npz_weights(data, trainer, files, tmp_path):
    members = _npz_members(files["npz"])
    meta = json.loads(str(members["meta"]))
    _mutate(data, meta)
    members["meta"] = np.array(json.dumps(meta))
    name = data.draw(st.sampled_from(sorted(members)))
    action = data.draw(st.sampled_from(["keep", "drop", "replace", "rename"]))
    if action == "drop":
        del members[name]
    elif action == "replace":
        members[name] = data.draw(ARRAYS)
    elif action == "rename":
        members[name + "x"] = members.pop(name)
    path = tmp_path / "fuzz.npz"
    np.savez(path, **members)
    _load("npz", path, trainer)


@FUZZ
@given(data=st.data())
def test_wrong_values_and_arrays_in_sessions(data, trainer, files, tmp_path):
    good = _write(tmp_path, "session", files["session"])
    document, arrays = read_archive(good, "session")
    document = copy.deepcopy(document)
    _mutate(data, document)
    if arrays and data.draw(st.booleans()):
        name = data.draw(st.sampled_from(sorted(arrays)))
        arrays[name] = data.draw(ARRAYS)
    write_archive(good, document, arrays)
    _load("session", good, trainer)


CORPUS = {
    "deep nesting": b"[" * 100_000,
    "empty": b"",
    "npy not npz": b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, "
                   b"'shape': (3,), }" + b" " * 50 + b"\n" + bytes(24),
    "zip of nothing": b"PK\x05\x06" + bytes(18),
    "json list": b"[1, 2, 3]",
    "json nan layers": b'{"format": "backprop-studio-weights", "meta": {}, "layers": NaN}',
}


@pytest.mark.parametrize("kind", ["npz", "json", "session"])
@pytest.mark.parametrize("case", sorted(CORPUS))
def test_corpus(kind, case, trainer, tmp_path):
    assert not _load(kind, _write(tmp_path, kind, CORPUS[case]), trainer)


@pytest.mark.parametrize("kind", ["npz", "json"])
def test_deep_nesting_in_meta(kind, trainer, files, tmp_path):
    deep = "[" * 50_000 + "]" * 50_000
    if kind == "json":
        text = files["json"].decode().replace('"format_version": 1', f'"format_version": {deep}')
        path = _write(tmp_path, kind, text.encode())
    else:
        members = _npz_members(files["npz"])
        members["meta"] = np.array(deep)
        path = tmp_path / "deep.npz"
        np.savez(path, **members)
    assert not _load(kind, path, trainer)


@FUZZ
@given(cut=st.floats(0.0, 1.0, exclude_max=True), flip=st.integers(1, 255))
def test_cli_npz_loader_never_crashes(cut, flip, trainer, files, tmp_path):
    """``core.io.weights_files.load_weights_into`` (used by ``--load-weights``) on damaged zips."""
    data = bytearray(files["npz"])
    data[int(cut * len(data))] ^= flip
    path = _write(tmp_path, "npz", bytes(data))
    before = [p.copy() for p in trainer.network.params()]
    try:
        load_weights_into(trainer, path)
    except UserInputError:
        for p, q in zip(before, trainer.network.params(), strict=True):
            np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("kind", ["npz", "session"])
@pytest.mark.parametrize("offset, value", [(8, 0x01), (10, 99)], ids=["encrypted", "method"])
def test_zip_header_flags(kind, offset, value, trainer, files, tmp_path):
    """The first member claims to be encrypted, or compressed with an unknown method."""
    data = bytearray(files[kind])
    data[data.index(b"PK\x01\x02") + offset] = value  # in the central directory
    assert not _load(kind, _write(tmp_path, kind, bytes(data)), trainer)


@pytest.mark.parametrize("kind", ["npz", "session"])
@pytest.mark.parametrize("damage", [b"(", b"{", b"'", b"\\"])
def test_damaged_npy_header(kind, damage, trainer, files, tmp_path):
    """A member's header text is parsed before the zip CRC is checked."""
    data = bytearray(files[kind])
    start = data.index(b"{'descr'")
    data[start + 9: start + 10] = damage
    assert not _load(kind, _write(tmp_path, kind, bytes(data)), trainer)


BAD_STATE = {
    "order with NaN": ("order", np.full(64, np.nan)),
    "order not a permutation": ("order", np.zeros(64, dtype=np.int64)),
    "order too short": ("order", np.arange(3)),
    "position past the end": ("pos", 10_000),
    "negative step count": ("step_count", -1),
    "boolean epoch": ("epoch", True),
    "text loss": ("last_loss", "low"),
    "best of text": ("best", ["a", 1]),
    "stopped as text": ("stopped_early", "yes"),
    "reason as number": ("stop_reason", 3),
    "rng of nonsense": ("rng", {"bit_generator": "PCG64", "state": 5}),
    "history of text": ("history", {"columns": ["epoch"], "data": [["x"]]}),
    "unknown optimizer": ("optimizer", {"optimizer": "magic", "t": 1}),
}


@pytest.mark.parametrize("case", sorted(BAD_STATE))
def test_wrong_training_state_in_sessions(case, trainer, files, tmp_path):
    path = _write(tmp_path, "session", files["session"])
    document, arrays = read_archive(path, "session")
    key, value = BAD_STATE[case]
    if isinstance(value, np.ndarray):
        arrays[f"state.{key}"] = value
        document["state"][key] = {"__array__": f"state.{key}"}
    else:
        document["state"][key] = value
    write_archive(path, document, arrays)
    assert not _load("session", path, trainer)

