"""A race: 2–4 training configurations stepped in lockstep on the same data.

``Race(configs, dataset, seed)`` builds one ``Trainer`` per configuration. Every racer gets the
race's ``seed`` (so racers with the same batch size see the same batch order), and racers
whose networks have the same layer sizes, dtype and initializer start from the very same
initial weights (copies of the first such racer's), so a difference in the curves comes from
the setting that differs, not from luck. Racers whose shapes differ start from the weights
their own shape and initializer give for that seed.

``step(n)`` is one tick: every racer still running takes ``n`` mini-batch steps (the same
number for all), then one row is recorded per racer: the exact losses and metrics at its
current weights (``Trainer.evaluate``). A racer whose training diverges stops there (its
``error`` says why); the others go on. Stepping a racer here is stepping its ``Trainer``:
its weights after ``k`` steps are bit-identical to that config trained alone from the same
initial weights.

``race_configs(base, overrides, dataset)`` turns a list of setting overrides (the command
line's CONFIGS.json, a lesson's race) into checked configs; errors name the racer and the key.
"""

import dataclasses
import math

import numpy as np

from core.errors import TrainingDiverged, UserInputError
from core.train.config import TrainConfig
from core.train.trainer import Trainer

MIN_RACERS, MAX_RACERS = 2, 4
LETTERS = "ABCD"
#: The columns of each racer's race history, one row per tick.
HISTORY_COLUMNS = ("step", "epoch", "train_loss", "test_loss", "train_metric", "test_metric")


# ----------------------------------------------------------------------------- configs
def racer_name(index, config, reference=None):
    """``"A: sgd lr 0.03"``, plus the other settings where they differ from ``reference``.

    Parameters
    ----------
    index : int
        0-based racer index (its letter).
    config, reference : TrainConfig
        The racer's settings and, optionally, the first racer's to compare with.
    """
    words = [f"{config.optimizer} lr {config.lr:g}"]
    if reference is not None:
        if config.activation != reference.activation:
            act = config.activation
            words.append(act if isinstance(act, str) else "/".join(act))
        if config.init != reference.init:
            words.append(config.init)
        if config.batch_size != reference.batch_size:
            batch = "full" if config.batch_size is None else config.batch_size
            words.append(f"batch {batch}")
        if config.hidden != reference.hidden:
            words.append("-".join(map(str, config.hidden)) or "no hidden")
        for key in ("l1", "l2", "dropout"):
            if getattr(config, key) != getattr(reference, key):
                words.append(f"{key.upper() if key != 'dropout' else key} "
                             f"{getattr(config, key):g}")
        if config.momentum != reference.momentum and config.momentum is not None:
            words.append(f"momentum {config.momentum:g}")
    return f"{LETTERS[index]}: " + ", ".join(words)


def race_configs(base, overrides, dataset, where="the race"):
    """Checked ``TrainConfig`` of each racer: ``base`` with that racer's ``overrides``.

    Parameters
    ----------
    base : TrainConfig
    overrides : list of dict
        2 to 4 dicts of ``TrainConfig`` fields (``{}``: the base as it is).
    dataset : Dataset
        Every config is validated against it.
    where : str
        Names the source in error messages (e.g. the file name).

    Raises
    ------
    UserInputError
        Not a list of 2–4 objects, an unknown setting, or a value that does not fit: the
        message names the racer (letter and position) and the key.
    """
    if not isinstance(overrides, list) or not MIN_RACERS <= len(overrides) <= MAX_RACERS:
        count = f"{len(overrides)} items" if isinstance(overrides, list) else "not a list"
        raise UserInputError(
            f"{where}: a race is a list of {MIN_RACERS} to {MAX_RACERS} racers' settings "
            f'(e.g. [{{"optimizer": "sgd"}}, {{"optimizer": "adam", "lr": 0.01}}]), got {count}.')
    try:
        base.validate(dataset)
    except UserInputError as e:
        raise UserInputError(f"{where}: the run's own settings: {e}") from None
    return [_racer_config(base, o, dataset, f"{where}: racer {LETTERS[i]} (item {i + 1})")
            for i, o in enumerate(overrides)]


def _racer_config(base, override, dataset, who):
    if not isinstance(override, dict):
        raise UserInputError(f"{who} is {type(override).__name__}, not an object of settings; "
                             'write e.g. {"optimizer": "adam", "lr": 0.01}.')
    known = [f.name for f in dataclasses.fields(TrainConfig)]
    for key, value in override.items():
        if key not in known:
            raise UserInputError(f"{who}: {key!r} is not a training setting. Valid settings: "
                                 f"{', '.join(known)}.")
        _build(base, {key: value}, dataset, f"{who}, setting {key!r}")
    return _build(base, override, dataset, who)


def _build(base, changes, dataset, who):
    """``base`` with ``changes``, validated; errors prefixed with ``who``."""
    fields = base.to_dict()
    fields.update(changes)
    try:
        config = TrainConfig.from_dict(fields)
        config.validate(dataset)
    except UserInputError as e:
        raise UserInputError(f"{who}: {e}") from None
    except (TypeError, ValueError, AttributeError, KeyError) as e:
        raise UserInputError(f"{who}: the value does not fit ({e}).") from None
    return config


