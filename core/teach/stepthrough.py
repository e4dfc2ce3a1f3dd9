"""``StepThrough``: one training step split into phases a student can advance one at a time.

The phases are: forward through each layer (pre-activations ``z`` and activations ``a``), the
loss, backward through each layer from the output down (``δ = dL/dz`` and ``∂L/∂W``), and the
update (``Δw`` and the new weights).

Design (bit-identity with the least duplication): nothing here re-implements the trainer's
step. At construction a *shadow* trainer is built on the same data and config, loaded with the
real trainer's ``state_dict()``, and advanced by the ordinary ``Trainer.step()``; its layer
caches (``x, z, a, mask, delta, dW, db, grad_x``) and ``last_updates`` are copied into the
phase results. The real trainer is untouched until the ``update`` phase, which calls the real
``trainer.step()`` and checks that it produced exactly the weights shown. So after
``finish()`` the trainer is in the state a plain ``trainer.step()`` gives, by construction,
and the numbers displayed are the numbers applied (same state in, same code, same result).

Per-example and batch values: arrays with a leading batch axis ``n`` are per example. Losses
are batch means, so every per-example ``δ`` already contains the factor ``1/n``: the batch
gradient is the **sum** over examples of ``x_i ⊗ δ_i`` (``PhaseResult.batch_sum``), while
``z`` and ``a`` are summarised by their **mean** (``PhaseResult.batch_mean``).
"""

from dataclasses import dataclass, field

import numpy as np

from core.errors import UserInputError

PHASE_KINDS = ("forward", "loss", "backward", "update")


@dataclass(frozen=True)
class Phase:
    """One phase of a step: ``kind`` in ``PHASE_KINDS``, ``layer`` index (or None), texts."""

    kind: str
    layer: int | None
    title: str
    description: str


@dataclass(frozen=True)
class PhaseResult:
    """The numbers of one phase: read-only copies.

    Attributes
    ----------
    phase : Phase
    arrays : dict of str to ndarray or tuple of ndarray
        See ``StepThrough`` for the keys of each phase kind.
    values : dict
        Scalars: ``n`` (batch rows) except for update; loss: ``loss``, ``data_loss``, ``penalty``,
        ``loss_name``, ``fused`` (loss computed from the logits with its link activation);
        update: ``lr``, ``optimizer``, ``plain_sgd`` (Δw = −η·∂L/∂w exactly).
    """

    phase: Phase
    arrays: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)

    def __getitem__(self, name):
        return self.arrays[name]

    def example(self, name, index):
        """Row ``index`` of a per-example array (leading axis ``n``)."""
        return self.arrays[name][index]

    def batch_mean(self, name):
        """Mean over the batch axis (for ``z``, ``a``, inputs): shape without the leading ``n``."""
        return self.arrays[name].mean(axis=0)

    def batch_sum(self, name):
        """Sum over the batch axis (for ``δ``: it holds 1/n already, so this is ``∂L/∂b``)."""
        return self.arrays[name].sum(axis=0)

    def __repr__(self):
        keys = ", ".join(self.arrays)
        return f"PhaseResult({self.phase.title!r}, arrays=[{keys}])"


def layer_name(layer, n_layers):
    """Display name of layer ``layer`` of ``n_layers``: ``"Hidden 1"`` … or ``"Output"``."""
    return "Output" if layer == n_layers - 1 else f"Hidden {layer + 1}"


def _phases(network, optimizer_name):
    L = len(network.layers)
    out = []
    for i, layer in enumerate(network.layers):
        f = layer.activation.name
        out.append(Phase("forward", i, f"Forward · {layer_name(i, L)}",
                         f"Each neuron adds up its weighted inputs plus its bias, "
                         f"z = Σ wᵢaᵢ + b, then applies {f}: a = {f}(z)."))
    out.append(Phase("loss", None, "Loss",
                     "Compare the outputs with the targets: the loss measures how wrong the "
                     "network is on this batch; dL/dz at the outputs starts the backward pass."))
    for i in range(L - 1, -1, -1):
        rule = ("δ = dL/dz comes straight from the loss" if i == L - 1 else
                "δ = f′(z)·Σ w·δ_next: the blame flows back along the outgoing weights")
        out.append(Phase("backward", i, f"Backward · {layer_name(i, L)}",
                         f"{rule}; each weight's gradient is ∂L/∂w = a_prev·δ."))
    out.append(Phase("update", None, "Update · all layers",
                     f"The {optimizer_name} optimizer changes every weight by Δw "
                     "(plain SGD: Δw = −η·∂L/∂w)."))
    return out


def _ro(a):
    """A read-only copy (None stays None)."""
    if a is None:
        return None
    c = np.array(a, copy=True)
    c.flags.writeable = False
    return c


def _shadow(trainer, state):
    """A trainer in exactly ``trainer``'s state (``state``), to step without touching it."""
    from core.train.trainer import Trainer  # the trainer imports nothing from here; keep it lazy

    # The trainer's own pipeline: refitting one on the data would differ from it after
    # weights were loaded with the input scaling they were trained with.
    shadow = Trainer(trainer.dataset, trainer.config, network=trainer.network.copy(),
                     pipeline=trainer.pipeline)
    shadow.load_state_dict(state)
    return shadow


