"""Training health: a run that cannot learn any more, said in words, with what to try.

Overflow is caught by ``core.train.guard`` (``TrainingDiverged``). This module catches the
quiet failures, where training goes on but nothing can improve:

- **dead ReLU layer**: every ReLU unit of a hidden layer outputs 0 for every training
  example, so no gradient flows through that layer again (its units are dead for good);
- **saturated units, vanishing gradients**: the tanh/sigmoid units of a hidden layer sit on
  their flat tails for almost every example and the first layer's gradient is vanishingly
  small next to its weights, while the loss is no better than at the start;
- **flat loss**: the training loss has not moved for many epochs and is no better than at
  the start.

``diagnose(info, snapshot)`` reads only a ``TrainerInfo`` and a ``Snapshot`` (copies; it
never touches a trainer), so it runs wherever snapshots arrive. It returns a
:class:`HealthProblem` or None.
"""

import math
from dataclasses import dataclass

import numpy as np

from core.nn.activations import ACTIVATIONS

#: Training rows probed for dead and saturated units (all of them up to this many).
PROBE_ROWS = 2000
#: A tanh unit is saturated where |a| > this; a sigmoid unit where a < 1 − this or a > this.
SATURATED_AT = 0.99
#: Share of (example, unit) pairs of a layer that must be saturated.
SATURATED_SHARE = 0.95
#: ‖∂L/∂W₁‖ / ‖W₁‖ below this: the first layer has stopped learning.
VANISHING_RATIO = 1e-4
#: Epochs a run must have trained before saturation or a flat loss is judged.
MIN_EPOCHS = 5
#: The loss is "flat" when it moved by less than this share of its size over the window.
FLAT_RELATIVE = 1e-3
#: The window of a flat loss: this many epochs and at least ``FLAT_MIN_STEPS`` steps.
FLAT_EPOCHS = 50
FLAT_MIN_STEPS = 500
#: "No better than at the start": above this share of the first epoch's loss.
NO_PROGRESS = 0.5


@dataclass(frozen=True)
class HealthProblem:
    """``kind`` ("dead_relu", "saturated" or "flat_loss"), ``layer`` (0-based hidden layer,
    or None), ``step`` (the snapshot's step) and ``message`` (what happened, what to try)."""

    kind: str
    layer: int | None
    step: int
    message: str


def _layer_label(i):
    return f"hidden layer {i + 1}"


def _probe_activations(info, snapshot):
    """Every hidden layer's activations ``(n, units)`` on the training rows (≤ PROBE_ROWS)."""
    X = info.pipeline.transform(info.dataset.X_train[:PROBE_ROWS])
    a, out = X, []
    for W, b, name in zip(snapshot.weights[:-1], snapshot.biases[:-1],
                          info.activation_names[:-1], strict=True):
        a = ACTIVATIONS.get(name).forward(a @ W + b)
        out.append(a)
    return out


def _dead_relu(info, snapshot, hidden):
    for i, (a, name) in enumerate(zip(hidden, info.activation_names, strict=False)):
        if name == "relu" and a.size and not np.any(a > 0):
            return HealthProblem(
                "dead_relu", i, snapshot.step,
                f"Every ReLU unit of {_layer_label(i)} outputs 0 for every training example "
                f"(step {snapshot.step}): no gradient can flow through it, so the network can "
                "no longer learn. Try a smaller learning rate, leaky_relu or elu, or He "
                "initialisation, then Reset.")
    return None


def _saturated_share(a, name):
    if name == "tanh":
        return float(np.mean(np.abs(a) > SATURATED_AT))
    return float(np.mean((a < 1.0 - SATURATED_AT) | (a > SATURATED_AT)))


def _no_progress(snapshot):
    loss = np.asarray(snapshot.history["train_loss"], dtype=np.float64)
    loss = loss[np.isfinite(loss)]
    return len(loss) >= 1 and loss[-1] > NO_PROGRESS * loss[0], loss


def _saturated(info, snapshot, hidden):
    if snapshot.epoch < MIN_EPOCHS or not _no_progress(snapshot)[0]:
        return None
    w, g = snapshot.weights[0], snapshot.weight_grads[0]
    ratio = float(np.linalg.norm(g)) / (float(np.linalg.norm(w)) + 1e-12)
    if ratio >= VANISHING_RATIO:
        return None
    for i, (a, name) in enumerate(zip(hidden, info.activation_names, strict=False)):
        if name in ("tanh", "sigmoid") and _saturated_share(a, name) >= SATURATED_SHARE:
            share = _saturated_share(a, name)
            return HealthProblem(
                "saturated", i, snapshot.step,
                f"The {name} units of {_layer_label(i)} are saturated ({share:.0%} of their "
                f"outputs sit on the flat tails of {name}) and the first layer's gradients "
                f"have vanished (‖∂L/∂W₁‖/‖W₁‖ = {ratio:.1e}), so learning has stalled "
                f"(step {snapshot.step}). Try a smaller learning rate, Xavier "
                "initialisation, or standardised inputs, then Reset.")
    return None


def _flat_loss(snapshot):
    if snapshot.epoch < MIN_EPOCHS:
        return None
    no_progress, loss = _no_progress(snapshot)
    steps_per_epoch = snapshot.step / max(snapshot.epoch, 1)
    window = max(FLAT_EPOCHS, math.ceil(FLAT_MIN_STEPS / max(steps_per_epoch, 1e-9)))
    if not no_progress or len(loss) < window + 1:
        return None
    recent = loss[-window:]
    if float(recent.max() - recent.min()) > FLAT_RELATIVE * float(np.abs(recent).mean()):
        return None
    return HealthProblem(
        "flat_loss", None, snapshot.step,
        f"The training loss has stayed at {recent[-1]:.4g} for the last {window} epochs, no "
        f"better than at the start (step {snapshot.step}): the network is not learning. "
        "Try a larger learning rate, another optimizer (adam), more or larger hidden layers, "
        "or derived features, then Reset.")


def diagnose(info, snapshot):
    """The first health problem of the run ``info`` at ``snapshot``, or None.

    Parameters
    ----------
    info : TrainerInfo
    snapshot : Snapshot
        Its ``weights``, ``biases`` (per layer), ``weight_grads`` (the last step's),
        ``history`` (per-epoch columns), ``step`` and ``epoch`` are read.

    Returns
    -------
    HealthProblem or None
    """
    if snapshot.step == 0:
        return None
    if not all(np.isfinite(w).all() for w in snapshot.weights):
        return None  # divergence is step_guard's to report
    hidden_names = info.activation_names[:-1]
    could_saturate = (snapshot.epoch >= MIN_EPOCHS
                      and any(name in ("tanh", "sigmoid") for name in hidden_names))
    if "relu" not in hidden_names and not could_saturate:
        return _flat_loss(snapshot)  # no layer to probe: skip the forward pass
    hidden = _probe_activations(info, snapshot)
    return (_dead_relu(info, snapshot, hidden) or _saturated(info, snapshot, hidden)
            or _flat_loss(snapshot))
