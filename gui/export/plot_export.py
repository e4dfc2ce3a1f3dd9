"""Export one view (a pyqtgraph view or the network diagram) to PNG or SVG.

A *view* is any widget of the window that shows training: the pyqtgraph views
(``LossCurvesView``, ``DecisionSurfaceView``, …) or the ``NetworkDiagram`` (a plain
``QGraphicsView``). What is exported is the picture, without the view's own check boxes:

- a pyqtgraph view: the central item (``PlotItem`` or ``GraphicsLayout``) of the
  ``pg.GraphicsView`` it shows, laid out again at the figure's shape and painted as
  pyqtgraph's exporters paint (text and lines scale with the image);
- the diagram: its ``QGraphicsScene``, through ``QGraphicsScene.render`` (kept in proportion).

Every export is a figure (:mod:`gui.export.figure`): a title and subtitle above the picture
and a legend under it (:mod:`gui.export.captions`), painted into a ``QImage`` (PNG) or a
``QSvgGenerator`` (SVG). A PNG has exactly the requested pixel size (default: twice the
on-screen size). Every file is written all or nothing (``core.io.atomic``): a failure
leaves any previous file untouched and raises ``UserInputError`` naming the path.
"""

import re
from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters as pg_exporters
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView

from core.errors import UserInputError
from core.io.atomic import atomic_write_bytes
from gui.export.captions import caption_of
from gui.export.figure import paint_figure, relaid_out

FORMATS = ("png", "svg")
#: Default PNG size: this many times the on-screen size.
DEFAULT_SCALE = 2
MAX_SIDE = 20_000


def _is_diagram(view):
    return isinstance(view, QGraphicsView) and not isinstance(view, pg.GraphicsView)


def shown_graphics_view(view):
    """The ``pg.GraphicsView`` ``view`` shows (itself, the one its
    ``graphics_view_for_export()`` names, or the first child not hidden)."""
    if hasattr(view, "graphics_view_for_export"):
        return view.graphics_view_for_export()
    if isinstance(view, pg.GraphicsView):
        return view
    for child in view.findChildren(pg.GraphicsView):
        if child.isVisibleTo(view) and child.centralWidget is not None:
            return child
    raise UserInputError(f"{type(view).__name__} has no plot to export.")


def source_item(view):
    """What is exported: the diagram's scene, or the pyqtgraph view's central item."""
    if _is_diagram(view):
        return view.scene()
    return shown_graphics_view(view).centralWidget


def screen_size(view):
    """The picture's size on screen, in (logical) pixels, as a ``QSize``."""
    item = source_item(view)
    rect = item.sceneRect() if _is_diagram(view) else item.sceneBoundingRect()
    return QSize(max(1, round(rect.width())), max(1, round(rect.height())))


def check_size(size):
    """``size`` as a ``QSize`` with both sides in 1..MAX_SIDE, else ``UserInputError``."""
    size = QSize(*size) if isinstance(size, tuple) else QSize(size)
    if not (1 <= size.width() <= MAX_SIDE and 1 <= size.height() <= MAX_SIDE):
        raise UserInputError(
            f"Image size {size.width()}×{size.height()} is out of range: choose a width and "
            f"height between 1 and {MAX_SIDE} pixels."
        )
    return size


def resolve_size(view, size, default_scale=DEFAULT_SCALE):
    """The pixel size for ``size``: None (``default_scale`` × on screen), a number (that
    many times the on-screen size) or an exact ``QSize`` / ``(width, height)``."""
    if size is None:
        size = default_scale
    if isinstance(size, int | float):
        on_screen = screen_size(view)
        size = (max(1, round(on_screen.width() * size)), max(1, round(on_screen.height() * size)))
    return check_size(size)


