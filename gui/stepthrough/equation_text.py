"""Render ``core.teach.equation_terms.Equation`` data as one line of text each.

``render(eq)`` returns a :class:`RenderedEquation`: the line, and the exact texts it shows
for each operand and for the result, so a test can read the numbers back at the precision
shown and check that the equation holds as displayed. Numbers have 4 significant digits
(more for a probability within 0.001 of 0 or 1, so ``ln(1 − ŷ)`` stays readable), a real
minus sign, and parentheses around negative factors. Exact constants of an operator (``n``,
β₁, ε) are written in full.
"""

import math
from dataclasses import dataclass

DIGITS = 4


def number_text(value, digits=DIGITS):
    """``value`` to ``digits`` significant digits with a real minus sign (never "−0")."""
    return f"{float(value) + 0.0:.{digits}g}".replace("-", "−")


def probability_text(value):
    """A probability: enough digits that its distance to 0 or 1 shows."""
    v = float(value)
    gap = min(abs(v), abs(1.0 - v))
    extra = 0 if gap >= 1e-3 or gap == 0 else min(12, int(-math.log10(gap)) - 2)
    return number_text(v, DIGITS + max(0, extra))


def parse_number(text):
    """The float of a ``number_text`` (the inverse, at the precision shown)."""
    return float(text.replace("−", "-"))


def exact_text(value):
    """An exact constant: the shortest text that reads back as ``value``."""
    v = float(value)
    short = f"{v:g}"
    return (short if float(short) == v else repr(v)).replace("-", "−")


@dataclass(frozen=True)
class RenderedEquation:
    """``text`` (one line), ``operand_texts`` (one per operand, as shown) and
    ``result_text``."""

    text: str
    operand_texts: tuple
    result_text: str


def _paren(text):
    return f"({text})" if text.startswith("−") else text


def _numeric(eq, t):
    """The right-hand side with the numbers ``t`` (operand texts) in place."""
    p, op = eq.params, eq.op
    if op == "dot":
        pairs = len(t) - bool(p.get("rest")) - bool(p.get("bias"))
        parts = [f"{_paren(t[i])}·{_paren(t[i + 1])}" for i in range(0, pairs, 2)]
        k = pairs
        if p.get("rest"):
            parts.append(f"[{p['hidden']} more terms: {_paren(t[k])}]")
            k += 1
        if p.get("bias"):
            parts.append(_paren(t[k]))
        return " + ".join(parts)
    if op in ("sum", "mean"):
        parts = list(t)
        if p.get("hidden"):
            parts[-1] = f"[{p['hidden']} more: {_paren(t[-1])}]"
        body = " + ".join(_paren(x) for x in parts)
        return f"({body})/{p['n']}" if op == "mean" else body
    simple = {
        "product": lambda: ("−" if p.get("sign", 1) < 0 else "") + "·".join(map(_paren, t)),
        "activation": lambda: f"{p['f']}({t[0]})",
        "derivative": lambda: f"{p['f']}′({t[0]})",
        "softmax_backward": lambda: f"{_paren(t[0])}·({t[1]} − {_paren(t[2])})",
        "bce": lambda: f"−[{t[1]}·ln {t[0]} + (1 − {t[1]})·ln(1 − {t[0]})]",
        "axpy": lambda: f"{t[0]} + {exact_text(p['c'])}·{_paren(t[1])}",
        "linear": lambda: (f"{exact_text(p['c1'])}·{_paren(t[0])} + "
                           f"{exact_text(p['c2'])}·{_paren(t[1])}"),
        "scale": lambda: f"{exact_text(p['c'])}·{_paren(t[0])}",
        "add_square": lambda: f"{t[0]} + {_paren(t[1])}²",
        "sub_square": lambda: f"{t[0]} − {_paren(t[1])}²",
        "ratio": lambda: f"{_paren(t[0])}/(√{t[1]} + {exact_text(p['eps'])})",
        "bias_correction": lambda: f"{_paren(t[0])}/(1 − {exact_text(p['beta'])}^{p['t']})",
        "maximum": lambda: f"max({', '.join(t)})",
        "ema": lambda: (f"{exact_text(p['beta'])}·{_paren(t[0])} + "
                        f"(1 − {exact_text(p['beta'])})·{_paren(t[1])}"),
        "ema_square": lambda: (f"{exact_text(p['beta'])}·{_paren(t[0])} + "
                               f"(1 − {exact_text(p['beta'])})·{_paren(t[1])}²"),
    }
    if op in simple:
        return simple[op]()
    return _numeric_more(eq, t)


def _numeric_more(eq, t):
    p, op = eq.params, eq.op
    if op == "softmax":
        return (f"e^{_paren(t[p['j']])} / ("
                + " + ".join(f"e^{_paren(x)}" for x in t) + ")")
    if op == "scaled_difference":
        if "k" in p:
            return f"2·({t[0]} − {t[1]})/({p['n']}·{p['k']})"
        return f"({t[0]} − {t[1]})/{p['n']}"
    if op == "cce":
        return "−(" + " + ".join(f"{t[i]}·ln {t[i + 1]}" for i in range(0, len(t), 2)) + ")"
    if op == "mse":
        body = " + ".join(f"({t[i]} − {t[i + 1]})²" for i in range(0, len(t), 2))
        return f"({body})/{p['k']}"
    if op == "adaptive_step":
        text = f"−{t[0]}·{_paren(t[1])}/(√{t[2]} + {exact_text(p['eps'])})"
        if len(t) > 3:
            text += f" − {t[0]}·{exact_text(p['decay'])}·{_paren(t[3])}"
        return text
    raise ValueError(f"no text for the equation operator {op!r}")


_PROBABILITY_OPS = ("bce", "cce")


def _operand_texts(eq):
    texts = []
    for o in eq.operands:
        prob = eq.op in _PROBABILITY_OPS and o.symbol.startswith("ŷ")
        texts.append(probability_text(o.value) if prob else number_text(o.value))
    return tuple(texts)


def render(eq):
    """One line for ``eq``: ``lhs = formula = numbers = result   (note)``."""
    result = number_text(eq.result)
    note = f"   ({eq.note})" if eq.note else ""
    if eq.op == "value":
        return RenderedEquation(f"{eq.lhs} = {result}{note}", (), result)
    texts = _operand_texts(eq)
    formula = f"{eq.formula} = " if eq.formula else ""
    line = f"{eq.lhs} = {formula}{_numeric(eq, texts)} = {result}{note}"
    return RenderedEquation(line, texts, result)
