"""Trainer semantics: batches, determinism, state round trip, live changes, divergence."""

import dataclasses
import math

import numpy as np
import pytest

from core.data import load_dataset
from core.errors import TrainingDiverged, UserInputError
from core.train.config import TrainConfig
from core.train.history import COLUMNS, History
from core.train.metrics import accuracy
from core.train.trainer import Trainer
from core.watch.snapshot import surface_for_columns, take_snapshot


def params_of(trainer):
    return [p.copy() for p in trainer.network.params()]


def assert_identical(a_list, b_list):
    assert len(a_list) == len(b_list)
    for a, b in zip(a_list, b_list, strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        assert np.array_equal(a, b), "arrays differ"


# ---- batches and epochs -------------------------------------------------------------------
@pytest.mark.parametrize("batch, expected", [(16, 10), (10, 16), (7, 23), (1, 160), (None, 1),
                                             (1000, 1)])
def test_steps_per_epoch_is_ceil_n_over_batch(circles, small_config, batch, expected):
    t = Trainer(circles, dataclasses.replace(small_config, batch_size=batch))
    assert circles.n_train == 160
    assert t.steps_per_epoch == expected
    t.run_epoch()
    assert t.step_count == expected and t.epoch == 1 and len(t.history) == 1


def test_mid_epoch_step_keeps_permutation_and_last_partial_batch_is_used(circles, small_config):
    t = Trainer(circles, dataclasses.replace(small_config, batch_size=7))
    seen = []
    original = t.network.forward

    def spy(X, training=False, **kwargs):
        if training:
            seen.append(len(X))
        return original(X, training, **kwargs)

    t.network.forward = spy
    for _ in range(t.steps_per_epoch):
        assert t.epoch == 0
        t.step()
    assert t.epoch == 1
    assert seen == [7] * 22 + [160 - 7 * 22]


def test_epoch_covers_every_row_once(circles, small_config):
    t = Trainer(circles, dataclasses.replace(small_config, batch_size=32))
    t.step()  # starts epoch 1: the permutation is drawn
    order = t._order.copy()
    assert sorted(order.tolist()) == list(range(160))
    np.testing.assert_array_equal(t._Xp, t.X_train[order])


# ---- determinism and state -----------------------------------------------------------------
def test_same_seed_same_run_different_seed_different_run(circles, small_config):
    runs = []
    for seed in (3, 3, 4):
        t = Trainer(circles, dataclasses.replace(small_config, seed=seed, dropout=0.2))
        t.train(epochs=3)
        runs.append((params_of(t), t.history["train_loss"].copy()))
    assert_identical(runs[0][0], runs[1][0])
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    assert not np.array_equal(runs[0][0][0], runs[2][0][0])


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam", "rmsprop"])
def test_state_round_trip_continues_bit_identically(circles, optimizer):
    cfg = TrainConfig(hidden=(8, 4), activation="relu", optimizer=optimizer, lr=0.01,
                      batch_size=12, dropout=0.1, l2=1e-3, clip_norm=1.0, seed=5,
                      early_stopping=50)
    a = Trainer(circles, cfg)
    for _ in range(17):  # mid-epoch: 14 steps per epoch
        a.step()
    state = a.state_dict()
    for _ in range(25):
        a.step()
    b = Trainer(circles, cfg)
    b.load_state_dict(state)
    for _ in range(25):
        b.step()
    assert_identical(params_of(a), params_of(b))
    assert (a.step_count, a.epoch) == (b.step_count, b.epoch) == (42, 3)
    assert_identical(list(a.history.as_arrays().values()), list(b.history.as_arrays().values()))
    assert_identical(a.optimizer.state_dict()["buffers"].get("exp_avg", []),
                     b.optimizer.state_dict()["buffers"].get("exp_avg", []))


def test_state_dict_is_a_copy(circles, small_config):
    t = Trainer(circles, small_config)
    state = t.state_dict()
    before = [p.copy() for p in state["params"]]
    t.train(epochs=1)
    assert_identical(before, state["params"])


def test_state_from_another_architecture_is_rejected(circles, small_config):
    state = Trainer(circles, small_config).state_dict()
    other = Trainer(circles, dataclasses.replace(small_config, hidden=(4,)))
    with pytest.raises(UserInputError, match="shapes"):
        other.load_state_dict(state)


def test_restored_learning_rate_follows_the_saved_one(circles, small_config):
    a = Trainer(circles, small_config)
    a.set_lr(0.05)
    b = Trainer(circles, small_config)
    b.load_state_dict(a.state_dict())
    assert b.lr == 0.05 and b.config.lr == 0.05


# ---- live changes ---------------------------------------------------------------------------
def test_set_lr_mid_training_takes_effect_at_next_step(circles, small_config):
    t = Trainer(circles, small_config)
    t.step()
    t.set_lr(0.5)
    assert t.optimizer.lr == 0.5
    before = params_of(t)
    t.step()
    grads = t.network.grads()
    # Plain SGD: Δ = -lr · g, so the applied update reveals the learning rate used.
    for p0, p1, g in zip(before, params_of(t), grads, strict=True):
        np.testing.assert_allclose(p1 - p0, -0.5 * g, rtol=1e-12, atol=1e-15)
    t.run_epoch()
    assert t.history["lr"][-1] == 0.5


def test_set_lr_rebases_the_schedule(circles, small_config):
    cfg = dataclasses.replace(small_config, schedule="step", schedule_params={"step_size": 2,
                                                                              "gamma": 0.5})
    t = Trainer(circles, cfg)
    t.train(epochs=4)
    np.testing.assert_allclose(t.history["lr"], [0.1, 0.1, 0.05, 0.05])
    t.set_lr(0.4)
    t.train(epochs=1)
    assert t.history["lr"][-1] == pytest.approx(0.4 * 0.25)


def test_set_lr_rejects_bad_values(circles, small_config):
    t = Trainer(circles, small_config)
    for bad in (0.0, -1.0, math.nan):
        with pytest.raises(UserInputError):
            t.set_lr(bad)
    with pytest.raises(UserInputError, match="live settings"):
        t.apply_live({"hidden": (3,)})


# ---- divergence -----------------------------------------------------------------------------
# The optimizers accept lr <= 10 (core.optim.optimizers), so "far too large" here is 10.
@pytest.mark.parametrize("activation, output, loss", [
    ("relu", "identity", "mse"),  # blows up in the gradients within a few steps
    ("elu", "sigmoid", "bce"),  # blows up in the loss
    ("tanh", "identity", "mse"),
])
def test_divergence_raises_with_step_and_layer_and_keeps_finite_weights(
        circles, activation, output, loss):
    cfg = TrainConfig(hidden=(16, 8), activation=activation, init="he_normal", lr=10.0,
                      output_activation=output, loss=loss, batch_size=None, epochs=500)
    t = Trainer(circles, cfg)
    with pytest.raises(TrainingDiverged) as info:
        t.train()
    err = info.value
    # Caught in the step (before its update) or in the epoch-end evaluation (after it).
    assert err.step in (t.step_count, t.step_count + 1) and err.step >= 2
    assert err.what in ("loss", "gradients", "training loss")
    assert "loss" in err.what or err.layer in (0, 1, 2)
    assert f"step {err.step}" in str(err)
    assert all(np.isfinite(p).all() for p in t.network.params())
    assert np.isfinite(t.history["train_loss"][:-1]).all()
    with pytest.raises(TrainingDiverged):  # it stays diverged: never continues with NaNs
        t.step()


def test_divergence_in_a_single_step_call_is_reported_too(circles):
    cfg = TrainConfig(hidden=(16, 8), activation="relu", init="he_normal", lr=10.0,
                      output_activation="identity", loss="mse", batch_size=None)
    t = Trainer(circles, cfg)
    with pytest.raises(TrainingDiverged):
        for _ in range(100):
            t.step()  # warnings are errors under pytest: they must still become divergence
    assert all(np.isfinite(p).all() for p in t.network.params())


def test_non_finite_update_is_caught_at_its_step_with_the_layer():
    # Adam with eps = 0 divides 0 by 0 where a gradient is exactly zero (here: the weights of
    # an all-zero input column) and writes NaN into layer 1 at step 1, mid-epoch.
    from core.data.dataset import Dataset

    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=80), np.zeros(80)])
    y = (X[:, :1] > 0).astype(float)
    ds = Dataset("zeros", "binary", X[:60], y[:60], X[60:], y[60:], ["x1", "x2"], ["0", "1"])
    cfg = TrainConfig(hidden=(4,), optimizer="adam", optimizer_params={"eps": 0.0},
                      batch_size=10, standardize=False)
    t = Trainer(ds, cfg)
    with pytest.raises(TrainingDiverged) as info:
        t.run_steps(5)
    assert (info.value.step, info.value.layer, info.value.what) == (1, 0, "weights")
    assert t.step_count == 1 and t.epoch == 0
    with pytest.raises(TrainingDiverged):  # it stays diverged
        t.run_steps(1)


