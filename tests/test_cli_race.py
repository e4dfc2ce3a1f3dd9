"""``python main.py train --race CONFIGS.json``: one JSON entry per racer, clear errors."""

import json

import numpy as np
import pytest

from cli.train import main
from core.data import load_dataset
from core.train.config import TrainConfig
from core.train.trainer import Trainer

FAST = ["--samples", "60", "--hidden", "4", "--seed", "2"]


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _race_file(tmp_path, racers):
    path = tmp_path / "race.json"
    path.write_text(json.dumps(racers), encoding="utf-8")
    return str(path)


def test_race_json_has_one_entry_per_racer_trained_in_lockstep(tmp_path, capsys):
    path = _race_file(tmp_path, [{}, {"optimizer": "adam", "lr": 0.01},
                                 {"batch_size": None}])
    code, out, _ = run_cli(capsys, *FAST, "--epochs", "3", "--race", path, "--json")
    assert code == 0
    doc = json.loads(out)
    racers = doc["racers"]
    assert [r["name"] for r in racers] == ["A: sgd lr 0.03", "B: adam lr 0.01",
                                           "C: sgd lr 0.03, batch full"]
    per_epoch = doc["steps_per_tick"]
    assert per_epoch == 5  # 48 training rows, batches of 10
    assert all(r["steps"] == 3 * per_epoch for r in racers)  # the same steps for all
    assert racers[2]["epoch"] == 15  # full batch: one step per epoch
    for r in racers:
        assert len(r["history"]["step"]) == 4  # the start and one row per tick
        assert r["final"]["test_loss"] == r["history"]["test_loss"][-1]
        assert 0 <= r["final"]["test_metric"] <= 1 and r["error"] is None
    # The first racer is the run the options describe, trained alone.
    alone = Trainer(load_dataset("circles", n_samples=60, seed=2),
                    TrainConfig(hidden=(4,), seed=2, epochs=3))
    alone.train()
    assert racers[0]["final"]["test_loss"] == alone.evaluate()["test_loss"]


def test_race_table_without_json(tmp_path, capsys):
    path = _race_file(tmp_path, [{}, {"l2": 0.01}])
    code, out, _ = run_cli(capsys, *FAST, "--epochs", "1", "--race", path)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["racer", "steps"]
    assert lines[2].startswith("B: sgd lr 0.03, L2 0.01")


def test_epochs_zero_reports_the_start(tmp_path, capsys):
    path = _race_file(tmp_path, [{}, {"lr": 0.1}])
    code, out, _ = run_cli(capsys, *FAST, "--epochs", "0", "--race", path, "--json")
    assert code == 0
    assert [r["steps"] for r in json.loads(out)["racers"]] == [0, 0]


@pytest.mark.parametrize("content, words", [
    ('[{}, {"lr": "fast"}]', "racer B (item 2), setting 'lr'"),
    ('[{}, {"optimiser": "adam"}]', "racer B (item 2): 'optimiser' is not a training setting"),
    ('[{}]', "2 to 4"),
    ('{"lr": 0.1}', "not a list"),
    ('[{}, ', "not valid JSON"),
])
def test_bad_race_files_exit_2_naming_racer_and_key(tmp_path, capsys, content, words):
    path = tmp_path / "race.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = run_cli(capsys, *FAST, "--race", str(path), "--json")
    assert code == 2 and out == ""
    assert words in err and str(path) in err and "Traceback" not in err


def test_race_refuses_single_run_outputs(tmp_path, capsys):
    path = _race_file(tmp_path, [{}, {}])
    code, _, err = run_cli(capsys, *FAST, "--race", path, "--save-weights",
                           str(tmp_path / "w.npz"))
    assert code == 2 and "--save-weights" in err
    assert not (tmp_path / "w.npz").exists()


def test_missing_race_file(tmp_path, capsys):
    code, _, err = run_cli(capsys, *FAST, "--race", str(tmp_path / "nope.json"))
    assert code == 2 and "cannot read" in err


def test_lockstep_history_matches_race_clock(tmp_path, capsys):
    path = _race_file(tmp_path, [{}, {"batch_size": 4}])
    _, out, _ = run_cli(capsys, *FAST, "--epochs", "2", "--race", path, "--json")
    steps = [r["history"]["step"] for r in json.loads(out)["racers"]]
    np.testing.assert_array_equal(steps[0], steps[1])
