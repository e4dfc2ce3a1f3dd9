"""Editing weights and training points; training continues from the edits."""

import dataclasses

import numpy as np
import pytest

from core.data import load_dataset
from core.errors import UserInputError
from core.teach.editing import (
    BLANK_FRAME,
    add_point,
    blank_dataset,
    cleared,
    is_editable,
    is_trainable,
    nearest_row,
    need_text,
    remove_row,
    set_bias,
    set_weight,
    with_dataset,
)
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from tests.test_stepthrough import assert_same


@pytest.fixture
def adam_trainer(circles, small_config):
    t = Trainer(circles, dataclasses.replace(small_config, optimizer="adam", lr=0.01))
    t.run_steps(13)
    return t


def test_set_weight_and_bias_write_the_live_parameters(adam_trainer):
    t = adam_trainer
    opt_before = t.optimizer.state_dict()
    set_weight(t, 1, 3, 0, 2.5)
    set_bias(t, 0, 7, -1.25)
    assert t.network.layers[1].W[3, 0] == 2.5 and t.network.layers[0].b[7] == -1.25
    assert_same(t.optimizer.state_dict(), opt_before)  # optimizer state untouched
    t.step()  # and training continues from the edited weights
    assert t.network.layers[1].W[3, 0] != 2.5


def test_an_edit_changes_the_next_step_exactly_like_editing_the_state(adam_trainer, circles):
    t = adam_trainer
    state = t.state_dict()
    state["params"][0][1, 2] = 0.75
    twin = Trainer(circles, t.config)
    twin.load_state_dict(state)
    set_weight(t, 0, 1, 2, 0.75)
    t.run_steps(3)
    twin.run_steps(3)
    assert_same(t.state_dict(), twin.state_dict())


@pytest.mark.parametrize("args, message", [
    ((2, 0, 0, 1.0), "Layer 2 is out of range"),
    ((0, 2, 0, 1.0), "Input index 2"),
    ((0, 0, 8, 1.0), "Unit index 8"),
    ((0, 0, 0, float("nan")), "finite number"),
    ((0, 0, 0, "1"), "finite number"),
    ((0, 0.5, 0, 1.0), "Input index 0.5"),
])
def test_set_weight_validates(adam_trainer, args, message):
    with pytest.raises(UserInputError, match=message):
        set_weight(adam_trainer, *args)


def test_set_bias_validates(adam_trainer):
    with pytest.raises(UserInputError, match="Unit index 1 "):
        set_bias(adam_trainer, 1, 1, 0.0)
    with pytest.raises(UserInputError, match="finite"):
        set_bias(adam_trainer, 0, 0, float("inf"))


def test_float32_weights_stay_float32(circles):
    t = Trainer(circles, TrainConfig(hidden=(3,), dtype="float32"))
    set_weight(t, 0, 0, 0, 0.1)
    assert t.network.layers[0].W.dtype == np.float32 and t.network.layers[0].W[0, 0] == \
        np.float32(0.1)


def test_add_and_remove_points_edit_only_the_training_set(circles):
    d = add_point(circles, 0.25, -0.5, 1)
    assert d is not circles and d.n_train == circles.n_train + 1
    assert np.array_equal(d.X_train[-1], [0.25, -0.5]) and d.y_train[-1, 0] == 1.0
    assert d.X_test is circles.X_test and circles.n_train == 160  # original untouched
    k = nearest_row(d.X_train, (0.26, -0.49), radius=0.05)
    assert k == circles.n_train  # the point just added
    back = remove_row(d, k)
    assert np.array_equal(back.X_train, circles.X_train)
    assert np.array_equal(back.y_train, circles.y_train)
    assert nearest_row(d.X_train, (50.0, 50.0), radius=0.05) is None  # nothing near
    assert nearest_row(np.zeros((0, 2)), (0.0, 0.0), radius=1.0) is None
    with pytest.raises(UserInputError, match="Row 161 is out of range"):
        remove_row(d, 161)


