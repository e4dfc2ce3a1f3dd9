"""``Timeline``: a bounded-memory history of trainer states, for scrubbing back in time.

Recording: a state is kept when its step is at least ``spacing`` steps after the last kept
one. When more than ``max_states`` are kept (or they take more than ``max_bytes``), the
timeline *thins*: the spacing doubles and kept states closer than the new spacing to the
previous survivor are dropped (about every other one). A run of any length therefore keeps
between ``max_states / 2`` and ``max_states`` states spread evenly over the whole run, with
the newest end at most ``spacing`` steps behind. ``core.watch.norms.NormHistory`` thins the same way
(``thin_mask``).

Memory: a ``Trainer.state_dict()`` holds the parameters, the optimizer buffers, the epoch's
row order (``n_train`` int64), for a regression the epoch's running outputs so far (up to
``n_train × n_out`` floats; a classifier keeps a count) and the whole per-epoch history. The
history grows with the run and is append-only along one branch, so it is stored **once**
(the newest) and each state keeps only its row count. Measured per state: 9-12 kB for a
2-16-8-1 Adam network on 160 rows (512 states: ~6 MB); 114-125 kB for 64-32-32-10 Adam on
the digits (~60 MB); 157-168 kB for 64-64-10 Adam, where ``max_bytes`` (150 MB) still
leaves room for ``max_states``.

Branches: ``restore(trainer, step)`` loads the kept state nearest ``step`` and discards
nothing, so the user can scrub back and forward again. The first ``record`` at another step
after a restore (training resumed) starts a new branch: every kept state after the restored
step is dropped (it belongs to a future that no longer happens), and recording continues at
the current spacing from the restored step. Recording a step before the newest kept one
(without a restore) also drops the kept states at or after it. Training on from a restored
state is deterministic: it reproduces the original run exactly (``Trainer.state_dict`` holds
the generator state and the batch order). One timeline belongs to one run: ``clear()`` it
when the network or the data is replaced.
"""

import bisect

import numpy as np

_MAX_STATES = 512
_MAX_BYTES = 150_000_000


def thin_mask(steps, spacing):
    """Which of the increasing ``steps`` to keep so kept neighbours are ``>= spacing`` apart.

    The first step is always kept; each later one is kept when it is at least ``spacing``
    after the previous kept one (so evenly spaced steps lose every other one when the
    spacing doubles).

    Parameters
    ----------
    steps : sequence of int, shape (T,)
    spacing : int

    Returns
    -------
    ndarray of bool, shape (T,)
    """
    keep = np.zeros(len(steps), dtype=bool)
    last = None
    for i, s in enumerate(steps):
        if last is None or s - last >= spacing:
            keep[i] = True
            last = s
    return keep


def state_nbytes(state):
    """Approximate memory of a (nested) state dict: array bytes plus 64 per other value."""
    if isinstance(state, np.ndarray):
        return state.nbytes
    if isinstance(state, dict):
        return sum(state_nbytes(v) for v in state.values())
    if isinstance(state, list | tuple):
        return sum(state_nbytes(v) for v in state)
    return 64


