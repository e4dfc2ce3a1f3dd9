"""``HyperparameterPanel``: every training setting of ``core.config.TrainConfig`` as a widget.

Three groups — Training, Network, Regularization — in a row when the panel is wide and in a
column when it is narrow. Choices come from the core's registries; optimizer and schedule
settings are built from their ``Hyper`` tables, so only the chosen one's are shown.

Two signals tell the window what changed (a dict of ``TrainConfig`` fields):

- ``liveChanged``: ``lr``, ``l1``, ``l2``, ``epochs`` — applied between two steps, no reset;
- ``configChanged``: everything else — it needs a new network.
"""

from contextlib import contextmanager
from typing import NamedTuple

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from core.activations import ACTIVATIONS
from core.config import DTYPES, TrainConfig
from core.errors import UserInputError
from core.initializers import INITIALIZERS
from core.losses import LOSSES, check_compatible
from core.optimizers import OPTIMIZERS
from core.schedules import SCHEDULES
from gui.panels.widgets import (
    REGULARIZATION_RATES,
    FloatSpinBox,
    LadderSpinBox,
    ParamEditor,
    scroll_body,
)
from gui.style import ERROR_FG

LIVE_FIELDS = ("lr", "l1", "l2", "epochs")
"""Fields applied to a running trainer without a reset (sent by ``liveChanged``)."""

_PENALTIES = ("None", "L1", "L2", "L1 + L2")
_NEW_NET = " Changing it builds a new network."
_LIVE = " Applies at the next step, without a reset."

TIPS = {
    "lr": "Learning rate: the size of each step down the gradient. Too small learns slowly; "
    "too large makes the loss jump around or blow up. The arrows step through "
    "0.00001 … 10; any value can be typed." + _LIVE,
    "optimizer": "How a gradient becomes an update. sgd: plain step; momentum, nesterov: keep "
    "a running velocity; adagrad, rmsprop, adam, adamw: a step size per weight "
    "from the history of its gradients." + _NEW_NET,
    "batch_size": "Training examples per update. Small batches give noisy but frequent steps; "
    "large batches smooth but fewer steps per epoch." + _NEW_NET,
    "full_batch": "Use the whole training set for every update (batch gradient descent): one "
    "step per epoch." + _NEW_NET,
    "epochs": "Epoch limit: training pauses by itself after this many passes over the "
    "training set." + _LIVE,
    "schedule": "How the learning rate changes over the epochs. step: times gamma every "
    "step_size epochs; exponential: times gamma every epoch; cosine: glides down "
    "to eta_min over T_max epochs." + _NEW_NET,
    "seed": "Random seed of the first weights, the batch order and dropout: the same seed "
    "gives the same run." + _NEW_NET,
    "dtype": "Number precision. float64 is exact enough for gradient checks; float32 is half "
    "the memory, as on GPUs." + _NEW_NET,
    "activation": "Activation of the hidden neurons. Without a non-linear one, any stack of "
    "layers is a single linear map." + _NEW_NET,
    "per_layer": "Choose a different activation for each hidden layer." + _NEW_NET,
    "output_activation": "Activation of the output layer. Auto follows the problem: sigmoid "
    "for yes/no, softmax for several classes, identity for regression." + _NEW_NET,
    "loss": "What training minimises. Auto: binary cross-entropy (bce) after sigmoid, "
    "categorical cross-entropy (cce) after softmax, mean squared error (mse) "
    "otherwise." + _NEW_NET,
    "init": "How the first weights are drawn. Xavier suits tanh and sigmoid, He suits ReLU; "
    "zeros makes all neurons of a layer learn the same thing." + _NEW_NET,
    "standardize": "Rescale every input to mean 0 and standard deviation 1 (measured on the "
    "training set). Auto: on for real data, off for the toy 2-D sets." + _NEW_NET,
    "penalty": "A weight penalty added to the loss. L1 (λ·Σ|w|) pushes weights to exactly "
    "zero; L2 (λ·Σw²) keeps them all small." + _LIVE,
    "l1": "λ of the L1 penalty λ·Σ|w|." + _LIVE,
    "l2": "λ of the L2 penalty λ·Σw²." + _LIVE,
    "dropout": "Chance that each hidden neuron is switched off in a training step, so the "
    "network cannot rely on any single one. 0 = off." + _NEW_NET,
    "clip_norm": "When the joint length of all gradients exceeds this, they are scaled down "
    "to it: a guard against exploding updates. Off = no clipping." + _NEW_NET,
    "early_stopping": "Stop when the test loss has not improved for this many epochs "
    "(patience). Off = never." + _NEW_NET,
}
_WIDE = 760  # from this width on, the groups sit side by side