def test_edited_data_remembers_its_origin_one_level_deep(circles):
    once = add_point(circles, 0.0, 0.0, 1)
    twice = remove_row(add_point(once, 1.0, 1.0, 0), 0)
    for edited in (once, twice):
        assert edited.spec == {"source": "arrays", "edited_from": circles.spec}


def test_a_blank_canvas_is_a_draft_until_two_classes_have_points():
    blank = blank_dataset()
    assert is_editable(blank) and not is_trainable(blank) and blank.n_train == 0
    one_class = add_point(add_point(blank, 1.0, 1.0, 1), 2.0, 2.0, 1)
    assert not is_trainable(one_class)
    assert need_text(one_class) == "Add points of both classes to start training"
    both = add_point(one_class, -1.0, -1.0, 0)
    assert is_trainable(both) and both.n_train == 3
    assert both.spec["frame"] == list(BLANK_FRAME)  # the plane it spans is kept
    assert cleared(both).n_train == 0 and cleared(both).spec["frame"] == list(BLANK_FRAME)
    three = blank_dataset(("a", "b", "c"))
    assert three.task == "multiclass" and "at least two classes" in need_text(three)
    assert not is_editable(load_dataset("squares_sum", seed=0))


def test_add_point_one_hot_for_multiclass():
    d = load_dataset("spirals", n_samples=60, seed=0, n_classes=3)
    e = add_point(d, 0.0, 0.0, 2)
    assert e.y_train[-1].tolist() == [0.0, 0.0, 1.0]


@pytest.mark.parametrize("label, message", [(2, "Class 2 does not exist"),
                                            (True, "Class True")])
def test_add_point_checks_the_label(circles, label, message):
    with pytest.raises(UserInputError, match=message):
        add_point(circles, 0.0, 0.0, label)


def test_points_need_2d_classification():
    with pytest.raises(UserInputError, match="2-D classification"):
        add_point(load_dataset("squares_sum", seed=0), 0.0, 0.0, 0)


def test_with_dataset_keeps_the_network_and_the_run(adam_trainer):
    t = adam_trainer
    t.run_steps(20)  # mid-epoch, with history
    new = with_dataset(t, add_point(t.dataset, 0.1, 0.2, 1))
    assert new is not t and new.dataset.n_train == 161
    assert new.dataset.X_test is t.dataset.X_test
    old, got = t.state_dict(), new.state_dict()
    for key in ("params", "optimizer", "rng", "step_count", "epoch", "history", "best"):
        assert_same(got[key], old[key], key)
    assert got["pos"] == 0 and got["order"] is None  # a fresh epoch over the new rows
    assert new.network is not t.network
    new.run_epoch()
    assert new.epoch == t.epoch + 1


def test_with_dataset_keeps_a_standardising_pipeline():
    d = load_dataset("moons", n_samples=80, seed=1)
    t = Trainer(d, TrainConfig(hidden=(4,), standardize=True))
    moved = add_point(d, 8.0, 8.0, 0)  # would shift the mean and std if refitted
    new = with_dataset(t, moved)
    assert new.pipeline == t.pipeline
    np.testing.assert_array_equal(new.predict(d.X_test), t.predict(d.X_test))
    np.testing.assert_array_equal(new.X_train[:-1], t.X_train)


def test_with_dataset_rejects_data_that_does_not_fit_the_network(adam_trainer):
    with pytest.raises(UserInputError, match="does not fit the network"):
        with_dataset(adam_trainer, load_dataset("spirals", n_samples=60, seed=0, n_classes=3))


def test_edits_tell_the_trainer_its_weights_changed(adam_trainer, monkeypatch):
    calls = []
    monkeypatch.setattr(adam_trainer, "weights_changed", lambda: calls.append(1))
    set_weight(adam_trainer, 0, 0, 0, 1.0)
    set_bias(adam_trainer, 0, 0, 1.0)
    assert len(calls) == 2  # the divergence guard must re-measure hand-written weights
