"""core.teach.step_equations: every equation of every neuron holds for its own operands, for each
optimizer, loss and mode; the batch view states only true sums and means."""

import math

import numpy as np
import pytest

from core.data import load_dataset
from core.errors import UserInputError
from core.teach.equation_terms import OPERATORS, Equation, Operand, evaluate
from core.teach.step_equations import step_equations
from core.teach.stepthrough import StepThrough
from core.train.config import TrainConfig
from core.train.trainer import Trainer

CASES = {
    "sgd": ("circles", {}),
    "momentum_dropout": ("circles", {"optimizer": "momentum", "dropout": 0.3}),
    "nesterov_l2": ("circles", {"optimizer": "nesterov", "l2": 0.01}),
    "adam": ("circles", {"optimizer": "adam", "lr": 0.01}),
    "adamw_amsgrad": ("circles", {"optimizer": "adamw", "lr": 0.01,
                                  "optimizer_params": {"amsgrad": True}}),
    "adagrad_decay": ("circles", {"optimizer": "adagrad",
                                  "optimizer_params": {"lr_decay": 0.1}}),
    "rmsprop_centered_momentum": ("circles", {"optimizer": "rmsprop", "optimizer_params": {
        "centered": True, "momentum": 0.5}}),
    "rmsprop": ("circles", {"optimizer": "rmsprop", "clip_norm": 0.01, "l1": 0.01}),
    "cce_softmax": ("spirals", {"loss": "cce", "output_activation": "softmax"}),
    "mse_softmax": ("spirals", {"loss": "mse", "output_activation": "softmax"}),
    "mse_sigmoid": ("circles", {"loss": "mse", "output_activation": "sigmoid"}),
    "regression": ("squares_sum", {}),
}


def stepped(case, steps=3):
    data, overrides = CASES[case]
    config = TrainConfig(**{"hidden": (5, 3), "batch_size": 8, "epochs": 100, **overrides})
    trainer = Trainer(load_dataset(data), config)
    trainer.run_steps(steps)
    return trainer, StepThrough(trainer)


@pytest.mark.parametrize("case", list(CASES))
def test_every_equation_holds_for_its_operands(case):
    trainer, st = stepped(case)
    ops = set()
    for layer, net_layer in enumerate(trainer.network.layers):
        for unit in range(net_layer.W.shape[1]):
            for example in (None, 0, 5):
                neuron = step_equations(st, layer, unit, example, max_terms=3)
                for eq in neuron.equations():
                    ops.add(eq.op)
                    assert evaluate(eq) == pytest.approx(eq.result, rel=1e-9, abs=1e-15), eq
    assert {"dot", "mean", "sum", "product"} <= ops
    assert "value" in ops and ops <= set(OPERATORS)


def test_the_batch_view_averages_a_instead_of_applying_f_to_the_mean():
    _, st = stepped("sgd")
    f = st.result(0)
    forward = step_equations(st, 0, 1).sections["forward"]
    z_bar, a_bar = forward
    assert z_bar.lhs == "z̄" and z_bar.result == pytest.approx(f["z"][:, 1].mean(), rel=1e-12)
    assert a_bar.op == "mean" and a_bar.result == pytest.approx(f["a"][:, 1].mean(), rel=1e-12)
    assert "not tanh(z̄)" in a_bar.note
    assert not any(eq.op == "activation" for eq in forward)


def test_batch_gradients_are_sums_of_the_example_shares():
    _, st = stepped("sgd")
    batch = step_equations(st, 1, 2).sections["backward"]
    shares = [step_equations(st, 1, 2, n).sections["backward"] for n in range(8)]
    w1 = next(eq for eq in batch if eq.lhs == "∂L/∂w₁")
    assert w1.result == pytest.approx(sum(next(e for e in s if e.lhs == "∂Lₙ/∂w₁").result
                                          for s in shares), rel=1e-12)
    bias = next(eq for eq in batch if eq.lhs == "∂L/∂b")
    assert bias.result == pytest.approx(sum(_delta(s) for s in shares), rel=1e-12)


def _delta(backward):
    return next(eq for eq in backward if eq.lhs == "δ").result


def test_the_example_header_names_its_row_inputs_and_label():
    trainer, st = stepped("sgd")
    header = step_equations(st, 2, 0, example=2).header
    loss = next(r for r in st.results() if r.phase.kind == "loss")
    row = int(loss["rows"][2])
    x = trainer.dataset.X_train[row]
    assert header[0] == "Output, neuron 1"
    assert header[1].startswith(f"Example 3 of 8: training row {row + 1}; inputs x1 = "
                                f"{x[0]:.4g}, x2 = {x[1]:.4g}; label class ")
    assert np.array_equal(loss["target"][2], trainer.y_train[row])


def test_losses_and_optimizer_state_are_shown():
    _, st = stepped("adam")
    neuron = step_equations(st, 2, 0, example=1)
    loss = neuron.sections["loss"]
    assert [eq.op for eq in loss] == ["bce", "mean"]
    update = neuron.sections["update"]
    lhs = [eq.lhs for eq in update]
    for name in ("g[w₁]", "m[w₁]", "v[w₁]", "m̂[w₁]", "v̂[w₁]", "Δw₁", "w₁ (new)", "Δb", "b (new)"):
        assert name in lhs
    _, momentum = stepped("momentum_dropout")
    update = step_equations(momentum, 0, 0).sections["update"]
    buf = next(eq for eq in update if eq.lhs == "buf[w₁]")
    assert buf.op == "linear" and buf.params == {"c1": 0.9, "c2": 1.0}


def test_a_false_equation_evaluates_to_something_else():
    eq = Equation("forward", "a", "tanh(z)", "activation", (Operand("z", -0.1029),), -0.1498,
                  {"f": "tanh"})
    assert evaluate(eq) == pytest.approx(math.tanh(-0.1029))
    assert abs(evaluate(eq) - eq.result) > 0.04
    with pytest.raises(UserInputError, match="operator"):
        evaluate(Equation("x", "y", "", "nonsense", (), 0.0))
