"""Headless training: ``python main.py train [options]``.

The option parser is reusable: ``add_training_options(parser)`` adds every option to any
``argparse`` parser (the GUI accepts the same ones to open preconfigured) and
``config_from_args(args)`` turns the parsed options into ``(Dataset, TrainConfig)``.

Exit status: 0 done, 1 training diverged, 2 invalid input (one line on stderr, no traceback),
130 interrupted.
"""

import argparse
import json
import os
import sys
import time

from cli.options import (
    add_export_arguments,
    check_outputs,
    run_exports,
    trainer_from_session_args,
)
from cli.race import add_race_arguments, run_race
from cli.report import (
    ProgressPacer,
    penalty_note,
    progress_line,
    results,
    save_network_data,
)
from core.errors import TrainingDiverged, UserInputError
from core.nn.activations import ACTIVATIONS
from core.nn.initializers import INITIALIZERS
from core.nn.losses import LOSSES
from core.optim.optimizers import OPTIMIZERS
from core.optim.schedules import SCHEDULES
from core.train.config import DTYPES, MAX_PENALTY, TrainConfig

TASK_CHOICES = ("binary", "multiclass", "regression", "classification")
#: Longest silence of a long run: a progress line at least this often, in seconds (unless
#: ``--print-every 0``).
PROGRESS_SECONDS = 5.0
#: The clock progress is timed with; looked up at each run, so tests can replace it.
progress_clock = time.monotonic


