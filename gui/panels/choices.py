"""Combo boxes and forms of the control panels, filled from the core's registries."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout

from core.errors import UserInputError


def first_line(obj):
    """The first line of the docstring of ``obj`` (a class, or an instance's class)."""
    doc = (obj.__doc__ if isinstance(obj, type) else type(obj).__doc__) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def combo(names, registry=None, name=""):
    """A combo box of ``names`` (item data = name); item tooltips from the registry's docs."""
    box = QComboBox()
    box.setObjectName(name)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(6)
    for item in names:
        box.addItem(item, item)
        if registry is not None:
            box.setItemData(box.count() - 1, first_line(registry.get(item)),
                            Qt.ItemDataRole.ToolTipRole)
    return box


def select(box, value):
    """Show the item whose data is ``value``; ``UserInputError`` listing choices if none."""
    index = box.findData(value)
    if index < 0:
        choices = ", ".join(str(box.itemData(i)) for i in range(box.count()))
        raise UserInputError(f"{box.objectName()}: {value!r} is not one of: {choices}.")
    box.setCurrentIndex(index)


def form(group):
    """A ``QFormLayout`` on ``group`` whose fields grow and whose rows never wrap."""
    layout = QFormLayout(group)
    layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    layout.setHorizontalSpacing(6)
    return layout
