"""A session's per-step records besides the trainer: the gradient-norm history
(``core.watch.norms.NormHistory``) and the timeline of kept trainer states
(``core.watch.timeline.Timeline``).

Both are optional members of a session file (files written before they existed open
without them). In the description, ``"norms"`` holds ``{"spacing", "n_layers"}`` with the
members ``norms.steps (T,)``, ``norms.grad (T, L)``, ``norms.weight (T, L)``; ``"timeline"``
holds its settings, the newest step reached (``head``), the kept steps, each kept state
(``state_dict(history=False)``, arrays as ``timeline.states.<i>.…`` members) and the shared
history (``timeline.history.…``). Reading checks every value before anything is built, as
for the rest of the file: a damaged record is a ``UserInputError`` naming the file.
"""

import numpy as np

from core.errors import UserInputError
from core.io.archive import join_arrays, split_arrays
from core.io.schema import is_count
from core.watch.norms import NormHistory
from core.watch.timeline import Timeline

#: Most rows of norms and kept states a file may declare (the app keeps 4,096 and 512).
MAX_NORM_ROWS = 1_000_000
MAX_TIMELINE_STATES = 100_000


# ----------------------------------------------------------------------------- writing
def norms_document(norms, arrays):
    """The description of ``norms`` (a ``NormHistory``); its arrays go into ``arrays``."""
    steps, grad, weight = norms.arrays()
    arrays.update({"norms.steps": steps, "norms.grad": grad, "norms.weight": weight})
    return {"spacing": norms.spacing, "n_layers": norms.n_layers}


def timeline_document(timeline, head, arrays):
    """The description of ``timeline`` (a ``Timeline``) reached up to step ``head``."""
    settings, steps, states, history = timeline.parts()
    return {**settings, "head": int(head if head is not None else max(steps, default=0)),
            "steps": steps,
            "states": [split_arrays(s, f"timeline.states.{i}", arrays)
                       for i, s in enumerate(states)],
            "history": None if history is None else split_arrays(history, "timeline.history",
                                                                 arrays)}


# ----------------------------------------------------------------------------- checking
def check_record_headers(document, archive, sizes, why):
    """Before any array is read: the records' members fit the session's network."""
    shapes = [s for a, b in zip(sizes[:-1], sizes[1:], strict=True) for s in ((a, b), (b,))]
    n_layers = len(sizes) - 1
    for name in ("grad", "weight"):
        archive.require_at_most(f"norms.{name}", MAX_NORM_ROWS * n_layers, why)
    archive.require_at_most("norms.steps", MAX_NORM_ROWS, why)
    for key in archive.headers:
        if key.startswith("timeline.states.") and ".params." in key:
            index = key.rsplit(".", 1)[-1]
            if index.isdigit() and int(index) < len(shapes):
                archive.require_shape(key, shapes[int(index)], why)


def _damaged(path, what):
    return UserInputError(f"{path}: the saved {what} is damaged. Save the session again.")


def _sorted_counts(values):
    return (isinstance(values, list) and all(is_count(v) for v in values)
            and all(a < b for a, b in zip(values, values[1:], strict=False)))


def read_norms(path, desc, arrays, n_layers):
    """The ``NormHistory`` described by ``desc`` (None when the file has none)."""
    if desc is None:
        return None
    what = "gradient-norm history"
    if not isinstance(desc, dict) or not is_count(desc.get("spacing")) or desc["spacing"] < 1 \
            or desc.get("n_layers") != n_layers:
        raise _damaged(path, what)
    steps, grad, weight = (arrays.get(f"norms.{k}") for k in ("steps", "grad", "weight"))
    ok = (isinstance(steps, np.ndarray) and steps.ndim == 1 and steps.dtype.kind in "iu"
          and _sorted_counts(steps.tolist()))
    for norms in (grad, weight):
        ok = ok and (isinstance(norms, np.ndarray) and norms.dtype.kind == "f"
                     and norms.shape == (len(steps), n_layers)
                     and not np.isinf(norms).any() and not (norms < 0).any())
    if not ok:
        raise _damaged(path, what)
    return NormHistory.from_arrays(steps, grad, weight, desc["spacing"])


def read_timeline(path, desc, arrays, scratch):
    """``(Timeline, head)`` described by ``desc`` (``(None, None)`` when the file has none).

    Every kept state is loaded into ``scratch`` (a ``Trainer`` of the session's data and
    network, not the one returned to the user), so a damaged state is refused here with
    the checks of ``Trainer.load_state_dict`` instead of failing when scrubbed to.
    """
    if desc is None:
        return None, None
    what = "timeline"
    if not isinstance(desc, dict):
        raise _damaged(path, what)
    settings = {k: desc.get(k) for k in ("max_states", "max_bytes", "spacing", "branch")}
    steps, states = desc.get("steps"), desc.get("states")
    ok = (is_count(settings["max_states"]) and settings["max_states"] >= 4
          and is_count(settings["max_bytes"]) and is_count(settings["spacing"])
          and settings["spacing"] >= 1 and is_count(desc.get("head"))
          and _sorted_counts(steps) and isinstance(states, list)
          and len(steps) == len(states) <= MAX_TIMELINE_STATES
          and (settings["branch"] is None or settings["branch"] in steps))
    if not ok:
        raise _damaged(path, what)
    history = desc.get("history")
    history = None if history is None else join_arrays(history, arrays, path)
    states = [join_arrays(s, arrays, path) for s in states]
    timeline = Timeline.from_parts(settings, steps, states, history)
    for step, state in zip(steps, states, strict=True):
        _check_kept_state(path, timeline, step, state, scratch)
    return timeline, max(desc["head"], *steps) if steps else desc["head"]


def _check_kept_state(path, timeline, step, state, scratch):
    rows = state.get("history_rows") if isinstance(state, dict) else None
    history = timeline.parts()[3]
    if (not is_count(rows) or state.get("step_count") != step or history is None
            or not isinstance(history, dict)):
        raise _damaged(path, f"timeline state at step {step}")
    try:
        scratch.load_state_dict(timeline.state_at(step))
    except UserInputError as e:
        raise UserInputError(f"{path}: the timeline state at step {step} does not fit the "
                             f"session ({e}). Save the session again.") from None
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as e:
        raise UserInputError(f"{path}: the timeline state at step {step} is damaged "
                             f"({type(e).__name__}: {e}). Save the session again.") from None
