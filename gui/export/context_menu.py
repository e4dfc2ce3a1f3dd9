"""Right-click "Export…" on every view and on the network diagram.

pyqtgraph views already offer "Export…" (pyqtgraph's own dialog) in their right-click menu;
its SVG choice is repaired by :func:`gui.export.pg_svg.install_svg_exporter`. Next to it we
add "Export view…", which opens our dialog (PNG at 1×/2×/custom size, or SVG). The diagram,
a plain ``QGraphicsView``, gets a context menu with "Export diagram…".
"""

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QGraphicsView, QMenu

from gui.export.pg_svg import install_svg_exporter

VIEW_ACTION = "exportViewAction"
DIAGRAM_ACTION = "exportDiagramAction"


def _is_diagram(view):
    return isinstance(view, QGraphicsView) and not isinstance(view, pg.GraphicsView)


def add_view_action(view, callback):
    """Add "Export view…" to the right-click menu of every pyqtgraph scene in ``view``.

    ``callback()`` is called when it is chosen. Returns the actions added (one per scene).
    """
    added = []
    for graphics_view in view.findChildren(pg.GraphicsView):
        scene = graphics_view.scene()
        if any(a.objectName() == VIEW_ACTION for a in scene.contextMenu):
            continue
        action = QAction("Export view…", scene)
        action.setObjectName(VIEW_ACTION)
        action.setToolTip("Save this view as PNG (choose the pixel size) or SVG")
        action.triggered.connect(callback)
        scene.contextMenu.append(action)
        added.append(action)
    return added


def diagram_menu(diagram, callback):
    """The diagram's right-click menu: "Export diagram…" (calls ``callback()``)."""
    menu = QMenu(diagram)
    action = menu.addAction("Export diagram…")
    action.setObjectName(DIAGRAM_ACTION)
    action.setToolTip("Save the network diagram as PNG (choose the pixel size) or SVG")
    action.triggered.connect(callback)
    return menu


def add_diagram_menu(diagram, callback):
    """Show :func:`diagram_menu` on right-click over the diagram."""
    diagram.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show(pos):
        menu = diagram_menu(diagram, callback)
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(diagram.mapToGlobal(pos))

    diagram.customContextMenuRequested.connect(show)


def install_context_menus(views, open_dialog):
    """Right-click export on ``views`` (``{name: view}``): ``open_dialog(view, name)``."""
    install_svg_exporter()
    for name, view in views.items():
        def callback(_checked=False, view=view, name=name):
            open_dialog(view, name)

        if _is_diagram(view):
            add_diagram_menu(view, callback)
        else:
            add_view_action(view, callback)
