"""``StepThroughPanel``: the controls of a step-through and the neuron equations beside them.

Left: which phase is shown (of how many), what it computes, the list of phases, the buttons
(Next phase, Finish step, Leave: the window's actions), auto-advance with its pace, and the
example of the batch the numbers are for. Right: the :class:`EquationsView`.

Auto-advance is paced here: after each phase, when auto is on, a single-shot timer of the
chosen pace (seconds per phase) emits ``nextRequested``.
"""

import html

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.stepthrough.equations import EquationsView

PACE_RANGE = (0.1, 3.0)
DEFAULT_PACE = 1.0
SHORT = {"forward": "F", "loss": "L", "backward": "B", "update": "U"}
IDLE = "Press “Step through” to split the next training step into its phases."


def phase_strip(book, index):
    """Rich text listing the phases, done ones dark, the current one highlighted."""
    parts = []
    for k, phase in enumerate(book.phases):
        name = html.escape(phase.title.replace(" · ", " "))
        if k == index:
            parts.append(f"<span style='background:#ffe082;'><b>{name}</b></span>")
        elif k < index:
            parts.append(f"<span style='color:#37474f;'>{name}</span>")
        else:
            parts.append(f"<span style='color:#b0bec5;'>{name}</span>")
    return " → ".join(parts)


def _button(action):
    button = QToolButton()
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return button


class _FittingScroll(QScrollArea):
    """A scroll area that asks for its content's whole size and width (so the dock opens as
    before and never cuts a button) but can get shorter, then scrolling vertically."""

    def _inner(self, hint):
        return getattr(self.widget(), hint)() if self.widget() is not None else QSize(0, 0)

    def sizeHint(self):
        return self._inner("sizeHint")

    def minimumSizeHint(self):
        inner = self._inner("minimumSizeHint")
        return QSize(inner.width() + self.verticalScrollBar().sizeHint().width(),
                     min(inner.height(), 80))


