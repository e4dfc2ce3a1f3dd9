"""StepThrough: phases, the numbers shown, bit-identity with Trainer.step(), and equations."""

import dataclasses
import math

import numpy as np
import pytest

from core.errors import UserInputError
from core.teach.equations import neuron_equations
from core.teach.stepthrough import PHASE_KINDS, StepThrough
from core.train.config import TrainConfig
from core.train.trainer import Trainer


def assert_same(a, b, path="state"):
    """Recursive exact equality of two state dicts (arrays: dtype, shape, values; NaN == NaN)."""
    if isinstance(a, dict):
        assert set(a) == set(b), path
        for k in a:
            assert_same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, path
        assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), path
    elif isinstance(a, float) and math.isnan(a):
        assert isinstance(b, float) and math.isnan(b), path
    else:
        assert a == b, path


CONFIGS = {
    "sgd": {},
    "adam": {"optimizer": "adam", "lr": 0.01},
    "dropout_l2": {"dropout": 0.3, "l2": 0.01, "hidden": (8, 6)},
    "momentum_clip_l1": {"optimizer": "momentum", "clip_norm": 0.05, "l1": 0.001},
}


@pytest.mark.parametrize("name", list(CONFIGS))
@pytest.mark.parametrize("steps_before", [0, 3, 9, 10])  # batch 16, 160 rows: 10 steps an epoch
def test_finish_equals_a_plain_step_bit_for_bit(circles, small_config, name, steps_before):
    cfg = dataclasses.replace(small_config, **CONFIGS[name])
    plain, stepped = Trainer(circles, cfg), Trainer(circles, cfg)
    plain.run_steps(steps_before)
    stepped.run_steps(steps_before)
    loss = plain.step()  # step 10 (steps_before 9) ends the epoch: history grows
    st = StepThrough(stepped)
    assert stepped.step_count == steps_before  # untouched until the update phase
    results = st.finish()
    assert st.done and len(results) == len(st.phases)
    assert st.loss == loss
    assert_same(stepped.state_dict(), plain.state_dict())
    for a, b in zip(stepped.last_updates, plain.last_updates, strict=True):
        assert np.array_equal(a, b)
    # ... and training on afterwards stays identical.
    plain.run_steps(5)
    stepped.run_steps(5)
    assert_same(stepped.state_dict(), plain.state_dict())


def test_phases_are_forward_loss_backward_update(circles, small_config):
    t = Trainer(circles, dataclasses.replace(small_config, hidden=(8, 6)))
    st = StepThrough(t)
    kinds = [(p.kind, p.layer) for p in st.phases]
    assert kinds == [("forward", 0), ("forward", 1), ("forward", 2), ("loss", None),
                     ("backward", 2), ("backward", 1), ("backward", 0), ("update", None)]
    assert {p.kind for p in st.phases} == set(PHASE_KINDS)
    assert st.phases[0].title == "Forward · Hidden 1"
    assert st.phases[4].title == "Backward · Output"
    for _ in range(len(st.phases) - 1):
        st.advance()
        assert t.step_count == 0
    st.advance()
    assert t.step_count == 1 and st.done
    with pytest.raises(UserInputError, match="finished"):
        st.advance()


def _by_kind(st):
    return {(r.phase.kind, r.phase.layer): r for r in st.results()}


