"""Equations as data: ``lhs = formula = (numbers) = result``, checkable from their operands.

An :class:`Equation` names an operator from ``OPERATORS`` and holds its numeric operands
(each an :class:`Operand`: a symbol and a value) and its result. ``evaluate(eq)`` recomputes
the result from the operands with the operator's definition, so whoever displays an equation
can check it: a view rounds the operands and the result for display, and
``evaluate(eq, shown_values)`` tells whether the equation still holds as shown.

``params`` holds exact constants of the operator that are not rounded for display (a batch
size ``n``, an activation name, β₁ of Adam).

Operators (operands in order; ``params``):

- ``dot``: ``Σᵢ uᵢ·vᵢ`` over pairs ``u₁, v₁, u₂, v₂, …``; then ``rest`` (the sum of the
  terms not written out) when ``params["rest"]``, then ``+ b`` when ``params["bias"]``;
- ``sum``: the sum of the operands; ``mean``: their sum over ``params["n"]``;
- ``product``: ``params.get("sign", 1)`` times the product of the operands;
- ``activation``: ``f(z)`` and ``derivative``: ``f′(z)`` (``params["f"]`` an activation name);
- ``softmax``: ``exp(z_j) / Σₖ exp(zₖ)`` over the operands, ``j = params["j"]``;
- ``scaled_difference``: ``c·(u − v)`` with ``c = params["scale"]`` (``(ŷ − y)/n``, MSE's
  ``2(ŷ − y)/(n·k)``);
- ``softmax_backward``: ``a·(g − s)``;
- ``bce``: ``−[y ln ŷ + (1 − y) ln(1 − ŷ)]`` of ``ŷ, y``;
- ``cce``: ``−Σⱼ yⱼ ln ŷⱼ`` over pairs ``y₁, ŷ₁, …``;
- ``mse``: ``Σⱼ (ŷⱼ − yⱼ)² / k`` over pairs ``ŷ₁, y₁, …``, ``k = params["k"]``;
- ``ema``: ``β·u + (1 − β)·v`` and ``ema_square``: ``β·u + (1 − β)·v²`` (``β = params["beta"]``);
- ``axpy``: ``u + c·v`` (``c = params["c"]``); ``linear``: ``c₁·u + c₂·v``
  (``params["c1"]``, ``params["c2"]``); ``scale``: ``c·u`` (``params["c"]``);
- ``add_square``: ``u + v²``; ``sub_square``: ``u − v²``;
- ``ratio``: ``u / (√v + ε)`` (``ε = params["eps"]``);
- ``bias_correction``: ``u / (1 − β^t)`` (``params["beta"]``, ``params["t"]``);
- ``maximum``: the largest operand;
- ``adaptive_step``: ``−η·u / (√v + ε)`` of ``η, u, v`` (``ε = params["eps"]``), minus
  ``η·λ·w`` when ``params["decay"]`` (λ) is set and a fourth operand ``w`` is given (AdamW);
- ``value``: a quantity stated, not derived (no operands): true by definition.
"""

import math
from dataclasses import dataclass, field

import numpy as np

from core.errors import UserInputError
from core.nn.activations import ACTIVATIONS

SECTIONS = ("forward", "loss", "backward", "update")


@dataclass(frozen=True)
class Operand:
    """A number in an equation: ``symbol`` (e.g. ``"w₁"``) and its ``value``."""

    symbol: str
    value: float


@dataclass(frozen=True)
class Equation:
    """``lhs = formula = op(operands) = result``; see the module docstring.

    Attributes
    ----------
    section : str
        One of ``SECTIONS``: which phase of the step computes it.
    lhs : str
        What is computed (``"z"``, ``"∂L/∂w₁"``, ``"m̂"``).
    formula : str
        The symbolic right-hand side (``"Σ wᵢaᵢ + b"``), or "" for ``value``.
    op : str
        A key of ``OPERATORS``.
    operands : tuple of Operand
    result : float
    params : dict
        Exact constants of the operator (never rounded for display).
    note : str
        What the numbers are (``"mean over the batch"``), or "".
    """

    section: str
    lhs: str
    formula: str
    op: str
    operands: tuple
    result: float
    params: dict = field(default_factory=dict)
    note: str = ""

    def values(self):
        return [o.value for o in self.operands]


def _dot(v, p):
    pairs = len(v) - bool(p.get("rest")) - bool(p.get("bias"))
    total = sum(v[i] * v[i + 1] for i in range(0, pairs, 2))
    return total + sum(v[pairs:])


def _activation(v, p, derivative=False):
    f = ACTIVATIONS.get(p["f"])
    z = np.array([[v[0]]], dtype=np.float64)
    a = f.forward(z)
    return float((f.derivative(z, a) if derivative else a)[0, 0])


