"""What a change did, in the words the panels use (never a ``TrainConfig`` field name).

``config_changes(old, new)`` lists "activation tanh → silu", "learning-rate schedule
constant → cosine", …; ``run_change(old_dataset, old_config, new_dataset, new_config)`` joins
them with a dataset switch into one phrase for the status bar and the Undo action's text.
``same_network(old, new)`` tells a change that is not one (the same value re-selected,
"Per layer" ticked with every layer still equal) from a real one.
"""

import dataclasses

#: TrainConfig field -> what the Hyperparameters panel calls it.
FIELD_WORDS = {
    "hidden": "hidden layers",
    "activation": "activation",
    "output_activation": "output activation",
    "loss": "loss",
    "init": "initializer",
    "optimizer": "optimizer",
    "lr": "learning rate",
    "momentum": "momentum",
    "optimizer_params": "optimizer settings",
    "schedule": "learning-rate schedule",
    "schedule_params": "schedule settings",
    "batch_size": "batch size",
    "epochs": "epoch limit",
    "l1": "L1 rate",
    "l2": "L2 rate",
    "dropout": "dropout",
    "clip_norm": "gradient clip",
    "early_stopping": "early stop",
    "features": "input features",
    "standardize": "input scaling",
    "seed": "seed",
    "dtype": "precision",
}
#: How many changes a phrase names before "and N more settings".
MOST_NAMED = 3


def _value_text(field, value):
    """A short text for ``value`` of ``field`` as the panels show it."""
    if value is None:
        return {"output_activation": "auto", "loss": "auto", "batch_size": "full batch",
                "standardize": "auto", "clip_norm": "off", "early_stopping": "off",
                "momentum": "default"}.get(field, "none")
    if field == "hidden":
        return "–".join(map(str, value)) or "none"
    if field == "features":
        return ", ".join(value) or "none"
    if field == "standardize":
        return "standardised" if value else "raw"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple | list):
        return "/".join(map(str, value))
    if isinstance(value, dict):
        return ", ".join(f"{k} {_value_text(k, v)}" for k, v in value.items()) or "defaults"
    return str(value)


def _normalised(config):
    """``config`` with one activation per hidden layer (so "tanh" equals ("tanh", "tanh"))."""
    return dataclasses.replace(config, activation=tuple(config.hidden_activations()))


def same_network(old, new):
    """True when ``new`` (a ``TrainConfig``) builds exactly the network and run ``old`` does."""
    return _normalised(old) == _normalised(new)


def config_changes(old, new):
    """One phrase per field that differs: ["activation tanh → silu", ...]."""
    a, b = _normalised(old), _normalised(new)
    phrases = []
    for f in dataclasses.fields(a):
        before, after = getattr(a, f.name), getattr(b, f.name)
        if before == after:
            continue
        if f.name == "activation" and not (before and after):
            continue  # no hidden layer on one side: "hidden layers 8–8 → none" says it all
        if f.name == "activation" and len(set(before)) == 1 and len(set(after)) == 1:
            before, after = before[0], after[0]  # one shared activation: name it once
        words = FIELD_WORDS.get(f.name, f.name.replace("_", " "))
        phrases.append(f"{words} {_value_text(f.name, before)} → {_value_text(f.name, after)}")
    return phrases


def _dataset_phrase(old, new):
    if old is new:
        return None
    if old.name != new.name:
        return f"data {old.name} → {new.name}"
    return f"data {new.name} changed"


def run_change(old_dataset, old_config, new_dataset, new_config):
    """The change as one phrase ("activation tanh → silu"); "" when nothing differs."""
    phrases = [p for p in [_dataset_phrase(old_dataset, new_dataset)] if p]
    phrases += config_changes(old_config, new_config)
    if len(phrases) > MOST_NAMED:
        rest = len(phrases) - MOST_NAMED
        phrases = [*phrases[:MOST_NAMED], f"and {rest} more setting{'s' if rest > 1 else ''}"]
    return ", ".join(phrases)


def steps_text(steps):
    """"302 steps" / "1 step"."""
    return f"{steps:,} step{'' if steps == 1 else 's'}"
