"""``WeightEdits``: a weight or bias typed in the diagram, applied in the worker thread.

The diagram's inline editor emits ``editStarted`` (training is paused at once, so the value
shown is the one being replaced) and ``valueEdited((hit, value))``. The value goes to the
trainer through ``TrainingSession.call`` with ``core.teach.editing.set_weight`` or ``set_bias``,
a history row records the edited network's exact losses and metrics, then
``session.refresh()`` sends a snapshot, so the diagram, the output surface, the heatmaps and
the loss curves all show the edited network at once. Training continues from it.
"""

from PySide6.QtCore import QObject, Signal

from core.teach.editing import record_evaluation, set_bias, set_weight
from gui.running.session import describe_error


def apply_edit(trainer, hit, value):
    """Worker thread: write ``value`` into the weight or bias ``hit`` (a diagram ``Hit``),
    then record the edited network's losses and metrics (the curves show them at once)."""
    if hit.kind == "bias":
        set_bias(trainer, hit.layer, hit.unit, value)
    else:
        set_weight(trainer, hit.layer, hit.source, hit.unit, value)
    record_evaluation(trainer)
    return hit, value


def describe_hit(hit):
    """``"weight W1[2→3]"`` or ``"bias b1[3]"`` (layers and units numbered from 1)."""
    if hit.kind == "bias":
        return f"bias b{hit.layer + 1}[{hit.unit + 1}]"
    return f"weight W{hit.layer + 1}[{hit.source + 1}→{hit.unit + 1}]"


class WeightEdits(QObject):
    """Connects a ``NetworkDiagram``'s editor to a ``TrainingSession``.

    Signals: ``applied(object)`` ``(hit, value)`` once the trainer holds the new value and a
    fresh snapshot was asked for; ``failed(object)`` a message (nothing changed).
    """

    applied = Signal(object)
    failed = Signal(object)

    def __init__(self, session, diagram, parent=None):
        super().__init__(parent)
        self.session = session
        diagram.editStarted.connect(self._on_started)
        diagram.valueEdited.connect(self._on_edited)

    def _on_started(self, _hit):
        if self.session.running:
            self.session.pause()

    def _on_edited(self, payload):
        hit, value = payload
        self.session.pause()
        try:
            self.session.call(apply_edit, hit, value)
        except Exception as exc:  # noqa: BLE001 - shown; nothing changed
            text = f"Could not change the value: {describe_error(exc)}"
            self.session.error.emit(text)
            self.failed.emit(text)
            return
        self.session.refresh()
        self.session.message.emit(f"Set {describe_hit(hit)} to {value:g}. Press Play to "
                                  "train on from here.")
        self.applied.emit(payload)
