"""Export a run as one standalone PyTorch training script (NumPy + torch only).

``export_torch(path, trainer)`` writes a ``.py`` file that rebuilds the network as a
``torch.nn.Module`` (``nn.Linear`` layers: the app's ``W`` (fan_in, fan_out) is transposed to
``weight`` (fan_out, fan_in)), loads the current weights and optimizer state, and continues
training with the same optimizer, schedule, loss, L1/L2, clipping, dropout masks and batch order
(the trainer's NumPy generator state and position in the epoch are embedded), so that
``python PATH --steps N --save-weights OUT.npz`` writes the weights the app would have after N
more steps. The code itself is ``core.io.torch_template``.

Every number is embedded exactly (``repr`` of a finite float reads back as the same float), and
nothing a user typed becomes code: names only reach the script as ``repr`` literals (the
weights-file description) or, quoted, inside the escaped module docstring (as
``core.io.python_export`` does).
"""

import json
import math
import textwrap
from pathlib import Path
from string import Template

import numpy as np

from core.errors import UserInputError
from core.io import torch_template as tpl
from core.io.atomic import atomic_write_text
from core.io.python_export import _command_name, describe, docstring_literal

_WIDTH = 96

#: The app's optimizer name -> its ``torch.optim`` class.
TORCH_OPTIMIZERS = {
    "sgd": "SGD", "momentum": "SGD", "nesterov": "SGD", "adagrad": "Adagrad",
    "rmsprop": "RMSprop", "adam": "Adam", "adamw": "AdamW",
}

#: The app's optimizer state buffers that PyTorch keeps (same names), given the
#: hyperparameters: a buffer PyTorch does not create for these settings is left out.
_BUFFERS = {
    "SGD": lambda h: ("momentum_buffer",) if h["momentum"] else (),
    "Adagrad": lambda h: ("sum",),
    "RMSprop": lambda h: ("square_avg",) + (("momentum_buffer",) if h["momentum"] > 0 else ())
    + (("grad_avg",) if h["centered"] else ()),
    "Adam": lambda h: ("exp_avg", "exp_avg_sq") + (("max_exp_avg_sq",) if h["amsgrad"] else ()),
}
_BUFFERS["AdamW"] = _BUFFERS["Adam"]


def export_torch(path, trainer):
    """Write ``trainer``'s run as a standalone PyTorch training script.

    Parameters
    ----------
    path : str or Path
        Target file (``*.py``); written atomically.
    trainer : Trainer

    Returns
    -------
    Path

    Raises
    ------
    UserInputError
        The weights, optimizer state or data hold NaN or infinite values, or the file cannot
        be written (nothing is written).
    """
    path = Path(path)
    return atomic_write_text(path, torch_source(trainer, path))


def torch_source(trainer, path=Path("train_torch.py")):
    """The text of the exported script for ``trainer`` (see ``export_torch``)."""
    values = _code_values(trainer, path.name)
    doc = docstring_literal(Template(tpl.DOC).substitute(_doc_values(trainer, path)))
    return (doc + "\n" + Template(tpl.BODY).substitute(values) + tpl.CODE)


def _doc_values(trainer, path):
    ds, net = trainer.dataset, trainer.network
    arch = "-".join(str(s) for s in net.sizes)
    return {
        "title": (f"Continue a {arch} network trained on {ds.name!r} in PyTorch: exported "
                  "from Backprop Studio."),
        "description": describe(trainer),
        "dropout_note": ", dropout masks" if trainer.network.dropout else "",
        "filename": _command_name(path),
        "epochs": trainer.config.epochs,
    }


