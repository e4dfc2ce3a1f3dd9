"""``python main.py train``: checks done before training, divergence reports, odd options.

Every bad input exits 2 with one line and no traceback, before any epoch runs.
"""

import json
import os

import numpy as np
import pytest

from cli.train import main
from core.errors import UserInputError
from core.io.atomic import check_writable

FAST = ["--samples", "60", "--epochs", "3", "--hidden", "4"]
DIVERGES = ["--dataset", "squares_sum", "--optimizer", "sgd", "--lr", "10",
            "--activation", "relu", "--epochs", "50"]


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused(capsys, argv, *fragments):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err
    assert "Epoch" not in out  # refused before any training
    return err


# ---- output paths are checked before training -------------------------------------------
@pytest.mark.parametrize("option, name, fragment", [
    ("--save-weights", "w.txt", ".npz or .json"),
    ("--save-weights", "w", ".npz or .json"),
    ("--save-data", "d.json", ".npz"),
    ("--save-session", "s.npz", ".bpsession"),
    ("--export-python", "m.txt", ".py"),
    ("--export-onnx", "m.py", ".onnx"),
])
def test_wrong_suffix_is_refused_before_training(capsys, tmp_path, option, name, fragment):
    err = assert_refused(capsys, [*FAST, option, str(tmp_path / name)], option, fragment)
    assert name in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("option, name", [("--save-weights", "w.npz"),
                                          ("--save-data", "d.npz"),
                                          ("--save-session", "s.bpsession"),
                                          ("--export-python", "m.py"),
                                          ("--export-onnx", "m.onnx")])
def test_missing_folder_and_folder_as_file_are_refused(capsys, tmp_path, option, name):
    assert_refused(capsys, [*FAST, option, str(tmp_path / "nope" / name)], "does not exist")
    (tmp_path / name).mkdir()
    assert_refused(capsys, [*FAST, option, str(tmp_path / name)], "is a folder, not a file")


def test_plots_folder_that_is_a_file_is_refused(capsys, tmp_path):
    (tmp_path / "plots").write_text("not a folder")
    assert_refused(capsys, [*FAST, "--export-plots", str(tmp_path / "plots")],
                   "is a file, not a folder")


def test_unwritable_folder_is_refused_before_training(capsys, tmp_path, monkeypatch):
    # Simulated (works as root too): the folder denies writing.
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode, **kw:
                        False if str(p) == str(tmp_path) else real(p, mode, **kw))
    for option, name in (("--save-weights", "w.npz"), ("--export-plots", "plots/run")):
        assert_refused(capsys, [*FAST, option, str(tmp_path / name)], "permission denied")
    assert list(tmp_path.iterdir()) == []


def test_check_writable_accepts_good_paths_and_new_plot_folders(tmp_path):
    assert check_writable(tmp_path / "w.JSON", "weights") == tmp_path / "w.JSON"
    assert check_writable(tmp_path / "a" / "b", "plots") == tmp_path / "a" / "b"
    with pytest.raises(UserInputError, match="weights file"):
        check_writable(tmp_path / "w.csv", "weights")


