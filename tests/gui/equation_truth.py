"""Check an equation as displayed: its operands read back at the precision shown, evaluated
with the operator's definition, give the result shown, within what display rounding allows."""

import math
import re

from core.teach.equation_terms import evaluate
from gui.stepthrough.equation_text import DIGITS, parse_number


def half_unit(text):
    """Half a unit in the last place of a displayed number (``number_text``: at least
    ``DIGITS`` significant digits; more when the text has more)."""
    value = parse_number(text)
    if value == 0:
        return 0.0
    mantissa = re.split("[eE]", text)[0]
    digits = max(DIGITS, len(re.sub(r"\D", "", mantissa).lstrip("0")))
    return 0.5 * 10.0 ** (math.floor(math.log10(abs(value))) - digits + 1)


def _safe(eq, values):
    try:
        return evaluate(eq, values)
    except (ValueError, ZeroDivisionError, OverflowError):
        return math.nan


def rounding_tolerance(eq, values, units):
    """How far the result can move when each operand moves by its rounding (first order,
    both directions)."""
    base = evaluate(eq, values)
    total = 0.0
    for i, h in enumerate(units):
        if not h:
            continue
        moved = []
        for sign in (1, -1):
            shifted = list(values)
            shifted[i] += sign * h
            moved.append(abs(_safe(eq, shifted) - base))
        total += max(m for m in moved if not math.isnan(m)) if any(
            not math.isnan(m) for m in moved) else math.inf
    return total


def check_displayed(eq, rendered):
    """Assert that ``rendered`` (a ``RenderedEquation`` of ``eq``) holds as displayed."""
    assert rendered.result_text in rendered.text and all(
        t in rendered.text for t in rendered.operand_texts), rendered.text
    shown = parse_number(rendered.result_text)
    if eq.op == "value":
        return
    values = [parse_number(t) for t in rendered.operand_texts]
    got = evaluate(eq, values)
    allowed = (1.5 * rounding_tolerance(eq, values, [half_unit(t) for t in
                                                     rendered.operand_texts])
               + half_unit(rendered.result_text) + 1e-12 * abs(shown))
    assert abs(got - shown) <= allowed, (
        f"false as displayed: {rendered.text!r}: the operands shown give {got!r}, "
        f"the result shown is {shown!r} (display rounding allows ±{allowed:.3g})")
