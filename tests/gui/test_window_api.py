"""The window's extension API: menus by key in a fixed order, actions placed by section,
docks that join a group; and no feature finds a menu by its visible text."""

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow

from gui.shell.menus import MENUS, WindowMenus

GUI = Path(__file__).resolve().parents[2] / "gui"


def layout(menu):
    """The menu's entries as object names, "-" for a separator."""
    return ["-" if a.isSeparator() else a.objectName() for a in menu.actions()]


def named(name, parent):
    action = QAction(name, parent)
    action.setObjectName(name)
    return action


@pytest.fixture
def bare(qtbot):
    """A window with nothing but a menu bar and its ``WindowMenus``."""
    window = QMainWindow()
    qtbot.addWidget(window)
    return window, WindowMenus(window.menuBar())


def test_menus_come_in_one_order_whatever_order_they_are_asked_in(bare):
    window, menus = bare
    for key in ("help", "view", "file", "tools"):
        menus.menu(key)
    assert [a.text() for a in window.menuBar().actions()] == [
        "&File", "&View", "&Tools", "&Help"]
    edit = menus.menu("edit")
    assert [a.menu() for a in window.menuBar().actions()][1] is edit
    assert menus.menu("edit") is edit  # made once
    assert [a.text() for a in window.menuBar().actions()] == [MENUS[k][0] for k in MENUS]


def test_an_unknown_menu_or_section_names_the_choices(bare):
    _, menus = bare
    with pytest.raises(ValueError, match="file, edit, view, tools, help"):
        menus.menu("Tools")
    with pytest.raises(ValueError, match="panels, options, zoom"):
        menus.add_action("view", QAction("x"), "zoom in")


def test_actions_go_to_their_section_with_one_line_between_sections(bare):
    window, menus = bare
    add = lambda name, section: menus.add_action("file", named(name, window), section)  # noqa: E731
    add("quit", "quit")
    add("record", "record")
    add("open", "open")
    add("export1", "export")
    add("open2", "open")
    add("export2", "export")
    add("record2", "record")
    add("weights", "weights")
    assert layout(menus.menu("file")) == [
        "open", "open2", "-", "weights", "-", "export1", "export2", "-", "record", "record2",
        "-", "quit"]


def test_the_section_defaults_to_the_menus_first(bare):
    window, menus = bare
    menus.add_action("tools", named("late", window), "explore")
    menus.add_action("tools", named("first", window))
    assert layout(menus.menu("tools")) == ["first", "-", "late"]


def test_the_window_menus_are_laid_out_by_section(window):
    assert [a.text() for a in window.menuBar().actions()] == ["&File", "&Edit", "&View",
                                                             "&Tools", "&Help"]
    assert layout(window.menu("edit")) == ["undo", "redo"]
    assert layout(window.menu("file")) == [
        "openCsv", "-", "exportWeights", "loadWeights", "-", "saveSession", "openSession", "-",
        "exportPlots", "exportPython", "exportTorch", "exportOnnx", "-", "openLesson",
        "saveLesson", "leaveLesson", "-", "recordStart", "recordStop", "-", "quit"]
    assert layout(window.menu("tools")) == [
        "checkGradients", "-", "optimizerPlayground", "lossLandscape", "raceFromRun"]
    view = window.menu("view").actions()
    panels = view[:[a.isSeparator() for a in view].index(True)]
    docks = {d.toggleViewAction() for d in window.findChildren(QDockWidget)}
    assert docks <= set(panels)  # every dock is listed, in the panels section
    help_entries = layout(window.menu("help"))
    assert help_entries[1:] == ["-", "help", "shortcuts", "about"]
    assert window.menu("help").actions()[0].menu().objectName() == "examplesMenu"


def test_a_new_window_action_lands_in_its_section(window):
    action = named("exportSomething", window)
    window.add_action("file", action, "export")
    entries = layout(window.menu("file"))
    assert entries[entries.index("exportOnnx") + 1] == "exportSomething"
    assert entries[entries.index("exportSomething") + 1] == "-"


def test_add_dock_joins_its_group_and_the_view_menu(qtbot, qapp, window):
    label = QLabel("a feature's view")
    dock = window.add_dock("featureDock", "Feature", label, tip="what the feature shows",
                           group="inside")
    assert dock.widget() is label and dock.toolTip() == "what the feature shows"
    assert "featureDock" in window.dock_groups["inside"]
    inside = window.findChild(QDockWidget, "inspectDock")
    qtbot.waitUntil(lambda: dock in window.tabifiedDockWidgets(inside))
    assert window.dockWidgetArea(dock) == window.dockWidgetArea(inside)
    view = window.menu("view").actions()
    assert view.index(dock.toggleViewAction()) < [a.isSeparator() for a in view].index(True)
    window.window_layout.apply_default()  # the default layout arranges the newcomer too
    qtbot.waitUntil(lambda: not window.window_layout._pending.isActive())
    qtbot.waitUntil(lambda: dock in window.tabifiedDockWidgets(inside))
    left = window.add_dock("leftFeatureDock", "Left feature", QLabel("x"), group="left")
    data = window.findChild(QDockWidget, "datasetDock")
    qtbot.waitUntil(lambda: left in window.tabifiedDockWidgets(data))
    with pytest.raises(ValueError, match="left, inside"):
        window.add_dock("lostDock", "Lost", QLabel("x"), group="middle")


def test_features_are_attributes_the_window_declares(window):
    assert window.zoom.actions["zoomIn"] is window.actions_by_name["zoomIn"]
    assert window.drawing.actions["drawDigit"] is window.actions_by_name["drawDigit"]
    assert window.stepthrough.actions["stepThrough"] is window.actions_by_name["stepThrough"]
    for feature in (window.export_actions, window.recording, window.norms, window.lessons,
                    window.timeline, window.gradcheck, window.explore,
                    window.analysis):
        for name, action in feature.actions.items():
            assert window.actions_by_name[name] is action, name
    assert window.health_watch.window is window
    assert window.weight_edits is not None


#: Ways of finding a menu by what it shows instead of asking the window for it.
BY_TEXT = re.compile(r'\.text\(\)(\.replace\([^)]*\))?\s*==\s*"&?\w|\.title\(\)\s*==|'
                     r'menuBar\(\)\.(actions|addMenu|insertMenu)\(')


def test_no_menu_is_found_by_its_visible_text():
    offenders = [f"{path.relative_to(GUI.parent)}:{n}: {line.strip()}"
                 for path in sorted(GUI.rglob("*.py"))
                 for n, line in enumerate(path.read_text().splitlines(), 1)
                 if BY_TEXT.search(line)]
    assert offenders == []
    assert BY_TEXT.search('if action.text() == "&View":')  # the pattern does catch one
    assert BY_TEXT.search('a.text().replace("&", "") == "File"')