def test_huge_but_finite_weights_are_not_divergence(circles, small_config):
    t = Trainer(circles, dataclasses.replace(small_config, dtype="float32"))
    t.network.layers[0].b[0] = np.finfo(np.float32).max / 2  # saturates its tanh unit
    t.weights_changed()
    t.run_steps(3)  # the exact check runs (the bound is past its limit) and passes
    assert t.step_count == 3


def test_learning_rate_beyond_the_optimizer_range_is_a_user_error(circles):
    with pytest.raises(UserInputError, match=r"Learning rate must be a number in \(0, 10\]"):
        Trainer(circles, TrainConfig(lr=1e4))


def test_non_finite_gradient_is_caught_before_the_update(circles, small_config):
    t = Trainer(circles, small_config)
    t.step()
    before = params_of(t)
    t._l2 = 1e300  # an absurd penalty: the objective overflows, nothing may be applied
    with pytest.raises(TrainingDiverged):
        t.run_steps(1)
    assert_identical(before, params_of(t))
    assert t.step_count == 1


# ---- early stopping, regularisation, dtype ---------------------------------------------------
def test_early_stopping_stops_and_says_why():
    noisy = load_dataset("moons", n_samples=60, noise=0.6, seed=1)  # easy to overfit
    cfg = TrainConfig(hidden=(64, 64), activation="relu", optimizer="adam", lr=0.02,
                      batch_size=None, epochs=3000, early_stopping=5)
    t = Trainer(noisy, cfg)
    t.train()
    assert t.stopped_early and t.epoch < 3000
    assert "not improved for 5 epochs" in t.stop_reason
    best_epoch = int(np.argmin(t.history["test_loss"])) + 1
    assert t.epoch - best_epoch >= 5


