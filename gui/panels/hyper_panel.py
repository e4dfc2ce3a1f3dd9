"""``HyperparameterPanel``: every training setting of ``core.train.config.TrainConfig`` as a widget.

Three groups — Training, Network, Regularization — in a row when the panel is wide and in a
column when it is narrow. Choices come from the core's registries; optimizer and schedule
settings are built from their ``Hyper`` tables, so only the chosen one's are shown.

Two signals tell the window what changed (a dict of ``TrainConfig`` fields):

- ``liveChanged``: ``core.train.trainer.LIVE_FIELDS`` (``lr``, ``l1``, ``l2``, ``epochs``,
  ``clip_norm``) — applied between two steps, no reset;
- ``configChanged``: everything else — it needs a new network.
"""

from contextlib import contextmanager

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

from core.errors import UserInputError
from core.nn.activations import ACTIVATIONS
from core.nn.initializers import INITIALIZERS
from core.nn.losses import LOSSES
from core.optim.optimizers import OPTIMIZERS
from core.optim.schedules import SCHEDULES
from core.train.config import DTYPES, TrainConfig
from core.train.trainer import LIVE_FIELDS
from gui.panels.choices import combo, form, select
from gui.panels.component_editors import ComponentEditors
from gui.panels.hyper_tips import TIPS
from gui.panels.layer_activations import LayerActivations
from gui.panels.output_rules import compatibility_problem, resolved
from gui.panels.widgets import REGULARIZATION_RATES, FloatSpinBox, LadderSpinBox, scroll_body
from gui.theme.style import ERROR_FG

__all__ = ["LIVE_FIELDS", "TIPS", "HyperparameterPanel"]

_PENALTIES = ("None", "L1", "L2", "L1 + L2")
_WIDE = 760  # from this width on, the groups sit side by side
_OPTIMIZER_FIELDS = ("optimizer", "momentum", "optimizer_params")
_SCHEDULE_FIELDS = ("schedule", "schedule_params")


def _spin(cls, name, **kw):
    """A spin box named ``name`` that commits on Enter or focus loss only."""
    box = cls(objectName=name, **kw)
    box.setKeyboardTracking(False)
    return box


