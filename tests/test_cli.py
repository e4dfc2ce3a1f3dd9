"""``python main.py train``: options, JSON output, weights and data files, error handling."""

import json
import subprocess
import sys

import numpy as np
import pytest

from cli.train import build_train_parser, config_from_args, main
from tests.conftest import ROOT

FAST = ["--samples", "60", "--epochs", "3", "--hidden", "4"]


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_option_parses_into_the_config(tmp_path):
    args = build_train_parser().parse_args([
        "--dataset", "moons", "--samples", "80", "--noise", "0.2", "--train-ratio", "0.75",
        "--features", "x1^2,x1*x2", "--no-standardize", "--hidden", "16,8",
        "--activation", "relu,tanh", "--output-activation", "sigmoid", "--loss", "bce",
        "--init", "he_uniform", "--dropout", "0.1", "--dtype", "float32",
        "--optimizer", "momentum", "--lr", "0.05", "--momentum", "0.8", "--schedule", "step",
        "--batch-size", "full", "--epochs", "7", "--l1", "0.001", "--l2", "0.01",
        "--clip-norm", "2", "--early-stopping", "4", "--seed", "3", "--print-every", "2",
        "--json", "--save-weights", str(tmp_path / "w.npz"),
        "--load-weights", str(tmp_path / "in.npz"), "--save-data", str(tmp_path / "d.npz"),
    ])
    dataset, cfg = config_from_args(args)
    assert dataset.name == "moons" and dataset.n_train == 60
    assert cfg.hidden == (16, 8) and cfg.activation == ("relu", "tanh")
    assert cfg.features == ("x1^2", "x1*x2") and cfg.standardize is False
    assert (cfg.output_activation, cfg.loss, cfg.init) == ("sigmoid", "bce", "he_uniform")
    assert (cfg.optimizer, cfg.lr, cfg.momentum, cfg.schedule) == ("momentum", 0.05, 0.8, "step")
    assert cfg.batch_size is None and cfg.epochs == 7 and cfg.dtype == "float32"
    assert (cfg.l1, cfg.l2, cfg.dropout, cfg.clip_norm) == (0.001, 0.01, 0.1, 2.0)
    assert cfg.early_stopping == 4 and cfg.seed == 3
    assert args.print_every == 2 and args.json


@pytest.mark.parametrize("hidden, expected",
                         [("", ()), ("0", ()), ("5", (5,)), ("3,2,1", (3, 2, 1))])
def test_hidden_sizes(hidden, expected):
    _, cfg = config_from_args(build_train_parser().parse_args(["--hidden", hidden]))
    assert cfg.hidden == expected


def test_defaults_are_the_config_defaults():
    dataset, cfg = config_from_args(build_train_parser().parse_args([]))
    assert dataset.name == "circles" and cfg.hidden == (8, 8) and cfg.batch_size == 10


def test_progress_lines_like_the_seed_notebook(capsys):
    code, out, _ = run_cli(capsys, *FAST, "--epochs", "4", "--print-every", "2")
    assert code == 0
    lines = out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Epoch    2 | Loss: ") and "| Accuracy: " in lines[0]
    assert "| Test loss: " in lines[1] and lines[1].endswith("%")


def test_json_output_keys(capsys):
    code, out, _ = run_cli(capsys, *FAST, "--json")
    assert code == 0
    result = json.loads(out)
    assert set(result) >= {"config", "epochs_run", "train_loss", "test_loss", "train_accuracy",
                           "test_accuracy", "wall_time_s", "stopped_early"}
    assert result["epochs_run"] == 3 and result["config"]["hidden"] == [4]
    code, out, _ = run_cli(capsys, "--dataset", "squares_sum", *FAST, "--json")
    assert {"train_r2", "test_r2"} <= set(json.loads(out))


def test_save_then_load_weights_round_trip(capsys, tmp_path):
    w = tmp_path / "w.npz"
    assert run_cli(capsys, *FAST, "--save-weights", str(w))[0] == 0
    with np.load(w) as npz:
        saved = npz["layers.0.weight"]
    # With a negligible learning rate the loaded weights barely move: same train loss.
    code, _, _ = run_cli(capsys, *FAST, "--save-weights", str(tmp_path / "again.npz"),
                         "--epochs", "1", "--lr", "1e-12", "--load-weights", str(w))
    assert code == 0
    with np.load(tmp_path / "again.npz") as npz:
        np.testing.assert_allclose(npz["layers.0.weight"], saved, atol=1e-9)


