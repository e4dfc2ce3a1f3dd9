"""``TrainConfig``: every choice that defines a training run, validated against a dataset.

A config is plain data (names and numbers, JSON-safe through ``to_dict``/``from_dict``), so the
GUI, the command line and the weights file all describe a run the same way. Fields left ``None``
take a default that depends on the dataset (``resolved``):

================  ==================  ==================  ==================
task              output_activation   loss                standardize
================  ==================  ==================  ==================
binary            sigmoid             bce                 by source
multiclass        softmax             cce                 by source
regression        identity            mse                 by source
================  ==================  ==================  ==================

``standardize`` is True for real data (built-in tables and CSV files, whose columns have
arbitrary units) and False for the generated toy 2-D sets (already centred and of order 1, and
the decision surface is easier to read in raw coordinates).
"""

import dataclasses
import math
import numbers
from dataclasses import dataclass, field

from core.errors import UserInputError

DTYPES = ("float64", "float32")
#: Largest network ``validate`` accepts (weights and biases): beyond this training a
#: from-scratch NumPy network is impractical and allocating it can exhaust memory.
MAX_PARAMETERS = 50_000_000
#: Largest L1/L2 penalty strength accepted (the GUI's ladder ends there too, as TF
#: Playground's): far above it the penalty alone wipes out or blows up the weights.
MAX_PENALTY = 10.0

_LOSS_FOR_OUTPUT = {"sigmoid": "bce", "softmax": "cce"}

_DEFAULTS_BY_TASK = {
    "binary": ("sigmoid", "bce"),
    "multiclass": ("softmax", "cce"),
    "regression": ("identity", "mse"),
}


@dataclass(frozen=True)
class TrainConfig:
    """Everything that defines a training run except the data.

    Frozen: change a field with ``dataclasses.replace(config, lr=0.1)``; a config can then be
    shared between threads safely. Lists given for tuple fields are converted to tuples.

    Attributes
    ----------
    hidden : tuple of int
        Units per hidden layer; ``()`` means no hidden layer (a linear/logistic model).
    activation : str or tuple of str
        Hidden activation: one name for every hidden layer, or one name per hidden layer.
    output_activation, loss : str or None
        None chooses by task (see the module docstring).
    init, optimizer, schedule : str
        Names in ``INITIALIZERS``, ``OPTIMIZERS``, ``SCHEDULES``.
    lr : float
        Base learning rate (epoch 0 of the schedule).
    momentum : float or None
        Momentum for optimizers that have one; None keeps the optimizer's default.
    optimizer_params, schedule_params : dict
        Extra settings, e.g. ``{"betas": (0.9, 0.999)}`` or ``{"gamma": 0.5}``.
    batch_size : int or None
        Rows per step; None = the whole training set (full batch).
    epochs : int
        Epochs ``Trainer.train()`` runs (the GUI may keep going past it).
    l1, l2 : float
        Weight penalties (see ``core.nn.regularization``).
    dropout : float
        Drop probability on hidden layers, in [0, 1).
    clip_norm : float or None
        Largest joint L2 norm of the gradients; None = no clipping.
    early_stopping : int or None
        Stop after this many epochs without a new best test loss; None = never.
    features : tuple of str
        Derived input features (``DERIVED_FEATURES``), 2-D data only.
    standardize : bool or None
        Standardise network inputs; None chooses by data source.
    seed : int
        Seeds weight initialisation, shuffling and dropout.
    dtype : str
        ``"float64"`` or ``"float32"``, kept end to end.
    """

    hidden: tuple = (8, 8)
    activation: object = "tanh"
    output_activation: str | None = None
    loss: str | None = None
    init: str = "xavier_uniform"
    optimizer: str = "sgd"
    lr: float = 0.03
    momentum: float | None = None
    optimizer_params: dict = field(default_factory=dict)
    schedule: str = "constant"
    schedule_params: dict = field(default_factory=dict)
    batch_size: int | None = 10
    epochs: int = 1000
    l1: float = 0.0
    l2: float = 0.0
    dropout: float = 0.0
    clip_norm: float | None = None
    early_stopping: int | None = None
    features: tuple = ()
    standardize: bool | None = None
    seed: int = 0
    dtype: str = "float64"

    def __post_init__(self):
        # Normalise containers so equal configs compare equal and round-trip through JSON.
        hidden = self.hidden
        if isinstance(hidden, numbers.Integral):
            hidden = (hidden,) if hidden else ()
        object.__setattr__(self, "hidden", tuple(hidden))
        if not isinstance(self.activation, str):
            object.__setattr__(self, "activation", tuple(self.activation))
        object.__setattr__(self, "features", tuple(self.features))
        object.__setattr__(self, "optimizer_params", _tuples(dict(self.optimizer_params)))
        object.__setattr__(self, "schedule_params", _tuples(dict(self.schedule_params)))

    # ---- derived views -------------------------------------------------------------------
    def hidden_activations(self):
        """One activation name per hidden layer, as a tuple of length ``len(hidden)``."""
        if isinstance(self.activation, str):
            return (self.activation,) * len(self.hidden)
        return tuple(self.activation)

    def layer_activations(self):
        """Activation names for every layer (hidden ones, then the output); needs ``resolved``."""
        if self.output_activation is None:
            raise ValueError("call resolved(dataset) first: output_activation is not chosen yet")
        return (*self.hidden_activations(), self.output_activation)

    def resolved(self, dataset):
        """A copy with every dataset-dependent ``None`` filled in (see the module docstring).

        A cosine schedule's ``T_max`` left unset becomes ``epochs`` here, once, and is then
        stored in ``schedule_params``: a trainer keeps the same schedule when ``epochs`` is
        raised later (a resumed session trained further), unless ``T_max`` is set explicitly.

        ``momentum``, ``batch_size``, ``clip_norm`` and ``early_stopping`` keep ``None``: there
        it means "optimizer default", "full batch" and "off".
        """
        out_act, loss = _DEFAULTS_BY_TASK[dataset.task]
        if self.output_activation is not None:
            out_act = self.output_activation
            if dataset.task != "regression":
                # The cross-entropy that fuses with the chosen output, else MSE.
                loss = _LOSS_FOR_OUTPUT.get(out_act, "mse")
        if self.loss is not None:
            loss = self.loss
        standardize = self.standardize
        if standardize is None:
            standardize = dataset.spec.get("source") != "generator"
        return dataclasses.replace(
            self,
            output_activation=out_act,
            loss=loss,
            standardize=bool(standardize),
            schedule_params=schedule_kwargs(self),
        )

    # ---- validation ----------------------------------------------------------------------
    def validate(self, dataset):
        """Raise ``UserInputError`` (saying what, where and the valid choices) if unusable.

        Parameters
        ----------
        dataset : Dataset
            The data the config will train on (its task, input count and source matter).
        """
        _check_numbers(self, dataset)
        _check_architecture(self, dataset)
        r = self.resolved(dataset)
        _check_output(r, dataset)
        _check_optimizer(r)
        _check_features(r, dataset)

    # ---- serialisation -------------------------------------------------------------------
    def to_dict(self):
        """A JSON-safe dict (tuples become lists)."""
        return {f.name: _jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, d):
        """Inverse of ``to_dict``; unknown keys raise ``UserInputError``; missing keys default."""
        names = [f.name for f in dataclasses.fields(cls)]
        unknown = [k for k in d if k not in names]
        if unknown:
            raise UserInputError(
                f"Unknown training setting {unknown[0]!r}. Valid settings: {', '.join(names)}."
            )
        return cls(**d)


