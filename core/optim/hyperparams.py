"""Tunable settings: a default and a valid range per name, shared by optimizers and schedules.

The GUI builds a spin box (or check box) from each ``Hyper``; the command line and the config
validate user values with ``check_params``, so a bad value gets the same message everywhere.
"""

import numbers
from typing import NamedTuple

import numpy as np

from core.errors import UserInputError


class Hyper(NamedTuple):
    """One tunable value: its default and the closed range ``[low, high]`` it may take.

    The kind follows the default: ``bool`` (a check box), ``int``, ``float``, or a ``tuple``
    of floats (e.g. Adam's ``betas``; each element must lie in the range). With
    ``open_high`` the range is ``[low, high)``.
    """

    default: object
    low: float = 0.0
    high: float = 1.0
    doc: str = ""
    open_high: bool = False

    @property
    def kind(self):
        """``"bool"``, ``"int"``, ``"float"`` or ``"tuple"``."""
        return type(self.default).__name__

    def range_text(self):
        """The valid range as text, e.g. ``"[0, 1)"``."""
        return f"[{self.low:g}, {self.high:g}{')' if self.open_high else ']'}"

    def check(self, owner, name, value):
        """``value`` converted to this kind; ``UserInputError`` naming ``owner`` if invalid."""
        if self.kind == "bool":
            if not isinstance(value, (bool, np.bool_)):
                raise UserInputError(f"{owner}: {name} must be true or false, got {value!r}.")
            return bool(value)
        if self.kind == "tuple":
            n = len(self.default)
            if isinstance(value, (str, bytes)) or not hasattr(value, "__len__") or len(value) != n:
                raise UserInputError(
                    f"{owner}: {name} must be {n} numbers like {self.default}, got {value!r}."
                )
            return tuple(self._number(owner, f"{name}[{i}]", v) for i, v in enumerate(value))
        return self._number(owner, name, value)

    def _number(self, owner, name, value):
        want_int = self.kind == "int"
        ok_type = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
        if not ok_type or (want_int and not float(value).is_integer()):
            what = "a whole number" if want_int else "a number"
            raise UserInputError(f"{owner}: {name} must be {what}, got {value!r}.")
        value = int(value) if want_int else float(value)
        below_high = value < self.high if self.open_high else value <= self.high
        if not (self.low <= value and below_high):  # also rejects NaN
            raise UserInputError(
                f"{owner}: {name} = {value!r} is out of range. Use a value in "
                f"{self.range_text()} (default {self.default!r})."
            )
        return value


def check_params(owner, specs, given):
    """Validate ``given`` against ``specs`` and fill in defaults.

    Parameters
    ----------
    owner : str
        Who the values are for, used in messages, e.g. ``"adam optimizer"``.
    specs : dict[str, Hyper]
    given : dict
        Values supplied by the user; ``None`` means "use the default".

    Returns
    -------
    dict
        Every name in ``specs`` (in that order) with a valid value.
    """
    unknown = [name for name in given if name not in specs]
    if unknown:
        raise UserInputError(
            f"{owner} has no setting {unknown[0]!r}. Valid settings: {', '.join(specs)}."
        )
    values = {}
    for name, spec in specs.items():
        value = given.get(name)
        values[name] = spec.check(owner, name, spec.default if value is None else value)
    return values
