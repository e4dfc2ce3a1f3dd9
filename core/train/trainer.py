"""``Trainer``: drives a ``Network`` over a ``Dataset`` one mini-batch step at a time.

The trainer knows nothing of threads or windows: the GUI calls ``step()`` between its own
requests, the command line calls ``train()``. An epoch is one pass over a fresh shuffle of the
training rows; the last, partial batch is used (``ceil(n / batch_size)`` steps per epoch).
Each epoch adds one row to ``history``: the *training* loss and metric come from the steps' own
forward passes (each batch's loss before its update, averaged over the epoch's rows, and the
accuracy or R² of those batch outputs: ``core.train.metrics.RunningMetrics``), as Keras reports
them; only the test set is evaluated at the epoch end. ``evaluate()`` is the exact evaluation of
both sets at the current weights, on demand.

Randomness: ``SeedSequence(config.seed)`` spawns two independent streams, one for the initial
weights and one (``trainer.rng``) for shuffling and dropout masks, so the same seed gives the
same run, and changing only the batch size or dropout leaves the initial weights unchanged.

Divergence: each step checks the loss and the gradient norm before its update and raises
``TrainingDiverged`` (step and layer) with the network unchanged; an update that makes a weight
non-finite is caught at its step. Those checks and gradient clipping are ``core.train.guard``'s.
"""

import dataclasses
import math

import numpy as np

from core.data import InputPipeline
from core.errors import TrainingDiverged, UserInputError
from core.nn.divergence import loss_culprit
from core.nn.losses import LOSSES
from core.nn.network import Network, loss_and_gradients
from core.nn.regularization import add_gradients, penalty
from core.optim.optimizers import OPTIMIZERS
from core.optim.schedules import SCHEDULES
from core.train.config import TrainConfig, optimizer_kwargs, schedule_kwargs
from core.train.guard import StepGuard
from core.train.history import History
from core.train.metrics import RunningMetrics, Scoring, outputs
from core.train.state import restore_state, snapshot_state, use_pipeline

#: Settings ``apply_live`` changes without rebuilding the network.
LIVE_FIELDS = ("lr", "l1", "l2", "epochs", "clip_norm")
#: Training inputs above this size are not copied in each epoch's order: each step gathers
#: its batch's rows instead. Contiguous slices of a copy are a little quicker for tiny
#: batches; for an MNIST-size set the copy would be another 300 MB, re-made at every run.
SHUFFLED_COPY_LIMIT_BYTES = 64 * 2**20


def input_pipeline(dataset, config):
    """The ``InputPipeline`` that ``Trainer(dataset, config)`` fits on the training inputs
    (``UserInputError`` if the config does not suit the data)."""
    config.validate(dataset)
    return _fit_pipeline(dataset, config.resolved(dataset))


def _fit_pipeline(dataset, resolved_config):
    cfg = resolved_config
    return InputPipeline.fit(dataset.X_train, cfg.features, cfg.standardize, dataset.input_names)


