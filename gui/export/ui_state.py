"""What a session file keeps of the window besides the run: the views' display choices.

``capture_ui_state(window)`` returns plain JSON data: the dataset panel's ``settings()``, the
state of every named check box and combo box of the views (test points, discretize, heatmap
mode, fixed scale, log scale, 3-D, surface columns…), the training speed, the diagram's edge
colouring and the selected "Inside the network" tab. ``apply_ui_state`` puts them back,
skipping anything unknown or malformed (a session file may come from another version).
The dataset, hyperparameters and network themselves come from the session's trainer.
"""

from PySide6.QtWidgets import QCheckBox, QComboBox

VERSION = 1


def _named(window, kind):
    """Named widgets of type ``kind`` in the views, keyed ``"ViewClass.objectName"``."""
    found = {}
    for view in window.views():
        for widget in view.findChildren(kind):
            name = widget.objectName()
            if name and not name.startswith("qt_"):
                found.setdefault(f"{type(view).__name__}.{name}", widget)
    return found


def capture_ui_state(window):
    """The window's display choices as a JSON-safe dict (see module docstring)."""
    return {
        "version": VERSION,
        "dataset_panel": window.dataset_panel.settings(),
        "checks": {n: w.isChecked() for n, w in _named(window, QCheckBox).items()},
        "combos": {n: w.currentIndex() for n, w in _named(window, QComboBox).items()},
        "speed": window.transport.speed.currentData(),
        "edge_mode": window.diagram.edge_mode(),
        "tab": window.tabs.currentIndex(),
    }


def apply_ui_state(window, state):
    """Restore ``capture_ui_state`` output; returns the names that could not be applied."""
    if not isinstance(state, dict):
        return ["ui_state"]
    skipped = []
    checks = _named(window, QCheckBox)
    for name, value in _items(state.get("checks")):
        if name in checks and isinstance(value, bool):
            checks[name].setChecked(value)
        else:
            skipped.append(name)
    combos = _named(window, QComboBox)
    for name, value in _items(state.get("combos")):
        if name in combos and isinstance(value, int) and 0 <= value < combos[name].count():
            combos[name].setCurrentIndex(value)
        else:
            skipped.append(name)
    skipped += _apply_window_choices(window, state)
    return skipped


def _items(value):
    return value.items() if isinstance(value, dict) else ()


def _apply_window_choices(window, state):
    skipped = []
    if "speed" in state:
        window.transport.set_speed_value(state["speed"])
    mode = state.get("edge_mode")
    if mode is not None:
        try:
            window.diagram.set_edge_mode(mode)
        except ValueError:
            skipped.append("edge_mode")
    tab = state.get("tab")
    if isinstance(tab, int) and window.tabs.isTabEnabled(tab):
        window.tabs.setCurrentIndex(tab)
    return skipped