def _code_values(trainer, filename):
    from core.io.weights_npz import build_meta

    cfg, net, opt = trainer.config, trainer.network, trainer.optimizer
    state = trainer.state_dict(history=False)
    torch_name = TORCH_OPTIMIZERS[cfg.optimizer]
    hyper = _plain(opt.hyperparameters())
    hyper["lr"] = float(cfg.lr)  # the base rate: the scheduler scales it per epoch
    best_loss, best_epoch = state["best"]
    return {
        "dtype": repr(net.dtype.name),
        "sizes": repr([int(s) for s in net.sizes]),
        "activations": repr(list(net.activation_names)),
        "loss": repr(cfg.loss),
        "dropout": repr(float(net.dropout)),
        "optimizer": repr(cfg.optimizer),
        "torch_optimizer": repr(torch_name),
        "optimizer_args": repr(hyper),
        "optimizer_steps": repr(int(opt.t)),
        "schedule": repr(cfg.schedule),
        "schedule_args": repr(_plain(trainer.schedule.parameters())),
        "l1": repr(float(cfg.l1)),
        "l2": repr(float(cfg.l2)),
        "clip_norm": repr(None if cfg.clip_norm is None else float(cfg.clip_norm)),
        "early_stopping": repr(cfg.early_stopping),
        "best": f"({_float(best_loss)}, {int(best_epoch)!r})",
        "stopped_early": repr(bool(trainer.stopped_early)),
        "batch_size": repr(int(trainer._batch)),
        "shuffle": repr(bool(trainer._shuffle)),
        "epochs": repr(int(cfg.epochs)),
        "epoch": repr(int(trainer.epoch)),
        "step": repr(int(trainer.step_count)),
        "position": repr(int(state["pos"])),
        "order": "None" if state["order"] is None else _ints(state["order"]),
        "seed": repr(int(cfg.seed)),
        "rng_state": repr(_plain(state["rng"])),
        "meta": _string(json.dumps(build_meta(trainer))),
        "weights": "".join(f"    ({_array(layer.W, 'W')}, {_array(layer.b, 'b')}),\n"
                           for layer in net.layers),
        "optimizer_state": _optimizer_state(opt, torch_name, hyper),
        "x_train": _array(trainer.X_train, "training inputs"),
        "y_train": _array(trainer.y_train, "training targets"),
        "x_test": _array(trainer.X_test, "test inputs"),
        "y_test": _array(trainer.y_test, "test targets"),
    }


def _plain(value):
    """Hyperparameters and generator state as plain Python values (tuples stay tuples)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    return value


def _optimizer_state(opt, torch_name, hyper):
    """``"name": [array per parameter],`` lines for the buffers PyTorch keeps (none at t=0)."""
    if opt.t == 0:
        return ""
    state = opt.state_dict()["buffers"]
    lines = []
    for name in _BUFFERS[torch_name](hyper):
        arrays = ", ".join(_array(a, f"optimizer state {name}") for a in state[name])
        lines.append(f"    {name!r}: [{arrays}],\n")
    return "".join(lines)


def _float(value):
    """A float literal; ``math.inf`` (no best test loss yet) as an expression."""
    value = float(value)
    return "math.inf" if value == math.inf else repr(value)


def _array(values, what):
    """``array([...], shape)``: exact literals of a finite array, wrapped to the width."""
    values = np.asarray(values)
    flat = values.ravel().tolist()
    if not all(math.isfinite(v) for v in flat):
        raise UserInputError(f"Cannot export a PyTorch script: the {what} hold NaN or "
                             "infinite values. Reset the network or load earlier weights first.")
    text = ", ".join(repr(float(v)) for v in flat)
    body = textwrap.fill(text, _WIDTH, initial_indent="        ", subsequent_indent="        ",
                         break_on_hyphens=False, break_long_words=False)
    return f"array([\n{body}\n    ], {tuple(int(s) for s in values.shape)!r})"


def _ints(values):
    text = ", ".join(str(int(v)) for v in values)
    return "[\n" + textwrap.fill(text, _WIDTH, initial_indent="    ",
                                 subsequent_indent="    ") + "\n]"


def _string(text):
    """A long string as adjacent ``repr`` literals, one per line."""
    parts = [repr(text[i:i + 80]) for i in range(0, len(text), 80)] or ["''"]
    return "(\n    " + "\n    ".join(parts) + "\n)"