@pytest.mark.parametrize("steps_before", [0, 2, 9, 10])
@pytest.mark.parametrize("extra", [{}, {"dropout": 0.25, "l2": 0.02}])
def test_phase_arrays_are_the_steps_numbers(circles, small_config, extra, steps_before):
    cfg = dataclasses.replace(small_config, hidden=(5, 4), **extra)
    t = Trainer(circles, cfg)
    t.run_steps(steps_before)
    st = StepThrough(t)
    r = _by_kind(st)
    net = t.network
    L = len(net.layers)
    for i, layer in enumerate(net.layers):
        f = r[("forward", i)]
        assert np.array_equal(f["W"], layer.W) and f["z"].shape == (16, layer.fan_out)
        np.testing.assert_allclose(f["z"], f["x"] @ f["W"] + f["b"], rtol=1e-12, atol=1e-14)
        np.testing.assert_array_equal(f["a"], layer.activation.forward(f["z"]))
        if i + 1 < L:  # the next layer sees this one's (dropped-out) activations
            seen = f["a"] if f["mask"] is None else f["a"] * f["mask"]
            np.testing.assert_array_equal(r[("forward", i + 1)]["x"], seen)
        b = r[("backward", i)]
        np.testing.assert_allclose(b["grad_W_data"], b["x"].T @ b["delta"], rtol=1e-12)
        np.testing.assert_allclose(b["grad_b"], b.batch_sum("delta"), rtol=1e-12, atol=1e-15)
        expected = b["grad_W_data"] + cfg.l2 * f["W"]
        np.testing.assert_allclose(b["grad_W"], expected, rtol=1e-12, atol=1e-15)
        if i + 1 < L:
            nxt = r[("backward", i + 1)]
            np.testing.assert_allclose(b["grad_out"], nxt["delta"] @ r[("forward", i + 1)]["W"].T)
            mask = 1.0 if b["mask"] is None else b["mask"]
            np.testing.assert_allclose(b["delta"], b["fprime"] * b["grad_out"] * mask,
                                       rtol=1e-12, atol=1e-16)
    loss = r[("loss", None)]
    out = r[("forward", L - 1)]
    np.testing.assert_allclose(loss["delta"], (out["a"] - loss["target"]) / 16, atol=1e-15)
    assert loss.values["data_loss"] == pytest.approx(float(loss["example_loss"].mean()))
    assert loss.values["data_loss"] + loss.values["penalty"] == pytest.approx(st.loss)
    assert (loss.values["penalty"] > 0) == bool(extra)
    u = r[("update", None)]
    st.finish()
    for i, layer in enumerate(net.layers):
        assert np.array_equal(u["W_after"][i], layer.W)
        assert np.array_equal(u["W_before"][i] + u["W_change"][i], u["W_after"][i])
        # Plain SGD: Δw = −η·∂L/∂w, exactly as the optimizer computes it.
        assert np.array_equal(u["W_change"][i], u["grad_W"][i] * -cfg.lr)
        assert np.array_equal(u["W_change"][i], t.last_updates[2 * i])


def test_result_arrays_are_read_only_copies(circles, small_config):
    t = Trainer(circles, small_config)
    st = StepThrough(t)
    f = st.advance()
    assert not f["W"].flags.writeable
    assert f["W"] is not t.network.layers[0].W
    assert f.batch_mean("z").shape == (8,) and f.example("z", 3).shape == (8,)


def test_a_changed_trainer_refuses_the_stale_update(circles, small_config):
    t = Trainer(circles, small_config)
    st = StepThrough(t)
    t.network.layers[0].W[0, 0] += 1.0  # edited by hand meanwhile
    with pytest.raises(UserInputError, match="changed since"):
        st.finish()
    assert t.step_count == 0


def _eq_setup(circles, small_config, **extra):
    cfg = dataclasses.replace(small_config, hidden=(5, 4), **extra)
    t = Trainer(circles, cfg)
    t.run_steps(4)
    return t, StepThrough(t)


