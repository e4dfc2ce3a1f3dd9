"""``python main.py train --race CONFIGS.json``: race 2–4 configurations headlessly.

CONFIGS.json is a JSON list of 2 to 4 objects, each the ``TrainConfig`` settings a racer
changes from the run the other options describe (``{}``: that run as it is)::

    [{}, {"optimizer": "adam", "lr": 0.01}, {"batch_size": null, "l2": 0.001}]

The racers train in lockstep (``core.watch.race.Race``): every racer takes the same number
of mini-batch steps, ``--epochs`` epochs of the first racer (default: its ``epochs``
setting), one tick per epoch of the first racer. ``--json`` prints one object whose
``"racers"`` list holds each racer's name, settings, final losses and metrics, and history
(one row per tick); without it, a table of the final values.
"""

import json
import math
from pathlib import Path

from core.errors import UserInputError

#: Options a race cannot combine with (they concern one trained network).
_SINGLE_RUN_OPTIONS = {
    "load_session": "--load-session", "load_weights": "--load-weights",
    "save_weights": "--save-weights", "save_data": "--save-data",
    "save_session": "--save-session", "export_python": "--export-python",
    "export_torch": "--export-torch", "export_onnx": "--export-onnx",
    "export_plots": "--export-plots",
}
MAX_CONFIG_BYTES = 1_000_000


def add_race_arguments(parser):
    """Add ``--race CONFIGS.json`` to ``parser``; returns it."""
    group = parser.add_argument_group("race")
    group.add_argument("--race", metavar="CONFIGS.json",
                       help="race 2 to 4 configurations in lockstep: a JSON list of setting "
                            'overrides, e.g. [{}, {"optimizer": "adam", "lr": 0.01}]; '
                            "--epochs counts the first racer's epochs (default: none, one "
                            "run)")
    return parser


def read_overrides(path):
    """The JSON list in file ``path`` (``UserInputError`` naming the file otherwise)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise UserInputError(f"--race {path}: the file is larger than "
                                 f"{MAX_CONFIG_BYTES:,} bytes; a race file lists 2 to 4 "
                                 "small objects of settings.")
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise UserInputError(f"--race {path}: cannot read the file ({e.strerror or e}).") \
            from None
    except UnicodeDecodeError:
        raise UserInputError(f"--race {path}: the file is not UTF-8 text.") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise UserInputError(f"--race {path}: not valid JSON (line {e.lineno}, column "
                             f"{e.colno}: {e.msg}).") from None


def build_race(args):
    """The ``Race`` the options describe (dataset and base settings from the other options).

    Raises
    ------
    UserInputError
        An option a race cannot use, an unreadable file, or a racer's bad setting.
    """
    from cli.train import config_from_args
    from core.watch.race import Race, race_configs

    given = [flag for name, flag in _SINGLE_RUN_OPTIONS.items() if getattr(args, name, None)]
    if given:
        raise UserInputError(f"--race cannot be combined with {', '.join(given)}: those "
                             "options are about one trained network.")
    overrides = read_overrides(args.race)
    dataset, base = config_from_args(args)
    configs = race_configs(base, overrides, dataset, where=f"--race {args.race}")
    return Race(configs, dataset, seed=base.seed)


def run_race(args, out, err):
    """Build and run the race of ``args``; prints the results; returns the exit status 0."""
    wanted = args.epochs
    if wanted is not None and wanted < 0:
        raise UserInputError(f"--epochs must be >= 0, got {wanted}.")
    if wanted == 0:
        args.epochs = None  # --epochs 0: the starting point only; the settings keep theirs
    race = build_race(args)
    first = race.racers[0].trainer
    epochs = first.config.epochs if wanted is None else wanted
    for note in race.dataset.notes:
        print(f"note: {note}", file=err)
    tick = first.steps_per_epoch
    for _ in range(epochs):
        if not race.running:
            break
        race.step(tick)
    results = race.results()
    if args.json:
        print(json.dumps({"dataset": race.dataset.name, "seed": race.seed,
                          "steps_per_tick": tick, "metric": first.metric_name,
                          "racers": results}, allow_nan=False), file=out)
        return 0
    metric = "accuracy" if first.metric_name == "accuracy" else "R²"
    width = max(len(r["name"]) for r in results)
    print(f"{'racer':{width}}  steps  train loss  test loss  test {metric}", file=out)
    for r in results:
        f = r["final"]
        print(f"{r['name']:{width}}  {r['steps']:5d}  {_num(f.get('train_loss'))}  "
              f"{_num(f.get('test_loss'))}  {_num(f.get('test_metric'))}"
              + (f"  stopped: {r['error']}" if r["error"] else ""), file=out)
    return 0


def _num(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "       n/a"
    return f"{value:10.4f}"
