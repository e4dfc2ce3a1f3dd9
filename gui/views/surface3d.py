"""Two linked 3-D surfaces: the true function and the model's prediction (``pyqtgraph.opengl``).

``opengl_status()`` says whether a 3-D view can start here and, when it cannot, why, in one
line the regression view shows above its 2-D fallback. ``SurfacePair3D`` draws the true and
the predicted surfaces side by side in one colour scale with the training points on them;
dragging or wheeling in either view turns or zooms both cameras together.

The surfaces keep the data as given (``x``, ``y`` raw input values, ``z`` the values): each
item's transform, not its data, fits the grid into a unit box, so what an item holds is what
the model predicted.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QMatrix4x4
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from gui.views.plot_style import FOREGROUND, new_layout_widget, style_plot

#: Height of the drawn z range relative to the unit square of the two inputs.
Z_HEIGHT = 0.7
#: Predictions beyond the target range are drawn up to this many ranges beyond it (a diverged
#: model would otherwise stretch the box to infinity).
Z_OVERSHOOT = 1.0
POINT_COLOR = (0.85, 0.1, 0.1, 1.0)
POINT_HEX = "#d91a1a"
CAMERA = dict(pos=pg.Vector(0.0, 0.0, 0.3 * Z_HEIGHT), distance=2.0, elevation=28,
              azimuth=-60)

_status = None


def share_gl_contexts():
    """Let every OpenGL context share shaders and buffers (pyqtgraph compiles its shaders
    once per process, so a 3-D view in a second window or a floated dock needs this).
    Effective only before the ``QApplication`` exists; called on import and by the app."""
    if QCoreApplication.instance() is None:
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


share_gl_contexts()


def opengl_status():
    """``(True, "")`` when a 3-D view can start, else ``(False, one-line reason)``.

    Needs a ``QGuiApplication``; the answer is computed once per process (creating an OpenGL
    context is not free).
    """
    global _status
    if _status is None:
        _status = _probe_opengl()
    return _status


def _probe_opengl():
    try:
        import OpenGL  # noqa: F401
    except ImportError:
        return False, "3-D off: PyOpenGL is not installed (pip install PyOpenGL)"
    try:
        import pyqtgraph.opengl  # noqa: F401
    except Exception as exc:  # a broken GL library raises anything from ctypes
        return False, f"3-D off: pyqtgraph.opengl does not load ({type(exc).__name__})"
    from PySide6.QtGui import QOpenGLContext

    context = QOpenGLContext()
    platform = QGuiApplication.platformName() or "unknown"
    if not context.create():
        return False, f"3-D off: OpenGL cannot start on the '{platform}' display"
    if context.format().majorVersion() < 2:
        return False, f"3-D off: OpenGL {context.format().majorVersion()}.x is too old"
    if not QCoreApplication.testAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts):
        return False, "3-D off: the app started without shared OpenGL contexts"
    return True, ""


def _linked_view_class():
    """``GLViewWidget`` that announces camera moves by the user (imported lazily: GL)."""
    import pyqtgraph.opengl as gl

    class LinkedGLView(gl.GLViewWidget):
        """A ``GLViewWidget`` that emits ``cameraMoved`` when the mouse turns, pans or zooms."""

        cameraMoved = Signal()

        def orbit(self, azim, elev):
            super().orbit(azim, elev)
            self.cameraMoved.emit()

        def pan(self, dx, dy, dz, relative="global"):
            super().pan(dx, dy, dz, relative)
            self.cameraMoved.emit()

        def wheelEvent(self, ev):
            super().wheelEvent(ev)
            self.cameraMoved.emit()

    return LinkedGLView


def camera_of(view):
    """The camera of a ``GLViewWidget`` as ``setCameraParams`` keywords (copied)."""
    params = dict(view.cameraParams())
    params["center"] = pg.Vector(params["center"])  # pan adds to it in place
    return params


def link_cameras(views):
    """Moving the camera of any of ``views`` moves the others' to the same place."""
    for source in views:
        others = [v for v in views if v is not source]
        source.cameraMoved.connect(
            lambda s=source, o=others: [v.setCameraParams(**camera_of(s)) for v in o])


def box_transform(x, y, levels):
    """``QMatrix4x4`` mapping ``x`` × ``y`` × ``levels`` (raw units) onto the centred box
    ``[-0.5, 0.5]² × [0, Z_HEIGHT]``."""
    lo, hi = levels
    sx = 1.0 / max(float(x[-1] - x[0]), 1e-12)
    sy = 1.0 / max(float(y[-1] - y[0]), 1e-12)
    sz = Z_HEIGHT / max(hi - lo, 1e-12)
    m = QMatrix4x4()
    m.translate(-0.5, -0.5, 0.0)
    m.scale(sx, sy, sz)
    m.translate(-float(x[0]), -float(y[0]), -lo)
    return m


def clipped_heights(values, levels):
    """``values`` clipped to the target range widened by ``Z_OVERSHOOT`` ranges per side."""
    lo, hi = levels
    span = (hi - lo) * Z_OVERSHOOT
    return np.clip(values, lo - span, hi + span)


