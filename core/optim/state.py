"""Validation of a saved optimizer state (``Optimizer.state_dict()``), e.g. from a file.

A damaged or hand-edited session can hold a negative or fractional step count (Adam divides
by ``1 - β₁ᵗ``: zero at ``t = 0`` after the increment of a ``t = -1``), NaN buffers, or
negative running sums of g² (whose square roots are NaN). ``check_state`` refuses all of
them with a ``UserInputError`` before anything is restored.
"""

import numbers

import numpy as np

from core.errors import UserInputError

#: Largest step count a saved state may hold (keeps ``β^t`` and ``t·lr_decay`` in float range).
MAX_STEPS = 10**15


def check_state(opt, d):
    """Validate ``d`` for optimizer ``opt``; returns its validated hyperparameters.

    Raises
    ------
    UserInputError
        Another optimizer; a step count ``t`` that is not a whole number in
        ``[0, MAX_STEPS]``; buffers of other shapes, not numbers, not finite, or negative
        where the algorithm needs them >= 0 (``opt.NONNEGATIVE``: running sums of g²).
    """
    if not isinstance(d, dict) or d.get("optimizer") != opt.name:
        found = d.get("optimizer") if isinstance(d, dict) else d
        raise UserInputError(f"Saved optimizer state is for {found!r}, not {opt.name!r}.")
    t = d.get("t")
    if not (isinstance(t, numbers.Integral) and not isinstance(t, bool) and 0 <= t <= MAX_STEPS):
        raise UserInputError(
            f"Saved {opt.name} state has step count t = {t!r}; it must be a whole number "
            f"from 0 to {MAX_STEPS}. The file is damaged: save it again.")
    hyper, buffers = d.get("hyperparameters"), d.get("buffers")
    if not isinstance(hyper, dict) or not isinstance(buffers, dict):
        raise UserInputError(f"Saved {opt.name} state lacks its settings or buffers.")
    values = opt.validate(**hyper)
    for buffer in opt.BUFFERS:
        _check_buffer(opt, buffer, buffers.get(buffer))
    return values


def _check_buffer(opt, buffer, saved):
    mine = [a.shape for a in opt._state[buffer]]
    if not isinstance(saved, list | tuple):
        raise UserInputError(f"Saved {opt.name} state lacks its {buffer!r} buffers.")
    shapes = [np.shape(a) for a in saved]
    if shapes != mine:
        raise UserInputError(
            f"Saved {opt.name} state {buffer!r} has shapes {shapes}; the network "
            f"needs {mine}. Was it saved for another architecture?"
        )
    for i, a in enumerate(saved):
        a = np.asarray(a)
        bad = ("holds values that are not numbers" if a.dtype.kind not in "fiu"
               else "holds NaN or infinite values" if not np.isfinite(a).all()
               else "holds negative values" if buffer in opt.NONNEGATIVE and (a < 0).any()
               else None)
        if bad:
            raise UserInputError(
                f"Saved {opt.name} state {buffer!r} of parameter {i} {bad}; "
                "the file is damaged: save it again.")
