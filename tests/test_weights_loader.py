"""One weights loader for every caller: both formats, every check, the file's input scaling.

Also the messages for files that are not weights at all (pickles, folders).
"""

import dataclasses
import json

import numpy as np
import pytest

from core.errors import UserInputError
from core.io import load_into, load_session, read_weights, save_session, save_weights_file
from core.io.weights_files import WeightsMismatch, load_weights_into
from core.io.weights_npz import save_weights
from core.optim.optimizers import Adam
from core.train.config import TrainConfig
from core.train.trainer import Trainer


@pytest.fixture
def trained(circles):
    t = Trainer(circles, TrainConfig(hidden=(6,), activation="relu", epochs=3, seed=2,
                                     features=("x1*x2",), standardize=True))
    t.train()
    return t


@pytest.mark.parametrize("suffix", [".npz", ".json"])
def test_weights_io_loader_is_the_complete_one(trained, tmp_path, suffix):
    path = save_weights_file(tmp_path / f"w{suffix}", trained)
    fresh = Trainer(trained.dataset, trained.config)
    load_weights_into(fresh, path)  # JSON too
    for a, b in zip(fresh.network.params(), trained.network.params(), strict=True):
        np.testing.assert_array_equal(a, b)
    other = Trainer(trained.dataset, dataclasses.replace(trained.config, activation="tanh"))
    with pytest.raises(WeightsMismatch, match=r"relu.*tanh"):  # the activation check
        load_weights_into(other, path)


@pytest.mark.parametrize("suffix", [".npz", ".json"])
def test_loading_adopts_the_files_input_scaling(trained, tmp_path, suffix):
    # Weights trained on standardised inputs, loaded into a trainer that would feed raw
    # ones: the trainer takes the file's pipeline (the weights are meaningless without it).
    path = save_weights_file(tmp_path / f"w{suffix}", trained)
    raw = Trainer(trained.dataset, dataclasses.replace(trained.config, standardize=False,
                                                       batch_size=7))
    raw.run_steps(3)  # mid-epoch: the shuffled rows must follow
    assert raw.pipeline != trained.pipeline
    load_into(raw, path)
    assert raw.pipeline == trained.pipeline and raw.config.standardize is True
    np.testing.assert_array_equal(raw.X_train, trained.X_train)
    np.testing.assert_array_equal(raw.X_test, trained.X_test)
    X = trained.dataset.X_test
    np.testing.assert_array_equal(raw.predict(X), trained.predict(X))
    assert raw.evaluate() == trained.evaluate()
    raw.run_steps(1)  # the shuffled copy of the rows follows the new scaling
    np.testing.assert_array_equal(raw._Xp[: raw._pos], raw.X_train[raw._order[: raw._pos]])
    raw.run_steps(20)
    # A session saved afterwards reopens with the adopted pipeline.
    reopened, _ = load_session(save_session(tmp_path / "s.bpsession", raw))
    assert reopened.pipeline == trained.pipeline
    np.testing.assert_array_equal(reopened.X_train, raw.X_train)


def test_other_statistics_are_adopted_too(trained, tmp_path):
    path = save_weights(tmp_path / "w.npz", trained)
    meta = read_weights(path).meta
    other = Trainer(trained.dataset, trained.config)
    other_scaling = dict(meta["input_scaling"], mean=[1.0, 2.0, 3.0])
    doc = json.loads(save_weights_file(tmp_path / "w.json", trained).read_text())
    doc["meta"]["input_scaling"] = other_scaling
    (tmp_path / "w.json").write_text(json.dumps(doc))
    load_into(other, tmp_path / "w.json")
    assert other.pipeline.mean.tolist() == [1.0, 2.0, 3.0]


def test_bare_network_keeps_working(tmp_path, trained):
    path = save_weights(tmp_path / "w.npz", trained.network)  # no input scaling recorded
    fresh = Trainer(trained.dataset, trained.config)
    before = fresh.pipeline.to_dict()
    load_into(fresh, path)
    assert fresh.pipeline.to_dict() == before


def test_pickled_npz_never_suggests_unsafe_loading(tmp_path):
    path = tmp_path / "objects.npz"
    np.savez(path, a=np.array([{"x": 1}], dtype=object))
    for load in (read_weights, lambda p: load_session(p)):
        with pytest.raises(UserInputError) as info:
            load(path)
        text = str(info.value)
        assert "Python objects, which are never loaded" in text
        assert "allow_pickle" not in text and "unsafe" not in text
    import pickle

    raw = tmp_path / "raw.npz"
    raw.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(UserInputError, match="never loaded"):
        read_weights(raw)
    text_file = tmp_path / "t.npz"
    text_file.write_text("x1,x2\n1,2\n")
    with pytest.raises(UserInputError, match="neither a zip archive") as info:
        read_weights(text_file)
    assert "allow_pickle" not in str(info.value)


@pytest.mark.parametrize("name", ["w.npz", "w.json", "s.bpsession"])
def test_folder_given_as_a_file(tmp_path, name):
    (tmp_path / name).mkdir()
    load = load_session if name.endswith("bpsession") else read_weights
    with pytest.raises(UserInputError, match="is a folder, not a file"):
        load(tmp_path / name)


@pytest.mark.parametrize("change, fragment", [
    ({"t": -1}, "step count"), ({"t": 1.5}, "step count"), ({"t": True}, "step count"),
    ({"buffers": "exp_avg", "value": np.nan}, "NaN"),
    ({"buffers": "exp_avg_sq", "value": -1.0}, "negative"),
])
def test_optimizer_refuses_damaged_state_and_changes_nothing(change, fragment):
    params = [np.ones((2, 2)), np.zeros(2)]
    opt = Adam(params, lr=0.1)
    opt.step([np.ones((2, 2)), np.ones(2)])
    state = opt.state_dict()
    if "t" in change:
        state["t"] = change["t"]
    else:
        state["buffers"][change["buffers"]][0][...] = change["value"]
    before = opt.state_dict()
    with pytest.raises(UserInputError, match=fragment):
        opt.load_state_dict(state)
    after = opt.state_dict()
    assert after["t"] == before["t"]
    for name, arrays in before["buffers"].items():
        for a, b in zip(arrays, after["buffers"][name], strict=True):
            np.testing.assert_array_equal(a, b)