class _Panel:
    """One titled 3-D view holding a surface and the training points."""

    def __init__(self, view_class, title):
        import pyqtgraph.opengl as gl

        self.title = QLabel(title, alignment=Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet(f"color: {FOREGROUND}; background: white;")
        self.view = view_class()
        self.view.setBackgroundColor("w")
        self.view.setCameraPosition(**CAMERA)
        self.view.setMinimumSize(120, 100)
        self.view.setToolTip("Drag to turn, Ctrl+drag or middle-drag to move, wheel to zoom; "
                             "both 3-D views turn together")
        floor = gl.GLGridItem(color=(0, 0, 0, 60))
        floor.setSize(1.0, 1.0)
        floor.setSpacing(0.1, 0.1)
        self.view.addItem(floor)
        self.surface = gl.GLSurfacePlotItem(smooth=False, computeNormals=False,
                                            glOptions="opaque")
        self.points = gl.GLScatterPlotItem(color=POINT_COLOR, size=5.0, pxMode=True,
                                           glOptions="opaque")
        font = QFont()
        font.setPointSize(9)
        # Dark text on white: the default additive blending would make it invisible.
        self.x_label, self.y_label = (
            gl.GLTextItem(pos=pos, color=FOREGROUND, font=font, glOptions="translucent",
                          alignment=Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            for pos in ((0.0, -0.6, 0.0), (-0.6, 0.0, 0.0)))
        for item in (self.surface, self.points, self.x_label, self.y_label):
            self.view.addItem(item)

    def set_drawn(self, on):
        """Show (True) or hide the surface, the points and the axis names."""
        for item in (self.surface, self.points, self.x_label, self.y_label):
            item.setVisible(on)

    def set_surface(self, x, y, heights, colors, transform):
        """``x (nx,)``, ``y (ny,)``, ``heights (nx, ny)``, ``colors (nx * ny, 4)``."""
        self.surface.setTransform(transform)
        self.surface.setData(x=x, y=y, z=heights, colors=colors)

    def set_points(self, positions, transform):
        """``positions (n, 3)`` raw ``(x, y, target)`` of the training points."""
        self.points.setTransform(transform)
        self.points.setData(pos=positions)


class SurfacePair3D(QWidget):
    """Prediction (left, as in the 2-D pair) and true function (right) as 3-D surfaces, one
    colour bar.

    Call ``set_frame`` when the data or the grid changes, ``set_true`` when the true surface
    does, and ``set_prediction`` per snapshot. Requires ``opengl_status()[0]``.
    """

    def __init__(self, cmap, parent=None):
        super().__init__(parent)
        self.cmap = cmap
        view_class = _linked_view_class()
        self.true_panel = _Panel(view_class, "true function")
        self.pred_panel = _Panel(view_class, "prediction")
        link_cameras([self.true_panel.view, self.pred_panel.view])
        bar_widget = new_layout_widget()
        self.colorbar = pg.ColorBarItem(colorMap=cmap, interactive=False, width=14,
                                        colorMapMenu=False)
        style_plot(self.colorbar)
        bar_widget.ci.addItem(self.colorbar)
        bar_widget.setFixedWidth(62)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for column, panel in enumerate((self.pred_panel, self.true_panel)):
            layout.addWidget(panel.title, 0, column)
            layout.addWidget(panel.view, 1, column)
            layout.setColumnStretch(column, 1)
        self.legend = QLabel(f'<span style="color:{POINT_HEX}">●</span> training points at '
                             "their target · drag to turn both, wheel to zoom",
                             alignment=Qt.AlignmentFlag.AlignCenter)
        self.legend.setStyleSheet(f"color: {FOREGROUND}; background: white;")
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.legend, 2, 0, 1, 2)
        layout.addWidget(bar_widget, 0, 2, 3, 1)
        layout.setRowStretch(1, 1)
        self._frame = None  # (x, y, levels, transform)

    def panels(self):
        return self.true_panel, self.pred_panel

    def clear(self):
        """Nothing but the floors until the next ``set_frame`` (a new dataset's first frame
        must not show the previous data)."""
        self._frame = None
        for panel in self.panels():
            panel.set_drawn(False)

    def set_frame(self, x, y, levels, names, points):
        """The grid ``x (nx,)``, ``y (ny,)``, colour/height ``levels (lo, hi)``, the axis
        ``names (x name, y name)`` and the training ``points (n, 3)`` as raw (x, y, target)."""
        transform = box_transform(x, y, levels)
        self._frame = (np.asarray(x), np.asarray(y), levels, transform)
        self.colorbar.setLevels(levels)
        for panel in self.panels():
            panel.x_label.setData(text=names[0])
            panel.y_label.setData(text=names[1])
            panel.set_points(points, transform)
            panel.set_drawn(True)

    def set_true(self, values):
        """True surface ``values (ny, nx)`` (row = y, as the 2-D images)."""
        self._draw(self.true_panel, values)

    def set_prediction(self, values):
        """Predicted surface ``values (ny, nx)``."""
        self._draw(self.pred_panel, values)

    def _draw(self, panel, values):
        x, y, levels, transform = self._frame
        heights = clipped_heights(np.asarray(values, dtype=np.float64).T, levels)
        lo, hi = levels
        t = np.clip((heights - lo) / (hi - lo), 0.0, 1.0)
        colors = self.cmap.map(t.ravel(), mode="float")  # one row per vertex, x-major
        panel.set_surface(x, y, heights, colors, transform)
