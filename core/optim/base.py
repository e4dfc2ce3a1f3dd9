"""``Optimizer``: what every gradient-descent algorithm in ``core.optim.optimizers`` shares.

The base class holds the parameters, the hyperparameters (validated against the subclass's
``HYPERPARAMETERS``), the step count and the per-parameter state buffers, and saves and
restores them. A subclass implements ``_update`` over the rows that ``_rows`` yields.

Every optimizer updates the parameter arrays it was given **in place** and returns the change
it applied, so the GUI can show Δw. The hot path runs once per training step on networks so
small that Python overhead dominates, so the state, the returned Δ and a scratch array are
each one flat buffer (``core.nn.flat``) with a view per parameter. When the parameters are
themselves views of one buffer (``Network.params()``) and ``step`` is given the gradients as
one vector (``Network.flat_grads``), ``_rows`` yields a single row spanning every parameter:
the update is then a few ufunc calls in all, whatever the number of layers, and gives the same
values bit for bit (every update is elementwise). Every scalar is a Python float, so float32
parameters stay float32 (NEP 50).
"""

import numpy as np

from core.nn import flat
from core.optim.hyperparams import check_params


class Optimizer:
    """Base class: holds the parameters, hyperparameters, step count and state buffers.

    Parameters
    ----------
    params : list of np.ndarray
        The arrays to update in place, e.g. ``Network.params()`` = ``[W0, b0, W1, b1, ...]``.
    lr : float, optional
        Learning rate; the class default when omitted. Settable any time via ``opt.lr``.
    **hyper
        Other hyperparameters named in ``HYPERPARAMETERS``.
    """

    name = "optimizer"
    HYPERPARAMETERS: dict = {}
    BUFFERS: tuple = ()  # names of per-parameter state arrays, each shaped like its parameter
    NONNEGATIVE: tuple = ()  # buffers that are sums or averages of g² (never negative)

    def __init__(self, params, lr=None, **hyper):
        self.params = list(params)
        self._configure(self.validate(lr=lr, **hyper))
        self.t = 0
        self._shapes = [p.shape for p in self.params]
        self._size = sum(p.size for p in self.params)
        # The parameters as one vector when they tile one buffer (then flat updates are possible).
        self._flat_params = flat.tiled_buffer(self.params)
        one_dtype = len({p.dtype for p in self.params}) == 1
        self._state = {b: self._buffer(one_dtype)[1] for b in self.BUFFERS}
        self._state_lists = list(self._state.values())  # in BUFFERS order, for _rows
        self._flat_state = [flat.tiled_buffer(views) for views in self._state_lists]
        # Reused every step (no per-step allocation); returned by step() as the applied Δ.
        self.flat_delta, self._delta = self._buffer(one_dtype)
        self._flat_tmp, self._tmp = self._buffer(one_dtype)

    def _buffer(self, one_dtype):
        """``(flat, views)``: zeros shaped like the parameters, in one buffer when possible
        (``flat`` is None for parameters of mixed dtypes: one array each)."""
        if one_dtype and self.params:
            return flat.allocate(self._shapes, self.params[0].dtype)
        return None, [np.zeros_like(p) for p in self.params]

    @classmethod
    def validate(cls, **hyper):
        """All hyperparameters (defaults filled in), or ``UserInputError`` saying what is wrong."""
        return check_params(f"{cls.name} optimizer", cls.HYPERPARAMETERS, hyper)

    def _configure(self, values):
        self._hyper = {k: v for k, v in values.items() if k != "lr"}
        self._lr = values["lr"]

    @property
    def lr(self):
        """Learning rate used by the next ``step``."""
        return self._lr

    @lr.setter
    def lr(self, value):
        spec = self.HYPERPARAMETERS["lr"]
        if type(value) is float and spec.low <= value <= spec.high:  # the per-epoch fast path
            self._lr = value
        else:
            self._lr = spec.check(f"{self.name} optimizer", "lr", value)

    def hyperparameters(self):
        """Current hyperparameters, ``lr`` first, for display and saving."""
        return {"lr": self._lr, **self._hyper}

    def step(self, grads):
        """Apply one update to every parameter, in place.

        Parameters
        ----------
        grads : list of np.ndarray, or np.ndarray of shape (n_params,)
            ``dL/dparam`` for each parameter, same shapes and order as ``params``; or all of
            them back to back in one 1-D array (e.g. ``Network.flat_grads``), which updates
            parameters that tile one buffer in one go. Not modified.

        Returns
        -------
        list of np.ndarray
            The change Δ applied to each parameter (``new - old``), same shapes. The arrays are
            owned by the optimizer and overwritten by the next step: copy them to keep them.
            They are views of ``flat_delta`` (None for parameters of mixed dtypes).
        """
        if isinstance(grads, np.ndarray):
            if grads.shape != (self._size,):
                raise ValueError(f"got a gradient vector of shape {grads.shape} for "
                                 f"{self._size} parameter values")
        elif len(grads) != len(self.params):
            raise ValueError(f"got {len(grads)} gradients for {len(self.params)} parameters")
        self.t += 1
        self._update(grads)
        return self._delta

    def _update(self, grads):
        raise NotImplementedError

    def _rows(self, grads):
        """Rows ``(param, grad, delta, scratch, *buffers in BUFFERS order)`` to update.

        One row per parameter; or, for a gradient vector when the parameters and buffers are
        each one buffer, a single row of the whole 1-D buffers.
        """
        if isinstance(grads, np.ndarray):
            if self._flat_params is not None and self.flat_delta is not None:
                return ((self._flat_params, grads, self.flat_delta, self._flat_tmp,
                         *self._flat_state),)
            grads = flat.split(grads, self._shapes)
        return zip(self.params, grads, self._delta, self._tmp, *self._state_lists, strict=True)

    def _decayed(self, p, g, out):
        """``g + weight_decay·p`` written into ``out`` (the caller's gradient stays untouched)."""
        np.multiply(p, self._hyper["weight_decay"], out=out)
        out += g
        return out

    def state_dict(self):
        """Copies of everything needed to continue bit-identically.

        Returns
        -------
        dict
            ``{"optimizer": name, "t": int, "hyperparameters": dict,
            "buffers": {buffer_name: [array per parameter]}}``.
        """
        return {
            "optimizer": self.name,
            "t": self.t,
            "hyperparameters": self.hyperparameters(),
            "buffers": {b: [a.copy() for a in arrays] for b, arrays in self._state.items()},
        }

    def check_state_dict(self, d):
        """Validate a ``state_dict()`` without changing anything; returns the hyperparameters.

        See ``core.optim.state.check_state`` (``UserInputError`` for a damaged state).
        """
        from core.optim.state import check_state

        return check_state(self, d)

    def load_state_dict(self, d):
        """Restore a ``state_dict()``: step count, hyperparameters and buffers (copied in).

        Everything is checked first (``check_state_dict``): on error nothing changes.
        """
        values = self.check_state_dict(d)
        for buffer in self.BUFFERS:
            for dst, src in zip(self._state[buffer], d["buffers"][buffer], strict=True):
                np.copyto(dst, src)
        self._configure(values)
        self.t = int(d["t"])

    def __repr__(self):
        hyper = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({hyper}, t={self.t}, n_params={len(self.params)})"
