"""Small widgets shared by the control panels.

- :class:`LadderSpinBox` – a spin box whose arrows walk a ladder of "nice" values
  (TF Playground's learning rates 0.00001 … 10) while any number can be typed.
- :class:`FlowLayout` – lays widgets out left to right and wraps them, so a grid of
  thumbnails fits any panel width.
- :class:`ParamEditor` – one editor per setting of a component (an optimizer's or a
  schedule's ``core.optim.hyperparams.Hyper`` table): spin boxes and check boxes with ranges
  and tooltips taken from the core.
- :func:`scroll_body` – let a panel scroll when its dock is smaller than its content.
"""

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
    QWidgetItem,
)

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
"""TF Playground's learning-rate choices."""

REGULARIZATION_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
"""Penalty strengths the arrows visit (TF Playground's 0.001 … 10, plus two smaller ones)."""


class VerticalScrollArea(QScrollArea):
    """A frameless scroll area that scrolls up and down only: it is never narrower than
    its content's minimum width (plus the scroll bar), so nothing is cut at the side."""

    def __init__(self, parent=None):
        super().__init__(parent, frameShape=QFrame.Shape.NoFrame, widgetResizable=True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def minimumSizeHint(self):
        hint = super().minimumSizeHint()
        body = self.widget()
        if body is None:
            return hint
        width = body.minimumSizeHint().expandedTo(body.minimumSize()).width()
        return QSize(width + self.verticalScrollBar().sizeHint().width() + 2, hint.height())


def scroll_body(panel):
    """Fill ``panel`` with a :class:`VerticalScrollArea` and return the widget to lay out in it.

    A dock smaller than the panel's content then scrolls instead of forcing the whole
    window to grow.
    """
    outer = QVBoxLayout(panel)
    outer.setContentsMargins(0, 0, 0, 0)
    area = VerticalScrollArea()
    body = QWidget(objectName="body")
    area.setWidget(body)
    outer.addWidget(area)
    return body


def train_percent_spin(object_name, percent):
    """The share of rows used for training, 10–100 % in steps of 10 (the rest is the test set)."""
    spin = QSpinBox(objectName=object_name, minimum=10, maximum=100, singleStep=10,
                    suffix=" %", keyboardTracking=False)
    spin.setValue(round(percent))
    spin.setToolTip("Share of rows used for training; the rest is the test set.")
    return spin


class FloatSpinBox(QDoubleSpinBox):
    """A spin box for floats of any magnitude (``0.9``, ``1e-08``, ``300``).

    Shows the shortest text (``%g``), accepts scientific notation when typed, steps
    by about a tenth of the current magnitude, and commits on Enter or focus loss
    (no signal per keystroke).
    """

    def __init__(self, minimum=0.0, maximum=1e6, value=0.0, parent=None):
        super().__init__(parent)
        self.setDecimals(12)
        self.setRange(minimum, maximum)
        self.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.setKeyboardTracking(False)
        self.setValue(value)

    def textFromValue(self, value):
        """Shortest exact-looking text: ``0.003``, ``1e-05``, ``10``."""
        return f"{value:.6g}"

    def valueFromText(self, text):
        """Parse what the user typed; falls back to the current value."""
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text, pos):
        """Accept numbers in range, tolerate half-typed ones (``1e-``, ``0.``)."""
        if text == self.specialValueText():
            return QValidator.State.Acceptable, text, pos
        try:
            value = float(text)
        except ValueError:
            partial = text == "" or all(c in "0123456789.eE+-" for c in text)
            state = QValidator.State.Intermediate if partial else QValidator.State.Invalid
            return state, text, pos
        if self.minimum() <= value <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def fixup(self, text):
        """Clamp an out-of-range entry to the nearest end of the range."""
        try:
            value = float(text)
        except ValueError:
            return self.textFromValue(self.value())
        return self.textFromValue(min(max(value, self.minimum()), self.maximum()))


class LadderSpinBox(FloatSpinBox):
    """A :class:`FloatSpinBox` for scale-like quantities (learning rate, penalty).

    The arrow keys and buttons step through ``ladder`` (sorted, positive values) so
    one click moves from 0.003 to 0.01, as a log scale would; typing accepts any
    number between the ladder's ends.

    Parameters
    ----------
    ladder : sequence of float
        The values the arrows visit, ascending. Its ends are the minimum and maximum.
    value : float
        The initial value.
    """

    def __init__(self, ladder=LEARNING_RATES, value=0.03, parent=None):
        self._ladder = tuple(sorted(float(v) for v in ladder))
        super().__init__(self._ladder[0], self._ladder[-1], value, parent)

    def ladder(self):
        """The values the arrows step through, ascending."""
        return self._ladder

    def stepBy(self, steps):
        """Move ``steps`` rungs up or down the ladder from the current value."""
        value = self.value()
        if steps > 0:
            above = [i for i, v in enumerate(self._ladder) if v > value * (1 + 1e-9)]
            index = above[0] + steps - 1 if above else len(self._ladder) - 1
        else:
            below = [i for i, v in enumerate(self._ladder) if v < value * (1 - 1e-9)]
            index = below[-1] + steps + 1 if below else 0
        index = min(max(index, 0), len(self._ladder) - 1)
        self.setValue(self._ladder[index])