def test_l1_l2_are_in_the_step_loss_not_in_history(circles, small_config):
    plain = Trainer(circles, small_config)
    reg = Trainer(circles, dataclasses.replace(small_config, l1=0.01, l2=0.1))
    W = [layer.W for layer in reg.network.layers]

    def current_penalty():
        return 0.01 * sum(np.abs(w).sum() for w in W) + 0.05 * sum((w**2).sum() for w in W)

    expected_penalty = current_penalty()
    assert reg.step() == pytest.approx(plain.step() + expected_penalty, rel=1e-12)
    reg.run_epoch()  # epoch 1 done: start epoch 2 afresh
    weighted = 0.0
    for _ in range(reg.steps_per_epoch):
        rows = min(reg._batch, reg._n - reg._pos)
        before = current_penalty()
        weighted += (reg.step() - before) * rows
    # History: the data losses of the epoch's batches (penalty taken out), weighted by rows.
    assert reg.history["train_loss"][-1] == pytest.approx(weighted / reg._n, rel=1e-10)
    assert reg.evaluate()["train_loss"] < reg.last_loss  # no penalty in the reported data loss


def test_l2_shrinks_weights(circles, small_config):
    cfg = dataclasses.replace(small_config, epochs=20)
    norms = []
    for l2 in (0.0, 0.1):
        t = Trainer(circles, dataclasses.replace(cfg, l2=l2))
        t.train()
        norms.append(sum(float((layer.W ** 2).sum()) for layer in t.network.layers))
    assert norms[1] < 0.7 * norms[0]


def test_float32_stays_float32_end_to_end(circles, small_config):
    t = Trainer(circles, dataclasses.replace(small_config, dtype="float32", l2=0.01, l1=0.001,
                                             clip_norm=0.5, optimizer="adam", dropout=0.1))
    t.train(epochs=2)
    arrays = [t.X_train, t.y_train, t.X_test, t.y_test, *t.network.params(),
              *t.network.grads(), *t.last_updates]
    assert {a.dtype for a in arrays} == {np.dtype(np.float32)}
    snap = take_snapshot(t)
    assert snap.surface.output.dtype == np.float32 and snap.weights[0].dtype == np.float32


