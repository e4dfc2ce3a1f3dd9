"""What a session file keeps of the window besides the run: the views' display choices.

``capture_ui_state(window)`` returns plain JSON data: the dataset panel's ``settings()``, the
state of every named check box and combo box of the views (test points, discretize, heatmap
mode, fixed scale, log scale, 3-D, surface columns…), the training speed, the diagram's edge
colouring and the selected "Inside the network" tab. ``apply_ui_state`` puts them back,
skipping anything unknown or malformed (a session file may come from another version).
The dataset, hyperparameters and network themselves come from the session's trainer.

A session file is user input: ``check_ui_state`` validates its window state (types and
ranges, changing nothing) *before* the window replaces the current run, and returns what
can be applied plus a note for each value it ignores, so applying it afterwards cannot fail.
"""

import math
import numbers

from PySide6.QtWidgets import QCheckBox, QComboBox

from gui.diagram.controls import EDGE_MODES

VERSION = 1
#: No combo box has this many entries: a larger index is not a choice the window saved.
MAX_INDEX = 10_000
_MAX_ENTRIES = 10_000  # named check boxes / combo boxes one state may list


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
        # an empty combo (no choice to keep, e.g. a view of another task) has index -1
        "combos": {n: w.currentIndex() for n, w in _named(window, QComboBox).items()
                   if w.currentIndex() >= 0},
        "speed": window.transport.speed.currentData(),
        "edge_mode": window.diagram.edge_mode(),
        "tab": window.tabs.currentIndex(),
    }


def apply_ui_state(window, state):
    """Restore ``capture_ui_state`` output, checked with ``check_ui_state`` first.

    Returns the names of the settings not applied: widgets this window does not have, and
    the entries ``check_ui_state`` ignored.
    """
    state, notes = check_ui_state(window, state)
    skipped = [note.split(":")[0] for note in notes]
    checks = _named(window, QCheckBox)
    for name, value in state.get("checks", {}).items():
        if name in checks:
            checks[name].setChecked(value)
        else:
            skipped.append(name)
    combos = _named(window, QComboBox)
    for name, value in state.get("combos", {}).items():
        if name in combos and value < combos[name].count():
            combos[name].setCurrentIndex(value)
        else:
            skipped.append(name)
    _apply_window_choices(window, state)
    return skipped


def _is_index(value):
    return (isinstance(value, numbers.Integral) and not isinstance(value, bool)
            and 0 <= value <= MAX_INDEX)


def _short(value, limit=40):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_ui_state(window, state):
    """Validate a session's saved window state before anything changes.

    Parameters
    ----------
    window : MainWindow
        Read only (the speed entries and the tab count).
    state : object
        What ``load_session`` returned as ``ui_state`` (any JSON value from the file).

    Returns
    -------
    clean : dict
        The entries ``apply_ui_state`` can use: right types, indices in range.
    notes : list of str
        One line per ignored entry, saying what was wrong (empty when all is well).
    """
    if not state:
        return {}, []
    if not isinstance(state, dict):
        return {}, [f"the window state {_short(state)} is not an object"]
    clean, notes = {}, []
    for key, wanted, valid in (("checks", "true or false", lambda v: isinstance(v, bool)),
                               ("combos", f"an index 0..{MAX_INDEX}", _is_index)):
        entries = state.get(key)
        if entries is None:
            continue
        if not isinstance(entries, dict) or len(entries) > _MAX_ENTRIES:
            notes.append(f"{key}: {_short(entries)} is not a list of named settings")
            continue
        clean[key] = {}
        for name, value in entries.items():
            if valid(value):
                clean[key][name] = value
            else:
                notes.append(f"{name}: {_short(value)} is not {wanted}")
    notes += _check_window_choices(window, state, clean)
    return clean, notes


def _check_window_choices(window, state, clean):
    """Speed, edge colouring and tab of ``state`` into ``clean``; notes for the rest."""
    notes = []
    speed = state.get("speed")
    speeds = [window.transport.speed.itemData(i) for i in range(window.transport.speed.count())]
    if speed is not None:
        number = isinstance(speed, numbers.Real) and not isinstance(speed, bool)
        if number and math.isfinite(speed) and speed in speeds:
            clean["speed"] = speed
        else:
            notes.append(f"speed: {_short(speed)} is not one of {speeds}")
    mode = state.get("edge_mode")
    if mode is not None:
        if isinstance(mode, str) and mode in EDGE_MODES:
            clean["edge_mode"] = mode
        else:
            notes.append(f"edge colouring: {_short(mode)} is not one of {', '.join(EDGE_MODES)}")
    tab = state.get("tab")
    if tab is not None:
        last = window.tabs.count() - 1
        if _is_index(tab) and tab <= last:
            clean["tab"] = tab
        else:
            notes.append(f"tab: {_short(tab)} is not a tab number 0..{last}")
    return notes


def _apply_window_choices(window, state):
    """Speed, edge colouring and tab of a state ``check_ui_state`` cleaned."""
    if "speed" in state:
        window.transport.set_speed_value(state["speed"])
    if "edge_mode" in state:
        window.diagram.set_edge_mode(state["edge_mode"])
    tab = state.get("tab")
    if tab is not None and window.tabs.isTabEnabled(tab):
        window.tabs.setCurrentIndex(tab)
