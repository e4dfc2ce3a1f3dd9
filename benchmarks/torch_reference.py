"""Regenerate ``tests/data/optim_reference.npz``: PyTorch's own optimizer, clipping and
learning-rate-schedule results, which the tests compare the NumPy engine against.

Run ``.venv/bin/python benchmarks/torch_reference.py`` after ``pip install torch``. This module
imports nothing from ``core``: the fixture records what PyTorch does, stated independently.
The test suite also imports ``run_optimizer``/``run_schedule``/``run_clip`` from here to compare
against live PyTorch when it is installed.
"""

import json
import sys
from pathlib import Path

import numpy as np

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "data" / "optim_reference.npz"
SHAPES = [(3, 4), (4,), (4, 2), (2,)]  # a 3-4-2 network: W0, b0, W1, b1
STEPS = 30
LR_CHANGE_STEP = 15  # the lr is halved before this step (0-based): "settable any time"
EPOCHS = 130

# (engine name, hyperparameters). Omitted values take the engine's defaults, which
# OPTIMIZER_DEFAULTS spells out for PyTorch (they equal PyTorch's own except SGD's lr).
OPTIMIZER_CASES = [
    ("sgd", {"lr": 0.1}),
    ("sgd", {"lr": 0.05, "weight_decay": 0.1}),
    ("sgd", {"lr": 0.05, "momentum": 0.5, "dampening": 0.3, "weight_decay": 0.01}),
    ("momentum", {"lr": 0.05}),
    ("momentum", {"lr": 0.05, "weight_decay": 0.05}),
    ("nesterov", {"lr": 0.05}),
    ("nesterov", {"lr": 0.05, "momentum": 0.7, "weight_decay": 0.05}),
    ("adagrad", {"lr": 0.1}),
    (
        "adagrad",
        {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1, "initial_accumulator_value": 0.5},
    ),
    ("rmsprop", {"lr": 0.01}),
    ("rmsprop", {"lr": 0.01, "centered": True}),
    ("rmsprop", {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.01}),
    (
        "rmsprop",
        {
            "lr": 0.005,
            "alpha": 0.9,
            "eps": 1e-6,
            "weight_decay": 0.1,
            "momentum": 0.5,
            "centered": True,
        },
    ),
    ("adam", {"lr": 0.01}),
    ("adam", {"lr": 0.01, "weight_decay": 0.1}),
    ("adam", {"lr": 0.01, "betas": [0.8, 0.99], "eps": 1e-6, "amsgrad": True}),
    ("adamw", {"lr": 0.01}),
    ("adamw", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
]

OPTIMIZER_DEFAULTS = {
    "sgd": ("SGD", {"lr": 0.01}),
    "momentum": ("SGD", {"lr": 0.01, "momentum": 0.9}),
    "nesterov": ("SGD", {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
    "adagrad": ("Adagrad", {}),
    "rmsprop": ("RMSprop", {}),
    "adam": ("Adam", {}),
    "adamw": ("AdamW", {}),
}

# (engine name, base_lr, parameters); PyTorch's classes with the engine's defaults.
SCHEDULE_CASES = [
    ("step", 0.1, {}),
    ("step", 0.1, {"step_size": 7, "gamma": 0.3}),
    ("exponential", 0.1, {}),
    ("exponential", 0.05, {"gamma": 0.9}),
    ("cosine", 0.1, {"T_max": 50}),
    ("cosine", 0.2, {"T_max": 40, "eta_min": 0.01}),
    ("cosine", 0.03, {}),
]
SCHEDULE_DEFAULTS = {
    "step": ("StepLR", {"step_size": 100, "gamma": 0.5}),
    "exponential": ("ExponentialLR", {"gamma": 0.99}),
    "cosine": ("CosineAnnealingLR", {"T_max": 1000, "eta_min": 0.0}),
}

CLIP_MAX_NORMS = [0.5, 2.0, 1e3]  # the last one leaves the gradients alone


def inputs(seed=0):
    """Initial parameters and a gradient sequence.

    Returns
    -------
    params : list of np.ndarray
        float64 arrays of ``SHAPES``.
    grads : list of list of np.ndarray
        ``STEPS`` lists of gradients, same shapes, spread over several magnitudes.
    """
    rng = np.random.default_rng(seed)
    params = [rng.normal(size=s) for s in SHAPES]
    grads = [
        [rng.normal(scale=10.0 ** rng.integers(-2, 1), size=s) for s in SHAPES]
        for _ in range(STEPS)
    ]
    return params, grads


def run_optimizer(name, hyper, params, grads):
    """Trajectory of PyTorch's optimizer: ``(STEPS, total size)`` float64, after each step."""
    import torch

    cls_name, kwargs = OPTIMIZER_DEFAULTS[name]
    kwargs = {**kwargs, **hyper}
    if "betas" in kwargs:
        kwargs["betas"] = tuple(kwargs["betas"])
    tensors = [torch.tensor(p, dtype=torch.float64) for p in params]
    opt = getattr(torch.optim, cls_name)(tensors, **kwargs)
    rows = []
    for i, step_grads in enumerate(grads):
        if i == LR_CHANGE_STEP:
            for group in opt.param_groups:
                group["lr"] = kwargs["lr"] / 2
        for t, g in zip(tensors, step_grads, strict=True):
            t.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
        rows.append(np.concatenate([t.detach().numpy().ravel() for t in tensors]))
    return np.array(rows)


def run_schedule(name, base_lr, params, epochs=EPOCHS):
    """Learning rates PyTorch reports after 0, 1, ..., ``epochs - 1`` scheduler steps."""
    import torch

    cls_name, kwargs = SCHEDULE_DEFAULTS[name]
    opt = torch.optim.SGD([torch.zeros(1, dtype=torch.float64)], lr=base_lr)
    sched = getattr(torch.optim.lr_scheduler, cls_name)(opt, **{**kwargs, **params})
    lrs = []
    for _ in range(epochs):
        lrs.append(sched.get_last_lr()[0])
        opt.step()
        sched.step()
    return np.array(lrs)


def run_clip(grads, max_norm):
    """``torch.nn.utils.clip_grad_norm_``: (clipped flat gradients, total norm)."""
    import torch

    tensors = [torch.tensor(g, dtype=torch.float64, requires_grad=True) for g in grads]
    for t, g in zip(tensors, grads, strict=True):
        t.grad = torch.tensor(g, dtype=torch.float64)
    total = torch.nn.utils.clip_grad_norm_(tensors, max_norm)
    return np.concatenate([t.grad.numpy().ravel() for t in tensors]), float(total)


def build():
    """Every array of the fixture, keyed as the tests read them."""
    import torch

    params, grads = inputs()
    data = {f"param{i}": p for i, p in enumerate(params)}
    data["grads"] = np.array([np.concatenate([g.ravel() for g in step]) for step in grads])
    for i, (name, hyper) in enumerate(OPTIMIZER_CASES):
        data[f"opt{i}"] = run_optimizer(name, hyper, params, grads)
    for i, (name, base_lr, kw) in enumerate(SCHEDULE_CASES):
        data[f"sched{i}"] = run_schedule(name, base_lr, kw)
    for i, max_norm in enumerate(CLIP_MAX_NORMS):
        clipped, total = run_clip(grads[i], max_norm)
        data[f"clip{i}"] = clipped
        data[f"clip{i}_total"] = np.array(total)
    meta = {
        "torch": torch.__version__,
        "shapes": SHAPES,
        "lr_change_step": LR_CHANGE_STEP,
        "optimizers": OPTIMIZER_CASES,
        "schedules": SCHEDULE_CASES,
        "clip_max_norms": CLIP_MAX_NORMS,
    }
    data["meta"] = np.array(json.dumps(meta))  # a unicode array: loads without pickle
    return data


def main():
    data = build()
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(FIXTURE, **data)
    print(f"wrote {FIXTURE} ({FIXTURE.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
