"""The settings rows of a component chosen in a combo box (an optimizer, a schedule).

Every registry entry gets a hidden ``ParamEditor`` row in a form, built from its ``Hyper``
table; only the chosen entry's row is shown (and only when it has settings).
"""

from PySide6.QtCore import QObject, Signal

from gui.panels.widgets import ParamEditor


class ComponentEditors(QObject):
    """One ``ParamEditor`` per entry of ``registry`` in ``form`` (a ``QFormLayout``).

    Parameters
    ----------
    form : QFormLayout
    registry : core.registry.Registry
    table : str
        The attribute of each entry holding its ``{name: Hyper}`` table.
    field : str
        Prefix of the editors' ``objectName`` (``"optimizer"`` → ``optimizer_params_adam``).
    auto : dict[str, str]
        Integer settings that may be left to the program (see ``ParamEditor``).

    Signals
    -------
    changed() : a setting of any entry was edited.
    """

    changed = Signal()

    def __init__(self, form, registry, table, field, auto=None, parent=None):
        super().__init__(parent)
        self._form = form
        self.editors = {}
        for name in registry.names():
            editor = ParamEditor(name, getattr(registry.get(name), table), auto=auto or {})
            editor.setObjectName(f"{field}_params_{name}")
            editor.changed.connect(self.changed)
            form.addRow(editor)
            form.setRowVisible(editor, False)
            self.editors[name] = editor

    def show_only(self, current):
        """Show the row of entry ``current`` (if it has settings), hide the others."""
        for name, editor in self.editors.items():
            shown = name == current and editor.layout().rowCount() > 0
            self._form.setRowVisible(editor, shown)

    def changed_values(self, current):
        """The settings of entry ``current`` that differ from their defaults."""
        return self.editors[current].changed_values()

    def set_values(self, current, values):
        """Show ``values`` in entry ``current``'s editors and show only its row (no signal)."""
        self.editors[current].set_values(values)
        self.show_only(current)