def test_writer_denied_at_rename_is_a_user_error_and_keeps_the_old_file(
        capsys, tmp_path, monkeypatch):
    target = tmp_path / "w.npz"
    target.write_bytes(b"old")

    def denied(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", denied)
    code, _, err = run_cli(capsys, *FAST, "--save-weights", str(target))
    assert code == 2 and "permission denied" in err and err.count("\n") == 1
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["w.npz"]


# ---- the one weights loader ----------------------------------------------------------------
def test_json_weights_save_and_load_through_the_cli(capsys, tmp_path):
    w = tmp_path / "model.json"
    assert run_cli(capsys, *FAST, "--save-weights", str(w))[0] == 0
    assert json.loads(w.read_text())["format"] == "backprop-studio-weights"
    again = tmp_path / "again.npz"
    code, _, err = run_cli(capsys, *FAST, "--epochs", "1", "--lr", "1e-12",
                           "--load-weights", str(w), "--save-weights", str(again))
    assert code == 0, err
    with np.load(again) as npz:
        np.testing.assert_allclose(npz["layers.0.weight"],
                                   json.loads(w.read_text())["layers"][0]["weight"], atol=1e-9)


def test_activation_mismatch_names_both(capsys, tmp_path):
    w = tmp_path / "w.npz"
    run_cli(capsys, *FAST, "--activation", "relu", "--save-weights", str(w))
    err = assert_refused(capsys, [*FAST, "--activation", "tanh", "--load-weights", str(w)])
    assert "relu" in err and "tanh" in err


def test_loaded_weights_bring_their_input_scaling(capsys, tmp_path):
    w = tmp_path / "w.npz"
    run_cli(capsys, *FAST, "--standardize", "--save-weights", str(w))
    code, out, _ = run_cli(capsys, *FAST, "--no-standardize", "--load-weights", str(w),
                           "--epochs", "1", "--json")
    assert code == 0 and json.loads(out)["config"]["standardize"] is True


# ---- divergence --------------------------------------------------------------------------
def test_json_reports_divergence_with_step_layer_and_last_good_metrics(capsys, tmp_path):
    w, m = tmp_path / "w.json", tmp_path / "m.py"
    code, out, err = run_cli(capsys, *DIVERGES, "--json", "--save-weights", str(w),
                             "--export-python", str(m))
    assert code == 1
    result = json.loads(out)
    diverged = result["diverged"]
    assert diverged["step"] >= 1 and diverged["layer"] == 3 and diverged["what"] == "loss"
    assert f"step {diverged['step']} in layer 3" in diverged["message"]
    assert "grew to" in diverged["message"]
    assert result["train_loss"] is not None and np.isfinite(result["train_loss"])
    assert result["epochs_run"] >= 1 and diverged["metrics_from"]
    assert err.count("\n") == 1 and "--save-weights" in err and "--export-python" in err
    assert "skipped" in err and not w.exists() and not m.exists()


def test_divergence_message_names_step_and_layer_without_json(capsys):
    code, out, err = run_cli(capsys, *DIVERGES)
    assert code == 1 and "diverged at step" in err and "in layer 3" in err
    assert "grew to" in err and "Nothing was saved" not in err


# ---- too large, out of memory ------------------------------------------------------------
def test_too_many_parameters_is_refused_before_allocating(capsys):
    err = assert_refused(capsys, ["--hidden", "100000,100000"], "10,000,500,001",
                         "50,000,000")
    assert "parameters" in err


def test_memory_error_is_one_line(capsys, monkeypatch):
    import core.train.trainer

    def out_of_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(core.train.trainer.Trainer, "__init__", out_of_memory)
    code, _, err = run_cli(capsys, *FAST)
    assert code == 2 and err.count("\n") == 1 and "out of memory" in err


# ---- minor options -------------------------------------------------------------------------
def test_negative_print_every_is_refused(capsys):
    with pytest.raises(SystemExit) as info:
        main([*FAST, "--print-every", "-1"])
    assert info.value.code == 2 and "--print-every" in capsys.readouterr().err


@pytest.mark.parametrize("argv, fragments", [
    (["--dropout", "0.3", "--hidden", "0"], ("Dropout applies to hidden layers", "none")),
    (["--early-stopping", "3", "--train-ratio", "1"], ("Early stopping", "no test rows")),
    (["--dataset", "spirals", "--samples", "2"], ("3 classes", "at least 3 samples")),
    (["--dataset", "blobs", "--samples", "4", "--classes", "5"], ("5 classes",)),
    (["--dataset", "moons", "--classes", "3"], ("--classes", "blobs, spirals")),
])
def test_inconsistent_options_are_refused(capsys, argv, fragments):
    assert_refused(capsys, [*argv, "--epochs", "1"], *fragments)


@pytest.mark.parametrize("name", ["spirals", "blobs"])
def test_classes_option(capsys, name):
    code, out, _ = run_cli(capsys, "--dataset", name, "--classes", "4", "--epochs", "1",
                           "--json")
    assert code == 0
    result = json.loads(out)
    assert result["task"] == "multiclass"
    from cli.train import build_train_parser, config_from_args

    dataset, _ = config_from_args(build_train_parser().parse_args(
        ["--dataset", name, "--classes", "2"]))
    assert dataset.n_classes == 2 and dataset.spec["n_classes"] == 2


def test_classes_with_csv_is_refused(capsys, tmp_path):
    csv = tmp_path / "d.csv"
    csv.write_text("a,b,label\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(20)))
    assert_refused(capsys, ["--csv", str(csv), "--classes", "3"], "--classes", "--csv")


def test_csv_whose_training_split_holds_one_class(capsys, tmp_path):
    csv = tmp_path / "two.csv"
    csv.write_text("a,b,label\n1,2,0\n3,4,1\n")
    assert_refused(capsys, ["--csv", str(csv), "--train-ratio", "0.5"], "two.csv",
                   "'label'", "only one class", "larger train ratio")


def test_csv_values_too_large_to_standardise_name_the_column(capsys, tmp_path):
    csv = tmp_path / "huge.csv"
    csv.write_text("a,b,label\n" + "".join(
        f"{1e308 if i % 2 else -1e308},{i},{i % 2}\n" for i in range(20)))
    # RuntimeWarnings are errors in the test run: none may leak on the way.
    assert_refused(capsys, ["--csv", str(csv)], "'a'", "standardis")


def test_resuming_a_session_past_its_epochs_says_nothing_was_trained(capsys, tmp_path):
    session = tmp_path / "s.bpsession"
    assert run_cli(capsys, *FAST, "--epochs", "4", "--save-session", str(session))[0] == 0
    code, out, _ = run_cli(capsys, "--load-session", str(session), "--epochs", "3")
    assert code == 0 and "Nothing to train" in out and "epoch 4" in out
    code, out, _ = run_cli(capsys, "--load-session", str(session), "--epochs", "5")
    assert code == 0 and "Nothing to train" not in out and "Epoch    5" in out


def test_headless_plot_export_drops_only_the_size_hints_warning(tmp_path):
    pytest.importorskip("PySide6")
    pytest.importorskip("pyqtgraph")
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "main.py", "train", *FAST, "--print-every", "0",
                           "--export-plots", str(tmp_path / "plots")], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    assert "propagateSizeHints" not in proc.stderr
    assert (tmp_path / "plots" / "history.csv").exists()
    script = ("from PySide6.QtCore import qWarning\n"
              "from gui.export.headless import _QuietQt\n"
              "with _QuietQt():\n"
              "    qWarning('This plugin does not support propagateSizeHints()')\n"
              "    qWarning('another warning')\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert "propagateSizeHints" not in proc.stderr and "another warning" in proc.stderr
