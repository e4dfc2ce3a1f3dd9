"""A weights file's ``input_scaling`` (and a session's pipeline) is checked before adoption.

A std of 1e-300 once wrecked training without a word. Each absurd value is refused with a
message saying which input and what is wrong, in both weights formats, in sessions, through
the CLI; the trainer it was meant for stays as it was. A session's window state holding NaN
(never saved by the app) is refused too.
"""

import json

import numpy as np
import pytest

from cli.train import main as cli_main
from core.errors import UserInputError
from core.io import load_into, load_session, read_weights, save_session, save_weights_file
from core.io.archive import read_archive, write_archive
from core.io.schema import scaling_problem
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from tests.test_hostile_archives import npy_of, write_zip


@pytest.fixture
def trained(circles):
    t = Trainer(circles, TrainConfig(hidden=(4,), epochs=2, standardize=True))
    t.train()
    return t


#: case -> (change to the saved input_scaling, words the error must contain)
BAD_SCALINGS = {
    "tiny_std": (lambda s: s["std"].__setitem__(0, 1e-300),
                 ["std of input 1 ('x1') is 1e-300", "outside"]),
    "huge_std": (lambda s: s["std"].__setitem__(1, 1e300), ["std of input 2 ('x2')"]),
    "huge_mean": (lambda s: s["mean"].__setitem__(0, 1e308), ["mean of input 1", "1e+308"]),
    "zero_std": (lambda s: s["std"].__setitem__(1, 0.0), ["std of input 2", "> 0"]),
    "negative_std": (lambda s: s["std"].__setitem__(0, -1.0), ["std of input 1", "> 0"]),
    "below_resolution": (lambda s: (s["mean"].__setitem__(0, 1e6),
                                    s["std"].__setitem__(0, 1e-12)),
                         ["std of input 1", "resolution"]),
    "short_std": (lambda s: s["std"].pop(), ["std must list 2 numbers"]),
    "text_mean": (lambda s: s["mean"].__setitem__(0, "0.5"), ["mean of input 1", "'0.5'"]),
    "unknown_feature": (lambda s: s.update(features=["x3^2"]), ["derived features", "x3^2"]),
    "wrong_n_inputs": (lambda s: s.update(n_inputs=5), ["n_inputs 5"]),
    "only_mean": (lambda s: s.update(std=None), ["both be given"]),
    "not_an_object": (lambda s: (s.clear(), s.update(oops=1)), ["not an object"]),
}


def _weights_with_scaling(trained, path, change):
    save_weights_file(path, trained)
    if path.suffix == ".json":
        document = json.loads(path.read_text())
        change(document["meta"]["input_scaling"])
        path.write_text(json.dumps(document))
    else:
        with np.load(path) as npz:
            arrays = {k: npz[k] for k in npz.files}
        meta = json.loads(str(arrays["meta"][()]))
        change(meta["input_scaling"])
        arrays["meta"] = np.array(json.dumps(meta))
        write_zip(path, {f"{k}.npy": npy_of(v) for k, v in arrays.items()})
    return path


@pytest.mark.parametrize("suffix", [".npz", ".json"])
@pytest.mark.parametrize("case", sorted(BAD_SCALINGS))
def test_bad_input_scaling_is_refused_saying_what_is_wrong(trained, tmp_path, case, suffix):
    change, words = BAD_SCALINGS[case]
    path = _weights_with_scaling(trained, tmp_path / f"w{suffix}", change)
    fresh = Trainer(trained.dataset, trained.config)
    before = [p.copy() for p in fresh.network.params()]
    pipeline = fresh.pipeline.to_dict()
    with pytest.raises(UserInputError) as info:
        load_into(fresh, path)
    message = str(info.value)
    assert str(path) in message and "input_scaling" in message
    for word in words:
        assert word in message, (case, message)
    assert fresh.pipeline.to_dict() == pipeline
    for a, b in zip(before, fresh.network.params(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_scaling_made_for_other_data_is_refused_naming_the_input(trained, tmp_path):
    # Within the absolute range, but it blows this data's x2 up to ~1e9.
    def change(scaling):
        scaling["std"][1] = 1e-9

    path = _weights_with_scaling(trained, tmp_path / "w.npz", change)
    read_weights(path)  # nothing wrong with the file as such
    raw = Trainer(trained.dataset, TrainConfig(hidden=(4,), standardize=False))
    with pytest.raises(UserInputError, match=r"input 'x2' into values up to [0-9.]+e\+09"):
        load_into(raw, path)
    assert not raw.pipeline.standardize


def test_legitimate_scalings_pass():
    fine = {"features": ["x1^2"], "mean": [1e-13, 5.0, 3.0], "std": [2e-14, 1e-3, 1.0],
            "n_inputs": 2}
    assert scaling_problem(fine, 3, ["a", "b", "x1^2"]) is None
    assert scaling_problem({"features": [], "mean": None, "std": None, "n_inputs": 2}, 2) is None


def test_cli_load_weights_with_bad_scaling_is_a_clear_error(trained, tmp_path, capsys):
    path = _weights_with_scaling(trained, tmp_path / "w.npz", BAD_SCALINGS["tiny_std"][0])
    code = cli_main(["--dataset", "circles", "--epochs", "1", "--hidden", "4",
                     "--load-weights", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and "std of input 1 ('x1') is 1e-300" in err and "Traceback" not in err


def test_session_with_bad_pipeline_is_refused(trained, tmp_path, capsys):
    path = save_session(tmp_path / "s.bpsession", trained)
    document, arrays = read_archive(path, "session")
    document["pipeline"]["std"][0] = 1e-300
    write_archive(path, document, arrays)
    with pytest.raises(UserInputError, match=r"session's input pipeline: the std of input 1 "):
        load_session(path)
    code = cli_main(["--load-session", str(path), "--epochs", "3"])
    assert code == 2 and "is 1e-300" in capsys.readouterr().err


def test_session_window_state_with_nan_is_refused_by_cli_and_core(trained, tmp_path, capsys):
    path = save_session(tmp_path / "s.bpsession", trained, {"tab": 1})
    document, arrays = read_archive(path, "session")
    document["ui_state"] = {"tab": float("nan"), "speed": float("inf")}
    write_archive(path, document, arrays)
    with pytest.raises(UserInputError, match="window state holds NaN or infinite numbers"):
        load_session(path)
    code = cli_main(["--load-session", str(path), "--epochs", "3",
                     "--save-session", str(tmp_path / "again.bpsession")])
    err = capsys.readouterr().err
    assert code == 2 and "window state holds NaN" in err and "Traceback" not in err
    assert not (tmp_path / "again.bpsession").exists()
