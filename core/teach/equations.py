"""The equations of one neuron for one training step, filled in with that step's numbers.

For a neuron (layer ``l``, unit ``j``) and one example of the batch (or the whole batch):

- forward: ``z = Σ wᵢaᵢ + b`` term by term, and ``a = f(z)``;
- backward: ``δ = dL/dz``: at the output ``(ŷ − y)/n`` for a loss fused with its link
  (BCE + sigmoid, CCE + softmax), else ``f′(z)·∂L/∂a``; in a hidden layer
  ``δ = f′(z)·m·Σₖ wⱼₖδₖ`` (``m`` the dropout mask, when dropout is on);
- gradients ``∂L/∂wᵢ = aᵢ·δ`` and ``∂L/∂b = δ``;
- update ``Δw`` and the new weight (plain SGD: ``Δw = −η·∂L/∂w``).

Batch mode (``example=None``) shows means of ``a`` and ``z`` and **sums** of ``δ`` and of
``aᵢ·δ`` over the batch: the loss is a batch mean, so each example's ``δ`` already holds the
factor ``1/n`` and the batch gradient is the plain sum. All numbers come from a
``StepThrough``'s phase results; nothing is recomputed differently. The equations as shown
(each checkable from its operands) are ``core.teach.step_equations``'s.
"""

from dataclasses import dataclass

import numpy as np

from core.errors import UserInputError
from core.nn.losses import LOSSES
from core.teach.stepthrough import layer_name


@dataclass(frozen=True)
class NeuronEquations:
    """One neuron's numbers for one step.

    Attributes
    ----------
    layer, unit : int
    example : int or None
        Row of the batch, or None for the batch (means of ``a``/``z``, sums of gradients).
    n : int
        Batch rows. ``n_layers`` : int.
    activation : str
        Name of ``f``.
    inputs, weights, products : ndarray, shape (fan_in,)
        ``aᵢ`` (the layer's input, after the previous layer's dropout), ``wᵢ`` (before the
        update) and ``wᵢaᵢ``.
    bias, z, a : float
    delta : float
        ``δ = dL/dz`` of this example (1/n included), or its batch sum (``∂L/∂b``).
    delta_kind : str
        ``"output_fused"``, ``"output_chain"``, ``"hidden"`` or ``"batch"``.
    fprime : float or None
        ``f′(z)`` (None for softmax, or in batch mode).
    grad_a : float or None
        ``∂L/∂a`` at the output (``output_chain``), else None.
    next_weights, next_deltas : ndarray (fan_out_next,) or None
        Outgoing weights ``wⱼₖ`` and the next layer's ``δₖ`` (hidden layers, per example).
    grad_out : float or None
        ``Σₖ wⱼₖδₖ``. ``mask`` : float or None, the dropout mask value.
    output, target : float or None
        ``ŷ`` and ``y`` for an output neuron (per example).
    weight_grads : ndarray, shape (fan_in,)
        ``aᵢ·δ`` (this example's share) or the batch sum (data loss only).
    bias_grad : float
    applied_weight_grads : ndarray, shape (fan_in,)
        What the optimizer received for the batch (L1/L2 added, clipping applied).
    applied_bias_grad : float
    weight_changes, new_weights : ndarray, shape (fan_in,)
    bias_change, new_bias : float
    lr : float
    optimizer : str
    plain_sgd : bool
        ``Δw = −η·∂L/∂w`` exactly.
    loss_name : str
    """

    layer: int
    unit: int
    example: int | None
    n: int
    n_layers: int
    activation: str
    inputs: np.ndarray
    weights: np.ndarray
    products: np.ndarray
    bias: float
    z: float
    a: float
    delta: float
    delta_kind: str
    fprime: float | None
    grad_a: float | None
    next_weights: np.ndarray | None
    next_deltas: np.ndarray | None
    grad_out: float | None
    mask: float | None
    output: float | None
    target: float | None
    weight_grads: np.ndarray
    bias_grad: float
    applied_weight_grads: np.ndarray
    applied_bias_grad: float
    weight_changes: np.ndarray
    new_weights: np.ndarray
    bias_change: float
    new_bias: float
    lr: float
    optimizer: str
    plain_sgd: bool
    loss_name: str

    def __repr__(self):
        which = "batch" if self.example is None else f"example {self.example}"
        return (f"NeuronEquations({layer_name(self.layer, self.n_layers)}, unit {self.unit}, "
                f"{which}, z={self.z:.4g}, a={self.a:.4g}, δ={self.delta:.4g})")


def results_by_kind(step):
    """``(forward, backward, loss, update)`` phase results of ``step``: dicts by layer for
    forward and backward."""
    fwd, bwd, loss, update = {}, {}, None, None
    for r in step.results():
        kind, layer = r.phase.kind, r.phase.layer
        if kind == "forward":
            fwd[layer] = r
        elif kind == "backward":
            bwd[layer] = r
        elif kind == "loss":
            loss = r
        else:
            update = r
    return fwd, bwd, loss, update


