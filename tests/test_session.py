"""Sessions: save -> load -> continue is bit-identical to never stopping; clear errors."""

import numpy as np
import pytest

from core.data import load_csv, load_dataset, make_dataset_from_arrays
from core.errors import UserInputError
from core.io.archive import read_archive, write_archive
from core.io.session import FORMAT_VERSION, load_session, save_session
from core.train.config import TrainConfig
from core.train.trainer import Trainer


def _assert_same_run(a, b):
    """Every parameter bit, optimizer buffer, counter and history value equal."""
    for p, q in zip(a.network.params(), b.network.params(), strict=True):
        assert p.dtype == q.dtype
        np.testing.assert_array_equal(p, q, strict=True)
    sa, sb = a.optimizer.state_dict(), b.optimizer.state_dict()
    assert sa["t"] == sb["t"] and sa["hyperparameters"] == sb["hyperparameters"]
    for name, arrays in sa["buffers"].items():
        for x, y in zip(arrays, sb["buffers"][name], strict=True):
            np.testing.assert_array_equal(x, y, strict=True)
    assert (a.step_count, a.epoch, a.lr) == (b.step_count, b.epoch, b.lr)
    ha, hb = a.history.as_arrays(), b.history.as_arrays()
    for column in ha:
        np.testing.assert_array_equal(ha[column], hb[column])
    assert a.rng.bit_generator.state == b.rng.bit_generator.state


RUNS = {
    # name: (dataset kwargs, config kwargs, steps before and after saving)
    "sgd-mid-epoch": (dict(name="circles", n_samples=200, noise=0.15),
                      dict(hidden=(8,), batch_size=16), 17),
    "adam-dropout-float32": (dict(name="spirals", n_samples=150, noise=0.1, n_classes=3),
                             dict(hidden=(10, 6), activation="relu", optimizer="adam",
                                  lr=0.01, batch_size=7, dropout=0.3, dtype="float32"), 23),
    "nesterov-l2-step-schedule": (dict(name="moons", n_samples=120, noise=0.2),
                                  dict(hidden=(6,), optimizer="nesterov", l2=1e-3,
                                       schedule="step", schedule_params={"step_size": 2},
                                       batch_size=10, features=("x1^2", "sin(x2)")), 30),
    "rmsprop-full-batch-regression": (dict(name="squares_sum", n_samples=100, noise=0.1),
                                      dict(hidden=(5,), activation="silu",
                                           optimizer="rmsprop", lr=0.003, batch_size=None,
                                           clip_norm=1.0), 4),
    "adamw-epoch-boundary": (dict(name="xor_quadrants", n_samples=80, noise=0.1),
                             dict(hidden=(4,), optimizer="adamw", batch_size=16,
                                  early_stopping=50), 10),
}


@pytest.mark.parametrize("run", sorted(RUNS))
def test_continue_from_session_is_bit_identical(run, tmp_path):
    data_kw, cfg_kw, n = RUNS[run]
    data_kw = dict(data_kw)
    dataset = load_dataset(data_kw.pop("name"), seed=3, **data_kw)
    config = TrainConfig(seed=5, **cfg_kw)
    uninterrupted = Trainer(dataset, config)
    uninterrupted.run_steps(2 * n)

    first = Trainer(dataset, config)
    first.run_steps(n)
    path = save_session(tmp_path / "run.bpsession", first)
    resumed, ui_state = load_session(path)
    assert ui_state == {}
    _assert_same_run(first, resumed)  # nothing lost when saving
    resumed.run_steps(n)
    _assert_same_run(uninterrupted, resumed)


def test_saves_mid_epoch_position_and_history(circles, tmp_path):
    t = Trainer(circles, TrainConfig(hidden=(4,), batch_size=32, seed=1))
    t.run_steps(5 * t.steps_per_epoch + 2)
    resumed, _ = load_session(save_session(tmp_path / "s.bpsession", t))
    assert resumed.epoch == 5 and resumed.step_count == t.step_count
    assert len(resumed.history) == 5
    np.testing.assert_array_equal(resumed._order, t._order)
    assert resumed.config == t.config and resumed.pipeline == t.pipeline


