"""``LivePredictor``: the network's outputs for one input row, from the latest snapshot.

The snapshot the views show holds copies of every weight and bias, so a prediction needs
neither the trainer nor the worker thread: it is one small forward pass in the GUI thread
(microseconds for the digits network), always of the network the user sees. While the
network trains, each new snapshot gives a new prediction.
"""

import numpy as np
from PySide6.QtCore import QObject, Signal

from core.nn.activations import ACTIVATIONS
from gui.running.session import describe_error


def predict_from_snapshot(info, snapshot, row):
    """Network outputs ``(n_out,)`` for raw input ``row`` ``(d,)`` with ``snapshot``'s weights.

    ``info`` (``TrainerInfo``) gives the input pipeline and the activation of each layer.
    """
    a = info.pipeline.transform(np.asarray(row, dtype=np.float64)[None],
                                dtype=snapshot.weights[0].dtype)
    for W, b, name in zip(snapshot.weights, snapshot.biases, info.activation_names,
                          strict=True):
        a = ACTIVATIONS.get(name).forward(a @ W + b)
    return a[0]


class LivePredictor(QObject):
    """Predicts for rows with ``session``'s latest snapshot.

    Signals
    -------
    predicted(object) : ``(n_out,)`` network outputs for the last row asked for.
    failed(object) : message (str).
    """

    predicted = Signal(object)
    failed = Signal(object)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.predictions = 0

    def request(self, row):
        """Predict for ``row`` (shape ``(d,)`` raw inputs) now."""
        session = self.session
        if session.last_snapshot is None:
            return
        try:
            with np.errstate(all="ignore"):
                outputs = predict_from_snapshot(session.info, session.last_snapshot, row)
        except Exception as exc:  # noqa: BLE001 - shown on the pad; the window goes on
            self.failed.emit(describe_error(exc))
            return
        self.predictions += 1
        self.predicted.emit(outputs)
