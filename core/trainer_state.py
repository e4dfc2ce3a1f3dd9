"""Save and restore a ``Trainer``'s full state, so training continues bit-identically.

The state is a plain dict of copies: parameters, optimizer buffers and step count, the
shuffling/dropout generator's state, the position in the current epoch's permutation, the
epoch's running training loss and outputs so far (``RunningMetrics``), counters, history,
early-stopping bookkeeping and the live settings (learning rate, L1/L2, ...). It is restored
into a trainer built from the same dataset and an architecture-compatible config.
"""

import copy
import dataclasses

import numpy as np

from core.config import TrainConfig
from core.errors import UserInputError

STATE_VERSION = 1


def snapshot_state(trainer):
    """``Trainer.state_dict()``: a dict of copies (see the module docstring)."""
    t = trainer
    return {
        "version": STATE_VERSION,
        "config": t.config.to_dict(),
        "n_train": t._n,
        "params": [p.copy() for p in t._params],
        "optimizer": t.optimizer.state_dict(),
        "rng": copy.deepcopy(t.rng.bit_generator.state),
        "order": None if t._order is None else t._order.copy(),
        "pos": t._pos,
        "running": t._running.state_dict(t._pos),
        "step_count": t.step_count,
        "epoch": t.epoch,
        "last_loss": t.last_loss,
        "history": t.history.state_dict(),
        "best": t._best,
        "stopped_early": t.stopped_early,
        "stop_reason": t.stop_reason,
    }


def restore_state(trainer, state):
    """``Trainer.load_state_dict(state)``: copy ``state`` into ``trainer`` in place.

    Raises
    ------
    UserInputError
        The state belongs to another architecture or training set size, or another version.
    """
    t = trainer
    if state.get("version") != STATE_VERSION:
        raise UserInputError(
            f"Trainer state version {state.get('version')!r} is not supported "
            f"(expected {STATE_VERSION})."
        )
    _check_compatible(t, state)
    saved = TrainConfig.from_dict(state["config"])
    live = {k: getattr(saved, k) for k in ("lr", "l1", "l2", "epochs", "clip_norm")}
    t._set_config(dataclasses.replace(t.config, **live))
    for dst, src in zip(t._params, state["params"], strict=True):
        np.copyto(dst, src)
    t.optimizer.load_state_dict(state["optimizer"])
    t.rng.bit_generator.state = copy.deepcopy(state["rng"])
    t._pos = int(state["pos"])
    t._order = None if state["order"] is None else np.array(state["order"], dtype=np.int64)
    if t._order is not None:
        np.take(t.X_train, t._order, axis=0, out=t._Xp)
        np.take(t.y_train, t._order, axis=0, out=t._yp)
    # Optional: states saved before the running metrics existed restart them at "pos".
    t._running.load_state_dict(state.get("running"), t._pos)
    t.weights_changed()
    t.step_count = int(state["step_count"])
    t.epoch = int(state["epoch"])
    t.last_loss = float(state["last_loss"])
    t.history.load_state_dict(state["history"])
    t._best = tuple(state["best"])
    t.stopped_early = bool(state["stopped_early"])
    t.stop_reason = state["stop_reason"]
    for d in t.last_updates:
        d.fill(0)


def _check_compatible(t, state):
    shapes = [np.shape(p) for p in state["params"]]
    mine = [p.shape for p in t._params]
    if shapes != mine:
        raise UserInputError(
            f"Saved trainer state has parameter shapes {shapes}; this network needs {mine}."
        )
    if int(state["n_train"]) != t._n:
        raise UserInputError(
            f"Saved trainer state is for {state['n_train']} training rows; this dataset has "
            f"{t._n}. Load it with the same dataset."
        )
    if state["pos"] and state["order"] is None:
        raise UserInputError("Saved trainer state is mid-epoch but has no batch order.")
    saved_batch = state["config"].get("batch_size")
    if saved_batch != t.config.batch_size:
        raise UserInputError(
            f"Saved trainer state used batch size {saved_batch}; this trainer uses "
            f"{t.config.batch_size}."
        )
