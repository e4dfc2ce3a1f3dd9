"""Make pyqtgraph's own right-click "Export…" dialog write working SVG files.

pyqtgraph 0.13/0.14's ``SVGExporter`` post-processes the SVG that Qt generates and fails on
the path syntax of Qt ≥ 6.7 (``ValueError`` in ``correctCoordinates``, pyqtgraph#3485). The
exporter below keeps its name, parameters and file dialog, but paints the item into a
``QSvgGenerator`` (see ``gui.export.plot_export``); :func:`install_svg_exporter` puts it in
place of the broken one in pyqtgraph's exporter list.
"""

import pyqtgraph.exporters as pg_exporters
from PySide6.QtCore import QByteArray, QMimeData, QSize
from PySide6.QtWidgets import QApplication

from core.io.atomic import atomic_write_bytes
from gui.export.plot_export import fit_rect, paint_pyqtgraph, svg_document


class QtSvgExporter(pg_exporters.SVGExporter):
    """pyqtgraph's SVG exporter, drawing through ``QSvgGenerator`` (written atomically)."""

    def export(self, fileName=None, toBytes=False, copy=False):
        if fileName is None and not toBytes and not copy:
            return super().export()  # the file dialog, which calls export(fileName) later
        data = self.svg_bytes()
        if toBytes:
            return data
        if copy:
            mime = QMimeData()
            mime.setData("image/svg+xml", QByteArray(data))
            QApplication.clipboard().setMimeData(mime)
            return None
        atomic_write_bytes(fileName, data)
        return None

    def svg_bytes(self):
        """The item as SVG of the exporter's width × height parameters."""
        source = self.getTargetRect()
        size = QSize(max(1, round(self.params["width"])), max(1, round(self.params["height"])))
        target = fit_rect(QSize(max(1, round(source.width())), max(1, round(source.height()))),
                          size)
        view = self.getScene().getViewWidget()
        dpi = view.logicalDpiX() if view is not None else 96
        return svg_document(size, self.params["background"],
                            lambda painter: paint_pyqtgraph(painter, self.item, target), dpi,
                            "pyqtgraph SVG export")


def install_svg_exporter():
    """Replace pyqtgraph's SVG exporter by :class:`QtSvgExporter` (idempotent)."""
    exporters = pg_exporters.Exporter.Exporters
    for i, cls in enumerate(exporters):
        if cls is pg_exporters.SVGExporter:
            exporters[i] = QtSvgExporter
    if QtSvgExporter not in exporters:
        exporters.append(QtSvgExporter)
