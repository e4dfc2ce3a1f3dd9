"""JSON weights (same content and checks as .npz), rebuilding from a file, atomic writes."""

import errno
import json
import os
import stat
import tempfile

import numpy as np
import pytest

from core.errors import UserInputError
from core.io import (
    WeightsMismatch,
    atomic_write,
    config_from_weights,
    export_onnx,
    export_python,
    load_into,
    load_weights_json,
    network_from_weights,
    read_weights,
    save_session,
    save_weights_file,
    save_weights_json,
)
from core.io.weights_npz import build_meta, load_weights, save_weights
from core.nn.network import Network
from core.train.config import TrainConfig
from core.train.trainer import Trainer


@pytest.fixture
def trained(circles):
    t = Trainer(circles, TrainConfig(hidden=(6, 3), activation="relu", epochs=3, seed=2,
                                     features=("x1*x2",), standardize=True))
    t.train()
    return t


def _params_equal(a, b):
    for p, q in zip(a.params(), b.params(), strict=True):
        np.testing.assert_array_equal(p, q, strict=True)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_json_round_trip_is_bit_exact(circles, tmp_path, dtype):
    t = Trainer(circles, TrainConfig(hidden=(5,), dtype=dtype, seed=4))
    t.train(2)
    path = save_weights_json(tmp_path / "w.json", t)
    wf = load_weights_json(path)
    assert wf.meta == json.loads(json.dumps(build_meta(t)))
    assert [w.dtype.name for w in wf.weights] == [dtype, dtype]
    fresh = Trainer(circles, t.config)
    load_into(fresh, path)
    _params_equal(fresh.network, t.network)


def test_json_is_readable_nested_lists(trained, tmp_path):
    doc = json.loads(save_weights_json(tmp_path / "w.json", trained).read_text())
    assert doc["format"] == "backprop-studio-weights"
    assert doc["meta"]["sizes"] == [3, 6, 3, 1]
    W0 = doc["layers"][0]["weight"]
    assert len(W0) == 3 and all(len(row) == 6 for row in W0)  # fan_in x fan_out
    assert doc["layers"][2]["bias"] == trained.network.layers[2].b.tolist()


def test_json_and_npz_hold_the_same_content(trained, tmp_path):
    a = read_weights(save_weights(tmp_path / "w.npz", trained))
    b = read_weights(save_weights_file(tmp_path / "w.json", trained))
    assert a.meta == b.meta
    for x, y in zip(a.weights + a.biases, b.weights + b.biases, strict=True):
        np.testing.assert_array_equal(x, y, strict=True)


def test_json_shares_the_npz_checks(trained, tmp_path):
    path = save_weights_json(tmp_path / "w.json", trained)
    doc = json.loads(path.read_text())
    doc["layers"][1]["weight"][0][0] = float("nan")
    path.write_text(json.dumps(doc))
    with pytest.raises(UserInputError, match=r"'layers\.1\.weight' contains NaN"):
        load_weights_json(path)
    doc["layers"][1]["weight"][0][0] = 0.0
    doc["meta"]["format_version"] = 99
    path.write_text(json.dumps(doc))
    with pytest.raises(UserInputError, match="format version 99 is not supported"):
        load_weights_json(path)
    doc["meta"]["format_version"] = 1
    doc["layers"][0]["weight"] = doc["layers"][0]["weight"][:2]
    path.write_text(json.dumps(doc))
    with pytest.raises(UserInputError, match=r"shape \(2, 6\), expected \(3, 6\)"):
        load_weights_json(path)


def test_non_numbers_in_json_are_refused(trained, tmp_path):
    path = save_weights_json(tmp_path / "w.json", trained)
    doc = json.loads(path.read_text())
    doc["layers"][0]["bias"][0] = "0.5"
    path.write_text(json.dumps(doc))
    with pytest.raises(UserInputError, match=r"layers\[0\]\.bias must be numbers"):
        load_weights_json(path)


def test_diverged_weights_are_not_saved(circles, small_config, tmp_path):
    t = Trainer(circles, small_config)
    t.network.layers[0].W[0, 0] = np.inf
    with pytest.raises(UserInputError, match="NaN or infinite"):
        save_weights_json(tmp_path / "w.json", t)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".json", ".npz"])