class _OneLineParser(argparse.ArgumentParser):
    """Reports a usage error as a single line on stderr, exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _int_list(text):
    """``"16,8"`` -> ``(16, 8)``; ``""`` or ``"0"`` -> ``()`` (no hidden layer)."""
    text = text.strip()
    if text in ("", "0"):
        return ()
    try:
        sizes = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected whole numbers separated by commas like 16,8 (or 0 for none), got {text!r}"
        ) from None
    if any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(f"every hidden layer needs >= 1 unit, got {text!r}")
    return sizes


def _name_list(registry, allow_softmax=False):
    def parse(text):
        names = tuple(n.strip() for n in text.split(",") if n.strip())
        choices = [n for n in registry.names() if allow_softmax or n != "softmax"]
        for n in names:
            if n not in choices:
                raise argparse.ArgumentTypeError(
                    f"unknown {registry.kind} {n!r}; choose from {', '.join(choices)}"
                )
        if not names:
            raise argparse.ArgumentTypeError("give at least one name")
        return names[0] if len(names) == 1 else names

    return parse


def _feature_list(text):
    return tuple(n.strip() for n in text.split(",") if n.strip())


def _batch_size(text):
    if text.strip().lower() == "full":
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number or 'full', got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1 or 'full', got {value}")
    return value


def _count(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0 (0: none), got {value}")
    return value


def _optional_positive(kind):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        return None if value == 0 else value

    return parse


def add_training_options(parser):
    """Add every data and training option to ``parser`` (an ``argparse.ArgumentParser``).

    Options left out take ``TrainConfig``'s defaults (``None`` here means "not given"); each
    help text states the default, read from ``TrainConfig`` and the dataset catalogue so the
    two cannot drift apart.
    """
    from core.data import DATASET_INFO, DATASETS, DERIVED_FEATURES
    from core.optim.optimizers import MAX_LR

    d = TrainConfig()
    info = DATASET_INFO["circles"]
    with_classes = {n: i.params["n_classes"] for n, i in DATASET_INFO.items()
                    if "n_classes" in i.params}
    hidden_acts = [n for n in ACTIVATIONS.names() if n != "softmax"]

    data = parser.add_argument_group("data")
    data.add_argument("--dataset", choices=DATASETS.names(), default=None,
                      help="built-in dataset (default: circles)")
    data.add_argument("--csv", metavar="PATH",
                      help="train on a CSV file instead (default: none, use --dataset)")
    data.add_argument("--target", metavar="COL",
                      help="CSV target column: name or 0-based index (default: last)")
    data.add_argument("--task", choices=TASK_CHOICES, help="CSV task (default: inferred)")
    data.add_argument("--samples", type=int, metavar="N",
                      help=f"rows to generate (default: the dataset's own, e.g. "
                           f"{info.default_samples} for circles; shipped tables: all rows)")
    data.add_argument("--noise", type=float,
                      help=f"noise level of generated data (default: the dataset's own, e.g. "
                           f"{info.default_noise:g} for circles)")
    data.add_argument("--classes", type=int, metavar="N",
                      help="number of classes of " + ", ".join(with_classes) + " (default "
                           + ", ".join(f"{v} for {n}" for n, v in with_classes.items()) + ")")
    data.add_argument("--train-ratio", type=float, default=0.8, metavar="R",
                      help="fraction of rows used for training (default 0.8)")
    data.add_argument("--features", type=_feature_list, metavar="LIST",
                      help="derived inputs for 2-D data, comma list of: "
                           + ", ".join(DERIVED_FEATURES) + " (default: none)")
    data.add_argument("--standardize", action=argparse.BooleanOptionalAction, default=None,
                      help="standardise inputs (default: real data yes, generated data no)")

    net = parser.add_argument_group("network")
    net.add_argument("--hidden", type=_int_list, metavar="SIZES",
                     help="hidden layer sizes, e.g. 16,8; '' or 0 for none (default "
                          + ",".join(map(str, d.hidden)) + ")")
    net.add_argument("--activation", type=_name_list(ACTIVATIONS), metavar="NAME[,NAME...]",
                     help="hidden activation, one for all or one per layer: "
                          + ", ".join(hidden_acts) + f" (default {d.activation})")
    net.add_argument("--output-activation", choices=ACTIVATIONS.names(),
                     help="output activation (default by task: sigmoid/softmax/identity)")
    net.add_argument("--loss", choices=LOSSES.names(), help="loss (default by task: bce/cce/mse)")
    net.add_argument("--init", choices=INITIALIZERS.names(),
                     help=f"weight initialisation (default {d.init})")
    net.add_argument("--dropout", type=float,
                     help=f"dropout on hidden layers, in [0, 1) (default {d.dropout:g})")
    net.add_argument("--dtype", choices=DTYPES, help=f"float64 or float32 (default {d.dtype})")

    train = parser.add_argument_group("training")
    train.add_argument("--optimizer", choices=OPTIMIZERS.names(),
                       help=f"optimizer (default {d.optimizer})")
    train.add_argument("--lr", type=float,
                       help=f"learning rate, above 0 and at most {MAX_LR:g} (default {d.lr:g})")
    train.add_argument("--momentum", type=float,
                       help="momentum, in [0, 1), for optimizers that have one (default: the "
                            "optimizer's own: " + _momentum_defaults() + ")")
    train.add_argument("--schedule", choices=SCHEDULES.names(),
                       help=f"learning-rate schedule (default {d.schedule})")
    train.add_argument("--batch-size", type=_batch_size, metavar="N|full",
                       default=argparse.SUPPRESS,
                       help="rows per step, or 'full' for the whole training set "
                            f"(default {d.batch_size})")
    train.add_argument("--epochs", type=int,
                       help=f"epochs to train (0: train nothing, just save or export); with "
                            f"--load-session the total to reach (default {d.epochs})")
    train.add_argument("--l1", type=float,
                       help=f"L1 weight penalty, in [0, {MAX_PENALTY:g}] (default {d.l1:g}: off)")
    train.add_argument("--l2", type=float,
                       help=f"L2 weight penalty, in [0, {MAX_PENALTY:g}] (default {d.l2:g}: off)")
    train.add_argument("--clip-norm", type=_optional_positive(float), metavar="NORM",
                       help="clip the gradient norm (0: off; default off)")
    train.add_argument("--early-stopping", type=_optional_positive(int), metavar="PATIENCE",
                       help="stop after PATIENCE epochs without a better test loss "
                            "(0: off; default off)")
    train.add_argument("--seed", type=int, default=0,
                       help="seeds data, init, shuffling (default 0)")
    return parser


def _momentum_defaults():
    """``"0 for sgd, 0.9 for momentum, ..."``: each optimizer's default momentum."""
    defaults = [(n, OPTIMIZERS.get(n).HYPERPARAMETERS.get("momentum"))
                for n in OPTIMIZERS.names()]
    return ", ".join(f"{spec.default:g} for {n}" for n, spec in defaults if spec is not None)