def test_ui_state_round_trips(circles, small_config, tmp_path):
    ui = {"views": ["loss", "surface"], "features": ["x1^2"], "zoom": 1.5, "nested": {"a": None}}
    t = Trainer(circles, small_config)
    _, loaded = load_session(save_session(tmp_path / "s.bpsession", t, ui_state=ui))
    assert loaded == ui


def test_ui_state_must_be_json(circles, small_config, tmp_path):
    t = Trainer(circles, small_config)
    with pytest.raises(TypeError, match="ui_state"):
        save_session(tmp_path / "s.bpsession", t, ui_state={"bad": object()})
    assert not (tmp_path / "s.bpsession").exists()


def test_live_changes_are_kept(circles, small_config, tmp_path):
    t = Trainer(circles, small_config)
    t.run_steps(3)
    t.apply_live({"lr": 0.5, "l2": 0.01, "epochs": 77})
    resumed, _ = load_session(save_session(tmp_path / "s.bpsession", t))
    assert (resumed.lr, resumed.config.l2, resumed.config.epochs) == (0.5, 0.01, 77)


def test_drawn_points_are_embedded(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    ds = make_dataset_from_arrays(X, (X[:, 0] > 0).astype(int), "binary", name="drawn")
    t = Trainer(ds, TrainConfig(hidden=(3,), batch_size=8))
    t.run_steps(9)
    resumed, _ = load_session(save_session(tmp_path / "d.bpsession", t))
    np.testing.assert_array_equal(resumed.dataset.X_train, ds.X_train)
    resumed.run_steps(4)
    t.run_steps(4)
    _assert_same_run(t, resumed)


@pytest.fixture
def csv_run(tmp_path):
    csv = tmp_path / "my data.csv"
    rng = np.random.default_rng(1)
    rows = [f"{a:.4f},{b:.4f},{int(a + b > 0)}" for a, b in rng.normal(size=(30, 2))]
    csv.write_text("a,b,label\n" + "\n".join(rows) + "\n")
    t = Trainer(load_csv(csv), TrainConfig(hidden=(3,), batch_size=5))
    t.run_steps(8)
    return csv, save_session(tmp_path / "csv.bpsession", t), t


def test_csv_session_reopens(csv_run):
    _, path, t = csv_run
    resumed, _ = load_session(path)
    _assert_same_run(t, resumed)
    assert resumed.config.standardize is True


def test_changed_csv_names_the_file(csv_run):
    csv, path, _ = csv_run
    csv.write_text(csv.read_text().replace("1\n", "0\n", 1))
    with pytest.raises(UserInputError, match=r"(?s)my data\.csv.*changed"):
        load_session(path)


def test_missing_csv_names_the_file(csv_run):
    csv, path, _ = csv_run
    csv.unlink()
    with pytest.raises(UserInputError, match=r"(?s)" + str(csv).replace(".", r"\.") + ".*missing"):
        load_session(path)


def _rewrite(path, change):
    document, arrays = read_archive(path, "session")
    change(document, arrays)
    write_archive(path, document, arrays)
    return path


def test_newer_format_is_refused_with_versions(circles, small_config, tmp_path):
    path = save_session(tmp_path / "s.bpsession", Trainer(circles, small_config))
    _rewrite(path, lambda d, a: d.update(format_version=FORMAT_VERSION + 1))
    message = (f"this session was saved by a newer Backprop Studio "
               f"(format {FORMAT_VERSION + 1}, this app reads up to {FORMAT_VERSION})")
    with pytest.raises(UserInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_session(path)


def test_version_one_file_layout_loads(circles, small_config, tmp_path):
    """The format-1 layout (description keys and member names) stays readable."""
    t = Trainer(circles, small_config)
    t.run_steps(3)
    path = save_session(tmp_path / "s.bpsession", t)
    document, arrays = read_archive(path, "session")
    assert document["format_version"] == 1
    assert {"format", "dataset", "config", "network", "pipeline", "state", "ui_state"} <= set(
        document)
    assert {"state.params.0", "state.history.data"} <= set(arrays)
    resumed, _ = load_session(path)
    _assert_same_run(t, resumed)


def test_changed_generator_data_is_detected(circles, small_config, tmp_path):
    path = save_session(tmp_path / "s.bpsession", Trainer(circles, small_config))
    _rewrite(path, lambda d, a: d["dataset"].update(fingerprint="0" * 64))
    with pytest.raises(UserInputError, match="differs from the data"):
        load_session(path)


def test_nan_weights_in_session_are_refused(circles, small_config, tmp_path):
    path = save_session(tmp_path / "s.bpsession", Trainer(circles, small_config))
    _rewrite(path, lambda d, a: a["state.params.0"].__setitem__((0, 0), np.nan))
    with pytest.raises(UserInputError, match="finite"):
        load_session(path)


def test_foreign_files_are_refused(tmp_path):
    other = tmp_path / "other.bpsession"
    write_archive(other, {"format": "something else"}, {})
    with pytest.raises(UserInputError, match="not a Backprop Studio session"):
        load_session(other)
    with pytest.raises(UserInputError, match="does not exist"):
        load_session(tmp_path / "missing.bpsession")


# ---- command line: cli.options ----------------------------------------------

def _parse(argv):
    import argparse

    from cli.options import add_export_arguments
    from cli.train import add_output_options, add_training_options

    parser = argparse.ArgumentParser()
    add_training_options(parser)
    add_output_options(parser)
    add_export_arguments(parser)
    return parser.parse_args(argv)


def test_cli_save_then_load_session_with_live_epochs(circles, small_config, tmp_path):
    from cli.options import run_exports, trainer_from_session_args

    assert trainer_from_session_args(_parse([])) is None
    t = Trainer(circles, small_config)
    t.train(2)
    session = tmp_path / "run.bpsession"
    args = _parse(["--save-session", str(session), "--export-python", str(tmp_path / "m.py")])
    args.session_ui_state = {"view": "loss"}
    assert run_exports(t, args) == [session, tmp_path / "m.py"]
    args = _parse(["--load-session", str(session), "--epochs", "9", "--lr", "0.2"])
    resumed = trainer_from_session_args(args)
    assert (resumed.epoch, resumed.config.epochs, resumed.lr) == (2, 9, 0.2)
    assert args.session_ui_state == {"view": "loss"}


def test_cli_session_conflicts_with_run_options(tmp_path):
    from cli.options import trainer_from_session_args

    args = _parse(["--load-session", str(tmp_path / "x.bpsession"), "--hidden", "4",
                   "--dataset", "moons"])
    with pytest.raises(UserInputError, match="--dataset, --hidden cannot be combined"):
        trainer_from_session_args(args)


def test_cli_plots_use_the_gui_renderer_offscreen(circles, small_config, tmp_path,
                                                  monkeypatch):
    import sys
    import types

    from cli.options import run_exports

    calls = []
    fake = types.ModuleType("gui.export.headless")
    fake.export_all_plots = lambda trainer, folder: calls.append((trainer, folder))
    monkeypatch.setitem(sys.modules, "gui.export.headless", fake)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    t = Trainer(circles, small_config)
    folder = tmp_path / "plots" / "run 1"
    assert run_exports(t, _parse(["--export-plots", str(folder)])) == [folder]
    assert calls == [(t, folder)] and folder.is_dir()
    if sys.platform.startswith("linux"):
        import os

        assert os.environ["QT_QPA_PLATFORM"] == "offscreen"


def test_cli_plots_without_the_gui_is_a_clear_error(circles, small_config, tmp_path,
                                                    monkeypatch):
    import sys

    from cli.options import run_exports

    monkeypatch.setitem(sys.modules, "gui.export.headless", None)  # import fails
    with pytest.raises(UserInputError, match="--export-plots needs the GUI part"):
        run_exports(Trainer(circles, small_config), _parse(["--export-plots", str(tmp_path)]))