class StepThroughPanel(QWidget):
    """See the module docstring. Signals: ``nextRequested()``, ``exampleChanged(object)``
    (None for the batch, else a 0-based row)."""

    nextRequested = Signal()
    exampleChanged = Signal(object)

    def __init__(self, actions, parent=None):
        super().__init__(parent)
        self.setObjectName("stepThroughPanel")
        self.phase_label = QLabel(IDLE)
        self.phase_label.setObjectName("phaseTitle")
        self.phase_label.setStyleSheet("font-size: 11pt; font-weight: 600;")
        self.phase_label.setWordWrap(True)  # a long title must not widen the dock
        self.phase_label.setToolTip("The phase of the training step shown on the diagram")
        self.description = QLabel("")
        self.description.setWordWrap(True)
        self.description.setToolTip("What this phase computes")
        self.strip = QLabel("")
        self.strip.setWordWrap(True)
        self.strip.setToolTip("Every phase of one step: forward layer by layer, the loss, "
                              "backward from the output down, then the update")
        self.loss_label = QLabel("")
        self.loss_label.setObjectName("stepLoss")
        self.loss_label.setToolTip("This batch's loss (what a plain Step reports)")
        self.equations = EquationsView()
        self._build_controls(actions)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.nextRequested)
        self._layout_all()

    # -- building ---------------------------------------------------------------------------
    def _build_controls(self, actions):
        self.buttons = [_button(actions[k]) for k in ("nextPhase", "finishStep", "leaveStep")]
        self.auto = QCheckBox("Auto-advance")
        self.auto.setObjectName("autoAdvance")
        self.auto.setToolTip("Advance to the next phase by itself at the pace on the right")
        self.pace = QDoubleSpinBox()
        self.pace.setObjectName("phasePace")
        self.pace.setRange(*PACE_RANGE)
        self.pace.setSingleStep(0.25)
        self.pace.setDecimals(2)
        self.pace.setValue(DEFAULT_PACE)
        self.pace.setSuffix(" s/phase")
        self.pace.setToolTip("Seconds each phase stays on screen when auto-advancing")
        self.example = QComboBox()
        self.example.setObjectName("stepExample")
        self.example.setToolTip("Show the numbers of one example of the batch, or of the "
                                "batch (means of x, z, a; sums of δ and ∂L/∂w)")
        self.example.addItem("Batch", None)
        self.example.currentIndexChanged.connect(
            lambda _i: self.exampleChanged.emit(self.example.currentData()))
        self.auto.toggled.connect(lambda on: None if on else self._timer.stop())

    def _layout_all(self):
        row = QHBoxLayout()
        for b in self.buttons:
            row.addWidget(b)
        row.addStretch(1)
        form = QFormLayout()
        auto_row = QHBoxLayout()
        auto_row.addWidget(self.auto)
        auto_row.addWidget(self.pace)
        auto_row.addStretch(1)
        form.addRow(auto_row)
        form.addRow("Numbers for:", self.example)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(4, 4, 4, 4)
        for w in (self.phase_label, self.description, self.strip):
            column.addWidget(w)
        column.addLayout(row)
        column.addLayout(form)
        column.addWidget(self.loss_label)
        column.addStretch(1)
        # a short dock scrolls the phase list down instead of cutting it off; never sideways
        self.left_scroll = _FittingScroll(objectName="stepThroughControls")
        self.left_scroll.setWidget(left)
        self.left_scroll.setWidgetResizable(True)
        self.left_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # the scroll bar's room comes from the equations' minimum: the dock gets no wider
        bar = self.left_scroll.verticalScrollBar().sizeHint().width()
        narrowest = self.equations.minimumSizeHint().width() - bar
        self.equations.title.setWordWrap(True)  # "Neuron equations" on two lines if narrow
        self.equations.setMinimumWidth(max(40, narrowest))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.left_scroll)
        split.addWidget(self.equations)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([380, 620])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(2, 2, 2, 2)
        outer.addWidget(split)

    # -- state ------------------------------------------------------------------------------
    def selected_example(self):
        return self.example.currentData()

    def set_book(self, book):
        """A new step-through: list its batch's examples (keeping the choice when it fits)."""
        n = int(book.phase_results[0].values["n"])
        keep = self.example.currentData()
        self.example.blockSignals(True)
        self.example.clear()
        self.example.addItem("Batch", None)
        for i in range(n):
            self.example.addItem(f"Example {i + 1} of {n}", i)
        found = self.example.findData(keep) if keep is not None and keep < n else 0
        self.example.setCurrentIndex(max(found, 0))
        self.example.blockSignals(False)
        self.loss_label.setText(f"Step {book.start_step + 1} · batch of {n} examples")
        self.show_phase(book, -1)

    def show_phase(self, book, index):
        if index < 0:
            self.phase_label.setText(f"Step {book.start_step + 1}: ready")
            self.description.setText("Press “Next phase” (or turn on auto-advance) to run "
                                     "the forward pass of the first layer.")
        else:
            phase = book.phases[index]
            self.phase_label.setText(f"Phase {index + 1} of {book.n_phases}: {phase.title}")
            self.description.setText(phase.description)
            if phase.kind == "loss" or index == book.n_phases - 1:
                self.loss_label.setText(f"Loss of this batch: L = {book.loss:.6g}")
        self.strip.setText(phase_strip(book, index))

    def show_idle(self, text=IDLE):
        self._timer.stop()
        self.phase_label.setText(text)
        self.description.setText("")
        self.strip.setText("")
        self.loss_label.setText("")

    def schedule(self, can_advance):
        """After a phase: start the auto-advance timer when auto is on and it may advance."""
        if self.auto.isChecked() and can_advance:
            self._timer.start(int(self.pace.value() * 1000))
        else:
            self._timer.stop()

    def stop_auto(self):
        self._timer.stop()
