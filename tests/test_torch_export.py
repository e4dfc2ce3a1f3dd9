"""The exported PyTorch script continues the app's run exactly.

Each test exports a run (from its initial weights or from the middle of an epoch), runs the
script in a fresh interpreter for N steps, and compares the weights it saves with the app's own
weights after the same N steps, in float64, to 1e-10. Skipped without torch.
"""

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from cli.train import main as cli_main
from core.data import load_dataset
from core.errors import UserInputError
from core.io.torch_export import export_torch
from core.io.weights_npz import load_weights
from core.train.config import TrainConfig
from core.train.trainer import Trainer

# The scripts run in child interpreters: torch is needed there, not imported here.
if importlib.util.find_spec("torch") is None:
    pytest.skip("needs torch (the CPU wheel is enough)", allow_module_level=True)

TOLERANCE = 1e-10

#: (dataset, config, steps before the export, steps in the script). Mini-batches with
#: shuffling, an epoch boundary (and with it a learning-rate change) inside the script's
#: steps, every loss and every optimizer.
CASES = {
    "sgd-bce-step-schedule-l2-clip": (
        "circles", dict(optimizer="sgd", lr=0.3, batch_size=16, l2=0.01, clip_norm=0.5,
                        schedule="step", schedule_params={"step_size": 1, "gamma": 0.7}), 0, 23),
    "momentum-cce-exponential-l1": (
        "spirals", dict(optimizer="momentum", lr=0.05, batch_size=12, l1=0.001,
                        schedule="exponential", schedule_params={"gamma": 0.9}), 5, 19),
    "adam-mse-cosine-clip": (
        "plane", dict(optimizer="adam", lr=0.01, batch_size=32, clip_norm=0.2,
                      activation="relu", schedule="cosine", epochs=6), 4, 17),
    "nesterov-dropout": (
        "circles", dict(optimizer="nesterov", lr=0.05, batch_size=10, dropout=0.25), 3, 21),
    "rmsprop-centered-full-batch": (
        "blobs", dict(optimizer="rmsprop", lr=0.01, batch_size=None, activation="elu",
                      optimizer_params={"centered": True, "momentum": 0.5}), 2, 7),
    "adagrad-softplus": (
        "moons", dict(optimizer="adagrad", lr=0.05, activation="softplus", batch_size=25), 1, 9),
    "adamw-amsgrad-silu": (
        "squares_sum", dict(optimizer="adamw", lr=0.01, activation=("silu", "leaky_relu"),
                            optimizer_params={"amsgrad": True}, batch_size=20), 6, 11),
}


#: Runs several exported scripts as ``python SCRIPT --steps N --save-weights OUT`` would, in
#: one fresh interpreter (importing torch once), and stops at the first failing one.
DRIVER = """
import runpy, sys
for script, steps, out in zip(*[iter(sys.argv[1:])] * 3):
    sys.argv = [script, "--steps", steps, "--save-weights", out]
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as e:
        if e.code:
            raise
"""


def _run_scripts(runs, cwd):
    """``runs``: ``[(script, steps, out.npz), ...]``; returns the saved ``WeightsFile``s."""
    args = [str(value) for run in runs for value in run]
    result = subprocess.run([sys.executable, "-c", DRIVER, *args],
                            cwd=cwd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return [load_weights(out) for _, _, out in runs]


def _run_script(script, steps, out, cwd):
    return _run_scripts([(script, steps, out)], cwd)[0]


def _assert_same_weights(weights_file, trainer):
    assert weights_file.meta["step"] == trainer.step_count
    assert weights_file.meta["epoch"] == trainer.epoch
    for W, b, layer in zip(weights_file.weights, weights_file.biases, trainer.network.layers,
                           strict=True):
        assert W.dtype == np.float64 and W.shape == layer.W.shape
        np.testing.assert_allclose(W, layer.W, rtol=0, atol=TOLERANCE)
        np.testing.assert_allclose(b, layer.b, rtol=0, atol=TOLERANCE)


@pytest.fixture(scope="module")
def continued(tmp_path_factory):
    """Per case: (the trainer exported, then stepped on in the app; the script's weights)."""
    folder = tmp_path_factory.mktemp("torch_runs")
    trainers, runs = {}, []
    for case, (name, settings, before, steps) in CASES.items():
        trainer = Trainer(load_dataset(name, n_samples=120), TrainConfig(**settings))
        trainer.run_steps(before)
        script = export_torch(folder / f"{case}.py", trainer)
        runs.append((script, steps, folder / f"{case}.npz"))
        trainers[case] = trainer
    saved = dict(zip(CASES, _run_scripts(runs, folder), strict=True))
    return {case: (trainers[case], saved[case]) for case in CASES}


@pytest.mark.parametrize("case", list(CASES))
def test_script_steps_give_the_apps_weights(continued, case):
    trainer, saved = continued[case]
    start_epoch = trainer.epoch
    trainer.run_steps(CASES[case][3])
    assert trainer.epoch > start_epoch  # the steps crossed an epoch boundary
    _assert_same_weights(saved, trainer)
    assert saved.meta["config"] == trainer.config.to_dict()


def test_cli_epochs_0_exports_the_initial_state(tmp_path, capsys):
    options = ["--dataset", "moons", "--samples", "80", "--optimizer", "adam", "--lr", "0.02",
               "--batch-size", "8", "--l2", "0.001", "--seed", "3"]
    script, initial, model = tmp_path / "run.py", tmp_path / "w0.npz", tmp_path / "m.py"
    code = cli_main([*options, "--epochs", "0", "--export-torch", str(script),
                     "--save-weights", str(initial), "--export-python", str(model)])
    assert code == 0, capsys.readouterr().err
    trainer = Trainer(load_dataset("moons", n_samples=80, seed=3),
                      TrainConfig(optimizer="adam", lr=0.02, batch_size=8, l2=0.001, seed=3))
    _assert_same_weights(load_weights(initial), trainer)  # nothing was trained
    assert model.exists()
    saved = _run_script(script, 25, tmp_path / "w25.npz", tmp_path)
    trainer.run_steps(25)
    _assert_same_weights(saved, trainer)


def test_export_refuses_non_finite_weights(tmp_path):
    trainer = Trainer(load_dataset("circles", n_samples=40), TrainConfig(hidden=(3,)))
    trainer.network.layers[0].W[0, 0] = np.nan
    with pytest.raises(UserInputError, match="NaN"):
        export_torch(tmp_path / "bad.py", trainer)
    assert not (tmp_path / "bad.py").exists()