# ---- history, metrics, evaluation ------------------------------------------------------------
def test_history_lengths_and_columns(circles, small_config):
    t = Trainer(circles, small_config)
    t.train()
    h = t.history.as_arrays()
    assert list(h) == list(COLUMNS)
    assert all(len(v) == 5 for v in h.values())
    np.testing.assert_array_equal(h["epoch"], [1, 2, 3, 4, 5])
    assert ((h["test_metric"] >= 0) & (h["test_metric"] <= 1)).all()


def test_history_grows_past_its_capacity_cheaply():
    h = History(capacity=2)
    for i in range(1000):
        h.append(i + 1, 1.0 / (i + 1), 0.0, 0.5, 0.5, 0.1)
    assert len(h) == 1000 and h["epoch"][-1] == 1000 and h["train_loss"][1] == 0.5
    copy = h.as_arrays()
    h.append(1001, 0, 0, 0, 0, 0)
    assert len(copy["epoch"]) == 1000


def test_accuracy_matches_a_direct_computation(circles, small_config):
    t = Trainer(circles, small_config)
    t.train(epochs=2)
    out = t.network.predict(t.X_test)
    expected = np.mean((out[:, 0] > 0.5) == (circles.y_test[:, 0] > 0.5))
    assert t.evaluate()["test_metric"] == pytest.approx(expected)


def _epoch_of_batches(t):
    """Run one epoch step by step; per batch, its step value, outputs and targets (copies)."""
    batches = []
    for _ in range(t.steps_per_epoch):
        start = t._pos
        value = t.step()
        stop = start + len(t.network.layers[-1].a)
        yb = (t._yp if t._shuffle else t.y_train)[start:stop]
        batches.append((value, t.network.layers[-1].a.copy(), yb.copy()))
    assert t._pos == 0 and sum(len(a) for _, a, _ in batches) == t._n
    return batches


@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_history_train_columns_come_from_the_epochs_batches(circles, small_config, dropout):
    # Batch 7: 22 batches of 7 and one of 6, so the weighting by rows matters. With dropout
    # the batch outputs are training-mode ones: the curve is the running training loss.
    t = Trainer(circles, dataclasses.replace(small_config, batch_size=7, dropout=dropout))
    t.run_epoch()
    batches = _epoch_of_batches(t)
    loss = sum(v * len(a) for v, a, _ in batches) / 160
    correct = sum(np.count_nonzero((a[:, 0] > 0.5) == (y[:, 0] > 0.5)) for _, a, y in batches)
    assert t.history["train_loss"][-1] == pytest.approx(loss, rel=1e-12)
    assert t.history["train_metric"][-1] == correct / 160
    assert t.history["test_metric"][-1] == t.evaluate()["test_metric"]  # test: exact, now


def test_full_batch_train_row_is_the_evaluation_before_the_epochs_update(circles, small_config):
    t = Trainer(circles, dataclasses.replace(small_config, batch_size=None))
    t.train(epochs=3)
    before = t.evaluate()
    after = t.run_epoch()
    assert after["train_loss"] == pytest.approx(before["train_loss"], rel=1e-12)
    assert after["train_metric"] == before["train_metric"]
    assert after["test_loss"] == t.evaluate()["test_loss"]


def test_multiclass_running_accuracy_uses_argmax():
    ds = load_dataset("spirals", n_classes=3, n_samples=150, seed=2)
    t = Trainer(ds, TrainConfig(hidden=(8,), activation="relu", batch_size=16, seed=1))
    t.run_epoch()
    batches = _epoch_of_batches(t)
    correct = sum(np.count_nonzero(a.argmax(1) == y.argmax(1)) for _, a, y in batches)
    assert t.history["train_metric"][-1] == correct / t._n


def test_regression_running_r2_uses_the_whole_training_sets_ss_tot():
    ds = load_dataset("squares_sum", n_samples=100, seed=1)
    t = Trainer(ds, TrainConfig(hidden=(8,), optimizer="adam", lr=0.01, batch_size=9))
    t.run_epoch()
    batches = _epoch_of_batches(t)
    sse = sum(((y - a) ** 2).sum(axis=0) for _, a, y in batches)
    sst = ((t.y_train - t.y_train.mean(axis=0)) ** 2).sum(axis=0)
    assert t.history["train_metric"][-1] == pytest.approx(float(np.mean(1 - sse / sst)))
    assert t.history["train_loss"][-1] == pytest.approx(
        sum(v * len(a) for v, a, _ in batches) / t._n, rel=1e-12)