def fit_rect(source, target):
    """The largest rect of ``source``'s aspect ratio centred in ``target`` (both ``QSize``)."""
    scale = min(target.width() / source.width(), target.height() / source.height())
    w = max(1, min(target.width(), round(source.width() * scale)))
    h = max(1, min(target.height(), round(source.height() * scale)))
    return QRect((target.width() - w) // 2, (target.height() - h) // 2, w, h)


def background_of(view):
    """The colour behind the picture (opaque white if the view has none)."""
    widget = view if _is_diagram(view) else shown_graphics_view(view)
    brush = widget.backgroundBrush()
    if brush.style() == Qt.BrushStyle.NoBrush:
        return QColor("white")
    return QColor(brush.color())


# ----------------------------------------------------------------------------- rendering
def render_image(view, size=None, caption=None):
    """The view as a figure (:mod:`gui.export.figure`: title, picture, legend) in a
    ``QImage`` (ARGB32) of exactly ``size`` pixels (see ``resolve_size``; default 2× on
    screen). ``caption`` defaults to :func:`gui.export.captions.caption_of`."""
    size = resolve_size(view, size)
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(background_of(view))
    painter = QPainter(image)
    try:
        painter.setRenderHints(QPainter.RenderHint.Antialiasing
                               | QPainter.RenderHint.TextAntialiasing)
        _paint_page(painter, view, size, caption)
    finally:
        painter.end()
    return image


def _paint_page(painter, view, size, caption):
    caption = caption if caption is not None else caption_of(view)
    paint_figure(painter, size, screen_size(view), lambda p, target, logical:
                 _paint_picture(p, view, target, logical), caption)


def _paint_picture(painter, view, target, logical):
    """Draw ``view`` into ``target`` (page px); pyqtgraph views laid out at ``logical``
    (``QSizeF``), or, when a plot keeps its aspect ratio (a map, an image), at the on-screen
    proportions centred in ``target``: a wider layout would only add empty data range."""
    if _is_diagram(view):  # the scene keeps its proportions, centred in the target
        fitted = fit_rect(screen_size(view), target.toAlignedRect().size())
        _paint_scene(painter, view.scene(), QRectF(fitted).translated(target.topLeft()))
        return
    item = source_item(view)
    if _keeps_aspect(item):
        k = target.width() / max(1e-6, logical.width())  # page px per logical px
        fitted = fit_rect(screen_size(view), target.toAlignedRect().size())
        target = QRectF(fitted).translated(target.topLeft())
        logical = QSizeF(fitted.width() / k, fitted.height() / k)
    with relaid_out(item, logical):
        paint_pyqtgraph(painter, item, target.toAlignedRect())


def _keeps_aspect(item):
    """Whether a plot in pyqtgraph ``item`` locks its aspect ratio."""
    return any(isinstance(i, pg.ViewBox) and i.state.get("aspectLocked")
               for i in item.scene().items() if i.isVisible())


def _paint_scene(painter, scene, target):
    painter.setRenderHints(QPainter.RenderHint.Antialiasing
                           | QPainter.RenderHint.SmoothPixmapTransform
                           | QPainter.RenderHint.TextAntialiasing)
    scene.render(painter, QRectF(target), scene.sceneRect(),
                 Qt.AspectRatioMode.KeepAspectRatio)


def render_svg(view, size=None, caption=None):
    """The view as an SVG figure (``bytes``) of ``size`` pixels (see ``resolve_size``;
    default 1×); see :func:`render_image`.

    pyqtgraph's own ``SVGExporter`` cannot parse the path data Qt ≥ 6.7 writes
    (pyqtgraph#3485), so both kinds of view are painted into a ``QSvgGenerator``.
    """
    size = resolve_size(view, size, default_scale=1)
    return svg_document(size, background_of(view),
                        lambda painter: _paint_page(painter, view, size, caption),
                        view.logicalDpiX(), f"Backprop Studio: {type(view).__name__}")


def svg_document(size, background, paint, dpi, title):
    """SVG ``bytes`` of ``size`` pixels: ``background`` filled, then ``paint(painter)``.

    ``dpi`` must be the screen's logical DPI the items were laid out for (pyqtgraph sizes
    fonts and some transforms through the paint device's DPI).
    """
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)  # 1.1: keeps clip paths
    generator.setOutputDevice(buffer)
    generator.setResolution(round(dpi))
    generator.setSize(size)
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    generator.setTitle(title)
    painter = QPainter(generator)
    try:
        painter.fillRect(QRect(0, 0, size.width(), size.height()), background)
        paint(painter)
    finally:
        painter.end()
    return _tidy(bytes(buffer.data()), size)


def _tidy(svg, size):
    """Give the root element a pixel width and height (Qt writes millimetres), drop the
    empty paths Qt writes for empty curves (SVG readers warn about ``d=""``) and bake
    scaled groups into their shapes' coordinates (see :func:`bake_transforms`)."""
    svg = re.sub(rb'<svg width="[^"]*" height="[^"]*"',
                 f'<svg width="{size.width()}" height="{size.height()}"'.encode(), svg, count=1)
    svg = re.sub(rb'<path[^>]*\sd=""[^>]*/>\s*', b"", svg)
    return bake_transforms(svg)