class Timeline:
    """Kept trainer states over one run (see the module docstring).

    Parameters
    ----------
    max_states : int
        Most states kept (>= 4).
    max_bytes : int
        Most memory the states may take (approximately, ``state_nbytes``).
    spacing : int
        Initial steps between kept states (1 = every step).
    """

    def __init__(self, max_states=_MAX_STATES, max_bytes=_MAX_BYTES, spacing=1):
        if max_states < 4 or spacing < 1:
            raise ValueError("max_states must be >= 4 and spacing >= 1")
        self.max_states = int(max_states)
        self.max_bytes = int(max_bytes)
        self.spacing = int(spacing)
        self._steps = []  # increasing
        self._states = []  # state dicts without "history"; "history_rows" instead
        self._bytes = []
        self._history = None  # newest recorded history state (superset of every kept one)
        self._branch = None  # step restored last: the next record cuts what follows it

    # ---- recording -----------------------------------------------------------------------
    def wants(self, step):
        """True when ``record`` must be called for ``step`` (cheap: call it every step).

        That is when a state would be kept, or right after a restore once training has moved
        on (the old future is then dropped).
        """
        if not self._steps:
            return True
        if self._branch is not None:
            return step != self._branch
        return self._due(step)

    def next_due(self):
        """The first step count at which ``wants`` may be true again, assuming steps only
        increase from here (a training loop can skip ``record`` calls before it)."""
        if not self._steps:
            return 0
        if self._branch is not None:
            return self._branch + 1
        return self._steps[-1] + self.spacing

    def _due(self, step):
        last = self._steps[-1] if self._steps else None
        return last is None or step < last or step - last >= self.spacing

    def record(self, step, state):
        """Keep ``state`` (a ``Trainer.state_dict()``) for ``step`` when due.

        A state taken with ``state_dict(history=False)`` (``"history_rows"`` instead of the
        history) is kept too: call :meth:`set_history` with a newer history before
        :meth:`restore` (states recorded in another process arrive that way).

        Returns
        -------
        bool
            True when kept.
        """
        if not self.wants(step):
            return False
        if self._branch is not None:  # training resumed after a restore: a new branch
            self._cut(min(self._branch + 1, step))
            self._branch = None
        if not self._due(step):
            return False
        self._cut(step)  # a rewind without restore also starts a new branch
        stored = {k: v for k, v in state.items() if k != "history"}
        if "history" in state:
            stored["history_rows"] = int(np.shape(state["history"]["data"])[1])
            self._history = state["history"]
        self._steps.append(int(step))
        self._states.append(stored)
        self._bytes.append(state_nbytes(stored))
        while len(self._steps) > self.max_states or self.nbytes > self.max_bytes:
            if not self._thin():
                break
        return self._steps[-1] == step  # thinning may drop the newest state at once

    def record_trainer(self, trainer):
        """``record(trainer.step_count, trainer.state_dict())``, copying only when wanted."""
        step = trainer.step_count
        return self.wants(step) and self.record(step, trainer.state_dict())

    def _cut(self, first_dropped):
        """Forget kept states at steps ``>= first_dropped``."""
        k = bisect.bisect_left(self._steps, first_dropped)  # a list: no array conversion
        del self._steps[k:], self._states[k:], self._bytes[k:]

    def _thin(self):
        """Double the spacing and drop what is now too close; False if nothing can go."""
        if len(self._steps) <= 1:
            return False
        while True:  # more than one doubling only when the states were already sparse
            self.spacing *= 2
            keep = thin_mask(self._steps, self.spacing)
            if not keep.all():
                break
        for name in ("_steps", "_states", "_bytes"):
            old = getattr(self, name)
            setattr(self, name, [v for v, k in zip(old, keep, strict=True) if k])
        return True

    # ---- reading -------------------------------------------------------------------------
    def steps(self):
        """Kept steps, increasing (a new list)."""
        return list(self._steps)

    def __len__(self):
        return len(self._steps)

    @property
    def nbytes(self):
        """Approximate memory held: the kept states plus the one shared history."""
        history = 0 if self._history is None else state_nbytes(self._history)
        return sum(self._bytes) + history

    def nearest(self, step):
        """The kept step closest to ``step`` (the earlier one on a tie).

        Raises
        ------
        LookupError
            Nothing is kept yet.
        """
        if not self._steps:
            raise LookupError("the timeline is empty: nothing has been recorded yet")
        k = bisect.bisect_left(self._steps, step)
        candidates = self._steps[max(k - 1, 0):k + 1]
        return min(candidates, key=lambda s: (abs(s - step), s))

    def set_history(self, history):
        """Use ``history`` (a ``History.state_dict()`` of this run, at least as long as every
        kept state's) as the shared history from now on."""
        self._history = history

    def state_at(self, step):
        """The full ``state_dict`` kept for ``nearest(step)`` (shares arrays: do not modify)."""
        i = self._steps.index(self.nearest(step))
        stored = dict(self._states[i])
        rows = stored.pop("history_rows")
        h = self._history
        stored["history"] = {"columns": h["columns"], "data": h["data"][:, :rows]}
        return stored

    def restore(self, trainer, step):
        """Load the kept state nearest ``step`` into ``trainer``; returns the step restored.

        Nothing is discarded yet: the next ``record`` drops the states after this step.
        """
        s = self.nearest(step)
        trainer.load_state_dict(self.state_at(s))
        self._branch = s
        return s

    def copy(self):
        """An independent timeline with the same kept states (shared, as they are never
        written: only the lists that hold them are copied, so this is cheap)."""
        new = Timeline(self.max_states, self.max_bytes, self.spacing)
        new._steps, new._states, new._bytes = list(self._steps), list(self._states), \
            list(self._bytes)
        new._history, new._branch = self._history, self._branch
        return new

    def parts(self):
        """What a file needs to rebuild this timeline (shared, not copied).

        Returns
        -------
        settings : dict
            ``max_states``, ``max_bytes``, ``spacing``, ``branch`` (int or None).
        steps : list of int
            Kept steps, increasing.
        states : list of dict
            The kept ``state_dict(history=False)`` of each step.
        history : dict or None
            The shared history (``History.state_dict()``).
        """
        settings = {"max_states": self.max_states, "max_bytes": self.max_bytes,
                    "spacing": self.spacing, "branch": self._branch}
        return settings, list(self._steps), list(self._states), self._history

    @classmethod
    def from_parts(cls, settings, steps, states, history):
        """The timeline :meth:`parts` described (the caller has checked the parts)."""
        new = cls(settings["max_states"], settings["max_bytes"], settings["spacing"])
        new._steps = [int(s) for s in steps]
        new._states = list(states)
        new._bytes = [state_nbytes(state) for state in states]
        new._history, new._branch = history, settings["branch"]
        return new

    def clear(self, spacing=1):
        """Forget everything (a new network or dataset) and restart at ``spacing``."""
        self.__init__(self.max_states, self.max_bytes, spacing)

    def __repr__(self):
        span = f"steps {self._steps[0]}..{self._steps[-1]}" if self._steps else "empty"
        return (f"Timeline({len(self)} states, {span}, spacing={self.spacing}, "
                f"{self.nbytes / 1e6:.1f} MB)")