def test_mismatch_is_detectable_and_rebuildable(trained, tmp_path, suffix):
    path = save_weights_file(tmp_path / f"w{suffix}", trained)
    other = Trainer(trained.dataset, TrainConfig(hidden=(4,), activation="relu",
                                                 features=("x1*x2",), standardize=True))
    before = [p.copy() for p in other.network.params()]
    with pytest.raises(WeightsMismatch, match=r"3-6-3-1.*3-4-1") as info:
        load_into(other, path)
    for p, q in zip(before, other.network.params(), strict=True):
        np.testing.assert_array_equal(p, q)  # untouched
    wf = info.value.weights_file
    net = network_from_weights(wf)
    assert net.sizes == [3, 6, 3, 1] and net.activation_names == ["relu", "relu", "sigmoid"]
    rebuilt = Trainer(trained.dataset, config_from_weights(wf, other.config), network=net)
    X = trained.dataset.X_test
    np.testing.assert_array_equal(rebuilt.predict(X), trained.predict(X))


def test_activation_mismatch_is_detected(tmp_path):
    path = save_weights_json(tmp_path / "w.json", Network([2, 3, 1], ["tanh", "sigmoid"], rng=0))
    with pytest.raises(WeightsMismatch, match="activations"):
        load_into(Network([2, 3, 1], ["relu", "sigmoid"]), path)


def test_network_from_weights_accepts_a_path_and_keeps_dtype(tmp_path):
    net = Network([2, 3, 2], ["elu", "softmax"], rng=0, dtype=np.float32)
    rebuilt = network_from_weights(save_weights_json(tmp_path / "n.json", net))
    assert rebuilt.dtype == np.float32
    _params_equal(rebuilt, net)
    assert load_weights(save_weights(tmp_path / "n.npz", net)).meta["dtype"] == "float32"


# ---- atomic writes: every exporter goes through core.io.atomic ----------------------

def _writers(trainer):
    return {
        "json": lambda p: save_weights_json(p, trainer),
        "session": lambda p: save_session(p, trainer),
        "python": lambda p: export_python(p, trainer),
        "onnx": lambda p: export_onnx(p, trainer),
    }


def test_failing_writer_keeps_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "model.json"
    target.write_text("old content")

    def half_then_fail(f):
        f.write(b"half a fi")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        atomic_write(target, half_then_fail)
    assert target.read_text() == "old content"
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]


def test_full_disk_is_a_clear_error(tmp_path):
    target = tmp_path / "model.py"
    target.write_text("old content")

    def full(f):
        f.write(b"x" * 100)
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(UserInputError, match=r"model\.py.*disk is full"):
        atomic_write(target, full)
    assert target.read_text() == "old content"
    assert [p.name for p in tmp_path.iterdir()] == ["model.py"]


def test_missing_folder_and_folder_as_file(tmp_path):
    with pytest.raises(UserInputError, match="does not exist"):
        atomic_write(tmp_path / "nope" / "w.json", lambda f: f.write(b"{}"))
    with pytest.raises(UserInputError, match="it is a folder"):
        atomic_write(tmp_path, lambda f: f.write(b"{}"))


def test_unwritable_folder(tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(UserInputError, match="permission denied"):
        atomic_write(tmp_path / "w.json", lambda f: f.write(b"{}"))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs POSIX permissions and a non-root user")
def test_read_only_folder_for_real(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(UserInputError, match="permission denied"):
            atomic_write(folder / "w.json", lambda f: f.write(b"{}"))
    finally:
        folder.chmod(stat.S_IRWXU)


def test_existing_permissions_are_kept(tmp_path):
    target = tmp_path / "w.json"
    target.write_text("old")
    target.chmod(0o640)
    atomic_write(target, lambda f: f.write(b"new"))
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 and target.read_bytes() == b"new"


@pytest.mark.parametrize("kind", ["json", "session", "python", "onnx"])
def test_every_exporter_handles_odd_names_and_failures(trained, tmp_path, kind, monkeypatch):
    if kind == "onnx":
        pytest.importorskip("onnx")
    write = _writers(trained)[kind]
    odd = tmp_path / f"mödel ünïcode {kind} ✓.out"
    assert write(odd).stat().st_size > 0
    odd.write_bytes(b"previous version")

    real_replace = os.replace

    def disk_full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(UserInputError, match="disk is full"):
        write(odd)
    monkeypatch.setattr(os, "replace", real_replace)
    assert odd.read_bytes() == b"previous version"
    assert sorted(p.name for p in tmp_path.iterdir()) == [odd.name]
