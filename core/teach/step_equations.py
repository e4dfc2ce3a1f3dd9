"""Every equation of one neuron for one training step, as checkable ``Equation`` data.

``step_equations(step, layer, unit, example=None)`` returns a :class:`NeuronStep`: a header
(which neuron; which example of the batch, its training-set row, inputs and label) and
equations grouped by section (``core.teach.equation_terms.SECTIONS``), each true of its operands:

- one example (``example`` a row of the batch): ``z = Σ wᵢaᵢ + b``, ``a = f(z)``, the
  example's loss, ``δ`` with its factors, and this example's share ``aᵢ·δ`` of each gradient;
- the batch (``example=None``): only quantities that really are batch sums or means:
  ``z̄ = Σ wᵢāᵢ + b`` (true because z is linear in a), ``ā`` the mean of the examples' ``a``
  (not ``f(z̄)``), ``L`` the mean of the examples' losses, ``∂L/∂b = Σₙ δₙ`` and
  ``∂L/∂wᵢ = Σₙ aₙᵢ·δₙ``;
- the update, the same in both: the optimizer's own formulas with its state
  (``core.teach.optimizer_equations``), then ``w ← w + Δw`` and ``b ← b + Δb``.

Long sums write out ``max_terms`` terms and give the rest as one number, so a sum on
screen still adds up. All numbers are the ``StepThrough``'s own.
"""

from dataclasses import dataclass

import numpy as np

from core.teach.equation_terms import Equation, Operand, dot_equation, reduce_equation, sub
from core.teach.equations import check_indices, results_by_kind
from core.teach.optimizer_equations import parameter_update
from core.teach.step_backward import backward_equations, loss_equations
from core.teach.stepthrough import layer_name


@dataclass(frozen=True)
class NeuronStep:
    """``header`` (tuple of str: facts, not equations) and ``sections`` (dict: section name →
    list of ``Equation``, in ``SECTIONS`` order; empty lists are kept)."""

    header: tuple
    sections: dict

    def equations(self):
        return [eq for eqs in self.sections.values() for eq in eqs]


MAX_LISTED_INPUTS = 8


def _header(fwd, loss, layer, unit, example):
    n = int(fwd[layer].values["n"])
    lines = [f"{layer_name(layer, len(fwd))}, neuron {unit + 1}"]
    if example is None:
        lines.append(f"Batch of {n} examples: sums and means over the batch, labelled as such "
                     "(choose an example to see a = f(z) with one example's numbers)")
        return tuple(lines)
    v = loss.values
    row = int(loss["rows"][example])
    pairs = list(zip(v["input_names"], loss["raw_inputs"][example], strict=True))
    inputs = ", ".join(f"{name} = {float(x):.4g}" for name, x in pairs[:MAX_LISTED_INPUTS])
    if len(pairs) > MAX_LISTED_INPUTS:
        inputs += f", … ({len(pairs) - MAX_LISTED_INPUTS} more)"
    y = loss["target"][example]
    if v["task"] == "regression":
        label = ", ".join(f"{name} = {float(t):.4g}" for name, t in
                          zip(v["target_names"], y, strict=True))
    else:
        k = int(np.argmax(y)) if len(y) > 1 else int(round(float(y[0])))
        label = f"class {v['target_names'][k]!r}"
    lines.append(f"Example {example + 1} of {n}: training row {row + 1}; inputs {inputs}; "
                 f"label {label}")
    return tuple(lines)


def _forward(fwd, layer, unit, example, max_terms, act):
    f = fwd[layer]
    weights = f["W"][:, unit]
    if example is not None:
        x = f["x"][example]
        pairs = list(zip(weights, x, strict=True))
        eqs = [dot_equation("forward", "z", "Σ wᵢaᵢ + b", pairs,
                            lambda i: (f"w{sub(i)}", f"a{sub(i)}"), f["b"][unit], max_terms),
               _activation_equation(f, unit, example, act)]
        if f["mask"] is not None:
            eqs.append(Equation("forward", "a·m", "a · m (dropout mask)", "product",
                                (Operand("a", float(f["a"][example, unit])),
                                 Operand("m", float(f["mask"][example, unit]))),
                                float(f["a"][example, unit] * f["mask"][example, unit]),
                                note="what the next layer receives"))
        return eqs
    pairs = list(zip(weights, f["x"].mean(axis=0), strict=True))
    return [dot_equation("forward", "z̄", "Σ wᵢāᵢ + b", pairs,
                         lambda i: (f"w{sub(i)}", f"ā{sub(i)}"), f["b"][unit], max_terms,
                         note="batch means: z is linear in a, so the mean of z is this"),
            reduce_equation("forward", "ā", f"(Σₙ {act}(zₙ))/n", f["a"][:, unit], "a",
                            op="mean", max_terms=max_terms,
                            note=f"mean of the {len(f['a'])} examples' a = {act}(z), "
                                 f"not {act}(z̄)")]


def _activation_equation(f, unit, example, act):
    a = float(f["a"][example, unit])
    if act == "softmax":
        z = f["z"][example]
        operands = tuple(Operand(f"z{sub(k)}", float(v)) for k, v in enumerate(z))
        return Equation("forward", "a", f"e^z{sub(unit)} / Σₖ e^zₖ", "softmax", operands, a,
                        {"j": unit})
    return Equation("forward", "a", f"{act}(z)", "activation",
                    (Operand("z", float(f["z"][example, unit])),), a, {"f": act})


def step_equations(step, layer, unit, example=None, max_terms=8):
    """The equations of neuron ``unit`` of ``layer`` for ``step`` (a ``StepThrough`` or
    anything with ``results()`` and ``activation_names``); see the module docstring.

    Raises ``UserInputError`` for a layer, unit or example that does not exist.
    """
    fwd, bwd, loss, update = results_by_kind(step)
    check_indices(fwd, layer, unit, example)
    acts = tuple(step.activation_names)
    sections = {
        "forward": _forward(fwd, layer, unit, example, max_terms, acts[layer]),
        "loss": loss_equations(loss, example, max_terms),
        "backward": backward_equations(fwd, bwd, loss, acts, layer, unit, example, max_terms),
        "update": parameter_update(update, layer, unit, max_terms,
                                   data_grads=(bwd[layer]["grad_W_data"][:, unit],
                                               bwd[layer]["delta"][:, unit].sum())),
    }
    return NeuronStep(_header(fwd, loss, layer, unit, example), sections)