def test_state_without_running_sums_restarts_them_mid_epoch(circles, small_config):
    # States saved before the running sums existed: that epoch's row covers its rest only.
    a = Trainer(circles, small_config)
    a.run_steps(3)
    state = a.state_dict()
    del state["running"]
    b = Trainer(circles, small_config)
    b.load_state_dict(state)
    b.run_epoch()
    assert b.epoch == 1 and np.isfinite(b.history["train_loss"][-1])
    assert 0 <= b.history["train_metric"][-1] <= 1


def test_regression_reports_r2():
    ds = load_dataset("squares_sum", n_samples=100, seed=1)
    t = Trainer(ds, TrainConfig(hidden=(8,), optimizer="adam", lr=0.01, epochs=3))
    assert t.metric_name == "r2" and t.config.loss == "mse"
    t.train()
    a = t.network.predict(t.X_test)
    y = t.y_test
    r2 = 1 - ((y - a) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert t.history["test_metric"][-1] == pytest.approx(r2)


# ---- snapshot and info ------------------------------------------------------------------------
def test_snapshot_is_a_read_only_copy(circles, small_config):
    t = Trainer(circles, dataclasses.replace(small_config, hidden=(16, 8)))
    t.train(epochs=1)
    snap = take_snapshot(t, surface_resolution=20)
    w0 = snap.weights[0].copy()
    t.train(epochs=1)
    np.testing.assert_array_equal(snap.weights[0], w0)
    with pytest.raises(ValueError):
        snap.weights[0][0, 0] = 1.0
    assert snap.surface.output.shape == (20, 20, 1)
    assert [n.shape for n in snap.surface.neurons] == [(20, 20, 16), (20, 20, 8), (20, 20, 1)]
    assert snap.test_probs.shape == (40, 1)
    assert [g.shape for g in snap.weight_grads] == [w.shape for w in snap.weights]
    assert len(snap.history["epoch"]) == 1


def test_snapshot_does_not_disturb_training(circles, small_config):
    a, b = Trainer(circles, small_config), Trainer(circles, small_config)
    for _ in range(13):
        a.step()
        b.step()
        take_snapshot(b, surface_resolution=10)
    assert_identical(params_of(a), params_of(b))



def test_test_outputs_made_later_come_from_the_snapshots_own_weights(circles, small_config):
    """A snapshot taken without test outputs gets them from its weights on another trainer
    of the same network and data (older weights there): what ``take_snapshot`` gives."""
    from core.watch.snapshot import with_test_outputs

    trainer, older = Trainer(circles, small_config), Trainer(circles, small_config)
    trainer.run_steps(30)
    whole = take_snapshot(trainer, surface_resolution=0)
    bare = take_snapshot(trainer, surface_resolution=0, test_outputs=False)
    assert bare.test_probs is None
    filled = with_test_outputs(bare, older)
    np.testing.assert_array_equal(filled.test_probs, whole.test_probs)
    assert not filled.test_probs.flags.writeable and filled.step == whole.step
    assert with_test_outputs(whole, older) is whole  # it had them: kept as they are
    assert not np.array_equal(older.network.predict(older.X_test), whole.test_probs)


def test_surface_orientation_and_bounds(circles, small_config):
    t = Trainer(circles, small_config)
    info = t.info()
    grid = surface_for_columns(t, (0, 1), resolution=7)
    xmin, xmax, ymin, ymax = info.surface_bounds
    assert grid.x[0] == xmin and grid.x[-1] == xmax and grid.y[-1] == ymax
    assert xmin < circles.X_train[:, 0].min() and ymax > circles.X_train[:, 1].max()
    point = np.array([[grid.x[2], grid.y[5]]])
    np.testing.assert_allclose(grid.output[5, 2], t.predict(point)[0], rtol=1e-12)


def test_surface_for_more_inputs_holds_the_others_at_their_mean():
    ds = load_dataset("iris")
    t = Trainer(ds, TrainConfig(hidden=(5,), epochs=1))
    assert take_snapshot(t).surface is None
    grid = surface_for_columns(t, (2, 3), resolution=4, with_neurons=False)
    assert grid.output.shape == (4, 4, 3) and grid.neurons == []
    row = ds.X_train.mean(axis=0)
    row[2], row[3] = grid.x[1], grid.y[3]
    np.testing.assert_allclose(grid.output[3, 1], t.predict(row[None])[0], rtol=1e-12)
    with pytest.raises(UserInputError):
        surface_for_columns(t, (1, 1))


def test_info_describes_the_run(circles):
    t = Trainer(circles, TrainConfig(hidden=(4,), features=("x1^2", "x2^2")))
    info = t.info()
    assert info.sizes == (4, 4, 1)
    assert info.feature_names == ("x1", "x2", "x1^2", "x2^2")
    assert info.activation_names == ("tanh", "sigmoid")
    assert info.metric_name == "accuracy"
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.sizes = (1,)


def test_given_network_must_match(circles, small_config):
    from core.nn.network import Network

    net = Network([2, 3, 1], ["tanh", "sigmoid"])
    with pytest.raises(UserInputError, match="2-8-1"):
        Trainer(circles, small_config, network=net)


# ---- config ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, kwargs, out_act, loss, standardize", [
    ("circles", {}, "sigmoid", "bce", False),
    ("spirals", {"n_classes": 3}, "softmax", "cce", False),
    ("squares_sum", {}, "identity", "mse", False),
    ("iris", {}, "softmax", "cce", True),
])
def test_config_defaults_by_task(name, kwargs, out_act, loss, standardize):
    r = TrainConfig().resolved(load_dataset(name, **kwargs))
    assert (r.output_activation, r.loss, r.standardize) == (out_act, loss, standardize)


