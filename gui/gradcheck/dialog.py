"""Tools → Check gradients: backpropagation against finite differences, per layer.

:func:`check_trainer` runs in the worker thread (through ``TrainingSession.call``): it copies the
network to float64, takes the trainer's next mini-batch (at most ``MAX_ROWS`` rows of the
training set) and calls ``core.nn.gradcheck.gradient_check``. :class:`GradientCheckDialog`
shows the result as a table: layer, gradient norm, relative error, verdict.

A relative error below 1e-6 means backprop agrees with the finite differences. When a
layer's gradient is so small that rounding in ``L(w ± h)`` swamps it (a vanishing gradient),
finite differences cannot judge it: the verdict then says so instead of "suspicious".
"""

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from core.nn.gradcheck import analytic_gradients, gradient_check
from core.nn.network import loss_value

MAX_ROWS = 32
EPS = 1e-6
OK_BELOW = 1e-6
#: Rounding error of one float64 loss evaluation, relative to the loss.
ROUNDING = 2.0 * float(np.finfo(np.float64).eps)
VERDICTS = {
    "ok": ("OK < 1e-6", QColor("#1e7b34")),
    "suspicious": ("suspicious", QColor("#b3261e")),
    "tiny": ("too small to check", QColor("#6b6b6b")),
}
EXPLANATION = (
    "Relative error = ‖g − n‖ / (‖g‖ + ‖n‖) over each layer's weights and bias, where g comes "
    "from backpropagation and n = (L(w + h) − L(w − h)) / 2h for every single parameter "
    "(h = 1e-6, float64). Below 1e-6 the two agree: backprop is right. Near ReLU kinks a "
    "slightly larger value can be normal; a gradient far smaller than the loss (vanishing) "
    "is lost in rounding, so finite differences cannot judge it."
)


@dataclass(frozen=True)
class LayerCheck:
    """One row of the check: ``name``, analytic ``grad_norm``, ``error``, ``verdict`` key."""

    name: str
    grad_norm: float
    error: float
    verdict: str


@dataclass(frozen=True)
class CheckResult:
    """``layers`` (tuple of LayerCheck), ``rows`` checked, the batch ``loss``, ``step``."""

    layers: tuple
    rows: int
    loss: float
    step: int


def next_batch(trainer, limit=MAX_ROWS):
    """Row indices of the trainer's next mini-batch, at most ``limit`` of them, shape (k,).

    Mid-epoch these are the next rows of the epoch's shuffled order; at an epoch's start the
    order is not drawn yet, so the first rows of the training set are used.
    """
    state = trainer.state_dict()
    n = len(trainer.X_train)
    size = min(trainer.config.batch_size or n, n, limit)
    pos, order = int(state["pos"]), state["order"]
    if order is None or pos == 0:
        return np.arange(size)
    return np.asarray(order[pos:pos + size], dtype=np.int64)


def verdict(error, grad_norm, loss, n_params):
    """"ok", "suspicious" or "tiny" (the rounding in the loss hides a gradient this small)."""
    if error < OK_BELOW:
        return "ok"
    rms = grad_norm / max(n_params, 1) ** 0.5
    rounding = ROUNDING * max(abs(loss), 1e-300) / (2.0 * EPS)
    return "tiny" if rms == 0.0 or rounding / rms > OK_BELOW else "suspicious"


def check_trainer(trainer, limit=MAX_ROWS):
    """Gradient check of ``trainer``'s network on its next batch; worker thread only.

    Returns
    -------
    CheckResult
    """
    rows = next_batch(trainer, limit)
    net = trainer.network.copy(dtype=np.float64)
    X = np.array(trainer.X_train[rows], dtype=np.float64)
    y = np.array(trainer.y_train[rows], dtype=np.float64)
    l1, l2 = float(trainer.config.l1), float(trainer.config.l2)
    errors = gradient_check(net, trainer.loss, X, y, EPS, l1=l1, l2=l2)
    grads = analytic_gradients(net, trainer.loss, X, y, l1=l1, l2=l2)
    loss = loss_value(net, trainer.loss, X, y, l1=l1, l2=l2)
    layers = []
    for i, (layer, error) in enumerate(zip(net.layers, errors, strict=True)):
        g = np.concatenate([grads[2 * i].ravel(), grads[2 * i + 1].ravel()])
        norm = float(np.linalg.norm(g))
        name = (f"layer {i + 1}: {layer.W.shape[0]}→{layer.W.shape[1]}, "
                f"{layer.activation.name}")
        layers.append(LayerCheck(name, norm, error, verdict(error, norm, loss, g.size)))
    return CheckResult(tuple(layers), len(rows), float(loss), trainer.step_count)


