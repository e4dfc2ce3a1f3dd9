"""Loader corpus: damage the audit found in weights and session files, each once crashing
at the first training step (TypeError, ZeroDivisionError) instead of being refused.

Uses the fuzzing module's fixtures and ``_load``: a refused file raises ``UserInputError``
and changes nothing; whatever loads must train a few steps.
"""

import json

import numpy as np
import pytest

from core.errors import UserInputError
from core.io import load_into, load_session, read_weights
from core.io.archive import read_archive, write_archive
from core.train.trainer import Trainer
from tests.test_loader_fuzz import _load, _npz_members, _write, good_files, make_trainer


@pytest.fixture(scope="module")
def trainer():
    return make_trainer()


@pytest.fixture(scope="module")
def files(trainer, tmp_path_factory):
    return good_files(trainer, tmp_path_factory.mktemp("good"))


OPTIMIZER_DAMAGE = {
    "negative step count": ("t", -1),
    "fractional step count": ("t", 2.5),
    "boolean step count": ("t", True),
    "huge step count": ("t", 10**400),
    "NaN momentum buffer": ("exp_avg", np.nan),
    "infinite momentum buffer": ("exp_avg", np.inf),
    "negative second moments": ("exp_avg_sq", -1.0),
    "NaN second moments": ("exp_avg_sq", np.nan),
    "negative AMSGrad maximum": ("max_exp_avg_sq", -1.0),
}


@pytest.mark.parametrize("case", sorted(OPTIMIZER_DAMAGE))
def test_damaged_optimizer_state_in_sessions(case, files, trainer, tmp_path):
    path = _write(tmp_path, "session", files["session"])
    document, arrays = read_archive(path, "session")
    key, value = OPTIMIZER_DAMAGE[case]
    if key == "t":
        document["state"]["optimizer"]["t"] = value
    else:
        ref = document["state"]["optimizer"]["buffers"][key][0]["__array__"]
        arrays[ref] = np.full_like(arrays[ref], value)
    write_archive(path, document, arrays)
    with pytest.raises(UserInputError, match="damaged|step count"):
        load_session(path)
    assert not _load("session", path, trainer)


@pytest.mark.parametrize("where", ["state", "document"])
@pytest.mark.parametrize("field, value", [("l1", float("nan")), ("l2", float("inf")),
                                          ("lr", float("nan")), ("clip_norm", -1.0)])
def test_non_finite_settings_in_sessions(where, field, value, files, trainer, tmp_path):
    path = _write(tmp_path, "session", files["session"])
    document, arrays = read_archive(path, "session")
    (document["state"] if where == "state" else document)["config"][field] = value
    write_archive(path, document, arrays)
    assert not _load("session", path, trainer)


def _session_with(files, tmp_path, change):
    path = _write(tmp_path, "session", files["session"])
    document, arrays = read_archive(path, "session")
    change(document)
    write_archive(path, document, arrays)
    return path


@pytest.mark.parametrize("change", [
    lambda d: d["network"].update(sizes="3-8-1"),
    lambda d: d["network"].update(activations=[1, 2]),
    lambda d: d.update(pipeline={"features": ["x1^2"], "mean": [0.0], "std": [1.0]}),
    lambda d: d.update(config=[1]),
], ids=["sizes text", "activations numbers", "pipeline too short", "config a list"])
def test_wrong_types_in_session_descriptions(change, files, trainer, tmp_path):
    assert not _load("session", _session_with(files, tmp_path, change), trainer)


META_DAMAGE = {
    "input_features an int": ("input_features", 3),
    "input_features -1": ("input_features", -1),
    "input_features inf": ("input_features", float("inf")),
    "input_features true": ("input_features", True),
    "input_features too few": ("input_features", ["x1"]),
    "dtype a list": ("dtype", []),
    "dtype an object": ("dtype", {}),
    "dtype unknown": ("dtype", "float16"),
    "activations numbers": ("activations", [1, 2]),
    "scaling std zero": ("input_scaling", {"features": ["x1^2"], "mean": [0, 0, 0],
                                           "std": [1, 0, 1], "n_inputs": 2}),
    "scaling mean NaN": ("input_scaling", {"features": ["x1^2"], "mean": [0, float("nan"), 0],
                                           "std": [1, 1, 1], "n_inputs": 2}),
    "scaling wrong length": ("input_scaling", {"features": ["x1^2"], "mean": [0],
                                               "std": [1], "n_inputs": 2}),
    "scaling other features": ("input_scaling", {"features": ["x2^2"], "mean": None,
                                                 "std": None, "n_inputs": 2}),
    "epoch negative": ("epoch", -3),
    "config a list": ("config", [1]),
    "format version true": ("format_version", True),
}


@pytest.mark.parametrize("kind", ["npz", "json"])
@pytest.mark.parametrize("case", sorted(META_DAMAGE))
def test_wrong_meta_types_in_weights(kind, case, files, trainer, tmp_path):
    field, value = META_DAMAGE[case]
    if kind == "json":
        doc = json.loads(files["json"])
        doc["meta"][field] = value
        path = _write(tmp_path, "json", json.dumps(doc).encode())
    else:
        members = _npz_members(files["npz"])
        meta = json.loads(str(members["meta"]))
        meta[field] = value
        members["meta"] = np.array(json.dumps(meta))
        path = tmp_path / "fuzz.npz"
        np.savez(path, **members)
    with pytest.raises(UserInputError):
        read_weights(path) if case != "scaling other features" else load_into(
            Trainer(trainer.dataset, trainer.config), path)
    assert not _load(kind, path, trainer)
