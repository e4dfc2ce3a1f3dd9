"""DatasetPanel and HyperparameterPanel driven through their real widgets."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import dataclasses  # noqa: E402
import json  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialogButtonBox, QWidget  # noqa: E402

from core.data import DATASET_INFO, DATASETS, load_dataset  # noqa: E402
from core.train.config import TrainConfig  # noqa: E402
from gui.panels.dataset_panel import DatasetPanel  # noqa: E402
from gui.panels.hyper_panel import TIPS, HyperparameterPanel  # noqa: E402
from gui.panels.widgets import ParamEditor  # noqa: E402

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def data_panel(qtbot):
    panel = DatasetPanel()
    qtbot.addWidget(panel)
    panel.resize(320, 1000)
    panel.show()
    return panel


@pytest.fixture
def hyper(qtbot):
    panel = HyperparameterPanel()
    qtbot.addWidget(panel)
    panel.show()
    return panel


def tile(panel, name):
    return panel.findChild(QWidget, f"dataset_{name}")


def click_tile(qtbot, panel, name):
    with qtbot.waitSignal(panel.datasetChanged) as blocker:
        qtbot.mouseClick(tile(panel, name), LEFT)
    return blocker.args[0]


# ---- DatasetPanel ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", DATASETS.names())
def test_each_tile_emits_its_dataset(qtbot, data_panel, name):
    ds = click_tile(qtbot, data_panel, name)
    expected = load_dataset(name)  # the panel starts at every dataset's defaults, seed 0
    assert ds.name == name and ds.task == DATASET_INFO[name].task
    assert ds.X_train.shape == expected.X_train.shape
    assert ds.y_train.shape == expected.y_train.shape
    np.testing.assert_array_equal(ds.X_train, expected.X_train)
    np.testing.assert_array_equal(ds.y_test, expected.y_test)
    assert data_panel.current_dataset() is ds
    assert tile(data_panel, name).isChecked()


def test_regenerate_uses_the_next_seed(qtbot, data_panel):
    first = click_tile(qtbot, data_panel, "moons")
    with qtbot.waitSignal(data_panel.datasetChanged) as blocker:
        qtbot.mouseClick(data_panel.regenerate, LEFT)
    second = blocker.args[0]
    assert data_panel.seed.value() == 1
    assert not np.array_equal(first.X_train, second.X_train)
    np.testing.assert_array_equal(second.X_train, load_dataset("moons", seed=1).X_train)


def test_noise_and_samples_apply_to_generated_data_only(qtbot, data_panel):
    click_tile(qtbot, data_panel, "iris")
    assert not data_panel.noise.isEnabled() and not data_panel.samples.isEnabled()
    assert "noise does not apply" in data_panel.noise.toolTip()
    assert "sample count does not apply" in data_panel.samples.toolTip()
    assert data_panel.train_percent.isEnabled()
    assert data_panel.train_percent.toolTip().startswith("Share of the rows")
    assert data_panel.seed.isEnabled()
    click_tile(qtbot, data_panel, "circles")
    assert data_panel.noise.isEnabled() and data_panel.samples.isEnabled()
    with qtbot.waitSignal(data_panel.datasetChanged) as blocker:
        data_panel.noise.setValue(0.5)
    assert blocker.args[0].spec["noise"] == 0.5


def test_truth_table_then_sampled_corners(qtbot, data_panel):
    ds = click_tile(qtbot, data_panel, "xor")
    assert ds.X_train.shape == (4, 2) and data_panel.samples.text() == "Truth table"
    assert data_panel.noise.isEnabled() and not data_panel.train_percent.isEnabled()
    assert "both the training and the test set" in data_panel.train_percent.toolTip()
    with qtbot.waitSignal(data_panel.datasetChanged) as blocker:
        data_panel.noise.setValue(0.2)  # jitters the 4 corners
    assert not np.array_equal(blocker.args[0].X_train, ds.X_train)
    with qtbot.waitSignal(data_panel.datasetChanged) as blocker:
        data_panel.samples.setValue(100)
    ds = blocker.args[0]
    assert ds.n_train + ds.n_test == 100 and ds.spec["noise"] == 0.2
    assert data_panel.train_percent.isEnabled()
    assert data_panel.train_percent.toolTip().startswith("Share of the rows")


def test_feature_toggles_emit_canonical_tuples(qtbot, data_panel):
    boxes = data_panel.feature_boxes
    with qtbot.waitSignal(data_panel.featuresChanged) as blocker:
        qtbot.mouseClick(boxes["sin(x2)"], LEFT)
    assert blocker.args[0] == ("sin(x2)",)
    with qtbot.waitSignal(data_panel.featuresChanged) as blocker:
        qtbot.mouseClick(boxes["x1^2"], LEFT)
    assert blocker.args[0] == ("x1^2", "sin(x2)")
    with qtbot.assertNotEmitted(data_panel.featuresChanged):
        click_tile(qtbot, data_panel, "wine")
    assert data_panel.features() == ()
    assert not any(b.isEnabled() or b.isChecked() for b in boxes.values())
    assert "13 inputs" in boxes["x1^2"].toolTip()
    click_tile(qtbot, data_panel, "spirals")
    assert all(b.isEnabled() for b in boxes.values())


def test_settings_round_trip_through_json(qtbot, data_panel):
    click_tile(qtbot, data_panel, "spirals")
    data_panel.noise.setValue(0.3)
    data_panel.seed.setValue(5)
    data_panel.set_features(["x1*x2", "x1^2"])
    saved = json.loads(json.dumps(data_panel.settings()))
    other = DatasetPanel()
    qtbot.addWidget(other)
    with qtbot.waitSignals([other.datasetChanged, other.featuresChanged]):
        assert other.apply_settings(saved)
    ds = other.current_dataset()
    np.testing.assert_array_equal(ds.X_train, data_panel.current_dataset().X_train)
    assert other.features() == ("x1^2", "x1*x2")
    assert other.noise.value() == 0.3 and other.seed.value() == 5
    assert tile(other, "spirals").isChecked()


def test_missing_csv_shows_error_and_keeps_previous(qtbot, data_panel, tmp_path):
    before = data_panel.current_dataset()
    spec = {"source": "csv", "path": str(tmp_path / "gone.csv"), "target": "y", "seed": 0}
    with qtbot.assertNotEmitted(data_panel.datasetChanged):
        assert not data_panel.apply_settings({"spec": spec})
    assert data_panel.error_label.isVisible()
    assert "gone.csv" in data_panel.error_label.text()
    assert data_panel.current_dataset() is before
    assert tile(data_panel, before.name).isChecked()
    click_tile(qtbot, data_panel, "moons")
    assert not data_panel.error_label.isVisible()


def test_open_csv_loads_the_file(qtbot, data_panel, tmp_path):
    path = tmp_path / "table.csv"
    rows = [f"{i},{i % 4},{i % 2}" for i in range(20)]
    path.write_text("a,b,cls\n" + "\n".join(rows) + "\n", encoding="utf-8")
    dialog = data_panel.open_csv(path)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled()
    with qtbot.waitSignal(data_panel.datasetChanged) as blocker:
        qtbot.mouseClick(ok, LEFT)
    ds = blocker.args[0]
    assert ds.name == "table" and ds.task == "binary" and ds.input_names == ["a", "b"]
    assert "table.csv → cls" in data_panel.csv_label.text()
    assert not any(t.isChecked() for t in data_panel._tiles.buttons())
    assert "CSV" in data_panel.noise.toolTip() and not data_panel.noise.isEnabled()
    with qtbot.waitSignal(data_panel.datasetChanged) as blocker:
        qtbot.mouseClick(data_panel.regenerate, LEFT)  # a new split of the same file
    assert blocker.args[0].name == "table" and blocker.args[0].spec["seed"] == 1


def test_data_panel_renders_at_two_widths(qtbot, data_panel, tmp_path):
    assert data_panel.minimumSizeHint().width() <= 300
    for width in (300, 1000):
        data_panel.resize(width, 900)
        image = data_panel.grab().toImage()
        assert image.width() == width
        assert image.save(str(tmp_path / f"data_{width}.png"))


# ---- HyperparameterPanel ---------------------------------------------------------------------
def test_lr_change_is_live_without_reset(qtbot, hyper):
    with (
        qtbot.assertNotEmitted(hyper.configChanged),
        qtbot.waitSignal(hyper.liveChanged) as blocker,
    ):
        qtbot.keyClick(hyper.lr, Qt.Key.Key_Up)
    assert blocker.args[0] == {"lr": 0.1}
    with qtbot.waitSignal(hyper.liveChanged) as blocker:
        hyper.epochs.setValue(50)
    assert blocker.args[0] == {"epochs": 50}


def test_activation_change_needs_a_new_network(qtbot, hyper):
    with (
        qtbot.assertNotEmitted(hyper.liveChanged),
        qtbot.waitSignal(hyper.configChanged) as blocker,
    ):
        hyper.activation.setCurrentIndex(hyper.activation.findData("relu"))
    assert blocker.args[0] == {"activation": "relu"}
    assert hyper.activation.findData("softmax") < 0  # output only


def test_optimizer_switch_shows_its_own_settings(qtbot, hyper):
    sgd = hyper.findChild(ParamEditor, "optimizer_params_sgd")
    adam = hyper.findChild(ParamEditor, "optimizer_params_adam")
    assert sgd.isVisible() and not adam.isVisible()
    with qtbot.waitSignal(hyper.configChanged) as blocker:
        hyper.optimizer.setCurrentIndex(hyper.optimizer.findData("adam"))
    assert blocker.args[0] == {"optimizer": "adam", "momentum": None, "optimizer_params": {}}
    assert adam.isVisible() and not sgd.isVisible()
    assert adam.editor("betas") is not None and "betas" not in sgd.values()
    with qtbot.waitSignal(hyper.configChanged) as blocker:
        adam.editor("eps").setValue(1e-6)
    assert blocker.args[0]["optimizer_params"] == {"eps": 1e-6}
    assert "added to the denominator" in adam.editor("eps").toolTip()


def test_schedule_settings_and_auto_t_max(qtbot, hyper):
    with qtbot.waitSignal(hyper.configChanged) as blocker:
        hyper.schedule.setCurrentIndex(hyper.schedule.findData("cosine"))
    assert blocker.args[0] == {"schedule": "cosine", "schedule_params": {}}
    cosine = hyper.findChild(ParamEditor, "schedule_params_cosine")
    assert cosine.isVisible() and cosine.editor("T_max").text() == "= epoch limit"
    with qtbot.waitSignal(hyper.configChanged) as blocker:
        cosine.editor("T_max").setValue(200)
    assert blocker.args[0]["schedule_params"] == {"T_max": 200}


def test_penalty_rates_are_live(qtbot, hyper):
    assert not hyper.l2.isVisible()
    with qtbot.waitSignal(hyper.liveChanged) as blocker:
        hyper.penalty.setCurrentText("L2")
    assert blocker.args[0] == {"l1": 0.0, "l2": 0.001} and hyper.l2.isVisible()
    with qtbot.waitSignal(hyper.liveChanged) as blocker:
        qtbot.keyClick(hyper.l2, Qt.Key.Key_Up)
    assert blocker.args[0] == {"l1": 0.0, "l2": 0.003}


def test_full_batch_and_clipping(qtbot, hyper):
    with qtbot.waitSignal(hyper.configChanged) as blocker:
        qtbot.mouseClick(hyper.full_batch, LEFT)
    assert blocker.args[0] == {"batch_size": None} and not hyper.batch_size.isEnabled()
    assert hyper.clip_norm.text() == "Off" and hyper.config_fields()["clip_norm"] is None
    with (
        qtbot.assertNotEmitted(hyper.configChanged),
        qtbot.waitSignal(hyper.liveChanged) as blocker,
    ):
        hyper.clip_norm.setValue(2.5)
    assert blocker.args[0] == {"clip_norm": 2.5}


def test_live_fields_follow_the_trainer(hyper):
    """Every field the trainer applies live is sent live, and its tooltip says so."""
    from core.train.trainer import LIVE_FIELDS
    from gui.panels.hyper_tips import LIVE, NEW_NETWORK

    for name in LIVE_FIELDS:
        assert TIPS[name].endswith(LIVE), name
    assert "clip_norm" in LIVE_FIELDS
    assert "network" not in hyper.clip_norm.toolTip()
    assert TIPS["dropout"].endswith(NEW_NETWORK)


def test_per_layer_activations(qtbot, hyper):
    hyper.set_hidden_layers(3)
    with qtbot.waitSignal(hyper.configChanged) as blocker:
        qtbot.mouseClick(hyper.per_layer, LEFT)
    assert blocker.args[0] == {"activation": ("tanh", "tanh", "tanh")}
    second = hyper.findChild(QWidget, "activation_2")
    assert second.isVisible() and not hyper.activation.isEnabled()
    with qtbot.waitSignal(hyper.configChanged) as blocker:
        second.setCurrentIndex(second.findData("relu"))
    assert blocker.args[0] == {"activation": ("tanh", "relu", "tanh")}
    hyper.set_hidden_layers(2)
    assert hyper.config_fields()["activation"] == ("tanh", "relu")
    hyper.set_hidden_layers(0)
    assert not hyper.per_layer.isEnabled()


def test_auto_labels_and_incompatible_loss(qtbot, hyper):
    assert hyper.output_activation.itemText(0) == "Auto (sigmoid)"
    hyper.set_task("multiclass")
    assert hyper.output_activation.itemText(0) == "Auto (softmax)"
    assert hyper.loss.itemText(0) == "Auto (cce)"
    assert not hyper.compat_label.isVisible()
    hyper.output_activation.setCurrentIndex(hyper.output_activation.findData("tanh"))
    assert hyper.loss.itemText(0) == "Auto (mse)"
    with qtbot.waitSignal(hyper.configChanged) as blocker:
        hyper.loss.setCurrentIndex(hyper.loss.findData("bce"))
    assert blocker.args[0] == {"output_activation": "tanh", "loss": "bce"}
    assert hyper.compat_label.isVisible() and "sigmoid" in hyper.compat_label.text()
    hyper.set_task("regression")
    assert hyper.output_activation.itemText(0) == "Auto (identity)"


ROUND_TRIP = [
    TrainConfig(),
    TrainConfig(
        hidden=(4, 3),
        activation=("relu", "tanh"),
        output_activation="sigmoid",
        loss="mse",
        init="he_normal",
        optimizer="adam",
        lr=0.003,
        optimizer_params={"betas": (0.8, 0.99)},
        schedule="step",
        schedule_params={"step_size": 50, "gamma": 0.7},
        batch_size=None,
        epochs=300,
        l1=0.001,
        l2=0.01,
        dropout=0.2,
        clip_norm=5.0,
        early_stopping=20,
        standardize=True,
        seed=7,
        dtype="float32",
    ),
    TrainConfig(
        optimizer="momentum",
        momentum=0.5,
        optimizer_params={"nesterov": True},
        l2=0.03,
        batch_size=32,
        standardize=False,
    ),
    TrainConfig(hidden=(), schedule="cosine", schedule_params={"T_max": 50}, lr=7e-5),
]


@pytest.mark.parametrize("config", ROUND_TRIP)
def test_set_from_config_round_trip(qtbot, hyper, config):
    with qtbot.assertNotEmitted(hyper.configChanged), qtbot.assertNotEmitted(hyper.liveChanged):
        hyper.set_from_config(config)
    fields = hyper.config_fields()
    assert "hidden" not in fields and "features" not in fields
    assert dataclasses.replace(config, **fields) == config


def test_every_control_explains_itself(hyper):
    for name in TIPS:
        widget = hyper.findChild(QWidget, name)
        assert widget is not None and widget.toolTip() == TIPS[name], name
    for editor in hyper.findChildren(ParamEditor):
        for child in editor.children():
            if isinstance(child, QWidget):
                assert child.toolTip(), (editor.objectName(), child.objectName())


def test_hyper_panel_renders_at_two_widths(qtbot, hyper, tmp_path):
    # the panel scrolls up and down only, so its minimum is its content's plus a scroll bar
    assert hyper.minimumSizeHint().width() <= 320
    for width in (320, 1000):
        hyper.resize(width, 400)
        image = hyper.grab().toImage()
        assert image.width() == width
        assert image.save(str(tmp_path / f"hyper_{width}.png"))
    assert hyper.body.minimumSizeHint().height() < 400  # wide: the groups sit side by side