class _TaskOnly(NamedTuple):
    """The part of a dataset that ``TrainConfig.resolved`` reads for output and loss."""

    task: str
    spec: dict


def _first_line(obj):
    doc = (type(obj).__doc__ if not isinstance(obj, type) else obj.__doc__) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def _combo(names, registry=None, name=""):
    """A combo box of ``names`` (item data = name); item tooltips from the registry's docs."""
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(6)
    for item in names:
        combo.addItem(item, item)
        if registry is not None:
            combo.setItemData(
                combo.count() - 1, _first_line(registry.get(item)), Qt.ItemDataRole.ToolTipRole
            )
    return combo


def _select(combo, value):
    """Show the item whose data is ``value``; ``UserInputError`` listing choices if none."""
    index = combo.findData(value)
    if index < 0:
        choices = ", ".join(str(combo.itemData(i)) for i in range(combo.count()))
        raise UserInputError(f"{combo.objectName()}: {value!r} is not one of: {choices}.")
    combo.setCurrentIndex(index)


def _form(group):
    form = QFormLayout(group)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setHorizontalSpacing(6)
    return form


class HyperparameterPanel(QWidget):
    """Training, network and regularization settings; see the module docstring.

    Widgets are reachable by ``objectName`` equal to their ``TrainConfig`` field (``lr``,
    ``optimizer``, ``activation``, ...). ``set_from_config`` fills them without emitting.
    """

    configChanged = Signal(object)
    liveChanged = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._task = "binary"
        self._filling = False
        self._layer_combos = []
        self.body = scroll_body(self)
        self._box = QBoxLayout(QBoxLayout.Direction.TopToBottom, self.body)
        self._box.setContentsMargins(0, 0, 0, 0)
        for group in (self._training_group(), self._network_group(), self._regularization_group()):
            self._box.addWidget(group, 1, Qt.AlignmentFlag.AlignTop)
        for widget in self.findChildren(QWidget):
            if widget.objectName() in TIPS:
                widget.setToolTip(TIPS[widget.objectName()])
                self._tip_label(widget)
        self.set_from_config(TrainConfig())

    def _tip_label(self, widget):
        """Give the form label of ``widget`` (or of the row holding it) the same tooltip."""
        for form in self.findChildren(QFormLayout):
            for field in (widget, widget.parentWidget()):
                label = form.labelForField(field)
                if label is not None:
                    label.setToolTip(widget.toolTip())
                    return

    # ---- building ------------------------------------------------------------------------
    def _training_group(self):
        group = QGroupBox("Training")
        form = self._training_form = _form(group)
        self.lr = LadderSpinBox(value=0.03)
        self.lr.setObjectName("lr")
        self.lr.valueChanged.connect(lambda: self._emit("lr"))
        form.addRow("Learning rate", self.lr)
        self.optimizer = _combo(OPTIMIZERS.names(), OPTIMIZERS, "optimizer")
        form.addRow("Optimizer", self.optimizer)
        self._optimizer_editors = self._editors(form, OPTIMIZERS, "HYPERPARAMETERS", {})
        self.optimizer.currentIndexChanged.connect(self._on_optimizer)
        form.addRow("Batch size", self._batch_row())
        self.epochs = QSpinBox(objectName="epochs", minimum=1, maximum=10_000_000)
        self.epochs.setKeyboardTracking(False)
        self.epochs.valueChanged.connect(lambda: self._emit("epochs"))
        form.addRow("Epoch limit", self.epochs)
        self.schedule = _combo(SCHEDULES.names(), SCHEDULES, "schedule")
        form.addRow("LR schedule", self.schedule)
        auto = {"T_max": "= epoch limit"}
        self._schedule_editors = self._editors(form, SCHEDULES, "PARAMETERS", auto)
        self.schedule.currentIndexChanged.connect(self._on_schedule)
        self.seed = QSpinBox(objectName="seed", minimum=0, maximum=2**31 - 1)
        self.seed.setKeyboardTracking(False)
        self.seed.setMinimumWidth(70)  # the hint would fit 10 digits
        self.seed.valueChanged.connect(lambda: self._emit("seed"))
        form.addRow("Seed", self.seed)
        self.dtype = _combo(DTYPES, name="dtype")
        self.dtype.currentIndexChanged.connect(lambda: self._emit("dtype"))
        form.addRow("Precision", self.dtype)
        return group

    def _editors(self, form, registry, table, auto):
        """One hidden ``ParamEditor`` row per registry entry; returns ``{name: editor}``."""
        editors = {}
        field = "optimizer" if registry is OPTIMIZERS else "schedule"
        for name in registry.names():
            editor = ParamEditor(name, getattr(registry.get(name), table), auto=auto)
            editor.setObjectName(f"{field}_params_{name}")
            editor.changed.connect(lambda f=field: self._emit(*self._fields_of(f)))
            form.addRow(editor)
            form.setRowVisible(editor, False)
            editors[name] = editor
        return editors

    def _batch_row(self):
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.batch_size = QSpinBox(objectName="batch_size", minimum=1, maximum=1_000_000)
        self.batch_size.setKeyboardTracking(False)
        self.full_batch = QCheckBox("Full batch", objectName="full_batch")
        self.batch_size.valueChanged.connect(lambda: self._emit("batch_size"))
        self.full_batch.toggled.connect(self._on_full_batch)
        layout.addWidget(self.batch_size, 1)
        layout.addWidget(self.full_batch)
        return row

    def _network_group(self):
        group = QGroupBox("Network")
        form = _form(group)
        hidden = [n for n in ACTIVATIONS.names() if n != "softmax"]
        self.activation = _combo(hidden, ACTIVATIONS, "activation")
        self.per_layer = QCheckBox("Per layer", objectName="per_layer")
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.activation, 1)
        layout.addWidget(self.per_layer)
        form.addRow("Hidden layers", row)
        self._layers = QWidget(objectName="layer_activations")
        self._layers_form = QFormLayout(self._layers)
        self._layers_form.setContentsMargins(14, 0, 0, 0)
        form.addRow(self._layers)
        self.activation.currentIndexChanged.connect(lambda: self._emit("activation"))
        self.per_layer.toggled.connect(self._on_per_layer)
        self.output_activation = _combo(ACTIVATIONS.names(), ACTIVATIONS, "output_activation")
        self.output_activation.insertItem(0, "Auto", None)
        form.addRow("Output layer", self.output_activation)
        self.loss = _combo(LOSSES.names(), LOSSES, "loss")
        self.loss.insertItem(0, "Auto", None)
        form.addRow("Loss", self.loss)
        self.compat_label = QLabel(objectName="compat_label", wordWrap=True)
        self.compat_label.setStyleSheet(f"color: {ERROR_FG.name()};")
        form.addRow(self.compat_label)
        for combo in (self.output_activation, self.loss):
            combo.currentIndexChanged.connect(self._on_output)
        self.init = _combo(INITIALIZERS.names(), INITIALIZERS, "init")
        self.init.currentIndexChanged.connect(lambda: self._emit("init"))
        form.addRow("Initializer", self.init)
        self.standardize = QComboBox(objectName="standardize")
        for text, value in (("Auto", None), ("Standardize", True), ("Raw", False)):
            self.standardize.addItem(text, value)
        self.standardize.currentIndexChanged.connect(lambda: self._emit("standardize"))
        form.addRow("Inputs", self.standardize)
        return group

    def _regularization_group(self):
        group = QGroupBox("Regularization")
        form = self._reg_form = _form(group)
        self.penalty = QComboBox(objectName="penalty")
        self.penalty.addItems(_PENALTIES)
        form.addRow("Penalty", self.penalty)
        self.l1 = LadderSpinBox(REGULARIZATION_RATES, 0.001)
        self.l2 = LadderSpinBox(REGULARIZATION_RATES, 0.001)
        for name, box in (("l1", self.l1), ("l2", self.l2)):
            box.setObjectName(name)
            form.addRow(f"{name.upper()} rate", box)
            box.valueChanged.connect(lambda: self._emit("l1", "l2"))
        self.penalty.currentIndexChanged.connect(self._on_penalty)
        self.dropout = QDoubleSpinBox(objectName="dropout", maximum=0.95, singleStep=0.05)
        self.dropout.setKeyboardTracking(False)
        self.dropout.valueChanged.connect(lambda: self._emit("dropout"))
        form.addRow("Dropout", self.dropout)
        self.clip_norm = FloatSpinBox(0.0, 1e6, 0.0)
        self.clip_norm.setObjectName("clip_norm")
        self.clip_norm.setSpecialValueText("Off")
        self.clip_norm.valueChanged.connect(lambda: self._emit("clip_norm"))
        form.addRow("Gradient clip", self.clip_norm)
        self.early_stopping = QSpinBox(objectName="early_stopping", maximum=1_000_000)
        self.early_stopping.setSpecialValueText("Off")
        self.early_stopping.setKeyboardTracking(False)
        self.early_stopping.valueChanged.connect(lambda: self._emit("early_stopping"))
        form.addRow("Early stop", self.early_stopping)
        return group

    # ---- reactions -----------------------------------------------------------------------
    def _fields_of(self, component):
        if component == "optimizer":
            return ("optimizer", "momentum", "optimizer_params")
        return ("schedule", "schedule_params")

    def _show_editor(self, editors, current):
        for name, editor in editors.items():
            shown = name == current and editor.layout().rowCount() > 0
            self._training_form.setRowVisible(editor, shown)

    def _on_optimizer(self):
        self._show_editor(self._optimizer_editors, self.optimizer.currentData())
        self._emit(*self._fields_of("optimizer"))

    def _on_schedule(self):
        self._show_editor(self._schedule_editors, self.schedule.currentData())
        self._emit(*self._fields_of("schedule"))

    def _on_full_batch(self, full):
        self.batch_size.setEnabled(not full)
        self._emit("batch_size")

    def _on_per_layer(self, per_layer):
        with self._quiet():
            for combo in self._layer_combos:
                _select(combo, self.activation.currentData())
        self._layers.setVisible(per_layer)
        self.activation.setEnabled(not per_layer and bool(self._layer_combos))
        self._emit("activation")

    def _on_output(self):
        self._update_auto_labels()
        self._emit("output_activation", "loss")

    def _on_penalty(self):
        index = self.penalty.currentIndex()
        self._reg_form.setRowVisible(self.l1, index in (1, 3))
        self._reg_form.setRowVisible(self.l2, index in (2, 3))
        self._emit("l1", "l2")

    @contextmanager
    def _quiet(self):
        """Change widgets without emitting ``configChanged``/``liveChanged``."""
        before, self._filling = self._filling, True
        try:
            yield
        finally:
            self._filling = before

    def _emit(self, *names):
        if self._filling:
            return
        fields = self.config_fields()
        live = {n: fields[n] for n in names if n in LIVE_FIELDS}
        rest = {n: fields[n] for n in names if n not in LIVE_FIELDS}
        if live:
            self.liveChanged.emit(live)
        if rest:
            self.configChanged.emit(rest)

    # ---- task-dependent defaults ---------------------------------------------------------
    def set_task(self, task):
        """Show what "Auto" output activation and loss mean for ``task``.

        Parameters
        ----------
        task : {"binary", "multiclass", "regression"}
        """
        self._task = task
        self._update_auto_labels()

    def _resolved(self, output_activation, loss):
        config = TrainConfig(output_activation=output_activation, loss=loss)
        return config.resolved(_TaskOnly(self._task, {}))

    def _update_auto_labels(self):
        out, loss = self.output_activation.currentData(), self.loss.currentData()
        self.output_activation.setItemText(
            0, f"Auto ({self._resolved(None, None).output_activation})"
        )
        self.loss.setItemText(0, f"Auto ({self._resolved(out, None).loss})")
        problem = self._compatibility_problem(self._resolved(out, loss))
        self.compat_label.setText(problem)
        self.compat_label.setVisible(bool(problem))

    def _compatibility_problem(self, resolved):
        """Why the output activation and loss cannot train this task, or ``""``."""
        out, loss = resolved.output_activation, resolved.loss
        try:
            check_compatible(loss, out)
        except UserInputError as exc:
            return str(exc)
        if self._task == "regression" and loss != "mse":
            return f"{loss} needs 0/1 class targets; this is a regression task: use mse."
        if self._task == "binary" and out == "softmax":
            return "softmax needs at least 2 outputs; a binary task has 1 output: use sigmoid."
        return ""

    # ---- hidden layers -------------------------------------------------------------------
    def set_hidden_layers(self, n):
        """Offer one activation combo per hidden layer (``n`` layers); emits nothing.

        Read ``config_fields()["activation"]`` afterwards: with "per layer" on, it has
        ``n`` entries (new layers take the shared activation).
        """
        while len(self._layer_combos) > n:
            combo = self._layer_combos.pop()
            self._layers_form.removeRow(combo)
        names = [self.activation.itemData(i) for i in range(self.activation.count())]
        while len(self._layer_combos) < n:
            combo = _combo(names, ACTIVATIONS, f"activation_{len(self._layer_combos) + 1}")
            combo.setToolTip(TIPS["activation"])
            _select(combo, self.activation.currentData())
            combo.currentIndexChanged.connect(lambda: self._emit("activation"))
            self._layer_combos.append(combo)
            self._layers_form.addRow(f"Layer {len(self._layer_combos)}", combo)
        self.activation.setEnabled(n > 0 and not self.per_layer.isChecked())
        self.per_layer.setEnabled(n > 0)
        self._layers.setVisible(self.per_layer.isChecked() and n > 0)

    # ---- reading and filling -------------------------------------------------------------
    def config_fields(self):
        """Every ``TrainConfig`` field this panel sets, as a dict.

        ``hidden`` (the network diagram's) and ``features`` (the dataset panel's) are not
        included. ``optimizer_params``/``schedule_params`` hold only settings changed from
        the component's defaults; ``momentum`` is None when it is the optimizer's default.
        """
        opt_params = self._optimizer_editors[self.optimizer.currentData()].changed_values()
        penalty = self.penalty.currentIndex()
        if self.per_layer.isChecked():
            activation = tuple(c.currentData() for c in self._layer_combos)
        else:
            activation = self.activation.currentData()
        return {
            "activation": activation,
            "output_activation": self.output_activation.currentData(),
            "loss": self.loss.currentData(),
            "init": self.init.currentData(),
            "optimizer": self.optimizer.currentData(),
            "lr": self.lr.value(),
            "momentum": opt_params.pop("momentum", None),
            "optimizer_params": opt_params,
            "schedule": self.schedule.currentData(),
            "schedule_params": self._schedule_editors[self.schedule.currentData()].changed_values(),
            "batch_size": None if self.full_batch.isChecked() else self.batch_size.value(),
            "epochs": self.epochs.value(),
            "l1": self.l1.value() if penalty in (1, 3) else 0.0,
            "l2": self.l2.value() if penalty in (2, 3) else 0.0,
            "dropout": self.dropout.value(),
            "clip_norm": self.clip_norm.value() or None,
            "early_stopping": self.early_stopping.value() or None,
            "standardize": self.standardize.currentData(),
            "seed": self.seed.value(),
            "dtype": self.dtype.currentData(),
        }

    def set_from_config(self, config):
        """Show every field of ``config`` (a ``TrainConfig``); emits nothing.

        Raises ``UserInputError`` for a name no combo box offers.
        """
        with self._quiet():
            self._fill(config)

    def _fill(self, c):
        self.lr.setValue(c.lr)
        _select(self.optimizer, c.optimizer)
        momentum = {} if c.momentum is None else {"momentum": c.momentum}
        self._optimizer_editors[c.optimizer].set_values({**c.optimizer_params, **momentum})
        self._show_editor(self._optimizer_editors, c.optimizer)
        _select(self.schedule, c.schedule)
        self._schedule_editors[c.schedule].set_values(c.schedule_params)
        self._show_editor(self._schedule_editors, c.schedule)
        self.full_batch.setChecked(c.batch_size is None)
        self.batch_size.setValue(c.batch_size or self.batch_size.value() or 10)
        self.epochs.setValue(c.epochs)
        self.seed.setValue(c.seed)
        _select(self.dtype, c.dtype)
        self._fill_activations(c)
        _select(self.output_activation, c.output_activation)
        _select(self.loss, c.loss)
        self._update_auto_labels()
        _select(self.init, c.init)
        _select(self.standardize, c.standardize)
        self._fill_penalty(c.l1, c.l2)
        self.dropout.setValue(c.dropout)
        self.clip_norm.setValue(c.clip_norm or 0.0)
        self.early_stopping.setValue(c.early_stopping or 0)

    def _fill_activations(self, c):
        per_layer = not isinstance(c.activation, str)
        if per_layer and len(c.activation) != len(c.hidden):
            raise UserInputError(
                f"{len(c.activation)} hidden activations for {len(c.hidden)} hidden layers: "
                "give one for all layers or one per layer."
            )
        self.set_hidden_layers(len(c.hidden))
        self.per_layer.setChecked(per_layer)
        if per_layer:
            for combo, name in zip(self._layer_combos, c.activation, strict=True):
                _select(combo, name)
        else:
            _select(self.activation, c.activation)

    def _fill_penalty(self, l1, l2):
        self.penalty.setCurrentIndex((1 if l1 else 0) + (2 if l2 else 0))
        self.l1.setValue(l1 or self.l1.value())
        self.l2.setValue(l2 or self.l2.value())
        self._on_penalty()

    # ---- layout --------------------------------------------------------------------------
    def resizeEvent(self, event):
        wide = event.size().width() >= _WIDE
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self._box.direction() != direction:
            self._box.setDirection(direction)
        super().resizeEvent(event)
