"""``DrawingPad``: draw a digit, see it as the network sees it (8×8 for the digits, the
data's own resolution for other image data such as MNIST's 28×28), and see what the network
thinks it is, live.

Each stroke segment is downsampled with ``core.teach.digit_ink.downsample_to_digits`` (the NIST
steps that made the training digits) or, for other image data, ``downsample_to_image``
(MNIST's steps, gray values up to the data's largest), shown in the preview and predicted by a
:class:`~gui.drawing.live_predictor.LivePredictor` from the latest snapshot (training is not
paused). While the network trains, the prediction follows it.
"""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.data.image_shape import dataset_image_side
from core.teach.digit_ink import downsample_to_digits, downsample_to_image
from gui.drawing.digit_displays import DigitPreview, ProbabilityBars
from gui.drawing.drawing_canvas import DrawingCanvas
from gui.drawing.live_predictor import LivePredictor
from gui.views.digits import DigitsView
from gui.views.image_tiles import pixel_levels

NOT_DIGITS_TEXT = ("Choose the Digits dataset (or image data such as an MNIST CSV) to draw "
                   "for the network.")
READY_TEXT = "Draw a digit 0–9, large and centred, like the training digits."
IMAGES_READY_TEXT = "Draw large and centred, like the training images."
DIGITS_CAPTION = "The network sees\n(8×8 cells, 0–16):"
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
        self._shape = None  # (side, top) for image data other than the shipped digits
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
        self.caption = caption = QLabel(DIGITS_CAPTION, objectName="drawingCaption")
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
        """The drawing as one input row: ``(64,)`` with values 0..16 for the digits,
        ``(side²,)`` gray values 0..top for other image data."""
        if self._shape is None:
            return downsample_to_digits(self.canvas.ink())
        return downsample_to_image(self.canvas.ink(), *self._shape)

    def supported(self):
        """The session's network is trained on image data (the digits, MNIST-style)."""
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
        self.preview.set_values(np.zeros(self.preview.side ** 2))
        self.bars.clear()

    def _use_shape(self, dataset):
        """The shipped digits keep their NIST format; other image data is drawn MNIST's way
        at its side, full ink its largest pixel value."""
        if dataset.name == "digits" and dataset.spec.get("source") == "builtin":
            self._shape = None
            self.preview.set_shape(8, 16.0)
            self.caption.setText(DIGITS_CAPTION)
            return
        side = dataset_image_side(dataset)
        top = pixel_levels(dataset.X_train[:1000])[1]
        self._shape = (side, top)
        self.preview.set_shape(side, top, f"What the network sees: your drawing as a "
                                          f"{side}×{side} gray image, ink {top:g}, the "
                                          "strokes fitted and centred like MNIST's digits")
        self.caption.setText(f"The network sees\n({side}×{side} pixels, 0–{top:g}):")

    def _trainer_changed(self, info):
        ok = info is not None and DigitsView.supports(info.dataset)
        self.canvas.setEnabled(ok)
        if ok:
            self._use_shape(info.dataset)
        self.status.setText((READY_TEXT if self._shape is None else IMAGES_READY_TEXT)
                            if ok else NOT_DIGITS_TEXT)
        if ok:
            self.bars.set_classes(info.dataset.n_outputs)
            if self.isVisible():
                self.predict_now()

    def _snapshot_shown(self, _snapshot):
        if self.isVisible():
            self.predict_now()  # the network learned: its opinion may have changed
