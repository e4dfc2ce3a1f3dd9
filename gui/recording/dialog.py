"""``RecordDialog``: what to record (a view or the whole window), how fast, how long, where."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from gui.recording.encode import FORMATS, FRAME_RATES, video_available

FILTERS = "Animated GIF (*.gif);;MP4 video (*.mp4)"


class RecordDialog(QDialog):
    """Choose the source widget, frames per second, duration (0: until Stop recording), file.

    Parameters
    ----------
    sources : dict
        Label shown -> widget to grab, in menu order (the whole window first).
    default_path : Path
    """

    def __init__(self, parent, sources, default_path):
        super().__init__(parent)
        self.setWindowTitle("Record training")
        self.setObjectName("recordDialog")
        self._sources = dict(sources)
        self.source = QComboBox(objectName="recordSource")
        self.source.addItems(list(self._sources))
        self.fps = QComboBox(objectName="recordFps")
        for rate in FRAME_RATES:
            self.fps.addItem(f"{rate} frames/s", rate)
        self.fps.setCurrentIndex(FRAME_RATES.index(10))
        self.duration = QDoubleSpinBox(objectName="recordDuration")
        self.duration.setRange(0.0, 600.0)
        self.duration.setDecimals(1)
        self.duration.setSuffix(" s")
        self.duration.setSpecialValueText("until Stop recording")
        for box in (self.source, self.fps, self.duration):
            box.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.path = QLineEdit(str(default_path), objectName="recordPath")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.path)
        row_layout.addWidget(browse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Record")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Record", self.source)
        form.addRow("Frame rate", self.fps)
        form.addRow("Duration", self.duration)
        form.addRow("File", row)
        formats = ("GIF (.gif) or MP4 (.mp4)" if video_available() else
                   "GIF (.gif); MP4 needs pip install 'backprop-studio[video]'")
        form.addRow("Formats", QLabel(formats))
        form.addRow(buttons)

    def _browse(self):
        path, _ = QFileDialog.getSaveFileName(self, "Record to", self.path.text(), FILTERS)
        if path:
            self.path.setText(path)

    def chosen_widget(self):
        return self._sources[self.source.currentText()]

    def chosen_fps(self):
        return int(self.fps.currentData())

    def chosen_duration(self):
        """Seconds to record, or 0.0 for "until Stop recording"."""
        return float(self.duration.value())

    def chosen_path(self):
        """The file; ``.gif`` is added when the name has no recording suffix."""
        path = Path(self.path.text().strip()).expanduser()
        return path if path.suffix.lower() in FORMATS else path.with_name(path.name + ".gif")