def _softmax(v, p):
    z = np.array(v, dtype=np.float64)
    e = np.exp(z - z.max())
    return float(e[p["j"]] / e.sum())


def _bce(v, _p):
    y_hat, y = v
    return -(y * math.log(y_hat) + (1.0 - y) * math.log1p(-y_hat))


def _adaptive_step(v, p):
    lr, u, s = v[:3]
    step = -lr * u / (math.sqrt(s) + p["eps"])
    if p.get("decay") and len(v) > 3:
        step -= lr * p["decay"] * v[3]
    return step


OPERATORS = {
    "dot": _dot,
    "sum": lambda v, p: sum(v),
    "mean": lambda v, p: sum(v) / p["n"],
    "product": lambda v, p: p.get("sign", 1) * math.prod(v),
    "activation": _activation,
    "derivative": lambda v, p: _activation(v, p, derivative=True),
    "softmax": _softmax,
    "scaled_difference": lambda v, p: p["scale"] * (v[0] - v[1]),
    "softmax_backward": lambda v, p: v[0] * (v[1] - v[2]),
    "bce": _bce,
    "cce": lambda v, p: -sum(v[i] * math.log(v[i + 1]) for i in range(0, len(v), 2)),
    "mse": lambda v, p: sum((v[i] - v[i + 1]) ** 2 for i in range(0, len(v), 2)) / p["k"],
    "ema": lambda v, p: p["beta"] * v[0] + (1.0 - p["beta"]) * v[1],
    "ema_square": lambda v, p: p["beta"] * v[0] + (1.0 - p["beta"]) * v[1] ** 2,
    "axpy": lambda v, p: v[0] + p["c"] * v[1],
    "linear": lambda v, p: p["c1"] * v[0] + p["c2"] * v[1],
    "scale": lambda v, p: p["c"] * v[0],
    "add_square": lambda v, p: v[0] + v[1] ** 2,
    "sub_square": lambda v, p: v[0] - v[1] ** 2,
    "ratio": lambda v, p: v[0] / (math.sqrt(v[1]) + p["eps"]),
    "bias_correction": lambda v, p: v[0] / (1.0 - p["beta"] ** p["t"]),
    "maximum": lambda v, p: max(v),
    "adaptive_step": _adaptive_step,
    "value": None,
}


def evaluate(eq, values=None):
    """The result of ``eq``'s operator on ``values`` (default: its own operands' values).

    ``value`` equations state their result: it is returned as is.
    """
    if eq.op not in OPERATORS:
        raise UserInputError(f"Unknown equation operator {eq.op!r}: choose from "
                             f"{', '.join(OPERATORS)}.")
    if eq.op == "value":
        return eq.result
    return float(OPERATORS[eq.op](eq.values() if values is None else list(values), eq.params))


_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def sub(i):
    """Subscript of the 0-based index ``i``, numbered from 1 (``sub(0) == "₁"``)."""
    return str(i + 1).translate(_SUB)


def _f(x):
    return float(x)


def dot_equation(section, lhs, formula, pairs, symbols, bias=None, max_terms=8, note=""):
    """``Σ u·v (+ b)`` over ``pairs`` (list of (u, v)), the terms past ``max_terms`` summed.

    ``symbols(i)`` gives the two operand symbols of pair ``i``.
    """
    shown = pairs[:max_terms]
    operands = []
    for i, (u, v) in enumerate(shown):
        su, sv = symbols(i)
        operands += [Operand(su, _f(u)), Operand(sv, _f(v))]
    rest = sum(_f(u) * _f(v) for u, v in pairs[max_terms:])
    params = {"rest": len(pairs) > max_terms, "bias": bias is not None,
              "hidden": max(0, len(pairs) - max_terms)}
    if params["rest"]:
        operands.append(Operand("rest", rest))
    if bias is not None:
        operands.append(Operand("b", _f(bias)))
    total = sum(_f(u) * _f(v) for u, v in pairs) + (0.0 if bias is None else _f(bias))
    return Equation(section, lhs, formula, "dot", tuple(operands), total, params, note)


def reduce_equation(section, lhs, formula, values, symbol, op="sum", max_terms=8, note=""):
    """The sum (or ``op="mean"``) of ``values``, the ones past ``max_terms`` summed as one."""
    values = [_f(v) for v in values]
    operands = [Operand(f"{symbol}{sub(i)}", v) for i, v in enumerate(values[:max_terms])]
    params = {"n": len(values), "hidden": max(0, len(values) - max_terms)}
    if len(values) > max_terms:
        operands.append(Operand("rest", sum(values[max_terms:])))
    total = sum(values)
    result = total / len(values) if op == "mean" else total
    return Equation(section, lhs, formula, op, tuple(operands), result, params, note)
