"""The PyTorch script never runs what a user typed.

Hostile file, dataset, column and class names (see ``tests/test_export_hostile.py``) reach the
script only as literals: its code is the same as with plain names, and running it (help and
a few training steps) creates no marker file. Skipped without torch.
"""

import ast
import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from core.data import make_dataset_from_arrays
from core.io.torch_export import export_torch, torch_source
from core.io.weights_npz import load_weights
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from tests.test_export_hostile import HOSTILE, MARKER, PAYLOAD, _structure

# The scripts run in child interpreters: torch is needed there, not imported here.
if importlib.util.find_spec("torch") is None:
    pytest.skip("needs torch (the CPU wheel is enough)", allow_module_level=True)


def _trainer(name, input_names, target_names):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, len(input_names)))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int) * (len(target_names) > 2)
    ds = make_dataset_from_arrays(X, y, "classification", name=name, input_names=input_names,
                                  target_names=target_names)
    trainer = Trainer(ds, TrainConfig(hidden=(4,), optimizer="adam", lr=0.01, batch_size=8))
    trainer.run_steps(3)
    return trainer


def test_hostile_names_stay_data(tmp_path):
    trainer = _trainer(HOSTILE[0], HOSTILE[1:3], HOSTILE[3:6])
    plain = _trainer("plain", ["a", "b"], ["x", "y", "z"])
    expected = _structure(torch_source(plain))
    scripts = []
    for i, name in enumerate(HOSTILE):
        folder = tmp_path / f"s{i}"
        folder.mkdir()
        scripts.append(export_torch(folder / f"{name}.py", trainer))
        source = scripts[-1].read_text(encoding="utf-8")
        assert _structure(source) == expected
        calls = {n.func.id for n in ast.walk(ast.parse(source))
                 if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        assert "__import__" not in calls
        assert not any(line.lstrip().startswith(PAYLOAD[:12]) for line in source.splitlines())
        assert PAYLOAD in ast.get_docstring(ast.parse(source), clean=False)
    work = tmp_path / "work"
    work.mkdir()
    result = subprocess.run([sys.executable, str(scripts[1]), "--help"], cwd=work,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = work / "out.npz"
    result = subprocess.run([sys.executable, str(scripts[0]), "--steps", "4",
                             "--save-weights", str(out)],
                            cwd=work, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    meta = load_weights(out).meta
    assert meta["dataset"]["name"] == HOSTILE[0]  # the names come back as they were
    assert meta["dataset"]["target_names"] == HOSTILE[3:6]
    assert meta["step"] == trainer.step_count + 4
    assert not any(p.name == MARKER for p in tmp_path.rglob("*"))