class FlowLayout(QLayout):
    """Place items left to right and wrap to a new row when the width runs out.

    The height follows the width (``heightForWidth``), so a panel of thumbnails shows
    one long row in a wide top bar and several rows in a narrow dock.
    """

    def __init__(self, parent=None, spacing=6):
        super().__init__(parent)
        self._items = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item):
        self._items.append(item)

    def insertWidget(self, index, widget):
        """Put ``widget`` at position ``index`` (as ``QBoxLayout.insertWidget``)."""
        self.addChildWidget(widget)
        self._items.insert(index, QWidgetItem(widget))
        self.invalidate()

    def count(self):
        return len(self._items)

    def itemAt(self, index):
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index):
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self):
        return Qt.Orientation(0)

    def hasHeightForWidth(self):
        return True

    def heightForWidth(self, width):
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect):
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self):
        return self.minimumSize()

    def minimumSize(self):
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect, move):
        """Lay the visible items out in ``rect``; return the height used."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, row_height = area.x(), area.y(), 0
        for item in self._items:
            widget = item.widget()
            if widget is not None and widget.isHidden():
                continue
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and row_height > 0:
                x, y, row_height = area.x(), y + row_height + self._spacing, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + margins.bottom()


#: Setting names longer than this (characters) wrap onto two lines in a form.
LONG_LABEL = 16


class ParamEditor(QWidget):
    """Editors for a table of settings ``{name: core.optim.hyperparams.Hyper}``.

    A ``bool`` setting gets a check box, an ``int`` a spin box, a ``float`` a
    :class:`FloatSpinBox`, a ``tuple`` one spin box per element; ranges, defaults and
    tooltips come from the ``Hyper``. Each editor's ``objectName`` is the setting's name.

    Parameters
    ----------
    owner : str
        What the settings belong to, for tooltips (e.g. ``"adam"``).
    specs : dict[str, Hyper]
    skip : iterable of str
        Names not to show (the learning rate has its own control).
    auto : dict[str, str]
        Integer settings that may be left to the program: the spin box gets a special
        first value showing this text, and the setting is then omitted from the values.
    """

    changed = Signal()

    def __init__(self, owner, specs, skip=("lr",), auto=None, parent=None):
        super().__init__(parent)
        self._specs = {k: v for k, v in specs.items() if k not in skip}
        self._auto = dict(auto or {})
        self._editors = {}
        form = QFormLayout(self)
        form.setContentsMargins(14, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name, spec in self._specs.items():
            editor = self._make_editor(name, spec)
            editor.setObjectName(name)
            editor.setToolTip(
                f"{owner} · {name}: {spec.doc}.\n"
                f"Default {spec.default!r}; valid range {spec.range_text()}."
            )
            self._editors[name] = editor
            label = QLabel(name.replace("_", " "))
            # a long name ("initial accumulator value") wraps rather than widen the panel
            label.setWordWrap(len(label.text()) > LONG_LABEL)
            form.addRow(label, editor)
            label.setToolTip(editor.toolTip())

    def _make_editor(self, name, spec):
        """A widget showing ``spec.default`` and emitting ``changed`` when edited."""
        if spec.kind == "bool":
            box = QCheckBox()
            box.setChecked(spec.default)
            box.toggled.connect(self.changed)
            return box
        if spec.kind == "tuple":
            row = QWidget()
            layout = QHBoxLayout(row)
            layout.setContentsMargins(0, 0, 0, 0)
            for value in spec.default:
                box = self._number_box(spec, value)
                layout.addWidget(box)
            return row
        box = self._number_box(spec, spec.default)
        if name in self._auto:
            box.setMinimum(box.minimum() - 1)
            box.setSpecialValueText(self._auto[name])
            box.setValue(box.minimum())
        return box

    def _number_box(self, spec, value):
        high = spec.high - 1e-6 if spec.open_high else spec.high
        if spec.kind == "int":
            box = QSpinBox()
            box.setRange(int(spec.low), int(min(high, 2**31 - 2)))
            box.setKeyboardTracking(False)
            box.setValue(int(value))
        else:
            box = FloatSpinBox(spec.low, high, value)
        box.valueChanged.connect(self.changed)
        return box

    def editor(self, name):
        """The widget editing setting ``name``."""
        return self._editors[name]

    def values(self):
        """Every shown setting's current value (``auto`` settings left to the program omitted)."""
        out = {}
        for name, spec in self._specs.items():
            editor = self._editors[name]
            if spec.kind == "bool":
                out[name] = editor.isChecked()
            elif spec.kind == "tuple":
                out[name] = tuple(b.value() for b in editor.findChildren(FloatSpinBox))
            elif not (name in self._auto and editor.value() == editor.minimum()):
                out[name] = editor.value()
        return out

    def changed_values(self):
        """The settings differing from their defaults (an ``auto`` setting's default is auto)."""
        return {
            k: v for k, v in self.values().items() if k in self._auto or v != self._specs[k].default
        }

    def set_values(self, values):
        """Show ``values``; settings not in it go back to their defaults (no ``changed``)."""
        self.blockSignals(True)
        for name, spec in self._specs.items():
            editor = self._editors[name]
            value = values.get(name, None if name in self._auto else spec.default)
            if spec.kind == "bool":
                editor.setChecked(bool(value))
            elif spec.kind == "tuple":
                for box, v in zip(editor.findChildren(FloatSpinBox), value, strict=True):
                    box.setValue(v)
            else:
                editor.setValue(editor.minimum() if value is None else value)
        self.blockSignals(False)
