"""Save and restore a ``Trainer``'s full state, so training continues bit-identically.

The state is a plain dict of copies: parameters, optimizer buffers and step count, the
shuffling/dropout generator's state, the position in the current epoch's permutation, the
epoch's running training loss and correct count (or regression outputs) so far
(``RunningMetrics``), counters, history, early-stopping bookkeeping and the live settings
(learning rate, L1/L2, ...). It is restored into a trainer built from the same dataset and
an architecture-compatible config.
"""

import copy
import dataclasses

import numpy as np

from core.errors import UserInputError
from core.train.config import TrainConfig

STATE_VERSION = 1


def snapshot_state(trainer, history=True):
    """``Trainer.state_dict()``: a dict of copies (see the module docstring). With
    ``history=False`` the per-epoch history is left out and ``"history_rows"`` (its length)
    stands in for it (``core.watch.timeline.Timeline.record`` accepts both)."""
    t = trainer
    state = {
        "version": STATE_VERSION,
        "config": t.config.to_dict(),
        "n_train": t._n,
        "params": [p.copy() for p in t._params],
        "optimizer": t.optimizer.state_dict(),
        "rng": copy.deepcopy(t.rng.bit_generator.state),
        "order": None if t._order is None else t._order.copy(),
        "pos": t._pos,
        "running": t._running.state_dict(t._pos, t._order),
        "step_count": t.step_count,
        "epoch": t.epoch,
        "last_loss": t.last_loss,
        "best": t._best,
        "stopped_early": t.stopped_early,
        "stop_reason": t.stop_reason,
    }
    if history:
        state["history"] = t.history.state_dict()
    else:
        state["history_rows"] = len(t.history)
    return state


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
    config = dataclasses.replace(t.config, **live)
    config.validate(t.dataset)  # e.g. a NaN L1 strength in a damaged file
    t.optimizer.check_state_dict(state["optimizer"])  # before anything changes
    t._set_config(config)
    t.optimizer.load_state_dict(state["optimizer"])
    for dst, src in zip(t._params, state["params"], strict=True):
        np.copyto(dst, src)
    t.rng.bit_generator.state = copy.deepcopy(state["rng"])
    t._pos = int(state["pos"])
    t._order = None if state["order"] is None else np.array(state["order"], dtype=np.int64)
    t._rows_due = t._order is not None  # the rows follow the order at the next step
    # Optional: states saved before the running metrics existed restart them at "pos".
    t._running.load_state_dict(state.get("running"), t._pos, t._order)
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


def use_pipeline(trainer, pipeline):
    """``Trainer.set_pipeline``: feed the network through ``pipeline`` from now on.

    Used when weights trained with another input scaling are loaded: they only make sense
    with the inputs scaled as during their training. The derived features must be the same
    (they define what the inputs are); the standardisation (on/off, mean and std) may differ.
    The data are transformed again in place, mid-epoch batch order kept, and
    ``config.standardize`` follows the pipeline.

    Raises
    ------
    UserInputError
        Other derived features or input count, or inputs that become non-finite.
    """
    t = trainer
    if tuple(pipeline.features) != tuple(t.pipeline.features):
        raise UserInputError(
            f"The input pipeline uses derived features {list(pipeline.features)}; this network's "
            f"inputs use {list(t.pipeline.features)}."
        )
    if pipeline.n_inputs is None:
        pipeline.n_inputs = t.dataset.n_inputs
    with np.errstate(all="ignore"):  # overflow is checked just below
        X_train = pipeline.transform(t.dataset.X_train, dtype=t.dtype)
        X_test = pipeline.transform(t.dataset.X_test, dtype=t.dtype)
    if X_train.shape != t.X_train.shape or not (np.isfinite(X_train).all()
                                                and np.isfinite(X_test).all()):
        raise UserInputError("The input scaling does not fit this data: the scaled inputs "
                             "are not finite numbers of the network's input count.")
    t.pipeline = pipeline
    if t.X_train.flags.writeable:
        np.copyto(t.X_train, X_train)  # in place: the unshuffled rows may alias it
    else:  # shared, read-only inputs (``core.watch.shared_inputs``): other trainers read them
        _rebind_train_inputs(t, X_train)
    t.X_test = X_test
    t._rows_due = t._order is not None  # the shuffled copy follows the new scaling
    t.config = dataclasses.replace(t.config, standardize=pipeline.standardize)
    t._surface_cache = {}


def use_inputs(trainer, X_train, X_test):
    """Feed ``trainer`` from ``X_train``, ``X_test``: arrays equal to its own network inputs
    (the same data, input pipeline and dtype, made elsewhere: shared memory that the
    training process maps instead of receiving a copy). Nothing else changes.

    Raises
    ------
    UserInputError
        Arrays of another shape or dtype than the trainer's inputs.
    """
    t = trainer
    for mine, given in ((t.X_train, X_train), (t.X_test, X_test)):
        if given.shape != mine.shape or given.dtype != mine.dtype:
            raise UserInputError(f"Network inputs of shape {given.shape} {given.dtype.name} "
                                 f"cannot replace {mine.shape} {mine.dtype.name}.")
    _rebind_train_inputs(t, X_train)
    t.X_test = X_test


def _rebind_train_inputs(trainer, X_train):
    if trainer._Xp is trainer.X_train:  # the unshuffled rows are read from the inputs
        trainer._Xp = X_train
    trainer.X_train = X_train
