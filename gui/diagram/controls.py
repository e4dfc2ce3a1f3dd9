"""The diagram's header: +/− buttons for layers and neurons, the edge colour mode, and the
model summary (total parameters and layer sizes) between the two rows of buttons.

`DiagramControls` holds the hidden sizes the user is asking for and emits
`architectureChanged(tuple)` on every click; the window then resets the network. The
arithmetic lives in pure functions (`add_layer`, …) so the limits are easy to test.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

MAX_LAYERS = 8
MIN_NEURONS, MAX_NEURONS = 1, 64
NEW_LAYER_SIZE = 4
EDGE_MODES = ("weight", "gradient", "update")
ROW_H = 26
SUMMARY_H = 18           # the model summary line between the two rows of buttons
HEADER_H = 2 * ROW_H + SUMMARY_H + 4
STAGGER_H = 22           # extra height of the neuron row when its pairs take two lines
PAIR_GAP = 4             # least room between two −/+ pairs (pixels)


def pair_positions(xs, pair_width: float, row_width: float) -> list[tuple[float, int]]:
    """``(left x, line)`` of each −/+ pair, for hidden columns centred at ``xs``.

    A pair sits centred over its column, on one line while neighbours are at least a pair
    apart; closer columns put every other pair on a second line. On each line pairs are
    pushed apart (and inside ``0 .. row_width``) so that no two ever overlap.
    """
    n = len(xs)
    one_line = all(b - a >= pair_width + PAIR_GAP for a, b in zip(xs, xs[1:], strict=False))
    lines = [0 if one_line else k % 2 for k in range(n)]
    lefts = [x - pair_width / 2 for x in xs]
    for line in (0, 1):
        ks = [k for k in range(n) if lines[k] == line]
        for i, k in enumerate(ks):  # left to right: clear of the previous pair and the edge
            floor = 0.0 if i == 0 else lefts[ks[i - 1]] + pair_width + PAIR_GAP
            lefts[k] = max(lefts[k], floor)
        for i in range(len(ks) - 1, -1, -1):  # right to left: inside the right edge
            ceiling = row_width - pair_width if i == len(ks) - 1 else \
                lefts[ks[i + 1]] - pair_width - PAIR_GAP
            lefts[ks[i]] = max(0.0, min(lefts[ks[i]], ceiling))
    return [(left, line) for left, line in zip(lefts, lines, strict=True)]


def add_layer(hidden: tuple) -> tuple:
    """One more hidden layer at the end, as wide as the last one (or 4)."""
    if len(hidden) >= MAX_LAYERS:
        return tuple(hidden)
    return tuple(hidden) + ((hidden[-1] if hidden else NEW_LAYER_SIZE),)


def remove_layer(hidden: tuple) -> tuple:
    """The hidden sizes without the last layer."""
    return tuple(hidden)[:-1]


def resize_layer(hidden: tuple, index: int, delta: int) -> tuple:
    """Layer `index` grown by `delta` neurons: never below 1, never grown past 64.

    (A wider layer loaded from a file can still shrink one neuron at a time.)
    """
    sizes = list(hidden)
    size = sizes[index]
    sizes[index] = max(MIN_NEURONS, size + delta) if delta < 0 else \
        max(size, min(MAX_NEURONS, size + delta))
    return tuple(sizes)


def _button(text: str, name: str, slot) -> QToolButton:
    b = QToolButton()
    b.setText(text)
    b.setObjectName(name)
    b.setAutoRaise(False)
    b.setFixedSize(22, 20)
    b.clicked.connect(slot)
    return b


class DiagramControls(QWidget):
    """Two rows: layer −/+ with the edge-mode combo, then −/+ above each hidden layer."""

    architectureChanged = Signal(object)
    edgeModeChanged = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._hidden: tuple[int, ...] | None = None
        self._neuron_buttons: list[tuple[QToolButton, QToolButton]] = []
        self._xs: list[float] = []
        self._lesson_lock: str | None = None
        self._compact = False
        self._build_top_row()
        self.summary_label = QLabel(objectName="modelSummary")
        self.summary_label.setFixedHeight(SUMMARY_H)
        self.summary_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                         QSizePolicy.Policy.Fixed)
        self._summaries: list[str] = []
        self._neuron_row = QWidget()
        self._neuron_row.setFixedHeight(ROW_H)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 2, 6, 2)
        outer.setSpacing(0)
        outer.addLayout(self._top)
        outer.addWidget(self.summary_label)
        outer.addWidget(self._neuron_row)
        self.set_hidden(None)

    def _build_top_row(self) -> None:
        self.layer_minus = _button("−", "layerMinus", lambda: self._request(
            remove_layer(self._hidden)))
        self.layer_plus = _button("+", "layerPlus", lambda: self._request(
            add_layer(self._hidden)))
        self.layer_label = QLabel()
        self.layer_label.setMinimumWidth(
            self.layer_label.fontMetrics().horizontalAdvance("8 hidden layers") + 8)
        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("edgeMode")
        self.mode_combo.addItems(list(EDGE_MODES))
        self.mode_combo.setToolTip("Colour and thicken edges by the weight, its last gradient "
                                   "∂L/∂w or its last update Δw")
        self.mode_combo.currentTextChanged.connect(self.edgeModeChanged)
        self._top = QHBoxLayout()
        self._top.setSpacing(4)
        for w in (self.layer_minus, self.layer_plus, self.layer_label):
            self._top.addWidget(w)
        self._top.addStretch(1)
        self.edges_label = QLabel("Edges:")
        self._top.addWidget(self.edges_label)
        self._top.addWidget(self.mode_combo)

    @property
    def hidden(self) -> tuple[int, ...] | None:
        """The hidden sizes shown by the buttons (None before the first reset)."""
        return self._hidden

    def set_hidden(self, hidden) -> None:
        """Show the buttons for `hidden` (tuple of sizes; None disables them all)."""
        self._hidden = None if hidden is None else tuple(int(h) for h in hidden)
        self._rebuild_neuron_buttons()
        self._refresh()

    def set_summary(self, texts: list[str], tooltip: str) -> None:
        """The model summary: ``texts`` longest first (the longest that fits is shown)."""
        self._summaries = list(texts)
        self.summary_label.setToolTip(tooltip)
        self._fit_summary()

    def _fit_summary(self) -> None:
        metrics = self.summary_label.fontMetrics()
        room = self.summary_label.width()
        fitting = [t for t in self._summaries if metrics.horizontalAdvance(t) <= room]
        text = fitting[0] if fitting else (self._summaries[-1] if self._summaries else "")
        if self.summary_label.text() != text:
            self.summary_label.setText(text)

    def set_lesson_lock(self, mode: str | None) -> None:
        """A lesson's hold on the +/− buttons: "locked" (disabled), "hidden", or None."""
        self._lesson_lock = mode
        for widget in (self.layer_minus, self.layer_plus, self._neuron_row):
            widget.setVisible(mode != "hidden")
        self._refresh()

    def _request(self, hidden: tuple) -> None:
        if self._lesson_lock or self._hidden is None or tuple(hidden) == self._hidden:
            return
        self.set_hidden(hidden)
        self.architectureChanged.emit(self._hidden)

    def _rebuild_neuron_buttons(self) -> None:
        n = 0 if self._hidden is None else len(self._hidden)
        if n == len(self._neuron_buttons):
            return
        for pair in self._neuron_buttons:
            for b in pair:
                b.deleteLater()
        self._neuron_buttons = [self._neuron_pair(k) for k in range(n)]
        self.place_neuron_buttons(self._xs)

    def _neuron_pair(self, k: int) -> tuple[QToolButton, QToolButton]:
        minus = _button("−", f"neuronMinus{k}", lambda: self._request(
            resize_layer(self._hidden, k, -1)))
        plus = _button("+", f"neuronPlus{k}", lambda: self._request(
            resize_layer(self._hidden, k, +1)))
        for b in (minus, plus):
            b.setParent(self._neuron_row)
            b.show()
        return minus, plus

    def place_neuron_buttons(self, xs) -> None:
        """Put each −/+ pair over its hidden column at x positions `xs` (pixels); when the
        columns are too close for that, on two staggered lines (see `pair_positions`)."""
        self._xs = list(xs)
        if len(self._xs) != len(self._neuron_buttons):
            return
        offset = self._neuron_row.mapTo(self, self._neuron_row.rect().topLeft()).x()
        pair_width = 2 * 22 + 2
        places = pair_positions([x - offset for x in self._xs], pair_width,
                                max(self._neuron_row.width(), pair_width))
        staggered = any(line for _, line in places)
        self._neuron_row.setFixedHeight(ROW_H + (STAGGER_H if staggered else 0))
        for (left, line), (minus, plus) in zip(places, self._neuron_buttons, strict=True):
            y = 3 + line * STAGGER_H
            minus.move(int(round(left)), y)
            plus.move(int(round(left)) + minus.width() + 2, y)

    def header_height(self) -> int:
        """Pixels the controls take above the diagram (taller with staggered pairs)."""
        return HEADER_H + (self._neuron_row.height() - ROW_H)

    def _refresh(self) -> None:
        hidden = self._hidden
        on = hidden is not None
        n = len(hidden) if on else 0
        self.layer_minus.setEnabled(on and n > 0)
        self.layer_plus.setEnabled(on and n < MAX_LAYERS)
        self.layer_minus.setToolTip("Remove the last hidden layer" if n > 0 else
                                    "No hidden layer left to remove")
        self.layer_plus.setToolTip(f"Add a hidden layer (at most {MAX_LAYERS})" if n < MAX_LAYERS
                                   else f"Already {MAX_LAYERS} hidden layers, the most allowed")
        word = "layer" if n == 1 else "layers"
        full = f"{n} hidden {word}" if on else "no network yet"
        self.layer_label.setToolTip(full)
        self.layer_label.setText(f"{n} hidden" if on and self._compact else full)
        for k, (minus, plus) in enumerate(self._neuron_buttons):
            self._refresh_pair(k, hidden[k], minus, plus)
        if self._lesson_lock:
            for button in (self.layer_minus, self.layer_plus, *sum(self._neuron_buttons, ())):
                button.setEnabled(False)

    @staticmethod
    def _refresh_pair(k: int, size: int, minus: QToolButton, plus: QToolButton) -> None:
        minus.setEnabled(size > MIN_NEURONS)
        plus.setEnabled(size < MAX_NEURONS)
        minus.setToolTip(f"Remove a neuron from hidden layer {k + 1}" if size > MIN_NEURONS
                         else f"Hidden layer {k + 1} has a single neuron, the fewest allowed")
        plus.setToolTip(f"Add a neuron to hidden layer {k + 1}" if size < MAX_NEURONS
                        else f"Hidden layer {k + 1} has {size} neurons; the diagram adds "
                             f"up to {MAX_NEURONS}")

    def edge_mode(self) -> str:
        return self.mode_combo.currentText()

    def set_edge_mode(self, mode: str) -> None:
        self.mode_combo.setCurrentText(mode)

    def neuron_buttons(self, k: int) -> tuple[QToolButton, QToolButton]:
        """The (−, +) buttons of hidden layer `k` (0-based)."""
        return self._neuron_buttons[k]

    def resizeEvent(self, event):
        """Narrower than the top row needs (a small window): drop the "Edges:" caption and
        the label's reserved width rather than draw the row's widgets over each other."""
        super().resizeEvent(event)
        self._fit_top_row(event.size().width())
        self._fit_summary()

    def _fit_top_row(self, width):
        label = self.layer_label
        wide = label.fontMetrics().horizontalAdvance("8 hidden layers") + 8
        margins = self.contentsMargins().left() + self.contentsMargins().right() + 12
        needed = (self.layer_minus.sizeHint().width() + self.layer_plus.sizeHint().width()
                  + wide + self.edges_label.sizeHint().width()
                  + self.mode_combo.sizeHint().width() + 4 * self._top.spacing() + margins)
        roomy = width >= needed
        self.edges_label.setVisible(roomy)
        label.setMinimumWidth(wide if roomy else 0)
        compact = width < needed - self.edges_label.sizeHint().width() - self._top.spacing()
        if compact != self._compact:  # not even room for "8 hidden layers": "8 hidden"
            self._compact = compact
            self._refresh()

    def sizeHint(self):
        hint = super().sizeHint()
        hint.setHeight(self.header_height())
        return hint

