"""The loss and the backward pass of one neuron as ``Equation`` data (see
``core.teach.step_equations``, which assembles them with the forward pass and the update).

Per example: the example's loss ``Lₙ`` (BCE, CCE or MSE with its numbers), ``δ`` with the
factors that make it, and the example's share ``aᵢ·δ`` of each weight's gradient. For the
batch: ``L`` as the mean of the ``Lₙ`` (plus the L1/L2 penalty), ``∂L/∂b = Σₙ δₙ`` and
``∂L/∂wᵢ = Σₙ aₙᵢ·δₙ``. Each loss is a batch mean, so every ``δₙ`` holds the factor 1/n.
"""

import numpy as np

from core.nn.losses import LOSSES
from core.teach.equation_terms import Equation, Operand, dot_equation, reduce_equation, sub


def _f(x):
    return float(x)


def _example_loss(loss, example):
    """``Lₙ`` of row ``example`` from its outputs ŷ and targets y."""
    name = loss.values["loss_name"]
    y_hat, y = loss["output"][example], loss["target"][example]
    result = _f(loss["example_loss"][example])
    k = len(y)
    if name == "bce" and k == 1:
        return [Equation("loss", "Lₙ", "−[y ln ŷ + (1−y) ln(1−ŷ)]", "bce",
                         (Operand("ŷ", _f(y_hat[0])), Operand("y", _f(y[0]))), result,
                         note="binary cross-entropy of this example")]
    if name == "bce":
        parts = [Equation("loss", f"Lₙ{sub(j)}", f"−[y{sub(j)} ln ŷ{sub(j)} + (1−y{sub(j)}) "
                          f"ln(1−ŷ{sub(j)})]", "bce",
                          (Operand("ŷ", _f(y_hat[j])), Operand("y", _f(y[j]))),
                          _bce_value(y_hat[j], y[j])) for j in range(k)]
        total = Equation("loss", "Lₙ", "Σⱼ Lₙⱼ", "sum",
                         tuple(Operand(p.lhs, p.result) for p in parts), result)
        return [*parts, total]
    if name == "cce":
        operands = []
        for j in np.flatnonzero(y):
            operands += [Operand(f"y{sub(j)}", _f(y[j])), Operand(f"ŷ{sub(j)}", _f(y_hat[j]))]
        return [Equation("loss", "Lₙ", "−Σⱼ yⱼ ln ŷⱼ", "cce", tuple(operands), result,
                         note="cross-entropy of this example (terms with yⱼ = 0 vanish)")]
    operands = []
    for j in range(k):
        operands += [Operand(f"ŷ{sub(j)}", _f(y_hat[j])), Operand(f"y{sub(j)}", _f(y[j]))]
    return [Equation("loss", "Lₙ", "Σⱼ (ŷⱼ − yⱼ)² / k", "mse", tuple(operands), result,
                     {"k": k}, note="squared error of this example")]


def _bce_value(y_hat, y):
    from core.teach.equation_terms import OPERATORS

    return OPERATORS["bce"]([_f(y_hat), _f(y)], {})


def loss_equations(loss, example, max_terms=8):
    """The example's loss (when ``example`` is a row) and the batch loss as their mean."""
    v = loss.values
    n = int(v["n"])
    eqs = [] if example is None else _example_loss(loss, example)
    batch = reduce_equation("loss", "L", "(Σₙ Lₙ)/n", loss["example_loss"], "L", op="mean",
                            max_terms=max_terms,
                            note=f"{v['loss_name']} of the batch: the mean of its {n} "
                                 "examples' losses")
    eqs.append(batch)
    if abs(v["penalty"]) > 1e-12 * max(1.0, abs(v["loss"])):  # not float noise
        eqs.append(Equation("loss", "objective", "L + penalty", "sum",
                            (Operand("L", batch.result), Operand("penalty", _f(v["penalty"]))),
                            _f(v["loss"]), note="the L1/L2 penalty of the weights added"))
    return eqs