def add_output_options(parser):
    """Options of the headless command only (printing and files)."""
    out = parser.add_argument_group("output")
    out.add_argument("--print-every", type=_count, metavar="N",
                     help=f"print a line every N epochs, and at least every "
                          f"{PROGRESS_SECONDS:g} s of a long run (default: 10 lines; with --json "
                          "only the timed ones, on stderr; 0: no lines at all)")
    out.add_argument("--json", action="store_true",
                     help="print one JSON object with the results at the end")
    out.add_argument("--save-weights", metavar="PATH",
                     help="save the trained weights: .npz, or .json for readable JSON")
    out.add_argument("--load-weights", metavar="PATH",
                     help="start from saved weights (.npz or .json); their input scaling is "
                          "adopted")
    out.add_argument("--save-data", metavar="PATH.npz",
                     help="save X_train, y_train, X_test, y_test as the network sees them")
    return parser


def build_train_parser(prog=None):
    """The full parser of ``python main.py train`` (the GUI parses its arguments with it too).

    ``prog`` defaults to ``"backprop-studio train"`` when run as the installed command, else
    ``"main.py train"`` (``cli.command.prog_name``).
    """
    from cli.command import prog_name

    parser = _OneLineParser(
        prog=f"{prog_name()} train" if prog is None else prog,
        description="Train a network headlessly and report losses and metrics.",
    )
    add_training_options(parser)
    add_output_options(parser)
    add_export_arguments(parser)
    add_race_arguments(parser)
    return parser


build_parser = build_train_parser


_CONFIG_OPTIONS = {
    "hidden": "hidden", "activation": "activation", "output_activation": "output_activation",
    "loss": "loss", "init": "init", "optimizer": "optimizer", "lr": "lr",
    "momentum": "momentum", "schedule": "schedule", "epochs": "epochs", "l1": "l1",
    "l2": "l2", "dropout": "dropout", "clip_norm": "clip_norm",
    "early_stopping": "early_stopping", "features": "features", "standardize": "standardize",
    "seed": "seed", "dtype": "dtype",
}


def load_data(args):
    """The ``Dataset`` the options name (CSV file or registered dataset)."""
    from core.data import load_csv, load_dataset

    if args.csv:
        if args.dataset:
            raise UserInputError("Give either --dataset or --csv, not both.")
        if getattr(args, "classes", None) is not None:
            raise UserInputError("--classes applies to generated datasets, not to --csv files "
                                 "(their classes are the target column's values).")
        task = args.task
        return load_csv(args.csv, target=_target(args.target), task=task,
                        train_ratio=args.train_ratio, seed=args.seed)
    if args.target or args.task:
        raise UserInputError("--target and --task apply to --csv files only.")
    name = args.dataset or "circles"
    return load_dataset(name, n_samples=args.samples, noise=args.noise, seed=args.seed,
                        train_ratio=args.train_ratio, **_dataset_params(name, args))


def _dataset_params(name, args):
    """``{"n_classes": N}`` for ``--classes`` on datasets that have that parameter."""
    from core.data import DATASET_INFO

    classes = getattr(args, "classes", None)
    if classes is None:
        return {}
    if "n_classes" not in DATASET_INFO[name].params:
        having = [n for n, info in DATASET_INFO.items() if "n_classes" in info.params]
        raise UserInputError(f"--classes does not apply to dataset {name!r}; datasets with a "
                             f"number of classes: {', '.join(having)}.")
    return {"n_classes": classes}