def test_shape_mismatch_is_a_clear_error_with_status_2(capsys, tmp_path):
    w = tmp_path / "w.npz"
    run_cli(capsys, *FAST, "--save-weights", str(w))
    code, _, err = run_cli(capsys, *FAST, "--hidden", "5,2", "--load-weights", str(w))
    assert code == 2
    assert err.count("\n") == 1 and "2-4-1" in err and "2-5-2-1" in err
    assert "Traceback" not in err


def test_unknown_optimizer_lists_choices_and_exits_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--optimizer", "adamax"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'sgd'" in err and "'adam'" in err


@pytest.mark.parametrize("argv, fragment", [
    (["--activation", "swish"], "choose from identity"),
    (["--batch-size", "0"], "'full'"),
    (["--hidden", "4,x"], "16,8"),
])
def test_bad_option_values_exit_2(capsys, argv, fragment):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2 and fragment in capsys.readouterr().err


@pytest.mark.parametrize("argv, fragment", [
    (["--lr", "-1"], "Learning rate"),
    (["--dropout", "1.5"], "Dropout"),
    (["--dataset", "iris", "--features", "x1^2"], "need 2-D inputs"),
    (["--features", "x3^2"], "x1^2, x2^2"),
    (["--momentum", "0.5", "--optimizer", "adam"], "no momentum setting"),
    (["--loss", "cce"], "softmax"),
])
def test_invalid_settings_exit_2_with_one_line(capsys, argv, fragment):
    code, _, err = run_cli(capsys, *argv)
    assert code == 2 and fragment in err and err.count("\n") == 1


def test_malformed_csv_names_row_and_column(capsys, tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("a,b,label\n1,2,0\n3,oops,1\n5,6,0\n7,8,1\n")
    code, _, err = run_cli(capsys, "--csv", str(csv), "--epochs", "1")
    assert code == 2
    assert "row 3" in err and "b" in err and "Traceback" not in err


def test_csv_training_with_a_named_target(capsys, tmp_path):
    csv = tmp_path / "ok.csv"
    rows = "\n".join(f"{i % 7},{i % 3},{int(i % 7 > 3)}" for i in range(40))
    csv.write_text("u,v,label\n" + rows + "\n")
    code, out, _ = run_cli(capsys, "--csv", str(csv), "--target", "label", "--epochs", "2",
                           "--json")
    assert code == 0 and json.loads(out)["task"] == "binary"


def test_save_data_holds_what_the_network_sees(capsys, tmp_path):
    path = tmp_path / "d.npz"
    code, _, _ = run_cli(capsys, *FAST, "--features", "x1^2", "--standardize",
                         "--dtype", "float32", "--save-data", str(path))
    assert code == 0
    from core.data import load_dataset

    ds = load_dataset("circles", n_samples=60, seed=0)
    with np.load(path) as d:
        assert d["X_train"].shape == (ds.n_train, 3) and d["X_train"].dtype == np.float32
        np.testing.assert_allclose(d["X_train"].mean(axis=0), 0, atol=1e-5)
        np.testing.assert_array_equal(d["y_test"], ds.y_test.astype(np.float32))
        raw = np.column_stack([ds.X_test, ds.X_test[:, 0] ** 2])
        mean = np.column_stack([ds.X_train, ds.X_train[:, 0] ** 2]).mean(axis=0)
        std = np.column_stack([ds.X_train, ds.X_train[:, 0] ** 2]).std(axis=0)
        np.testing.assert_allclose(d["X_test"], (raw - mean) / std, rtol=1e-5, atol=1e-5)
        assert list(d["feature_names"]) == ["x1", "x2", "x1^2"]


def test_divergence_exits_1_and_saves_nothing(capsys, tmp_path):
    w = tmp_path / "w.npz"
    code, _, err = run_cli(capsys, "--samples", "200", "--hidden", "16,8", "--activation", "relu",
                           "--init", "he_normal", "--lr", "10",
                           "--output-activation", "identity", "--loss", "mse",
                           "--batch-size", "full", "--epochs", "100", "--save-weights", str(w))
    assert code == 1 and "diverged at step" in err
    assert not w.exists() and list(tmp_path.iterdir()) == []


def test_main_py_dispatches_train_and_lists_both_modes():
    help_text = subprocess.run([sys.executable, "main.py", "--help"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout
    assert "main.py train" in help_text and "window" in help_text
    proc = subprocess.run([sys.executable, "main.py", "train", *FAST, "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["epochs_run"] == 3
    bad = subprocess.run([sys.executable, "main.py", "train", "--optimizer", "nope"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
