"""``DrawingPad``: draw a digit, see it as the network sees it (8×8), and see what the
network thinks it is, live.

Each stroke segment is downsampled with ``core.teach.digit_ink.downsample_to_digits`` (the NIST
steps that made the training digits), shown in the 8×8 preview and predicted by a
:class:`~gui.drawing.live_predictor.LivePredictor` from the latest snapshot (training is not
paused). While the network trains, the prediction follows it.
"""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.teach.digit_ink import downsample_to_digits
from gui.drawing.digit_displays import DigitPreview, ProbabilityBars
from gui.drawing.drawing_canvas import DrawingCanvas
from gui.drawing.live_predictor import LivePredictor
from gui.views.digits import DigitsView

NOT_DIGITS_TEXT = "Choose the Digits dataset to draw for the network."
READY_TEXT = "Draw a digit 0–9, large and centred, like the training digits."
BARS_HEIGHT = 180


class DrawingPad(QWidget):
    """Canvas, Clear button, 8×8 preview and probability bars for ``session``'s network."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.setObjectName("drawingPad")
        self.session = session
        self.canvas = DrawingCanvas()
        self.preview = DigitPreview()
        self.bars = ProbabilityBars()
        self.clear_button = QPushButton("Clear", objectName="clearDrawing")
        self.clear_button.setToolTip("Wipe the canvas and draw again")
        self.status = QLabel(READY_TEXT, objectName="drawingStatus")
        self.status.setWordWrap(True)
        self.status.setToolTip("What the pad is doing")
        self.predictor = LivePredictor(session, parent=self)
        self._build_layout()
        self.canvas.strokeChanged.connect(self._drawn)
        self.canvas.cleared.connect(self._cleared)
        self.clear_button.clicked.connect(self.canvas.clear)
        self.predictor.predicted.connect(self.bars.set_probabilities)
        self.predictor.failed.connect(self.status.setText)
        session.trainerChanged.connect(self._trainer_changed)
        session.snapshotShown.connect(self._snapshot_shown)
        self._trainer_changed(session.info)

    def _build_layout(self):
        side = QVBoxLayout()
        caption = QLabel("The network sees\n(8×8 cells, 0–16):")
        caption.setToolTip(self.preview.toolTip())
        for w in (caption, self.preview, self.clear_button):
            side.addWidget(w, 0, Qt.AlignmentFlag.AlignLeft)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.canvas)
        top.addLayout(side)
        self.bars.setFixedHeight(BARS_HEIGHT)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.bars)
        layout.addWidget(self.status)

    # -- public -----------------------------------------------------------------------------
    def digit_input(self):
        """The drawing as one digits row, shape ``(64,)`` with values 0..16."""
        return downsample_to_digits(self.canvas.ink())

    def supported(self):
        """The session's network is trained on the digits data."""
        info = self.session.info
        return info is not None and DigitsView.supports(info.dataset)

    def predict_now(self):
        """Predict the current drawing (nothing if empty)."""
        row = self.preview.values()
        if self.supported() and row.any():
            self.predictor.request(row)

    # -- slots ------------------------------------------------------------------------------
    def _drawn(self):
        self.preview.set_values(self.digit_input())
        self.predict_now()

    def _cleared(self):
        self.preview.set_values(np.zeros(64))
        self.bars.clear()

    def _trainer_changed(self, info):
        ok = info is not None and DigitsView.supports(info.dataset)
        self.canvas.setEnabled(ok)
        self.status.setText(READY_TEXT if ok else NOT_DIGITS_TEXT)
        if ok:
            self.bars.set_classes(info.dataset.n_outputs)
            if self.isVisible():
                self.predict_now()

    def _snapshot_shown(self, _snapshot):
        if self.isVisible():
            self.predict_now()  # the network learned: its opinion may have changed