def _target(text):
    """A CSV target given on the command line: an integer is a column index, else a name."""
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return text


def config_from_args(args):
    """``(dataset, config)`` from parsed options; the config is validated against the data.

    Raises
    ------
    UserInputError
        Invalid data source or setting (the message lists valid choices).
    """
    dataset = load_data(args)
    given = {field: getattr(args, opt) for opt, field in _CONFIG_OPTIONS.items()
             if getattr(args, opt, None) is not None}
    if hasattr(args, "batch_size"):
        given["batch_size"] = args.batch_size
    config = TrainConfig(**given)
    config.validate(dataset)
    return dataset, config


def run(args, out=None, err=None, clock=None):
    """Train as ``args`` say; returns the exit status (see the module docstring).

    ``out``/``err`` default to the current ``sys.stdout``/``sys.stderr``. Every output path is
    checked before anything else, so a bad path fails at once, not after training. Progress
    lines come every ``--print-every`` epochs and at least every ``PROGRESS_SECONDS`` on
    ``clock`` (default ``progress_clock``), unless ``--print-every 0``.
    """
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    clock = progress_clock if clock is None else clock
    from core.io.weights_files import load_into, save_weights_file
    from core.train.trainer import Trainer

    if getattr(args, "race", None):
        return run_race(args, out, err)
    outputs = check_outputs(args)
    train_now = args.epochs != 0  # --epochs 0: save or export the initial state
    if not train_now:
        args.epochs = None  # the run keeps its epoch count (and cosine schedule length)
    trainer = trainer_from_session_args(args)
    if trainer is None:
        trainer = Trainer(*config_from_args(args))
    config = trainer.config
    for note in trainer.dataset.notes:
        print(f"note: {note}", file=err)
    if args.load_weights:
        load_into(trainer, args.load_weights)
    every = args.print_every
    if every is None:
        every = 0 if args.json else max(1, config.epochs // 10)
    pacer = ProgressPacer(every, None if args.print_every == 0 else PROGRESS_SECONDS, clock)
    progress = err if args.json else out
    width = max(4, len(str(config.epochs)))
    if train_now and trainer.epoch >= config.epochs and not trainer.stopped_early:
        print(f"Nothing to train: the session is already at epoch {trainer.epoch} and "
              f"--epochs {config.epochs} is the total to reach, not a number to add. Give "
              f"--epochs above {trainer.epoch} to train further.", file=progress)

    def report(t, _metrics):
        if pacer.due(t.epoch, final=t.stopped_early):
            print(progress_line(t, width), file=progress, flush=True)

    start = time.perf_counter()
    try:
        if train_now:
            trainer.train(callback=report)
    except TrainingDiverged as e:
        skipped = "; ".join(f"{flag} {path}" for flag, path in outputs)
        note = f" Nothing was saved (skipped {skipped})." if skipped else ""
        print(f"error: {e}{penalty_note(config)}{note}", file=err)
        if args.json:
            print(json.dumps(results(trainer, time.perf_counter() - start, e)), file=out)
        return 1
    wall = time.perf_counter() - start
    if trainer.stopped_early and not args.json:
        print(trainer.stop_reason, file=out)
    if args.save_weights:
        save_weights_file(args.save_weights, trainer)
    if args.save_data:
        save_network_data(args.save_data, trainer)
    run_exports(trainer, args)
    if args.json:
        print(json.dumps(results(trainer, wall)), file=out)
    return 0


def main(argv=None):
    """Entry point of ``python main.py train``; returns the exit status."""
    parser = build_train_parser()
    args = parser.parse_args(argv)
    try:
        return run(args)
    except UserInputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except MemoryError:
        print("error: out of memory: the network or the data is too large for this computer. "
              "Use fewer or smaller hidden layers, or fewer samples.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``... | head``): stop quietly, as other command-line tools do;
        # stdout is pointed at devnull so that Python's flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, the shell's status for a closed pipe