class GradientCheckDialog(QDialog):
    """Shows a :class:`CheckResult`; "Check again" re-runs the check on the current state."""

    COLUMNS = ("Layer", "‖∂L/∂θ‖", "Relative error", "Verdict")
    TIPS = ("Weight matrix: inputs → units, activation",
            "Norm of the layer's gradient (weights and bias) from backpropagation",
            "‖g − n‖ / (‖g‖ + ‖n‖): backprop g against finite differences n",
            "OK below 1e-6; suspicious above, unless the gradient is too small to resolve")

    def __init__(self, rerun, parent=None):
        super().__init__(parent)
        self.setObjectName("gradientCheckDialog")
        self.setWindowTitle("Gradient check")
        self.header = QLabel("Checking…", objectName="gradcheckHeader")
        self.header.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS), objectName="gradcheckTable")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        for col, tip in enumerate(self.TIPS):
            self.table.horizontalHeaderItem(col).setToolTip(tip)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setToolTip("Backprop against finite differences, one row per layer")
        explanation = QLabel(EXPLANATION, objectName="gradcheckExplanation")
        explanation.setWordWrap(True)
        explanation.setToolTip("How to read the relative error")
        self.again = QPushButton("Check again", objectName="gradcheckAgain")
        self.again.setToolTip("Run the check again on the network as it is now")
        self.again.clicked.connect(rerun)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setToolTip("Close this window")
        buttons.addButton(self.again, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.header, self.table, explanation, buttons):
            layout.addWidget(widget)
        self.resize(680, 460)

    def set_busy(self):
        self.header.setText("Checking gradients…")
        self.again.setEnabled(False)

    def show_result(self, result):
        """Fill the table from ``result`` (a :class:`CheckResult`)."""
        self.again.setEnabled(True)
        self.header.setText(
            f"Step {result.step:,}: backprop against central finite differences on "
            f"{result.rows} training example{'s' if result.rows != 1 else ''} "
            f"(batch loss {result.loss:.4g}, float64).")
        self.table.setRowCount(len(result.layers))
        for row, layer in enumerate(result.layers):
            text, color = VERDICTS[layer.verdict]
            cells = (layer.name, f"{layer.grad_norm:.3g}", f"{layer.error:.2e}", text)
            for col, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if col == 3:
                    item.setForeground(color)
                self.table.setItem(row, col, item)

    def show_error(self, exc):
        self.again.setEnabled(True)
        self.header.setText(f"The gradient check failed: {exc}")

    def verdicts(self):
        """The verdict texts, one per layer (for tests and scripts)."""
        return [self.table.item(r, 3).text() for r in range(self.table.rowCount())]

    def errors(self):
        """The relative errors shown, one float per layer."""
        return [float(self.table.item(r, 2).text()) for r in range(self.table.rowCount())]


class GradientChecker:
    """Runs the check for ``window`` (in its worker thread) and shows one reused dialog."""

    def __init__(self, window):
        self.window = window
        self.dialog = None

    def run(self):
        """Pause training, check in the worker thread, show the result (and return it;
        None after a failure, shown in the dialog)."""
        if self.dialog is None:
            self.dialog = GradientCheckDialog(self.run, self.window)
        self.dialog.set_busy()
        self.dialog.open()
        session = self.window.session
        session.pause()
        try:
            result = session.call(check_trainer)
        except Exception as exc:  # noqa: BLE001 - shown in the dialog
            self.dialog.show_error(exc)
            return None
        self.dialog.show_result(result)
        return result