def _output_delta(loss, acts, layer, unit, example, b):
    """``δ`` of an output neuron for one example: fused with the loss, or by the chain rule."""
    i, n = example, int(loss.values["n"])
    y_hat, y = _f(loss["output"][i, unit]), _f(loss["target"][i, unit])
    delta = _f(b["delta"][i, unit])
    pair = (Operand("ŷ", y_hat), Operand("y", y))
    if loss.values["fused"]:
        return [Equation("backward", "δ", "(ŷ − y)/n", "scaled_difference", pair, delta,
                         {"scale": 1.0 / n, "n": n},
                         note=f"{loss.values['loss_name']} fused with {acts[layer]}")]
    grad_a = LOSSES.get(loss.values["loss_name"]).grad(loss["output"], loss["target"])
    k = grad_a.shape[1]
    g = Equation("backward", "∂L/∂a", "2(ŷ − y)/(n·k)", "scaled_difference", pair,
                 _f(grad_a[i, unit]), {"scale": 2.0 / (n * k), "n": n, "k": k},
                 note="mse, each example's share")
    if b["fprime"] is None:  # softmax output with MSE: δⱼ = aⱼ(gⱼ − Σₖ aₖgₖ)
        a = loss["output"][i]
        s = dot_equation("backward", "s", "Σₖ aₖ·∂L/∂aₖ", list(zip(a, grad_a[i], strict=True)),
                         lambda k_: (f"a{sub(k_)}", f"g{sub(k_)}"))
        return [g, s, Equation("backward", "δ", "a·(∂L/∂a − s)", "softmax_backward",
                               (Operand("a", _f(a[unit])), Operand("∂L/∂a", g.result),
                                Operand("s", s.result)), delta, note="through the softmax")]
    fp = _derivative(loss["logits"][i, unit], b["fprime"][i, unit], acts[layer])
    return [g, fp, Equation("backward", "δ", "f′(z)·∂L/∂a", "product",
                            (Operand("f′(z)", fp.result), Operand("∂L/∂a", g.result)), delta)]


def _derivative(z, fprime, act):
    return Equation("backward", "f′(z)", f"{act}′(z)", "derivative", (Operand("z", _f(z)),),
                    _f(fprime), {"f": act})


def _hidden_delta(fwd, bwd, acts, layer, unit, i, max_terms):
    b = bwd[layer]
    pairs = list(zip(fwd[layer + 1]["W"][unit], bwd[layer + 1]["delta"][i], strict=True))
    back = dot_equation("backward", "Σₖ wₖδₖ", "Σₖ wⱼₖ·δₖ (next layer)", pairs,
                        lambda k: (f"w{sub(k)}", f"δ{sub(k)}"), max_terms=max_terms)
    fp = _derivative(fwd[layer]["z"][i, unit], b["fprime"][i, unit], acts[layer])
    operands = [Operand("f′(z)", fp.result), Operand("Σₖ wₖδₖ", back.result)]
    formula = "f′(z)·Σₖ wₖδₖ"
    if b["mask"] is not None:
        operands.append(Operand("m", _f(b["mask"][i, unit])))
        formula += "·m"
    return [back, fp, Equation("backward", "δ", formula, "product", tuple(operands),
                               _f(b["delta"][i, unit]))]


def backward_equations(fwd, bwd, loss, acts, layer, unit, example, max_terms=8):
    """``δ`` and the gradients of neuron ``unit`` of ``layer`` (see the module docstring)."""
    b = bwd[layer]
    x, delta = b["x"], b["delta"][:, unit]
    fan_in = x.shape[1]
    if example is None:
        eqs = [reduce_equation("backward", "∂L/∂b", "Σₙ δₙ", delta, "δ", max_terms=max_terms,
                               note="summed over the batch (each δₙ holds 1/n)")]
        for i in range(min(fan_in, max_terms)):
            eqs.append(dot_equation("backward", f"∂L/∂w{sub(i)}", f"Σₙ aₙ{sub(i)}·δₙ",
                                    list(zip(x[:, i], delta, strict=True)),
                                    lambda n_: (f"a{sub(n_)}", f"δ{sub(n_)}"),
                                    max_terms=max_terms, note="summed over the batch"))
        return eqs
    if layer == len(fwd) - 1:
        eqs = _output_delta(loss, acts, layer, unit, example, b)
    else:
        eqs = _hidden_delta(fwd, bwd, acts, layer, unit, example, max_terms)
    d = eqs[-1].result
    for i in range(min(fan_in, max_terms)):
        eqs.append(Equation("backward", f"∂Lₙ/∂w{sub(i)}", f"a{sub(i)}·δ", "product",
                            (Operand(f"a{sub(i)}", _f(x[example, i])), Operand("δ", d)),
                            _f(x[example, i] * d),
                            note="this example's share; the batch's ∂L/∂w sums the shares"))
    return eqs
