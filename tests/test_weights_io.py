"""The .npz weights format: round trip, atomic writes, validation of bad files."""

import json
import zipfile

import numpy as np
import pytest

from core.errors import UserInputError
from core.io.weights_files import load_weights_into
from core.io.weights_npz import FORMAT_VERSION, load_weights, save_weights
from core.nn.network import Network
from core.train.config import TrainConfig
from core.train.trainer import Trainer


@pytest.fixture
def trained(circles):
    t = Trainer(circles, TrainConfig(hidden=(6, 3), activation="relu", epochs=3, seed=2,
                                     features=("x1*x2",), standardize=True))
    t.train()
    return t


def test_round_trip_keys_shapes_and_meta(trained, tmp_path):
    path = save_weights(tmp_path / "w.npz", trained)
    with np.load(path) as npz:
        assert sorted(npz.files) == sorted(
            ["meta"] + [f"layers.{i}.{k}" for i in range(3) for k in ("weight", "bias")])
        assert npz["layers.0.weight"].shape == (3, 6) and npz["layers.2.bias"].shape == (1,)
        meta = json.loads(str(npz["meta"]))
    assert meta["format_version"] == FORMAT_VERSION
    assert meta["sizes"] == [3, 6, 3, 1]
    assert meta["activations"] == ["relu", "relu", "sigmoid"]
    assert meta["loss"] == "bce" and meta["epoch"] == 3 and meta["step"] == trained.step_count
    assert meta["seed"] == 2 and meta["dataset"]["name"] == "circles"
    assert meta["input_features"] == ["x1", "x2", "x1*x2"]
    assert meta["input_scaling"] == trained.pipeline.to_dict()
    fresh = Trainer(trained.dataset, trained.config)
    load_weights_into(fresh, path)
    for a, b in zip(fresh.network.params(), trained.network.params(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_bare_network_and_float32_cast(tmp_path):
    net = Network([2, 4, 1], ["tanh", "sigmoid"], rng=0)
    path = save_weights(tmp_path / "n.npz", net)
    other = Network([2, 4, 1], ["tanh", "sigmoid"], rng=1, dtype=np.float32)
    load_weights_into(other, path)
    assert other.layers[0].W.dtype == np.float32
    np.testing.assert_allclose(other.layers[0].W, net.layers[0].W, rtol=1e-6)
    assert load_weights(path).meta["loss"] is None


def test_shape_mismatch_lists_expected_and_found(trained, tmp_path):
    path = save_weights(tmp_path / "w.npz", trained)
    net = Network([3, 5, 1], ["relu", "sigmoid"])
    with pytest.raises(UserInputError, match=r"3-6-3-1.*3-5-1.*expected layer sizes \[3, 5, 1\]"):
        load_weights_into(net, path)


def test_save_is_atomic_and_leaves_no_temp_files(trained, tmp_path, monkeypatch):
    target = tmp_path / "w.npz"
    save_weights(target, trained)
    before = target.read_bytes()

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken)
    with pytest.raises(UserInputError, match="disk full"):
        save_weights(target, trained)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["w.npz"]


def _rewrite(path, out, **changes):
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    for k, v in changes.items():
        if v is None:
            del arrays[k.replace("__", ".")]
        else:
            arrays[k.replace("__", ".")] = v
    np.savez(out, **arrays)
    return out


@pytest.mark.parametrize("problem, message", [
    ("missing", "missing 'layers.1.bias'"),
    ("shape", "has shape"),
    ("nan", "NaN"),
    ("version", "version 99"),
    ("truncated", "not a readable weights file"),
    ("not_npz", "not a readable weights file"),
    ("no_meta", "no 'meta'"),
    ("bad_json", "not valid JSON"),
    ("absent", "does not exist"),
])
def test_bad_files_are_user_errors(trained, tmp_path, problem, message):
    good = save_weights(tmp_path / "good.npz", trained)
    bad = tmp_path / "bad.npz"
    if problem == "missing":
        _rewrite(good, bad, layers__1__bias=None)
    elif problem == "shape":
        _rewrite(good, bad, layers__0__weight=np.zeros((2, 6)))
    elif problem == "nan":
        _rewrite(good, bad, layers__2__weight=np.full((3, 1), np.nan))
    elif problem == "version":
        meta = json.loads(str(np.load(good)["meta"]))
        meta["format_version"] = 99
        _rewrite(good, bad, meta=np.array(json.dumps(meta)))
    elif problem == "truncated":
        bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    elif problem == "not_npz":
        bad.write_text("x1,x2,y\n1,2,3\n")
    elif problem == "no_meta":
        _rewrite(good, bad, meta=None)
    elif problem == "bad_json":
        _rewrite(good, bad, meta=np.array("{not json"))
    if problem != "absent":
        assert bad.exists()
    with pytest.raises(UserInputError, match=message):
        load_weights(bad)


def test_corrupted_member_is_a_user_error(trained, tmp_path):
    good = save_weights(tmp_path / "good.npz", trained)
    bad = tmp_path / "bad.npz"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "layers.0.weight.npy":
                data = data[:20]  # a cut-off .npy header
            dst.writestr(info.filename, data)
    with pytest.raises(UserInputError):
        load_weights(bad)


def test_feature_mismatch_is_rejected(trained, tmp_path, circles):
    path = save_weights(tmp_path / "w.npz", trained)
    other = Trainer(circles, TrainConfig(hidden=(6, 3), activation="relu",
                                         features=("x1^2",)))
    with pytest.raises(UserInputError, match="trained on inputs"):
        load_weights_into(other, path)
