"""``ClassPicker``: one coloured button per class; the checked one is the class a click adds."""

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QToolButton, QWidget

from gui.theme.style import class_color

_STYLE = (
    "QToolButton {{ background: {color}; color: white; border: 2px solid white;"
    " border-radius: 9px; min-width: 18px; min-height: 18px; font-weight: bold; }}"
    " QToolButton:checked {{ border: 2px solid #333333; }}"
)


class ClassPicker(QWidget):
    """``Add: (0) (1) …`` — exclusive, coloured as the classes are everywhere else.

    Signals
    -------
    classChanged(int) : the class index now selected.
    """

    classChanged = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("classPicker")
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        label = QLabel("Add:")
        label.setToolTip("The class of the points a left click adds")
        self._layout.addWidget(label)
        self._names = []
        self.group.idToggled.connect(self._toggled)

    def set_classes(self, names):
        """One button per class name (list of str); keeps the selection when it still exists."""
        names = [str(n) for n in names]
        if names == self._names:
            return
        keep = self.current()
        for button in self.group.buttons():
            self.group.removeButton(button)
            button.deleteLater()
        self._names = names
        for k, name in enumerate(names):
            self._layout.addWidget(self._button(k, name))
        self.set_current(keep if keep is not None and keep < len(names) else 0)

    def _button(self, k, name):
        button = QToolButton(objectName=f"addClass{k}")
        button.setText(name[:3])
        button.setCheckable(True)
        button.setStyleSheet(_STYLE.format(color=class_color(k).name()))
        button.setToolTip(f"Left clicks add points of class {k} ({name})")
        self.group.addButton(button, k)
        return button

    def names(self):
        return list(self._names)

    def current(self):
        """The selected class index (None when there are no classes)."""
        k = self.group.checkedId()
        return None if k < 0 else k

    def set_current(self, k):
        button = self.group.button(k)
        if button is not None:
            button.setChecked(True)

    def _toggled(self, k, checked):
        if checked:
            self.classChanged.emit(k)
