"""``RaceDialog``: the racers' settings side by side, one column per racer.

Racer A starts as the current run; B, C and D start as copies of it, to edit. Each column
has the settings a race compares: optimizer, learning rate, activation, initializer, batch
size and the L1/L2 penalties (the network's layers stay the run's, so racers whose
initializer agrees start from the same weights). "Start race" checks every racer against
the data (``core.watch.race.race_configs``); a bad setting is reported under the grid, naming
the racer, and the dialog stays open.
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
)

from core.errors import UserInputError
from core.nn.activations import ACTIVATIONS
from core.nn.initializers import INITIALIZERS
from core.optim.optimizers import MAX_LR, OPTIMIZERS
from core.train.config import MAX_PENALTY
from core.watch.race import LETTERS, MAX_RACERS, MIN_RACERS, race_configs
from gui.explore.widgets import guard_wheel
from gui.race.curves import RACER_STYLES

ROWS = ("optimizer", "lr", "activation", "init", "batch_size", "l1", "l2")
ROW_LABELS = {"optimizer": "Optimizer", "lr": "Learning rate", "activation": "Activation",
              "init": "Initializer", "batch_size": "Batch size", "l1": "L1 penalty",
              "l2": "L2 penalty"}


class RacerColumn:
    """The editors of one racer's settings (a column of the dialog's grid)."""

    def __init__(self, index, config, n_train):
        letter = LETTERS[index]
        self.header = QLabel(f'<b style="color:{RACER_STYLES[index][0]}">Racer {letter}</b>',
                             objectName=f"racerHeader{letter}")
        self.editors = {
            "optimizer": _combo(OPTIMIZERS.names(), config.optimizer),
            "lr": _spin(1e-5, MAX_LR, 5, config.lr),
            "activation": _combo([n for n in ACTIVATIONS.names() if n != "softmax"],
                                 config.activation if isinstance(config.activation, str)
                                 else config.activation[0]),
            "init": _combo(INITIALIZERS.names(), config.init),
            "batch_size": QSpinBox(),
            "l1": _spin(0.0, MAX_PENALTY, 5, config.l1),
            "l2": _spin(0.0, MAX_PENALTY, 5, config.l2),
        }
        batch = self.editors["batch_size"]
        batch.setRange(0, max(1, n_train))
        batch.setSpecialValueText("full")  # 0: the whole training set per step
        batch.setValue(0 if config.batch_size is None else min(config.batch_size, n_train))
        for key, editor in self.editors.items():
            editor.setObjectName(f"race_{key}_{letter}")
        self.mixed_activation = not isinstance(config.activation, str)

    def widgets(self):
        return [self.header, *self.editors.values()]

    def set_visible(self, on):
        for w in self.widgets():
            w.setVisible(on)

    def changes(self, base):
        """The ``TrainConfig`` fields this column sets, as a dict (only those that differ
        from ``base``; a new optimizer drops ``base``'s optimizer-specific settings)."""
        e = self.editors
        values = {"optimizer": e["optimizer"].currentText(), "lr": e["lr"].value(),
                  "init": e["init"].currentText(),
                  "batch_size": e["batch_size"].value() or None,
                  "l1": e["l1"].value(), "l2": e["l2"].value()}
        activation = e["activation"].currentText()
        if not (self.mixed_activation and activation == base.hidden_activations()[0]):
            values["activation"] = activation
        changes = {k: v for k, v in values.items() if v != getattr(base, k)}
        if "optimizer" in changes:
            changes.update(momentum=None, optimizer_params={})
        return changes


def _combo(names, current):
    box = QComboBox()
    box.addItems(list(names))
    box.setCurrentText(current)
    return box


def _spin(low, high, decimals, value):
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(low, high)
    box.setSingleStep(10 ** -min(decimals, 3))
    box.setValue(value)
    return box


class RaceDialog(QDialog):
    """See the module docstring. ``configs`` holds the checked configs after Start."""

    def __init__(self, dataset, config, parent=None, count=2):
        super().__init__(parent)
        self.setObjectName("raceDialog")
        self.setWindowTitle("Race from this run")
        self.dataset = dataset
        self.base = config
        self.configs = None
        self.count = QSpinBox(objectName="raceCount")
        self.count.setRange(MIN_RACERS, MAX_RACERS)
        self.count.setValue(count)
        self.count.setPrefix("Racers: ")
        self.columns = [RacerColumn(i, config, dataset.n_train) for i in range(MAX_RACERS)]
        grid = QGridLayout()
        for row, key in enumerate(("", *ROWS)):
            if key:
                grid.addWidget(QLabel(ROW_LABELS[key]), row, 0)
        for col, column in enumerate(self.columns, start=1):
            for row, widget in enumerate(column.widgets()):
                grid.addWidget(widget, row, col)
        intro = QLabel("Racer A is the current run; the others start as copies of it. "
                       "Change a setting or two per racer, then start: they train on the "
                       "same data, in lockstep, from the same initial weights where the "
                       "initializer agrees.")
        intro.setWordWrap(True)
        self.error = QLabel("", objectName="raceDialogError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.start_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.start_button.setText("Start race")
        self.start_button.setObjectName("raceStart")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.count, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(grid)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.count.valueChanged.connect(self._show_columns)
        self._show_columns(count)
        guard_wheel(self)

    def _show_columns(self, count):
        for i, column in enumerate(self.columns):
            column.set_visible(i < count)

    def overrides(self):
        """Each shown racer's changes from the run, as a list of dicts."""
        return [c.changes(self.base) for c in self.columns[:self.count.value()]]

    def accept(self):
        """Check every racer; on success keep ``configs`` and close, else say what is wrong."""
        try:
            self.configs = race_configs(self.base, self.overrides(), self.dataset,
                                        where="Race")
        except UserInputError as e:
            self.error.setText(str(e))
            return
        self.error.setText("")
        super().accept()