def _tuples(d):
    """``d`` with list values turned into tuples (JSON brings tuples back as lists)."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}


def _jsonable(value):
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _require(ok, message):
    if not ok:
        raise UserInputError(message)


def _check_numbers(c, dataset):
    from core.optim.optimizers import MAX_LR

    _require(_is_real(c.lr) and 0 < c.lr <= MAX_LR,  # also rejects NaN
             f"Learning rate must be a number in (0, {MAX_LR:g}]: above 0 and at most "
             f"{MAX_LR:g}, got {c.lr!r}.")
    _require(c.batch_size is None or (_is_int(c.batch_size) and c.batch_size >= 1),
             f"Batch size must be a whole number >= 1 or 'full', got {c.batch_size!r}.")
    _require(_is_int(c.epochs) and c.epochs >= 1,
             f"Epochs must be a whole number >= 1, got {c.epochs!r}.")
    for name in ("l1", "l2"):
        v = getattr(c, name)
        _require(_is_real(v) and 0 <= v <= MAX_PENALTY,
                 f"{name.upper()} penalty strength must be a number in [0, {MAX_PENALTY:g}] "
                 f"(0: off; typical 0.0001 to 0.1), got {v!r}.")
    _require(_is_real(c.dropout) and 0 <= c.dropout < 1,
             f"Dropout must be in [0, 1), got {c.dropout!r}.")
    _require(c.clip_norm is None or (_is_real(c.clip_norm) and math.isfinite(c.clip_norm)
                                     and c.clip_norm > 0),
             f"Gradient clipping norm must be a number > 0 (or off), got {c.clip_norm!r}.")
    _require(c.early_stopping is None or (_is_int(c.early_stopping) and c.early_stopping >= 1),
             f"Early-stopping patience must be a whole number >= 1 (or off), "
             f"got {c.early_stopping!r}.")
    _require(c.early_stopping is None or dataset.n_test > 0,
             f"Early stopping watches the test loss, but {dataset.name!r} has no test rows. "
             "Lower the train ratio below 1 or turn early stopping off.")
    _require(c.momentum is None or (_is_real(c.momentum) and 0 <= c.momentum < 1),
             f"Momentum must be in [0, 1), got {c.momentum!r}.")
    _require(_is_int(c.seed) and c.seed >= 0,
             f"Seed must be a whole number >= 0, got {c.seed!r}.")
    _require(c.dtype in DTYPES, f"Unknown dtype {c.dtype!r}. Choose one of: {', '.join(DTYPES)}.")
    _require(c.standardize is None or isinstance(c.standardize, bool),
             f"standardize must be true, false or unset, got {c.standardize!r}.")


def _check_architecture(c, dataset):
    from core.nn.activations import ACTIVATIONS
    from core.nn.initializers import INITIALIZERS

    for i, units in enumerate(c.hidden):
        _require(_is_int(units) and units >= 1,
                 f"Hidden layer {i + 1} must have a whole number >= 1 of units, got {units!r}.")
    acts = c.hidden_activations()
    _require(len(acts) == len(c.hidden),
             f"Give one hidden activation for all layers or one per hidden layer: "
             f"{len(acts)} activations for {len(c.hidden)} hidden layers.")
    for name in acts:
        ACTIVATIONS.get(name)
        _require(name != "softmax",
                 "softmax can only be the output activation; choose another hidden activation.")
    INITIALIZERS.get(c.init)
    _require(not (c.dropout and not c.hidden),
             "Dropout applies to hidden layers; this network has none. Set dropout to 0 or "
             "add a hidden layer.")
    sizes = [dataset.X_train.shape[1] + len(c.features), *c.hidden, dataset.y_train.shape[1]]
    count = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    _require(count <= MAX_PARAMETERS,
             f"The network {'-'.join(map(str, sizes))} has {count:,} parameters, more than the "
             f"limit of {MAX_PARAMETERS:,}. Use fewer or smaller hidden layers.")
    _require(dataset.task in _DEFAULTS_BY_TASK,
             f"Unknown task {dataset.task!r}; expected one of {', '.join(_DEFAULTS_BY_TASK)}.")


def _check_output(r, dataset):
    from core.nn.activations import ACTIVATIONS
    from core.nn.losses import LOSSES, check_compatible

    ACTIVATIONS.get(r.output_activation)
    LOSSES.get(r.loss)
    # Task rules first: their fix is the one that works for this data.
    _require(dataset.task != "regression" or r.loss == "mse",
             f"Loss {r.loss!r} needs 0/1 class targets; {dataset.name!r} is a regression "
             "dataset: use the loss 'mse' (output activation 'identity').")
    n_out = dataset.y_train.shape[1]
    _require(r.output_activation != "softmax" or n_out >= 2,
             f"softmax needs at least 2 outputs, but {dataset.name!r} has {n_out}: use the "
             "output activation 'sigmoid' with the loss 'bce'.")
    check_compatible(r.loss, r.output_activation)


def _check_optimizer(r):
    from core.optim.optimizers import OPTIMIZERS
    from core.optim.schedules import SCHEDULES

    opt = OPTIMIZERS.get(r.optimizer)
    hyper = dict(r.optimizer_params)
    if r.momentum is not None:
        _require("momentum" in opt.HYPERPARAMETERS,
                 f"The {r.optimizer} optimizer has no momentum setting; optimizers with one: "
                 + ", ".join(n for n in OPTIMIZERS.names()
                             if "momentum" in OPTIMIZERS.get(n).HYPERPARAMETERS) + ".")
        hyper["momentum"] = r.momentum
    opt.validate(lr=r.lr, **hyper)
    SCHEDULES.get(r.schedule)(r.lr, **schedule_kwargs(r))


def schedule_kwargs(config):
    """Schedule settings with ``T_max`` defaulting to ``config.epochs`` (cosine).

    ``resolved`` stores the result, so a trainer's schedule does not follow later changes of
    ``epochs``.
    """
    from core.optim.schedules import SCHEDULES

    cls = SCHEDULES.get(config.schedule)
    params = dict(config.schedule_params)
    if "T_max" in cls.PARAMETERS and params.get("T_max") is None:
        params["T_max"] = config.epochs
    return params


def optimizer_kwargs(config):
    """Keyword arguments for ``OPTIMIZERS[config.optimizer](params, **kwargs)``."""
    kwargs = dict(config.optimizer_params)
    if config.momentum is not None:
        kwargs["momentum"] = config.momentum
    kwargs["lr"] = float(config.lr)
    return kwargs


def _check_features(r, dataset):
    from core.data import DERIVED_FEATURES

    if not r.features:
        return
    d = dataset.X_train.shape[1]
    _require(d == 2,
             f"Derived features ({', '.join(r.features)}) need 2-D inputs x1, x2; "
             f"{dataset.name!r} has {d} inputs. Clear the feature list.")
    for name in r.features:
        _require(name in DERIVED_FEATURES,
                 f"Unknown derived feature {name!r}. Choose from: {', '.join(DERIVED_FEATURES)}.")
    _require(len(set(r.features)) == len(r.features),
             f"Derived features are listed twice: {', '.join(r.features)}.")