def _row(*widgets):
    """A margin-less horizontal row of ``widgets``; the first one stretches."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for i, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if i == 0 else 0)
    return row


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
        for layout in self.findChildren(QFormLayout):
            for field in (widget, widget.parentWidget()):
                label = layout.labelForField(field)
                if label is not None:
                    label.setToolTip(widget.toolTip())
                    return

    def _on_change(self, signal, *names):
        signal.connect(lambda *_: self._emit(*names))

    # ---- building ------------------------------------------------------------------------
    def _training_group(self):
        group = QGroupBox("Training")
        rows = self._training_form = form(group)
        self.lr = LadderSpinBox(value=0.03)
        self.lr.setObjectName("lr")
        self._on_change(self.lr.valueChanged, "lr")
        rows.addRow("Learning rate", self.lr)
        self.optimizer = combo(OPTIMIZERS.names(), OPTIMIZERS, "optimizer")
        rows.addRow("Optimizer", self.optimizer)
        self._optimizer_editors = ComponentEditors(rows, OPTIMIZERS, "HYPERPARAMETERS",
                                                   "optimizer", parent=self)
        self._on_change(self._optimizer_editors.changed, *_OPTIMIZER_FIELDS)
        self.optimizer.currentIndexChanged.connect(self._on_optimizer)
        rows.addRow("Batch size", self._batch_row())
        self.epochs = _spin(QSpinBox, "epochs", minimum=1, maximum=10_000_000)
        self._on_change(self.epochs.valueChanged, "epochs")
        rows.addRow("Epoch limit", self.epochs)
        self.schedule = combo(SCHEDULES.names(), SCHEDULES, "schedule")
        rows.addRow("LR schedule", self.schedule)
        self._schedule_editors = ComponentEditors(rows, SCHEDULES, "PARAMETERS", "schedule",
                                                  auto={"T_max": "= epoch limit"}, parent=self)
        self._on_change(self._schedule_editors.changed, *_SCHEDULE_FIELDS)
        self.schedule.currentIndexChanged.connect(self._on_schedule)
        self.seed = _spin(QSpinBox, "seed", minimum=0, maximum=2**31 - 1)
        self.seed.setMinimumWidth(70)  # the hint would fit 10 digits
        self._on_change(self.seed.valueChanged, "seed")
        rows.addRow("Seed", self.seed)
        self.dtype = combo(DTYPES, name="dtype")
        self._on_change(self.dtype.currentIndexChanged, "dtype")
        rows.addRow("Precision", self.dtype)
        return group

    def _batch_row(self):
        self.batch_size = _spin(QSpinBox, "batch_size", minimum=1, maximum=1_000_000)
        self.full_batch = QCheckBox("Full batch", objectName="full_batch")
        self._on_change(self.batch_size.valueChanged, "batch_size")
        self.full_batch.toggled.connect(self._on_full_batch)
        return _row(self.batch_size, self.full_batch)

    def _network_group(self):
        group = QGroupBox("Network")
        rows = form(group)
        hidden = [n for n in ACTIVATIONS.names() if n != "softmax"]
        self.activation = combo(hidden, ACTIVATIONS, "activation")
        self.per_layer = QCheckBox("Per layer", objectName="per_layer")
        rows.addRow("Hidden layers", _row(self.activation, self.per_layer))
        self._layers = LayerActivations(hidden, TIPS["activation"])
        self._on_change(self._layers.changed, "activation")
        rows.addRow(self._layers)
        self._on_change(self.activation.currentIndexChanged, "activation")
        self.per_layer.toggled.connect(self._on_per_layer)
        self.output_activation = combo(ACTIVATIONS.names(), ACTIVATIONS, "output_activation")
        self.output_activation.insertItem(0, "Auto", None)
        rows.addRow("Output layer", self.output_activation)
        self.loss = combo(LOSSES.names(), LOSSES, "loss")
        self.loss.insertItem(0, "Auto", None)
        rows.addRow("Loss", self.loss)
        self.compat_label = QLabel(objectName="compat_label", wordWrap=True)
        self.compat_label.setStyleSheet(f"color: {ERROR_FG.name()};")
        rows.addRow(self.compat_label)
        for box in (self.output_activation, self.loss):
            box.currentIndexChanged.connect(self._on_output)
        self.init = combo(INITIALIZERS.names(), INITIALIZERS, "init")
        self._on_change(self.init.currentIndexChanged, "init")
        rows.addRow("Initializer", self.init)
        self.standardize = QComboBox(objectName="standardize")
        for text, value in (("Auto", None), ("Standardize", True), ("Raw", False)):
            self.standardize.addItem(text, value)
        self._on_change(self.standardize.currentIndexChanged, "standardize")
        rows.addRow("Inputs", self.standardize)
        return group

    def _regularization_group(self):
        group = QGroupBox("Regularization")
        rows = self._reg_form = form(group)
        self.penalty = QComboBox(objectName="penalty")
        self.penalty.addItems(_PENALTIES)
        rows.addRow("Penalty", self.penalty)
        self.l1 = LadderSpinBox(REGULARIZATION_RATES, 0.001)
        self.l2 = LadderSpinBox(REGULARIZATION_RATES, 0.001)
        for name, box in (("l1", self.l1), ("l2", self.l2)):
            box.setObjectName(name)
            rows.addRow(f"{name.upper()} rate", box)
            self._on_change(box.valueChanged, "l1", "l2")
        self.penalty.currentIndexChanged.connect(self._on_penalty)
        self.dropout = _spin(QDoubleSpinBox, "dropout", maximum=0.95, singleStep=0.05)
        self._on_change(self.dropout.valueChanged, "dropout")
        rows.addRow("Dropout", self.dropout)
        self.clip_norm = FloatSpinBox(0.0, 1e6, 0.0)
        self.clip_norm.setObjectName("clip_norm")
        self.clip_norm.setSpecialValueText("Off")
        self._on_change(self.clip_norm.valueChanged, "clip_norm")
        rows.addRow("Gradient clip", self.clip_norm)
        self.early_stopping = _spin(QSpinBox, "early_stopping", maximum=1_000_000)
        self.early_stopping.setSpecialValueText("Off")
        self._on_change(self.early_stopping.valueChanged, "early_stopping")
        rows.addRow("Early stop", self.early_stopping)
        return group

    # ---- reactions -----------------------------------------------------------------------
    def _on_optimizer(self):
        self._optimizer_editors.show_only(self.optimizer.currentData())
        self._emit(*_OPTIMIZER_FIELDS)

    def _on_schedule(self):
        self._schedule_editors.show_only(self.schedule.currentData())
        self._emit(*_SCHEDULE_FIELDS)

    def _on_full_batch(self, full):
        self.batch_size.setEnabled(not full)
        self._emit("batch_size")

    def _on_per_layer(self, per_layer):
        self._layers.select_all(self.activation.currentData())
        self._layers.setVisible(per_layer)
        self.activation.setEnabled(not per_layer and bool(self._layers.combos))
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

    def _update_auto_labels(self):
        out, loss = self.output_activation.currentData(), self.loss.currentData()
        auto_out = resolved(self._task, None, None).output_activation
        self.output_activation.setItemText(0, f"Auto ({auto_out})")
        self.loss.setItemText(0, f"Auto ({resolved(self._task, out, None).loss})")
        chosen = resolved(self._task, out, loss)
        problem = compatibility_problem(self._task, chosen.output_activation, chosen.loss)
        self.compat_label.setText(problem)
        self.compat_label.setVisible(bool(problem))

    def follow_adapted(self, config):
        """Show what the session adapted to new data (``output_rules.adapt_to_dataset``):
        output and loss back to Auto, early stopping off. Emits nothing."""
        with self._quiet():
            if config.output_activation is None and config.loss is None:
                select(self.output_activation, None)
                select(self.loss, None)
                self._update_auto_labels()
            if config.early_stopping is None:
                self.early_stopping.setValue(0)

    # ---- hidden layers -------------------------------------------------------------------
    def set_hidden_layers(self, n):
        """Offer one activation combo per hidden layer (``n`` layers); emits nothing.

        Read ``config_fields()["activation"]`` afterwards: with "per layer" on, it has
        ``n`` entries (new layers take the shared activation).
        """
        self._layers.set_count(n, self.activation.currentData())
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
        optimizer, schedule = self.optimizer.currentData(), self.schedule.currentData()
        opt_params = self._optimizer_editors.changed_values(optimizer)
        penalty = self.penalty.currentIndex()
        per_layer = self.per_layer.isChecked()
        return {
            "activation": self._layers.values() if per_layer else self.activation.currentData(),
            "output_activation": self.output_activation.currentData(),
            "loss": self.loss.currentData(),
            "init": self.init.currentData(),
            "optimizer": optimizer,
            "lr": self.lr.value(),
            "momentum": opt_params.pop("momentum", None),
            "optimizer_params": opt_params,
            "schedule": schedule,
            "schedule_params": self._schedule_editors.changed_values(schedule),
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
        select(self.optimizer, c.optimizer)
        momentum = {} if c.momentum is None else {"momentum": c.momentum}
        self._optimizer_editors.set_values(c.optimizer, {**c.optimizer_params, **momentum})
        select(self.schedule, c.schedule)
        self._schedule_editors.set_values(c.schedule, c.schedule_params)
        self.full_batch.setChecked(c.batch_size is None)
        self.batch_size.setValue(c.batch_size or self.batch_size.value() or 10)
        self.epochs.setValue(c.epochs)
        self.seed.setValue(c.seed)
        select(self.dtype, c.dtype)
        self._fill_activations(c)
        select(self.output_activation, c.output_activation)
        select(self.loss, c.loss)
        self._update_auto_labels()
        select(self.init, c.init)
        select(self.standardize, c.standardize)
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
            self._layers.select_all(c.activation)
        else:
            select(self.activation, c.activation)

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