class Trainer:
    """Step-based training of one network on one dataset.

    Parameters
    ----------
    dataset : Dataset
    config : TrainConfig, optional
        Validated against ``dataset`` (``UserInputError`` if unusable); defaults to
        ``TrainConfig()``. Stored resolved (no dataset-dependent ``None`` left).
    network : Network, optional
        Train this network instead of a freshly initialised one; its layer sizes and dtype
        must match the config. Its ``rng`` is replaced by the trainer's.
    pipeline : InputPipeline, optional
        Feed the network through this already fitted pipeline (another trainer's, sent to
        a training process) instead of fitting one on ``dataset.X_train``; its derived
        features must be the config's.
    inputs : (ndarray, ndarray), optional
        What ``pipeline`` (then required) makes of the raw inputs, in the config's dtype:
        (n_train, d_net), (n_test, d_net); another trainer's ``X_train``, ``X_test``. Used
        as they are, so a training process needs no raw input values.

    Attributes
    ----------
    X_train, y_train, X_test, y_test : ndarray
        What the network sees: inputs after the pipeline, all in the config's dtype;
        shapes (n_train, d_net), (n_train, k), (n_test, d_net), (n_test, k).
    step_count : int
        Updates applied so far. ``epoch`` : completed epochs.
    last_updates : list of ndarray
        Δ applied to ``[W0, b0, W1, b1, ...]`` by the last step (optimizer-owned buffers,
        overwritten by the next step: copy to keep).
    stopped_early : bool
        Early stopping triggered; ``stop_reason`` says why (else None).
    """

    def __init__(self, dataset, config=None, network=None, pipeline=None, inputs=None):
        config = TrainConfig() if config is None else config
        config.validate(dataset)
        if dataset.n_train == 0:
            raise UserInputError(f"Dataset {dataset.name!r} has no training rows.")
        self.dataset = dataset
        self.config = cfg = config.resolved(dataset)
        self.dtype = np.dtype(cfg.dtype)
        init_seed, train_seed = np.random.SeedSequence(cfg.seed).spawn(2)
        self.rng = np.random.default_rng(train_seed)
        if inputs is not None and pipeline is None:
            raise UserInputError("Network inputs were given without the input pipeline "
                                 "that made them; pass both.")
        self.pipeline = self._fitted_pipeline(pipeline)
        X_train, X_test = self._network_inputs(inputs)
        self.X_train, self.y_train = X_train, self._network_targets(dataset.y_train)
        self.X_test, self.y_test = X_test, self._network_targets(dataset.y_test)
        self.network = self._build_network(network, np.random.default_rng(init_seed))
        self.network.rng = self.rng  # dropout masks come from the shuffling stream
        self.loss = LOSSES.get(cfg.loss)
        self.metric_name = "r2" if dataset.task == "regression" else "accuracy"
        self._scoring = Scoring(self.loss, cfg.output_activation, dataset.task)
        self._labels = (None, None)
        if dataset.task != "regression":
            as_labels = (lambda v: v.astype(bool)) if dataset.task == "binary" else np.asarray
            self._labels = (as_labels(dataset.labels_train), as_labels(dataset.labels_test))
        self.schedule = SCHEDULES.get(cfg.schedule)(cfg.lr, **schedule_kwargs(cfg))
        self._params = self.network.params()
        self._weights = self._params[0::2]  # the W of each layer: what L1/L2 penalise
        self.optimizer = OPTIMIZERS.get(cfg.optimizer)(self._params, **optimizer_kwargs(cfg))
        self.optimizer.lr = self.schedule.lr_at(0)
        self._guard = StepGuard(self.network, self.optimizer, cfg.clip_norm)
        self.history = History()
        self._reset_progress()

    # ---- construction helpers ------------------------------------------------------------
    def _fitted_pipeline(self, pipeline):
        cfg = self.config
        if pipeline is None:
            return _fit_pipeline(self.dataset, cfg)
        if tuple(pipeline.features) != tuple(cfg.features):
            raise UserInputError(f"The input pipeline uses derived features "
                                 f"{list(pipeline.features)}; the config asks for "
                                 f"{list(cfg.features)}.")
        return pipeline

    def _network_inputs(self, inputs):
        if inputs is None:  # cast once, here
            return tuple(self.pipeline.transform(X, dtype=self.dtype)
                         for X in (self.dataset.X_train, self.dataset.X_test))
        d_net = self.dataset.n_inputs + len(self.pipeline.features)
        shapes = ((self.dataset.n_train, d_net), (self.dataset.n_test, d_net))
        if tuple(X.shape for X in inputs) != shapes or any(X.dtype != self.dtype for X in inputs):
            raise UserInputError(f"The network inputs given are {[X.shape for X in inputs]} "
                                 f"{[X.dtype.name for X in inputs]}; this data and config "
                                 f"need {list(shapes)} {self.dtype.name}.")
        return inputs

    def _network_targets(self, y):
        return np.ascontiguousarray(y, dtype=self.dtype)

    def _build_network(self, network, init_rng):
        cfg = self.config
        sizes = [self.X_train.shape[1], *cfg.hidden, self.y_train.shape[1]]
        if network is None:
            return Network(sizes, cfg.layer_activations(), init=cfg.init, rng=init_rng,
                           dtype=self.dtype, dropout=cfg.dropout)
        if list(network.sizes) != sizes or network.dtype != self.dtype:
            raise UserInputError(
                f"The given network is {'-'.join(map(str, network.sizes))} "
                f"({network.dtype.name}); the config and data need "
                f"{'-'.join(map(str, sizes))} ({self.dtype.name})."
            )
        return network

    def _reset_progress(self):
        n = len(self.X_train)
        self._n = n
        self._batch = n if self.config.batch_size is None else min(self.config.batch_size, n)
        self._shuffle = self._batch < n  # one full batch: the row order changes nothing
        self._gather = self._shuffle and self.X_train.nbytes > SHUFFLED_COPY_LIMIT_BYTES
        # The rows in this epoch's order: a copy of the data when shuffled, made at the first
        # step that needs it (a trainer that a training process steps never needs it here);
        # big inputs are gathered batch by batch (``_gather``): only the targets are copied.
        self._Xp = None if self._shuffle else self.X_train
        self._yp = None if self._shuffle else self.y_train
        self._rows_due = False  # ``_order`` changed and the copy has not followed yet
        self._order = None
        self._pos = 0
        self._running = RunningMetrics(self._scoring, self.y_train, self._labels[0],
                                       full_batch=not self._shuffle)
        self.weights_changed()
        self._l1, self._l2 = float(self.config.l1), float(self.config.l2)
        self.step_count = 0
        self.epoch = 0
        self.last_updates = [np.zeros_like(p) for p in self._params]
        self.last_loss = math.nan
        self.stopped_early = False
        self.stop_reason = None
        self._best = (math.inf, 0)  # (best monitored loss, epoch it was reached)
        self._surface_cache = {}

    # ---- training ------------------------------------------------------------------------
    @property
    def steps_per_epoch(self):
        """``ceil(n_train / batch_size)``."""
        return -(-self._n // self._batch)

    @property
    def epoch_position(self):
        """Epochs done as a float: ``epoch`` plus the share of this epoch's rows trained on."""
        return self.epoch + self._pos / self._n

    @property
    def lr(self):
        """Learning rate the next step uses."""
        return self.optimizer.lr

    def step(self):
        """One mini-batch update.

        Returns
        -------
        float
            The batch loss before the update, including the L1/L2 penalty (the objective
            being minimised; ``history`` records data losses without it).

        Raises
        ------
        TrainingDiverged
            The loss or the gradients are not finite (nothing was updated), or the update
            made a weight non-finite (the error names the step and the layer).
        """
        try:
            return self._step()
        except RuntimeWarning as w:
            # Only reached when warnings are errors (tests): an overflow interrupted the
            # forward/backward pass, before any update (see the module docstring).
            raise self._loss_diverged(f"loss ({w})") from None

    def _step(self):
        if self._pos == 0:
            self._begin_epoch()
        elif self._rows_due:
            self._order_rows()
        start = self._pos
        stop = min(start + self._batch, self._n)
        data, grads = loss_and_gradients(
            self.network, self.loss, self._batch_inputs(start, stop), self._yp[start:stop],
            training=True,
        )
        value = data + self._add_penalty(grads) if self._l1 or self._l2 else data
        if not math.isfinite(value):
            raise self._loss_diverged("loss")
        step = self.step_count + 1
        sq = self._guard.gradients(step)  # checked, and clipped in place
        # All gradients as one vector: the optimizer updates every parameter in one go.
        self.last_updates = self.optimizer.step(self.network.flat_grads)
        self.step_count = step
        self._guard.update(sq, self.last_updates, step)
        self.last_loss = value
        out = self.network.layers[-1]
        self._running.add(start, stop, data, out.z if self._scoring.logits else out.a)
        self._pos = stop
        if stop == self._n:
            self._end_epoch()
        return value

    def _add_penalty(self, grads):
        """The L1/L2 penalty of the weights; its gradient is added to ``grads`` in place.
        (As ``loss_and_gradients`` would, bit for bit, but keeping the data loss apart.)"""
        add_gradients(self._weights, grads[0::2], self._l1, self._l2)
        return penalty(self._weights, self._l1, self._l2)

    def weights_changed(self):
        """Say the weights were written from outside (e.g. loaded): the next step re-measures
        them for the divergence check (``StepGuard``). ``train()`` calls it itself."""
        self._guard.reset()

    def run_steps(self, n):
        """Up to ``n`` steps (fewer if an epoch ends with early stopping); returns steps done.

        Floating-point warnings are silenced once for the whole run: divergence is reported
        by ``TrainingDiverged``, not by NumPy warnings.
        """
        with np.errstate(all="ignore"):
            for done in range(int(n)):
                self._step()
                if self.stopped_early and self._pos == 0:
                    return done + 1
        return int(n)

    def _begin_epoch(self):
        self.optimizer.lr = self.schedule.lr_at(self.epoch)
        if self._shuffle:
            self._order = self.rng.permutation(self._n)
            self._order_rows()

    def _order_rows(self):
        """Copy the training rows in ``_order`` into ``_Xp`` (unless gathered), ``_yp``."""
        if self._yp is None:
            self._yp = np.empty_like(self.y_train)
            if not self._gather:
                self._Xp = np.empty_like(self.X_train)
        if not self._gather:
            np.take(self.X_train, self._order, axis=0, out=self._Xp)
        np.take(self.y_train, self._order, axis=0, out=self._yp)
        self._rows_due = False

    def _batch_inputs(self, start, stop):
        """Inputs (stop - start, d_net) of the rows at ``start:stop`` of this epoch's order."""
        if self._gather:
            return np.take(self.X_train, self._order[start:stop], axis=0)
        return self._Xp[start:stop]

    def _end_epoch(self):
        self._pos = 0
        order, self._order = self._order, None
        self.epoch += 1
        # Every batch loss was finite (checked in _step), so the training loss is too.
        train_loss, train_metric = self._running.result(self._yp, order)
        self._running.reset()
        test_loss, test_metric = self._scoring.evaluate(self.network, self.X_test, self.y_test,
                                                        self._labels[1])
        self.history.append(self.epoch, train_loss, test_loss, train_metric, test_metric,
                            self.optimizer.lr)
        self._update_early_stopping(test_loss)

    def _update_early_stopping(self, test_loss):
        patience = self.config.early_stopping
        if patience is None:
            return
        best, best_epoch = self._best  # config.validate ensures there are test rows
        if test_loss < best:
            self._best = (test_loss, self.epoch)
        elif self.epoch - best_epoch >= patience and not self.stopped_early:
            self.stopped_early = True
            self.stop_reason = (
                f"Early stopping at epoch {self.epoch}: the test loss has not improved for "
                f"{patience} epochs (best {best:.4g} at epoch {best_epoch})."
            )

    def run_epoch(self):
        """Step until the current epoch ends; returns its metrics (``history.last()``)."""
        start_epoch = self.epoch
        with np.errstate(all="ignore"):  # see run_steps
            while self.epoch == start_epoch:
                self._step()
        return self.history.last()

    def train(self, epochs=None, callback=None):
        """Run whole epochs.

        Parameters
        ----------
        epochs : int, optional
            Epochs to run now; default: until ``config.epochs`` epochs are completed.
        callback : callable, optional
            ``callback(trainer, metrics)`` after each epoch; returning False stops.

        Returns
        -------
        History
            Stops early when early stopping triggers.
        """
        target = self.config.epochs if epochs is None else self.epoch + int(epochs)
        self.weights_changed()  # weights may have been loaded since the last step
        while self.epoch < target and not self.stopped_early:
            metrics = self.run_epoch()
            if callback is not None and callback(self, metrics) is False:
                break
        return self.history

    # ---- evaluation ----------------------------------------------------------------------
    def evaluate(self):
        """Data losses and metrics on the whole train and test sets (no dropout, no penalty).

        The exact values at the current weights (one forward pass per set), unlike
        ``history``'s training columns, which are running values over the last epoch.

        Returns
        -------
        dict
            ``{"train_loss", "test_loss", "train_metric", "test_metric"}`` as floats;
            accuracy in [0, 1] or R² (see ``metric_name``); NaN for an empty test set.
        """
        net, score = self.network, self._scoring.evaluate
        train_loss, train_metric = score(net, self.X_train, self.y_train, self._labels[0])
        test_loss, test_metric = score(net, self.X_test, self.y_test, self._labels[1])
        return {"train_loss": train_loss, "test_loss": test_loss,
                "train_metric": train_metric, "test_metric": test_metric}

    def predict(self, X_raw):
        """Network outputs (n, n_out) for raw inputs ``X_raw`` (n, d), through the pipeline."""
        return outputs(self.network, self.pipeline.transform(X_raw, dtype=self.dtype))[1]

    # ---- live changes --------------------------------------------------------------------
    def set_lr(self, lr):
        """Change the base learning rate; the schedule continues from it at the next step."""
        self.apply_live({"lr": lr})

    def apply_live(self, changes):
        """Apply settings that need no new network (``LIVE_FIELDS``), effective next step.

        Parameters
        ----------
        changes : dict
            Any of ``lr``, ``l1``, ``l2``, ``epochs``, ``clip_norm``. ``lr`` is the base rate:
            the rate used is ``schedule.lr_at(epoch)`` of a schedule rebuilt from it.
        """
        unknown = [k for k in changes if k not in LIVE_FIELDS]
        if unknown:
            raise UserInputError(
                f"{unknown[0]!r} cannot change during training; live settings: "
                f"{', '.join(LIVE_FIELDS)}."
            )
        new = dataclasses.replace(self.config, **changes)
        new.validate(self.dataset)
        self._set_config(new)

    def _set_config(self, cfg):
        self.config = cfg
        self.schedule = SCHEDULES.get(cfg.schedule)(cfg.lr, **schedule_kwargs(cfg))
        self.optimizer.lr = self.schedule.lr_at(self.epoch)
        self._l1, self._l2 = float(cfg.l1), float(cfg.l2)
        self._guard.clip_norm = cfg.clip_norm

    # ---- state ---------------------------------------------------------------------------
    def state_dict(self, history=True):
        """Everything needed to continue bit-identically (copies; see ``core.train.state``;
        ``history=False``: the per-epoch history only as its length, ``"history_rows"``)."""
        return snapshot_state(self, history)

    def load_state_dict(self, state):
        """Restore a ``state_dict()`` taken from a trainer with the same data and architecture."""
        restore_state(self, state)

    def set_pipeline(self, pipeline):
        """Feed the network through ``pipeline`` from now on (``trainer_state.use_pipeline``)."""
        use_pipeline(self, pipeline)

    def info(self):
        """A ``TrainerInfo`` describing this run for the GUI (immutable)."""
        from core.train.info import trainer_info

        return trainer_info(self)

    def _loss_diverged(self, what):  # rare path: name the layer (core.nn.divergence)
        layer, detail = loss_culprit(self.network)
        return TrainingDiverged(self.step_count + 1, layer, what, detail)

    def __repr__(self):
        arch = "-".join(map(str, self.network.sizes))
        return (f"Trainer({self.dataset.name!r}, {arch}, {self.config.optimizer} "
                f"lr={self.lr:g}, epoch={self.epoch}, step={self.step_count})")