def check_indices(fwd, layer, unit, example):
    """``UserInputError`` unless ``layer``, ``unit`` and ``example`` (or None) exist."""
    L = len(fwd)
    if not isinstance(layer, (int, np.integer)) or not 0 <= layer < L:
        raise UserInputError(f"Layer {layer!r} does not exist: choose 0 to {L - 1}.")
    n, units = fwd[layer]["z"].shape
    if not isinstance(unit, (int, np.integer)) or not 0 <= unit < units:
        raise UserInputError(f"{layer_name(layer, L)} has {units} neurons: choose a neuron "
                             f"from 0 to {units - 1}.")
    if example is not None and (not isinstance(example, (int, np.integer))
                                or not 0 <= example < n):
        raise UserInputError(f"The batch has {n} examples: choose an example from 0 to "
                             f"{n - 1}, or None for the whole batch.")


def _pick(array, example, reduce):
    """Row ``example`` of a per-example array, or its batch ``reduce`` ("mean" or "sum")."""
    if example is not None:
        return array[example]
    return array.mean(axis=0) if reduce == "mean" else array.sum(axis=0)


def _backward_terms(fwd, bwd, loss, layer, unit, example):
    """``δ`` with the factors that explain it, per example (batch: the sum only)."""
    L = len(fwd)
    b = bwd[layer]
    delta = float(_pick(b["delta"][:, unit], example, "sum"))
    terms = {"delta": delta, "delta_kind": "batch", "fprime": None, "grad_a": None,
             "next_weights": None, "next_deltas": None, "grad_out": None, "mask": None,
             "output": None, "target": None}
    if example is None:
        return terms
    i = example
    fprime = None if b["fprime"] is None else float(b["fprime"][i, unit])
    terms["fprime"] = fprime
    if b["mask"] is not None:
        terms["mask"] = float(b["mask"][i, unit])
    if layer == L - 1:
        terms["output"] = float(loss["output"][i, unit])
        terms["target"] = float(loss["target"][i, unit])
        if loss.values["fused"]:
            terms["delta_kind"] = "output_fused"
        else:
            grad_a = LOSSES.get(loss.values["loss_name"]).grad(loss["output"], loss["target"])
            terms["delta_kind"] = "output_chain"
            terms["grad_a"] = float(grad_a[i, unit])
        return terms
    terms["delta_kind"] = "hidden"
    terms["next_weights"] = np.array(fwd[layer + 1]["W"][unit])
    terms["next_deltas"] = np.array(bwd[layer + 1]["delta"][i])
    terms["grad_out"] = float(b["grad_out"][i, unit])
    return terms


def neuron_equations(step, layer, unit, example=None):
    """Fill in one neuron's equations from a ``StepThrough`` (before or after advancing).

    Parameters
    ----------
    step : StepThrough
    layer : int
        0-based layer index (the output layer is the last).
    unit : int
        Neuron index within the layer.
    example : int or None
        Row of the batch; None for the batch view (see the module docstring).

    Returns
    -------
    NeuronEquations
    """
    fwd, bwd, loss, update = results_by_kind(step)
    check_indices(fwd, layer, unit, example)
    f, b = fwd[layer], bwd[layer]
    inputs = np.array(_pick(f["x"], example, "mean"))
    weights = np.array(f["W"][:, unit])
    if example is None:
        weight_grads = np.array(b["grad_W_data"][:, unit])
    else:
        weight_grads = f["x"][example] * b["delta"][example, unit]
    terms = _backward_terms(fwd, bwd, loss, layer, unit, example)
    u = update.values
    return NeuronEquations(
        layer=layer, unit=unit, example=example, n=int(f.values["n"]), n_layers=len(fwd),
        activation=step.activation_names[layer],
        inputs=inputs, weights=weights, products=weights * inputs,
        bias=float(f["b"][unit]),
        z=float(_pick(f["z"][:, unit], example, "mean")),
        a=float(_pick(f["a"][:, unit], example, "mean")),
        weight_grads=weight_grads, bias_grad=terms["delta"],
        applied_weight_grads=np.array(update["grad_W"][layer][:, unit]),
        applied_bias_grad=float(update["grad_b"][layer][unit]),
        weight_changes=np.array(update["W_change"][layer][:, unit]),
        new_weights=np.array(update["W_after"][layer][:, unit]),
        bias_change=float(update["b_change"][layer][unit]),
        new_bias=float(update["b_after"][layer][unit]),
        lr=u["lr"], optimizer=u["optimizer"], plain_sgd=u["plain_sgd"],
        loss_name=loss.values["loss_name"], **terms,
    )