def test_config_json_round_trip():
    import json

    cfg = TrainConfig(hidden=[4, 3], activation=["relu", "tanh"], optimizer="adam",
                      optimizer_params={"betas": (0.8, 0.99)}, features=["x1^2"])
    back = TrainConfig.from_dict(json.loads(json.dumps(cfg.to_dict())))
    assert back == cfg and back.hidden == (4, 3) and back.optimizer_params["betas"] == (0.8, 0.99)
    with pytest.raises(UserInputError, match="Valid settings"):
        TrainConfig.from_dict({"hiden": [3]})


@pytest.mark.parametrize("change, fragment", [
    ({"optimizer": "adamax"}, "Choose one of: sgd, momentum"),
    ({"activation": "swish"}, "Choose one of: identity"),
    ({"init": "orthogonal"}, "Choose one of: zeros"),
    ({"schedule": "cyclic"}, "Choose one of: constant"),
    ({"lr": 0.0}, "Learning rate"),
    ({"dropout": 1.0}, "Dropout"),
    ({"batch_size": 0}, "Batch size"),
    ({"epochs": 0}, "Epochs"),
    ({"hidden": (4, 0)}, "Hidden layer 2"),
    ({"activation": ("relu", "tanh", "elu")}, "one per hidden layer"),
    ({"activation": "softmax"}, "output activation"),
    ({"l2": -1.0}, "L2"),
    ({"clip_norm": 0.0}, "clipping"),
    ({"early_stopping": 0}, "patience"),
    ({"output_activation": "tanh", "loss": "bce"}, "needs a 'sigmoid' output"),
    ({"output_activation": "softmax"}, "at least 2 outputs"),
    ({"features": ("x1^3",)}, "Choose from"),
    ({"dtype": "float16"}, "float64, float32"),
    ({"optimizer_params": {"beta": 0.9}}, "Valid settings"),
])
def test_config_validation_messages(circles, change, fragment):
    with pytest.raises(UserInputError, match=fragment.replace("(", r"\(")):
        dataclasses.replace(TrainConfig(), **change).validate(circles)


