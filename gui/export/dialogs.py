"""The export dialog: format (PNG/SVG), pixel size (1×, 2×, custom) and where to write.

``ExportDialog(parent, screen_size, path)`` exports one view to a file;
``ExportDialog(parent, screen_size, path, folder=True)`` chooses a folder for "Export all
plots…" (formats: PNG and SVG, or one of them). The chosen values are read with
``chosen_path()``, ``chosen_size()`` (``None`` = each view's own 2× size in folder mode) and
``chosen_formats()``. ``confirm_overwrite`` asks before replacing existing files.
"""

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from gui.export.plot_export import MAX_SIDE

FILE_FORMATS = (("PNG image", ("png",)), ("SVG drawing", ("svg",)))
FOLDER_FORMATS = (("PNG and SVG", ("png", "svg")), ("PNG only", ("png",)),
                  ("SVG only", ("svg",)))
SCALES = (("1× (as on screen)", 1), ("2× (slides)", 2), ("Custom", None))


def confirm_overwrite(parent, paths):
    """Ask before replacing ``paths`` (existing files); True when there is nothing to ask."""
    paths = [Path(p) for p in paths]
    if not paths:
        return True
    names = "\n".join(p.name for p in paths[:8]) + ("\n…" if len(paths) > 8 else "")
    text = (f"{paths[0]} already exists. Replace it?" if len(paths) == 1 else
            f"{len(paths)} files already exist in {paths[0].parent}:\n{names}\n\nReplace them?")
    answer = QMessageBox.question(parent, "Replace existing files?", text,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


class ExportDialog(QDialog):
    """Format, pixel size and target of an export; see the module docstring."""

    def __init__(self, parent, screen_size, path, folder=False, title=None):
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(title or ("Export all plots" if folder else "Export view"))
        self._screen = QSize(screen_size)
        self._folder = folder
        self.format_combo = QComboBox(objectName="exportFormat")
        for text, formats in FOLDER_FORMATS if folder else FILE_FORMATS:
            self.format_combo.addItem(text, formats)
        self.path_edit = QLineEdit(str(path), objectName="exportPath")
        self.width_box = self._side_box("exportWidth", self._screen.width() * 2)
        self.height_box = self._side_box("exportHeight", self._screen.height() * 2)
        self.scale_group = QButtonGroup(self)
        self._build(self._scale_row())
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self.width_box.valueChanged.connect(self._width_edited)
        self._format_changed()

    # ---- building -------------------------------------------------------------------------
    @staticmethod
    def _side_box(name, value):
        box = QSpinBox(objectName=name)
        box.setRange(1, MAX_SIDE)
        box.setValue(min(MAX_SIDE, max(1, value)))
        box.setSuffix(" px")
        box.setEnabled(False)
        return box

    def _scale_row(self):
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        for i, (text, _scale) in enumerate(SCALES):
            button = QRadioButton(text, objectName=f"exportScale{i}")
            self.scale_group.addButton(button, i)
            layout.addWidget(button)
        self.scale_group.button(1).setChecked(True)
        self.scale_group.idToggled.connect(self._scale_toggled)
        return row

    def _build(self, scale_row):
        browse = QPushButton("Browse…", objectName="exportBrowse")
        browse.clicked.connect(self._browse)
        target = QHBoxLayout()
        target.addWidget(self.path_edit, 1)
        target.addWidget(browse)
        sides = QHBoxLayout()
        sides.addWidget(self.width_box)
        sides.addWidget(self.height_box)
        form = QFormLayout(self)
        form.addRow("Format", self.format_combo)
        form.addRow("Size", scale_row)
        form.addRow("Width × height", sides)
        form.addRow("Folder" if self._folder else "File", target)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setToolTip("PNG has exactly the pixel size chosen; SVG scales without loss. "
                        "Custom sizes of another shape keep the picture's proportions.")

    # ---- reading --------------------------------------------------------------------------
    def chosen_formats(self):
        return tuple(self.format_combo.currentData())

    def chosen_scale(self):
        """1, 2 or None (custom)."""
        return SCALES[self.scale_group.checkedId()][1]

    def chosen_size(self):
        """The pixel size: a ``QSize``, or in folder mode the scale (1 or 2) each view
        applies to its own on-screen size."""
        scale = self.chosen_scale()
        if scale is None:
            return QSize(self.width_box.value(), self.height_box.value())
        return scale if self._folder else self._screen * scale

    def chosen_path(self):
        """The target, with the format's extension added to a file name that lacks it."""
        path = Path(self.path_edit.text().strip()).expanduser()
        if self._folder:
            return path
        ext = f".{self.chosen_formats()[0]}"
        return path if path.suffix.lower() == ext else path.with_name(path.name + ext)

    # ---- reacting -------------------------------------------------------------------------
    def _format_changed(self):
        if self._folder:
            return
        current = Path(self.path_edit.text())
        ext = f".{self.chosen_formats()[0]}"
        if current.suffix.lower() in (".png", ".svg") and current.suffix.lower() != ext:
            self.path_edit.setText(str(current.with_suffix(ext)))

    def _scale_toggled(self, button_id, checked):
        if not checked:
            return
        scale = SCALES[button_id][1]
        custom = scale is None
        self.width_box.setEnabled(custom)
        self.height_box.setEnabled(custom)
        if not custom:
            self.width_box.setValue(self._screen.width() * scale)
            self.height_box.setValue(self._screen.height() * scale)

    def _width_edited(self, width):
        """Custom width: the height follows with the view's proportions (editable after)."""
        if self.chosen_scale() is None and self._screen.width() > 0:
            ratio = self._screen.height() / self._screen.width()
            self.height_box.setValue(max(1, round(width * ratio)))

    def _browse(self):
        if self._folder:
            chosen = QFileDialog.getExistingDirectory(self, "Export all plots into",
                                                      self.path_edit.text())
        else:
            fmt = self.chosen_formats()[0]
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Export view", str(self.chosen_path()), f"{fmt.upper()} (*.{fmt})",
                options=QFileDialog.Option.DontConfirmOverwrite)  # asked once, on OK
        if chosen:
            self.path_edit.setText(chosen)
