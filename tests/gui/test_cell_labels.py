"""CellLabels: texts at data points, painted in pixels by one item."""

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QImage, QPainter

from gui.views.cell_labels import CellLabels


def labelled_plot(qtbot, x_range):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(300, 200)
    widget.show()
    labels = CellLabels(QFont(), QRectF(0, 0, 1, 1))
    first = labels.add(0.5, 0.5)
    last = labels.add(1.0, 0.5, anchor=(0.0, 0.5), color="r")
    widget.addItem(labels, ignoreBounds=True)
    widget.setXRange(*x_range, padding=0)
    widget.setYRange(0, 1, padding=0)
    qtbot.wait(1)
    return widget, labels, first, last


def test_labels_keep_their_text_and_colour(qtbot):
    _, labels, first, last = labelled_plot(qtbot, (0, 2))
    labels.set(first, "12")
    labels.set(last, "100%")
    assert (labels.text(first), labels.text(last)) == ("12", "100%")
    assert labels.color(first) == pg.mkColor("k") and labels.color(last) == pg.mkColor("r")
    labels.set(last, "7%", "b")
    assert labels.text(last) == "7%" and labels.color(last) == pg.mkColor("b")
    assert len(labels) == 2 and len(labels.scene_rects()) == 2
    labels.set(first, "")
    assert len(labels.scene_rects()) == 1  # an empty label has no box


def test_bounds_cover_a_label_reaching_past_the_area(qtbot):
    """A text anchored at the area's edge reaches further in data units the more the view
    is zoomed in: the item's bounds follow (computed in view pixels), or a repaint would
    leave old glyphs behind."""
    widget, labels, _, last = labelled_plot(qtbot, (0, 1.05))
    labels.set(last, "100% of them")
    for x_range in ((0, 1.05), (0.9, 1.02)):
        widget.setXRange(*x_range, padding=0)
        qtbot.wait(1)
        (box,) = labels.scene_rects()
        assert box.right() > widget.plotItem.vb.mapViewToScene(
            pg.Point(1.0, 0.5)).x() + 20  # reaches well past the area's edge
        assert labels.sceneBoundingRect().contains(box), x_range


def _label_height(widget, labels, scale):
    """Height (pixels) of what the labels add to the plot rendered at ``scale``."""
    size = widget.size() * scale

    def render():
        image = QImage(size, QImage.Format.Format_ARGB32)
        image.fill(0xFFFFFFFF)
        painter = QPainter(image)
        widget.scene().render(painter, QRectF(image.rect()), QRectF(widget.rect()))
        painter.end()
        return image

    labels.setVisible(True)
    shown = render()
    labels.setVisible(False)
    bare = render()
    labels.setVisible(True)
    rows = [y for y in range(size.height())
            if any(shown.pixel(x, y) != bare.pixel(x, y) for x in range(size.width()))]
    return rows[-1] - rows[0] + 1 if rows else 0


def test_an_export_at_twice_the_size_draws_the_labels_twice_as_large(qtbot):
    """Exporters render the scene through a scaled painter: the labels scale with the
    figure, as pyqtgraph's own texts do, instead of staying screen-sized."""
    widget, labels, first, _ = labelled_plot(qtbot, (0, 2))
    labels.set(first, "88")
    once, twice = _label_height(widget, labels, 1), _label_height(widget, labels, 2)
    assert once > 4 and 1.7 * once <= twice <= 2.3 * once, (once, twice)