# ----------------------------------------------------------------------------- racing
class Racer:
    """One configuration in a race.

    Attributes
    ----------
    name : str
    trainer : Trainer
    rows : list of tuple
        One ``HISTORY_COLUMNS`` row per recorded tick.
    error : str or None
        Why the racer stopped (divergence), else None.
    """

    def __init__(self, name, trainer):
        self.name = name
        self.trainer = trainer
        self.rows = []
        self.error = None

    @property
    def running(self):
        return self.error is None and not self.trainer.stopped_early

    def record(self):
        t = self.trainer
        m = t.evaluate()
        self.rows.append((t.step_count, t.epoch, m["train_loss"], m["test_loss"],
                          m["train_metric"], m["test_metric"]))

    def history(self):
        """``{column: ndarray (rows,)}`` copies of the recorded rows."""
        table = np.array(self.rows, dtype=np.float64).reshape(-1, len(HISTORY_COLUMNS))
        return {name: table[:, i].copy() for i, name in enumerate(HISTORY_COLUMNS)}

    def final(self):
        """The last recorded row as a dict of floats (NaN-free values as JSON would need)."""
        if not self.rows:
            return {}
        return {k: (None if isinstance(v, float) and math.isnan(v) else v)
                for k, v in zip(HISTORY_COLUMNS, self.rows[-1], strict=True)}

    def __repr__(self):
        return f"Racer({self.name!r}, step={self.trainer.step_count})"


class Race:
    """2–4 trainers on one dataset, stepped in lockstep (see the module docstring).

    Parameters
    ----------
    configs : list of TrainConfig
        2 to 4 configurations (each validated against ``dataset``).
    dataset : Dataset
    seed : int, optional
        Replaces every config's seed; default: the first config's.
    names : list of str, optional
        Default: ``racer_name`` of each.
    """

    def __init__(self, configs, dataset, seed=None, names=None):
        configs = list(configs)
        if not MIN_RACERS <= len(configs) <= MAX_RACERS:
            raise UserInputError(f"A race needs {MIN_RACERS} to {MAX_RACERS} racers, "
                                 f"got {len(configs)}.")
        self.seed = configs[0].seed if seed is None else int(seed)
        configs = [dataclasses.replace(c, seed=self.seed) for c in configs]
        if names is None:
            names = [racer_name(i, c, configs[0]) for i, c in enumerate(configs)]
        self.dataset = dataset
        self.racers = []
        first_of_kind = {}  # (sizes, dtype, init) -> the first racer's initial network
        for name, config in zip(names, configs, strict=True):
            trainer = Trainer(dataset, config)
            key = _weights_key(trainer)
            if key in first_of_kind:
                _copy_weights(first_of_kind[key], trainer)
            else:
                first_of_kind[key] = trainer.network
            self.racers.append(Racer(name, trainer))
        self.initial_weights = [r.trainer.network.flat_params.copy() for r in self.racers]
        for racer in self.racers:
            racer.record()

    @property
    def step_count(self):
        """Steps taken per racer so far (the lockstep clock; stopped racers stay behind)."""
        return max(r.trainer.step_count for r in self.racers)

    @property
    def running(self):
        """True while at least one racer can still step."""
        return any(r.running for r in self.racers)

    def step(self, n=1):
        """One tick: every running racer takes ``n`` steps; then one row each is recorded.

        Returns
        -------
        int
            The lockstep clock after the tick (``step_count``).
        """
        for racer in self.racers:
            if not racer.running:
                continue
            try:
                racer.trainer.run_steps(n)
            except TrainingDiverged as e:
                racer.error = str(e)
            racer.record()
        return self.step_count

    def shares_initial_weights(self, i, j):
        """True when racers ``i`` and ``j`` started from identical weights."""
        a, b = self.initial_weights[i], self.initial_weights[j]
        return a.shape == b.shape and a.dtype == b.dtype and bool(np.array_equal(a, b))

    def results(self):
        """JSON-safe list, one dict per racer: name, config, steps, epoch, final, error,
        history (lists)."""
        out = []
        for racer in self.racers:
            history = racer.history()
            out.append({
                "name": racer.name,
                "config": racer.trainer.config.to_dict(),
                "steps": racer.trainer.step_count,
                "epoch": racer.trainer.epoch,
                "final": racer.final(),
                "error": racer.error,
                "history": {k: [None if math.isnan(v) else float(v) for v in col]
                            for k, col in history.items()},
            })
        return out

    def __repr__(self):
        return f"Race({[r.name for r in self.racers]}, step={self.step_count})"


def _weights_key(trainer):
    net = trainer.network
    return tuple(net.sizes), net.dtype.str, trainer.config.init


def _copy_weights(network, trainer):
    """Start ``trainer`` from ``network``'s weights (same sizes and dtype: checked by key)."""
    trainer.network.flat_params[...] = network.flat_params
    trainer.weights_changed()