def _batch_rows(before, shadow, n_rows):
    """Training-set row indices (n_rows,) of the batch the shadow just trained on, from
    public state only.

    ``before["pos"]`` is where the batch starts in the epoch's row order. Mid-epoch that order
    is ``before["order"]``; a step starting an epoch draws it, and it is then in the shadow's
    state (a shuffled epoch has at least two steps, so it has not ended yet). No order means
    the rows are not shuffled (one full batch).
    """
    start = int(before["pos"])
    order = before["order"] if start else shadow.state_dict()["order"]
    rows = np.arange(start, start + n_rows)
    return rows if order is None else np.asarray(order)[rows]


def _example_losses(loss, output_activation, z, a, y):
    """Per-example data loss (n,) whose mean is the batch data loss."""
    fused = loss.link is not None and loss.link == output_activation
    rows = range(len(y))
    if fused:
        return np.array([loss.value_from_logits(z[i:i + 1], y[i:i + 1]) for i in rows])
    return np.array([loss.value(a[i:i + 1], y[i:i + 1]) for i in rows])


class StepThrough:
    """Split the trainer's next step into phases; ``finish()`` leaves it as ``step()`` would.

    Parameters
    ----------
    trainer : Trainer
        Left untouched until the ``update`` phase, which calls ``trainer.step()``.

    Raises
    ------
    TrainingDiverged
        The step would diverge (raised by the shadow step; the trainer is untouched).

    Notes
    -----
    Keys of ``PhaseResult.arrays`` (``n`` = batch rows, ``i``/``o`` = fan-in/fan-out):

    - forward: ``x`` (n, i) the layer's input, ``W`` (i, o) and ``b`` (o,) before the update,
      ``z`` (n, o), ``a`` (n, o) = f(z), ``mask`` (n, o) dropout mask or None.
    - loss: ``target`` y, ``logits`` z, ``output`` a, ``example_loss`` (n,), ``delta`` (n, k)
      = dL/dz of the output, ``rows`` (n,) the training-set rows of the batch and
      ``raw_inputs`` (n, d) their inputs as in the data set; values ``loss`` (objective incl.
      penalty, what ``step()`` returns), ``data_loss``, ``penalty``, ``task``,
      ``input_names``, ``target_names``.
    - backward: ``delta`` (n, o) = dL/dz, ``grad_out`` (n, o) = Σ_k w_jk δ_next,k (None for
      the output layer), ``fprime`` (n, o) = f′(z) (None for softmax), ``mask``, ``x`` (n, i),
      ``grad_W_data`` (i, o) = xᵀδ, ``grad_W`` (i, o) and ``grad_b`` (o,) as the optimizer
      received them (L1/L2 added, clipping applied).
    - update: tuples over layers ``W_before``, ``W_change``, ``W_after``, ``b_before``,
      ``b_change``, ``b_after``, ``grad_W``, ``grad_b``, and the optimizer's buffers per
      parameter (``W0, b0, W1, …``) before and after the step as ``state_before:<buffer>`` and
      ``state_after:<buffer>`` (e.g. ``state_after:exp_avg``); values ``lr``, ``optimizer``,
      ``plain_sgd``, ``hyperparameters``, ``t`` (the optimizer's step count after it).

    Attributes
    ----------
    phases : list of Phase
    loss : float
        The step's objective (what ``trainer.step()`` returns).
    start_step : int
        ``trainer.step_count`` when created; the update phase refuses to run if the trainer
        was stepped or its weights edited meanwhile (``UserInputError``).
    activation_names : tuple of str
        One per layer.
    """

    def __init__(self, trainer):
        self.trainer = trainer
        self.start_step = trainer.step_count
        self._before = [p.copy() for p in trainer.network.params()]
        state = trainer.state_dict()
        shadow = _shadow(trainer, state)
        self._optimizer_before = shadow.optimizer.state_dict()
        self.loss = shadow.step()
        self._after = [p.copy() for p in shadow.network.params()]
        self.activation_names = tuple(shadow.network.activation_names)
        self.phases = _phases(shadow.network, shadow.config.optimizer)
        self._results = self._collect(shadow, state)
        self._next = 0

    # ---- public API ----------------------------------------------------------------------
    @property
    def done(self):
        """True once every phase has been advanced (the trainer has then stepped)."""
        return self._next == len(self.phases)

    @property
    def current(self):
        """Index of the next phase to advance (``len(phases)`` when done)."""
        return self._next

    def advance(self):
        """Run the next phase and return its ``PhaseResult``; the last one steps the trainer."""
        if self.done:
            raise UserInputError("This step is finished: start a new step-through.")
        result = self._results[self._next]
        if result.phase.kind == "update":
            self._apply()
        self._next += 1
        return result

    def finish(self):
        """Run every remaining phase; returns their results (the trainer has stepped)."""
        out = []
        while not self.done:
            out.append(self.advance())
        return out

    def result(self, index):
        """The result of phase ``index`` (available before advancing, for look-ahead views)."""
        return self._results[index]

    def results(self):
        """All phase results, in phase order."""
        return list(self._results)

    # ---- the real step -------------------------------------------------------------------
    def _apply(self):
        t = self.trainer
        current = t.network.params()
        unchanged = t.step_count == self.start_step and all(
            np.array_equal(a, b) for a, b in zip(current, self._before, strict=True))
        if not unchanged:
            raise UserInputError(
                "The network changed since this step-through began (it was trained or "
                "edited): start a new step-through."
            )
        t.step()
        for got, shown in zip(t.network.params(), self._after, strict=True):
            if not np.array_equal(got, shown):
                raise RuntimeError("step-through disagrees with Trainer.step(); please report")

    # ---- collecting the shadow's caches --------------------------------------------------
    def _collect(self, shadow, before):
        net = shadow.network
        layers = net.layers
        results = [self._forward(p, layers[p.layer], self._before, p.layer)
                   for p in self.phases if p.kind == "forward"]
        results.append(self._loss_result(shadow, before))
        for p in self.phases:
            if p.kind == "backward":
                results.append(self._backward(p, layers, p.layer))
        results.append(self._update(shadow))
        return results

    def _forward(self, phase, layer, before, i):
        arrays = {"x": _ro(layer.x), "W": _ro(before[2 * i]), "b": _ro(before[2 * i + 1]),
                  "z": _ro(layer.z), "a": _ro(layer.a), "mask": _ro(layer.mask)}
        return PhaseResult(phase, arrays, {"n": len(layer.z)})

    def _loss_result(self, shadow, before):
        out = shadow.network.layers[-1]
        n = len(out.z)
        rows = _batch_rows(before, shadow, n)
        y = shadow.y_train[rows]
        data = shadow.dataset
        per = _example_losses(shadow.loss, shadow.config.output_activation, out.z, out.a, y)
        mean = float(per.mean())
        arrays = {"target": _ro(y), "logits": _ro(out.z), "output": _ro(out.a),
                  "example_loss": _ro(per), "delta": _ro(out.delta), "rows": _ro(rows),
                  "raw_inputs": _ro(data.X_train[rows])}
        values = {"loss": self.loss, "data_loss": mean, "penalty": self.loss - mean, "n": n,
                  "loss_name": shadow.loss.name, "task": data.task,
                  "input_names": tuple(data.input_names),
                  "target_names": tuple(data.target_names),
                  "fused": shadow.loss.link == shadow.config.output_activation}
        phase = next(p for p in self.phases if p.kind == "loss")
        return PhaseResult(phase, arrays, values)

    def _backward(self, phase, layers, i):
        layer = layers[i]
        act = layer.activation
        last = i == len(layers) - 1
        arrays = {
            "delta": _ro(layer.delta),
            "grad_out": None if last else _ro(layers[i + 1].grad_x),
            "fprime": _ro(act.derivative(layer.z, layer.a)) if act.elementwise else None,
            "mask": _ro(layer.mask),
            "x": _ro(layer.x),
            "grad_W_data": _ro(layer.x.T @ layer.delta),
            "grad_W": _ro(layer.dW),
            "grad_b": _ro(layer.db),
        }
        return PhaseResult(phase, arrays, {"n": len(layer.delta)})

    def _update(self, shadow):
        before, after = self._before, self._after
        changes = [_ro(d) for d in shadow.last_updates]
        grads = shadow.network.grads()
        arrays = {
            "W_before": tuple(_ro(p) for p in before[0::2]),
            "b_before": tuple(_ro(p) for p in before[1::2]),
            "W_change": tuple(changes[0::2]),
            "b_change": tuple(changes[1::2]),
            "W_after": tuple(_ro(p) for p in after[0::2]),
            "b_after": tuple(_ro(p) for p in after[1::2]),
            "grad_W": tuple(_ro(g) for g in grads[0::2]),
            "grad_b": tuple(_ro(g) for g in grads[1::2]),
        }
        hyper = shadow.optimizer.hyperparameters()
        plain = (shadow.optimizer.name == "sgd" and not hyper.get("momentum")
                 and not hyper.get("weight_decay"))
        state_after = shadow.optimizer.state_dict()
        for name, per_param in self._optimizer_before["buffers"].items():
            arrays[f"state_before:{name}"] = tuple(_ro(a) for a in per_param)
            arrays[f"state_after:{name}"] = tuple(_ro(a) for a in state_after["buffers"][name])
        values = {"lr": float(shadow.optimizer.lr), "optimizer": shadow.optimizer.name,
                  "plain_sgd": plain, "hyperparameters": dict(hyper),
                  "t": int(state_after["t"])}
        return PhaseResult(self.phases[-1], arrays, values)

    def __repr__(self):
        nxt = self.phases[self._next].title if not self.done else "done"
        return (f"StepThrough(step {self.start_step + 1}, phase {self._next}/"
                f"{len(self.phases)}: {nxt})")
