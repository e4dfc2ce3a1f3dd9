"""The export dialog: format (PNG/SVG), figure size (a preset or custom) and where to write.

``ExportDialog(parent, screen_size, path)`` exports one view to a file;
``ExportDialog(parent, screen_size, path, folder=True)`` chooses a folder for "Export all
plots…" (formats: PNG and SVG, or one of them). The size presets (``PRESETS``): as on screen,
2× screen, a 1920×1080 slide, a 300-dpi print of 6.4×4.8 in, or custom pixels. The chosen
values are read with ``chosen_path()``, ``chosen_size()`` and ``chosen_formats()``; with
``settings`` (a callable returning the app's ``QSettings``) the preset and custom size are
remembered for the next export. ``confirm_overwrite`` asks before replacing existing files.
"""

from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
)

from gui.export.plot_export import MAX_SIDE

FILE_FORMATS = (("PNG image", ("png",)), ("SVG drawing", ("svg",)))
FOLDER_FORMATS = (("PNG and SVG", ("png", "svg")), ("PNG only", ("png",)),
                  ("SVG only", ("svg",)))
#: (text, scale of the on-screen size or exact (width, height) pixels, or None = custom)
PRESETS = (("As on screen", 1), ("2× screen", 2), ("Slide 1920×1080", (1920, 1080)),
           ("Print 300 dpi (6.4×4.8 in)", (1920, 1440)), ("Custom", None))
#: Resolution written into the PNG files of a preset (others keep Qt's screen default), so
#: that a word processor places the print preset at 6.4×4.8 in.
PRESET_DPI = {"Print 300 dpi (6.4×4.8 in)": 300}
DEFAULT_PRESET = 2
SETTINGS_PRESET, SETTINGS_WIDTH, SETTINGS_HEIGHT = ("export/preset", "export/custom_width",
                                                    "export/custom_height")


def _int(value, default):
    """``value`` (a settings entry: int, str or None) as an int, else ``default``."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


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

    def __init__(self, parent, screen_size, path, folder=False, title=None, settings=None):
        super().__init__(parent)
        self._settings = settings
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
        self.preset_combo = QComboBox(objectName="exportPreset")
        for text, _value in PRESETS:
            self.preset_combo.addItem(text)
        self._build(self.preset_combo)
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self.width_box.valueChanged.connect(self._width_edited)
        self.preset_combo.currentIndexChanged.connect(self._preset_changed)
        self._format_changed()
        self._restore()

    # ---- building -------------------------------------------------------------------------
    @staticmethod
    def _side_box(name, value):
        box = QSpinBox(objectName=name)
        box.setRange(1, MAX_SIDE)
        box.setValue(min(MAX_SIDE, max(1, value)))
        box.setSuffix(" px")
        box.setEnabled(False)
        return box

    def _build(self, preset_combo):
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
        form.addRow("Size", preset_combo)
        form.addRow("Width × height", sides)
        form.addRow("Folder" if self._folder else "File", target)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setToolTip("PNG has exactly the pixel size chosen; SVG scales without loss. "
                        "Every figure gets a title, axis labels and a legend; its plot is "
                        "laid out again to fill the size chosen.")

    # ---- reading --------------------------------------------------------------------------
    def chosen_formats(self):
        return tuple(self.format_combo.currentData())

    def chosen_preset(self):
        """The ``PRESETS`` value chosen: a scale (1, 2), ``(width, height)`` or None."""
        return PRESETS[self.preset_combo.currentIndex()][1]

    def chosen_dpi(self):
        """The resolution the PNG files should state (300 for the print preset), or None."""
        return PRESET_DPI.get(PRESETS[self.preset_combo.currentIndex()][0])

    def chosen_size(self):
        """The pixel size as a ``QSize``; in folder mode a scale preset stays a number
        (1 or 2) that each view applies to its own on-screen size."""
        preset = self.chosen_preset()
        if preset is None or isinstance(preset, tuple):
            return QSize(self.width_box.value(), self.height_box.value())
        return preset if self._folder else self._screen * preset

    def accept(self):
        self._remember()
        super().accept()

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

    def _preset_changed(self, index):
        preset = PRESETS[index][1]
        custom = preset is None
        self.width_box.setEnabled(custom)
        self.height_box.setEnabled(custom)
        if isinstance(preset, tuple):
            self.width_box.setValue(preset[0])
            self.height_box.setValue(preset[1])
        elif not custom:
            self.width_box.setValue(self._screen.width() * preset)
            self.height_box.setValue(self._screen.height() * preset)

    # ---- remembering ----------------------------------------------------------------------
    def _restore(self):
        """The preset (and custom size) of the last export, else ``DEFAULT_PRESET``."""
        index, width, height = DEFAULT_PRESET, None, None
        if self._settings is not None:
            store = self._settings()
            index = _int(store.value(SETTINGS_PRESET), DEFAULT_PRESET)
            width = _int(store.value(SETTINGS_WIDTH), None)
            height = _int(store.value(SETTINGS_HEIGHT), None)
        index = index if 0 <= index < len(PRESETS) else DEFAULT_PRESET
        self.preset_combo.setCurrentIndex(index)
        self._preset_changed(index)
        if PRESETS[index][1] is None and width and height:
            self.width_box.setValue(width)
            self.height_box.setValue(height)

    def _remember(self):
        if self._settings is None:
            return
        store = self._settings()
        store.setValue(SETTINGS_PRESET, self.preset_combo.currentIndex())
        if self.chosen_preset() is None:
            store.setValue(SETTINGS_WIDTH, self.width_box.value())
            store.setValue(SETTINGS_HEIGHT, self.height_box.value())
        store.sync()

    def _width_edited(self, width):
        """Custom width: the height follows with the view's proportions (editable after)."""
        if self.chosen_preset() is None and self._screen.width() > 0:
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