def test_surface_covers_a_drawing_frame_even_with_few_points():
    from core.data import make_dataset_from_arrays
    from core.watch.snapshot import surface_bounds

    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    spec = {"source": "arrays", "frame": [-6.0, 6.0, -5.0, 5.0]}
    ds = make_dataset_from_arrays(X, np.array([0, 1]), "binary", train_ratio=1.0, spec=spec)
    assert surface_bounds(ds) == (-6.0, 6.0, -5.0, 5.0)
    assert surface_bounds(ds, columns=(1, 0))[0] > -6.0  # other column pairs ignore the frame


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_big_inputs_gathered_batch_by_batch_train_exactly_as_the_shuffled_copy(
        circles, monkeypatch, optimizer):
    """Above ``SHUFFLED_COPY_LIMIT_BYTES`` no shuffled copy of the inputs is made (an MNIST-size
    set would need 300 MB more); the steps, the history and a restored state are unchanged."""
    import core.train.trainer as trainer_module
    from core.watch.remote_run import apply_progress, progress_of
    from tests.test_stepthrough import assert_same

    config = TrainConfig(batch_size=7, optimizer=optimizer, lr=0.01, dropout=0.2)
    copied = Trainer(circles, config)
    monkeypatch.setattr(trainer_module, "SHUFFLED_COPY_LIMIT_BYTES", 0)
    gathered, resumed = Trainer(circles, config), Trainer(circles, config)
    assert gathered._gather and not copied._gather
    for trainer in (copied, gathered):
        trainer.run_steps(3 * trainer.steps_per_epoch + 5)  # three epochs, then mid-epoch
    assert gathered._Xp is None and gathered._yp is not None
    assert_same(gathered.state_dict(), copied.state_dict())
    assert gathered.history.as_arrays()["train_loss"].tolist() == \
        copied.history.as_arrays()["train_loss"].tolist()
    apply_progress(resumed, progress_of(gathered))  # as a training process hands it back
    for trainer in (copied, resumed):
        trainer.run_steps(30)
    assert_same(resumed.state_dict(), copied.state_dict())


@pytest.mark.parametrize("name, batch", [("circles", 7), ("spirals", 9)])
def test_a_classifiers_state_counts_correct_rows_instead_of_keeping_outputs(name, batch):
    """A mid-epoch state holds the count of correct rows, not the epoch's outputs so far
    (up to n_train x k floats); states saved with the outputs still load to the same run."""
    config = TrainConfig(batch_size=batch, dropout=0.1, epochs=10**6)
    original = Trainer(load_dataset(name), config)
    legacy_outputs = []
    for _ in range(5):
        original.step()
        last = original.network.layers[-1]
        legacy_outputs.append((last.z if original._scoring.logits else last.a).copy())
    state = original.state_dict()
    assert state["running"]["outputs"] is None and state["running"]["correct"] > 0
    legacy = dict(state, running={"loss_sum": state["running"]["loss_sum"], "start": 0,
                                  "outputs": np.concatenate(legacy_outputs)})
    restored, from_legacy = Trainer(load_dataset(name), config), Trainer(load_dataset(name), config)
    restored.load_state_dict(state)
    from_legacy.load_state_dict(legacy)
    for trainer in (original, restored, from_legacy):
        trainer.run_epoch()
    rows = [t.history.as_arrays()["train_metric"].tolist() for t in (original, restored,
                                                                       from_legacy)]
    assert rows[0] == rows[1] == rows[2]
    full = Trainer(load_dataset(name), config)  # the accuracy of the epoch's batch outputs
    outputs = []
    for _ in range(full.steps_per_epoch):
        order = full._order
        full.step()
        last = full.network.layers[-1]
        outputs.append((last.z if full._scoring.logits else last.a).copy())
    expected = accuracy(np.concatenate(outputs), full._labels[0][order], full.dataset.task,
                        full._scoring.threshold)
    assert full.history.as_arrays()["train_metric"][-1] == expected


def test_a_trainer_fed_equal_inputs_from_elsewhere_steps_as_before(circles, small_config):
    from core.train.state import use_inputs

    a, b = Trainer(circles, small_config), Trainer(circles, small_config)
    a.run_steps(7), b.run_steps(7)
    X_train, X_test = b.X_train.copy(), b.X_test.copy()
    X_train.flags.writeable = X_test.flags.writeable = False  # as shared inputs are
    use_inputs(b, X_train, X_test)
    assert b.X_train is X_train and b.X_test is X_test
    a.run_steps(40), b.run_steps(40)
    assert_identical(params_of(a), params_of(b))
    with pytest.raises(UserInputError, match="cannot replace"):
        use_inputs(b, X_train[:-1], X_test)
    assert b.X_train is X_train  # refused: nothing changed
