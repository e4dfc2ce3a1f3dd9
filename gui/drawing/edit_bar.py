"""``PointEditBar``: the controls of point editing, shown in the decision surface's bar.

``[Edit points] [Blank canvas]`` on the view's bar; while editing, a second line
(``tools``) shows ``Add: (0) (1)  [Clear]  click: add · right-click: remove``.
"""

from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from gui.drawing.class_picker import ClassPicker

HINT = "click: add · right-click: remove"
EDIT_TIP = ("Edit the training data by hand: click on the plot to add a point of the selected "
            "class, right-click a point to remove it. The network keeps training on it.")
NO_EDIT_TIP = "Points can be edited on 2-D classification data (or on a blank canvas)"


def _button(text, name, tip, checkable=False):
    button = QToolButton(objectName=name)
    button.setText(text)
    button.setToolTip(tip)
    button.setCheckable(checkable)
    return button


class PointEditBar(QWidget):
    """Buttons driving a :class:`~gui.drawing.point_editor.PointEditor` (see ``connect``)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.edit = _button("Edit points", "editPoints", EDIT_TIP, True)
        self.picker = ClassPicker()
        self.clear = _button("Clear", "clearPoints",
                             "Remove every training point (the network keeps its weights); "
                             "add points of both classes to train again")
        self.blank = _button("Blank canvas", "blankCanvas",
                             "Start from an empty plane with two classes: draw your own data; "
                             "a new network trains on it once both classes have points")
        self.hint = QLabel(HINT)
        self.hint.setToolTip("Left click adds a point of the selected class; right click "
                             "removes the nearest point (within a few pixels)")
        self.hint.setStyleSheet("color: #7a7a7a;")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.blank)
        self.tools = QWidget(objectName="pointEditTools")
        tools = QHBoxLayout(self.tools)
        tools.setContentsMargins(0, 0, 0, 0)
        for w in (self.picker, self.clear, self.hint):
            tools.addWidget(w)
        self.tools.setVisible(False)

    def connect(self, editor):
        """Wire the buttons to ``editor`` and follow its state."""
        self.edit.toggled.connect(editor.set_editing)
        self.clear.clicked.connect(editor.clear_points)
        self.blank.clicked.connect(editor.blank_canvas)
        editor.editingChanged.connect(self._editing_changed)
        editor.dataChanged.connect(lambda _data: self.refresh(editor))
        self.refresh(editor)

    def refresh(self, editor):
        """Enable editing only on 2-D classification data."""
        ok = editor.can_edit()
        self.edit.setEnabled(ok)
        self.edit.setToolTip(EDIT_TIP if ok else NO_EDIT_TIP)

    def _editing_changed(self, on):
        self.edit.blockSignals(True)
        self.edit.setChecked(on)
        self.edit.blockSignals(False)
        self.tools.setVisible(on)
