"""TF Playground's derived input features (x1², x2², x1·x2, sin x1, sin x2) as toggles."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGroupBox

from core.data import DERIVED_FEATURES
from gui.panels.dataset_rules import features_reason
from gui.panels.widgets import FlowLayout

FEATURE_LABELS = {
    "x1^2": "x1²",
    "x2^2": "x2²",
    "x1*x2": "x1·x2",
    "sin(x1)": "sin x1",
    "sin(x2)": "sin x2",
}


class FeatureToggles(QGroupBox):
    """One check box per ``DERIVED_FEATURES`` entry (``objectName`` ``feature_<name>``).

    Signals
    -------
    changed(object) : the user toggled a feature; the checked ones, in canonical order.
    """

    changed = Signal(object)

    def __init__(self, parent=None):
        super().__init__("Extra input features", parent)
        self.setToolTip(
            "Feed the network products and sines of x1 and x2 besides x1 and x2 themselves: "
            "a circle is a straight line in x1², x2²."
        )
        flow = FlowLayout(self, spacing=8)
        flow.setContentsMargins(8, 8, 8, 8)
        self.boxes = {}
        self._quiet = False
        for name in DERIVED_FEATURES:
            box = QCheckBox(FEATURE_LABELS.get(name, name), objectName=f"feature_{name}")
            box.toggled.connect(self._toggled)
            flow.addWidget(box)
            self.boxes[name] = box

    def _toggled(self):
        if not self._quiet:
            self.changed.emit(self.checked())

    def checked(self):
        """The checked feature names, in ``DERIVED_FEATURES`` order."""
        return tuple(name for name, box in self.boxes.items() if box.isChecked())

    def set_checked(self, features):
        """Check exactly ``features``. Emits nothing."""
        self._quiet = True
        for name, box in self.boxes.items():
            box.setChecked(name in features)
        self._quiet = False

    def set_inputs(self, n_inputs):
        """Enable the toggles for 2-input data only; the tooltip says why otherwise."""
        reason = features_reason(n_inputs)
        self.setEnabled(not reason)
        for box in self.boxes.values():
            box.setEnabled(not reason)
            box.setToolTip(reason)