@pytest.mark.parametrize("layer", [0, 1, 2])
def test_equations_per_example_match_the_phase_arrays(circles, small_config, layer):
    t, st = _eq_setup(circles, small_config, dropout=0.2)
    r = _by_kind(st)
    f, b = r[("forward", layer)], r[("backward", layer)]
    unit, ex = 1 if layer < 2 else 0, 7
    eq = neuron_equations(st, layer, unit, example=ex)
    assert eq.z == f["z"][ex, unit] and eq.a == f["a"][ex, unit]
    assert eq.delta == b["delta"][ex, unit]
    np.testing.assert_array_equal(eq.products, f["W"][:, unit] * f["x"][ex])
    assert eq.z == pytest.approx(eq.products.sum() + eq.bias, rel=1e-12, abs=1e-15)
    np.testing.assert_array_equal(eq.weight_grads, f["x"][ex] * eq.delta)
    if layer == 2:
        assert eq.delta_kind == "output_fused"
        assert eq.delta == pytest.approx((eq.output - eq.target) / eq.n, rel=1e-12)
    else:
        assert eq.delta_kind == "hidden"
        assert eq.grad_out == pytest.approx(float(eq.next_weights @ eq.next_deltas), rel=1e-12)
        assert eq.delta == pytest.approx(eq.fprime * eq.grad_out * eq.mask, rel=1e-12)
    u = r[("update", None)]
    np.testing.assert_array_equal(eq.new_weights, u["W_after"][layer][:, unit])
    np.testing.assert_array_equal(eq.weights + eq.weight_changes, eq.new_weights)


def test_equations_batch_view_sums_gradients_and_averages_activations(circles, small_config):
    t, st = _eq_setup(circles, small_config)
    r = _by_kind(st)
    eq = neuron_equations(st, 1, 2)
    f, b = r[("forward", 1)], r[("backward", 1)]
    assert eq.example is None and eq.delta_kind == "batch"
    assert eq.z == pytest.approx(f["z"][:, 2].mean()) and eq.a == pytest.approx(f["a"][:, 2].mean())
    assert eq.delta == pytest.approx(b["delta"][:, 2].sum())
    per_example = sum(neuron_equations(st, 1, 2, i).weight_grads for i in range(16))
    np.testing.assert_allclose(eq.weight_grads, per_example, rtol=1e-12)
    np.testing.assert_allclose(eq.weight_changes, -0.1 * eq.applied_weight_grads)


def test_equations_output_chain_rule_for_mse_with_sigmoid(circles, small_config):
    _, st = _eq_setup(circles, small_config, loss="mse", output_activation="sigmoid")
    eq = neuron_equations(st, 2, 0, example=3)
    assert eq.delta_kind == "output_chain"
    assert eq.grad_a == pytest.approx(2 * (eq.output - eq.target) / 16, rel=1e-12)
    assert eq.delta == pytest.approx(eq.fprime * eq.grad_a, rel=1e-12)


def test_equation_indices_are_checked(circles, small_config):
    _, st = _eq_setup(circles, small_config)
    for args, msg in (((3, 0), "Layer 3"), ((0, 5), "5 neurons"), ((0, 0, 16), "16 examples")):
        with pytest.raises(UserInputError, match=msg):
            neuron_equations(st, *args)


def test_step_through_keeps_float32(circles):
    t = Trainer(circles, TrainConfig(hidden=(4,), dtype="float32", batch_size=8))
    dtypes = set()
    for r in StepThrough(t).finish():
        for name, v in r.arrays.items():
            for a in v if isinstance(v, tuple) else (v,):
                # losses are Python floats; batch rows and raw data inputs are the data set's
                if a is not None and name not in ("example_loss", "rows", "raw_inputs"):
                    dtypes.add(a.dtype)
    assert dtypes == {np.dtype(np.float32)}


def test_full_batch_targets_are_the_training_rows_in_order(circles, small_config):
    t = Trainer(circles, dataclasses.replace(small_config, batch_size=None))
    loss = _by_kind(StepThrough(t))[("loss", None)]
    np.testing.assert_array_equal(loss["target"], t.y_train)


def test_a_trainer_on_another_input_scaling_steps_through_as_it_steps(circles, small_config):
    from core.data import InputPipeline

    # Weights loaded from a file bring the input scaling they were trained with.
    rescaled = InputPipeline.fit(circles.X_train * 3 + 1, (), True, circles.input_names)
    plain, stepped = Trainer(circles, small_config), Trainer(circles, small_config)
    for trainer in (plain, stepped):
        trainer.set_pipeline(rescaled)
        trainer.run_steps(3)
    loss = plain.step()
    st = StepThrough(stepped)
    st.finish()
    assert st.loss == loss
    assert_same(stepped.state_dict(), plain.state_dict())