_GROUP = re.compile(rb'(<g [^>]*?)transform="matrix\(([^)]*)\)"([^>]*>)(.*?)(</g>)', re.S)
_PAIR = re.compile(rb"(-?[0-9.]+(?:e[-+]?[0-9]+)?),(-?[0-9.]+(?:e[-+]?[0-9]+)?)")
_SHAPE_POINTS = re.compile(rb'(<(?:polyline|polygon)[^>]*\spoints=")([^"]*)(")'
                           rb'|(<path[^>]*\sd=")([^"]*)(")')


def bake_transforms(svg):
    """Move each group's ``transform`` matrix into its curves' coordinates.

    Qt draws a curve in data coordinates under a strongly non-uniform matrix (×7 in x,
    ×−150 in y) with ``vector-effect="non-scaling-stroke"``. Renderers that ignore that
    attribute (librsvg, cairosvg, older browsers) scale the stroke with the matrix, and a
    2-px line becomes a band hundreds of pixels high. Baked, the stroke needs no effect.
    Only groups whose content is polylines, polygons and paths are changed.
    """
    def bake(match):
        body = match.group(4)
        if b"non-scaling-stroke" not in body or re.search(rb"<(?!/?(?:polyline|polygon|path)\b)\w",
                                                             body):
            return match.group(0)
        a, b, c, d, e, f = (float(v) for v in match.group(2).split(b","))

        def point(m):
            x, y = float(m.group(1)), float(m.group(2))
            return f"{a * x + c * y + e:.6g},{b * x + d * y + f:.6g}".encode()

        def shape(m):
            head, data, tail = (m.group(1), m.group(2), m.group(3)) if m.group(1) else \
                (m.group(4), m.group(5), m.group(6))
            return head + _PAIR.sub(point, data) + tail

        return match.group(1) + match.group(3) + _SHAPE_POINTS.sub(shape, body) + match.group(5)

    return _GROUP.sub(bake, svg)


def paint_pyqtgraph(painter, item, target):
    """Paint pyqtgraph ``item`` (or a whole scene) into ``target`` as its exporters do."""
    exporter = pg_exporters.ImageExporter(item)
    scale = target.width() / max(1.0, exporter.getTargetRect().width())
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    exporter.setExportMode(True, {"antialias": True, "background": QColor(0, 0, 0, 0),
                                  "painter": painter, "resolutionScale": scale})
    # axes drawn from a pixmap cache on screen would land in an SVG as bitmaps (which
    # some renderers drop): draw them as text and lines while exporting
    cached = [item for item in exporter.getScene().items()
              if item.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    modes = [item.cacheMode() for item in cached]
    for item in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        exporter.getScene().render(painter, QRectF(target), exporter.getSourceRect())
    finally:
        exporter.setExportMode(False)
        for item, mode in zip(cached, modes, strict=True):
            item.setCacheMode(mode)


def png_bytes(image, dpi=None):
    """``image`` encoded as PNG ``bytes``, stating ``dpi`` dots per inch when given."""
    if dpi is not None:
        dots_per_meter = round(dpi / 0.0254)
        image.setDotsPerMeterX(dots_per_meter)
        image.setDotsPerMeterY(dots_per_meter)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise UserInputError("Could not encode the image as PNG (out of memory?).")
    return bytes(data)


# ----------------------------------------------------------------------------- files
def format_of(path, fmt=None):
    """``"png"`` or ``"svg"``: ``fmt`` if given, else from the file extension."""
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise UserInputError(
            f"Cannot export {Path(path).name!r}: choose a file ending in .png or .svg."
        )
    return fmt


def export_view(view, path, size=None, fmt=None, info=None, dpi=None):
    """Write ``view`` to ``path`` (PNG or SVG by extension or ``fmt``), all or nothing.

    Parameters
    ----------
    view : QWidget
        A pyqtgraph view of the window or the ``NetworkDiagram``.
    path : str or Path
        The target file; its folder must exist. An existing file is replaced.
    size : QSize, (int, int) or number, optional
        Exact pixel size, or a multiple of the on-screen size; PNG default: twice the
        on-screen size; SVG default: the on-screen size.
    info : TrainerInfo, optional
        The run the figure's subtitle names (default: the one the view was last reset with).
    dpi : number, optional
        Resolution stated in a PNG file (e.g. 300 for print; default Qt's screen value).

    Returns
    -------
    Path
    """
    fmt = format_of(path, fmt)
    caption = caption_of(view, info)
    data = (png_bytes(render_image(view, size, caption), dpi) if fmt == "png"
            else render_svg(view, size, caption))
    return atomic_write_bytes(path, data)
