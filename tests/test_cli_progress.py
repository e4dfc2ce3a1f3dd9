"""``python main.py train``: timed progress for long runs, defaults in ``--help``, and range
errors that name the setting at fault. Timing uses a fake clock, never the machine's speed."""

import argparse
import itertools

import pytest

from cli.report import ProgressPacer, penalty_note
from cli.train import PROGRESS_SECONDS, build_train_parser, main, run
from core.train.config import TrainConfig

FAST = ["--samples", "60", "--hidden", "4"]


class FakeClock:
    """Seconds that advance by ``step`` each time the clock is read."""

    def __init__(self, step):
        self.ticks = itertools.count()
        self.step = step

    def __call__(self):
        return next(self.ticks) * self.step


def train(capsys, argv, clock):
    code = run(build_train_parser().parse_args(argv), clock=clock)
    out, err = capsys.readouterr()
    return code, out.strip().splitlines(), err.strip().splitlines()


# ---- timed progress --------------------------------------------------------------------------
def test_a_long_run_prints_progress_every_few_seconds_not_every_many_epochs(capsys):
    # 10**9 epochs would print its first line after 10**8 epochs; the clock says each epoch
    # takes 2 s, so a line is due every third epoch. Early stopping ends the run (after a
    # few hundred epochs).
    slow = FakeClock(PROGRESS_SECONDS / 2.5)
    code, out, _ = train(capsys, [*FAST, "--epochs", "1000000000", "--early-stopping", "5",
                                  "--lr", "0.3"], slow)
    assert code == 0
    epochs = [int(line.split("|")[0].split()[1]) for line in out if line.startswith("Epoch")]
    assert len(epochs) > 30 and epochs[0] == 3
    assert all(b - a <= 3 for a, b in itertools.pairwise(epochs))


def test_a_fast_run_prints_only_the_epoch_lines(capsys):
    still = FakeClock(0.0)
    code, out, _ = train(capsys, [*FAST, "--epochs", "40"], still)
    assert code == 0
    assert [line.split("|")[0].strip() for line in out] == [
        f"Epoch {e:4d}" for e in range(4, 41, 4)]


def test_json_runs_put_timed_lines_on_stderr_and_print_every_0_silences_them(capsys):
    slow = FakeClock(PROGRESS_SECONDS)
    code, out, err = train(capsys, [*FAST, "--epochs", "6", "--json"], slow)
    assert code == 0 and len(out) == 1 and out[0].startswith("{")
    assert len(err) == 6 and all(line.startswith("Epoch") for line in err)
    code, out, err = train(capsys, [*FAST, "--epochs", "6", "--print-every", "0"], slow)
    assert code == 0 and out == [] and err == []


def test_the_pacer_counts_epochs_and_seconds():
    clock = iter([0.0, 1.0, 2.0, 7.0, 8.0, 8.5])
    pacer = ProgressPacer(every=100, seconds=5.0, clock=lambda: next(clock))
    assert [pacer.due(e) for e in (1, 2, 3, 100, 101)] == [False, False, True, True, False]
    assert ProgressPacer(every=0, seconds=None, clock=lambda: 0.0).due(7, final=True) is False


# ---- defaults in --help ----------------------------------------------------------------------
def test_help_states_every_default():
    parser = build_train_parser()
    files = {"PATH", "PATH.npz", "DIR"}  # optional files: without them nothing is read/written
    missing = [a.option_strings[-1] for a in parser._actions
               if a.option_strings and a.nargs != 0 and a.metavar not in files
               and not isinstance(a, argparse._HelpAction)
               and "default" not in (a.help or "")]
    assert missing == []
    helps = {a.option_strings[-1]: a.help for a in parser._actions if a.option_strings}
    shown = " ".join(parser.format_help().split())
    defaults = TrainConfig()
    for option, value in (("--lr", f"{defaults.lr:g}"), ("--epochs", defaults.epochs),
                          ("--optimizer", defaults.optimizer), ("--init", defaults.init),
                          ("--batch-size", defaults.batch_size), ("--l2", "0: off")):
        assert f"(default {value})" in helps[option]
        assert " ".join(helps[option].split()) in shown


# ---- ranges: the message names the setting at fault and matches what is accepted -----------
@pytest.mark.parametrize("value", ["1e9", "11", "-1", "inf", "nan"])
def test_an_out_of_range_l2_is_blamed_on_l2(capsys, value):
    code = main([*FAST, "--epochs", "2", "--l2", value])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "L2 penalty strength must be a number in [0, 10]" in err
    assert "earning rate" not in err


@pytest.mark.parametrize("value, accepted", [("0", False), ("-0.1", False), ("1e-9", True),
                                             ("10", True), ("10.5", False), ("nan", False)])
def test_the_learning_rate_message_states_exactly_the_accepted_range(capsys, value, accepted):
    code = main([*FAST, "--epochs", "1", "--lr", value, "--print-every", "0"])
    err = capsys.readouterr().err
    if accepted:
        assert code in (0, 1), err  # 1: lr 10 may diverge, which is reported, not refused
    else:
        assert code == 2 and "Learning rate must be a number in (0, 10]" in err


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "momentum"])
def test_the_same_range_for_every_optimizer(capsys, optimizer):
    assert main([*FAST, "--optimizer", optimizer, "--lr", "20"]) == 2
    assert "Learning rate must be a number in (0, 10]" in capsys.readouterr().err


def test_a_divergence_caused_by_the_l2_penalty_says_so(capsys):
    code = main(["--dataset", "circles", "--epochs", "200", "--lr", "0.3", "--l2", "10"])
    err = capsys.readouterr().err
    assert code == 1 and "diverged" in err
    assert "The L2 penalty alone does this" in err and "lower --l2" in err


def test_the_penalty_note_only_when_the_penalty_explains_it():
    assert penalty_note(TrainConfig(lr=0.3, l2=10.0)) != ""
    assert penalty_note(TrainConfig(lr=0.1, l2=10.0)) == ""  # factor 0: shrinks, no blow-up
    assert penalty_note(TrainConfig(lr=0.3, l2=10.0, optimizer="adam")) == ""
    assert penalty_note(TrainConfig(lr=10.0)) == ""
