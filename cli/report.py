"""What ``python main.py train`` prints: progress lines and the final JSON results.

``progress_line(trainer)`` is one line per reported epoch, ``ProgressPacer`` decides which
epochs are reported; ``results(trainer, wall)`` the JSON
object of ``--json``, also when training diverged (then with a ``"diverged"`` entry);
``penalty_note(config)`` adds the L2 penalty's share to a divergence report;
``save_network_data`` writes ``--save-data``.
"""

import math

import numpy as np

from core.train.metrics import outputs, rmse


def _fmt_loss(value):
    """Four decimals, or four significant digits once a diverging loss gets huge."""
    return f"{value:.4f}" if abs(value) < 1e5 else f"{value:.4g}"


def _fmt_metric(name, value):
    if math.isnan(value):
        return "n/a"
    return f"{100 * value:.2f}%" if name == "accuracy" else f"{value:.4f}"


def progress_line(trainer, width=4):
    """``Epoch  200 | Loss: 0.1234 | Accuracy: 98.50% | Test loss: ... | Test accuracy: ...``."""
    m = trainer.history.last()
    label = "Accuracy" if trainer.metric_name == "accuracy" else "R²"
    return (f"Epoch {int(m['epoch']):{width}d} | Loss: {_fmt_loss(m['train_loss'])} | "
            f"{label}: {_fmt_metric(trainer.metric_name, m['train_metric'])} | "
            f"Test loss: {_fmt_loss(m['test_loss'])} | "
            f"Test {label if label == 'R²' else label.lower()}: "
            f"{_fmt_metric(trainer.metric_name, m['test_metric'])}")


class ProgressPacer:
    """When to print a progress line: every ``every`` epochs (0: never by count), and also
    whenever ``seconds`` have passed on ``clock`` since the last line (None: never by time),
    so a run of a billion epochs still shows life every few seconds.

    ``clock`` is a function returning seconds (``time.monotonic``); tests pass a fake one.
    """

    def __init__(self, every, seconds, clock):
        self.every = every
        self.seconds = seconds
        self.clock = clock
        self.last = clock()

    def due(self, epoch, final=False):
        """Whether to print after ``epoch`` (``final``: the run stops after it)."""
        now = self.clock()
        by_count = bool(self.every) and (epoch % self.every == 0 or final)
        by_time = self.seconds is not None and now - self.last >= self.seconds
        if by_count or by_time:
            self.last = now
            return True
        return False


def penalty_note(config):
    """A sentence for a divergence report when the L2 penalty alone explains it, else "".

    With plain SGD each step multiplies every weight by ``1 - lr*l2`` before the data's
    gradient is applied; when ``lr*l2 > 2`` that factor is below -1, so the weights flip sign
    and grow every step whatever the data says. Then the penalty, not the data's gradient,
    is the cause, and the learning rate is only half of it.
    """
    if config.optimizer != "sgd" or config.momentum or not config.l2:
        return ""
    product = config.lr * config.l2
    if product <= 2:
        return ""
    return (f" The L2 penalty alone does this: with plain SGD each step multiplies the weights "
            f"by 1 - lr*l2 = {1 - product:.3g} (lr {config.lr:g} x l2 {config.l2:g}); keep "
            "lr*l2 below 2, e.g. lower --l2.")


def _last_good_metrics(trainer):
    """``(metrics, where)`` of the last good state after a divergence.

    The exact metrics at the current weights when they and the losses are finite (a step
    that diverged in its loss or gradients changed nothing); else the last epoch's history
    row, whose values were all finite.
    """
    if all(np.isfinite(p).all() for p in trainer.network.params()):
        with np.errstate(all="ignore"):
            m = trainer.evaluate()
        if math.isfinite(m["train_loss"]) and not math.isinf(m["test_loss"]):
            return m, f"the weights after step {trainer.step_count}"
    last = trainer.history.last()
    if last is None:
        return {}, "none (diverged in the first epoch)"
    return last, f"the end of epoch {int(last['epoch'])} (training columns: epoch means)"


def _rmses(trainer):
    """``(train, test)`` root mean squared errors of the network's outputs, target units."""
    return tuple(rmse(outputs(trainer.network, X)[1], y) if len(y) else math.nan
                 for X, y in ((trainer.X_train, trainer.y_train),
                              (trainer.X_test, trainer.y_test)))


def results(trainer, wall, diverged=None):
    """The ``--json`` object.

    Parameters
    ----------
    trainer : Trainer
    wall : float
        Training time in seconds.
    diverged : TrainingDiverged, optional
        When training diverged: adds ``"diverged": {"step", "layer" (1-based, or null),
        "what", "message", "metrics_from"}``, and the metrics are those of the last good
        state, which ``metrics_from`` names (see ``_last_good_metrics``). Regression adds
        ``train_rmse`` and ``test_rmse`` (null after a divergence).
    """
    # The history's train row is the running mean over the last epoch's batches; the final
    # report evaluates the finished network exactly on both sets instead.
    if diverged is None:
        m, where = trainer.evaluate(), None
    else:
        m, where = _last_good_metrics(trainer)
    key = "accuracy" if trainer.metric_name == "accuracy" else "r2"
    out = {
        "config": trainer.config.to_dict(),
        "dataset": trainer.dataset.name,
        "task": trainer.dataset.task,
        "epochs_run": trainer.epoch,
        "steps": trainer.step_count,
        "stopped_early": trainer.stopped_early,
        "train_loss": m.get("train_loss"),
        "test_loss": m.get("test_loss"),
        f"train_{key}": m.get("train_metric"),
        f"test_{key}": m.get("test_metric"),
        "wall_time_s": wall,
    }
    if trainer.dataset.task == "regression":
        # RMSE at the final weights; after a divergence those weights are not the good state
        out["train_rmse"], out["test_rmse"] = (math.nan, math.nan) if diverged else _rmses(trainer)
    # JSON has no NaN: a missing value (no test rows) is null.
    out = {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
           for k, v in out.items()}
    if diverged is not None:
        out["diverged"] = {"step": diverged.step,
                           "layer": None if diverged.layer is None else diverged.layer + 1,
                           "what": diverged.what, "message": str(diverged),
                           "metrics_from": where}
    return out


def save_network_data(path, trainer):
    """Save the arrays exactly as the network sees them (after features and scaling)."""
    from core.io.weights_npz import atomic_savez

    names = trainer.pipeline.feature_names(trainer.dataset.input_names)
    return atomic_savez(path, {
        "X_train": trainer.X_train, "y_train": trainer.y_train,
        "X_test": trainer.X_test, "y_test": trainer.y_test,
        "feature_names": np.array(names), "target_names": np.array(trainer.dataset.target_names),
    })
