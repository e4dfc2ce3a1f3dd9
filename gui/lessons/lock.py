"""A lesson's hold on the window's controls: hidden or locked (disabled), with a bar saying so.

A lesson lists control names (``core.teach.lesson_file.CONTROLS``). ``ControlLock.apply`` hides or
disables the widgets of those controls in the data and hyperparameter panels and the
diagram's +/− buttons, and shows a bar above the diagram: "Lesson: <title> — some controls
are locked" with an Unlock button, so a student always knows why a control is missing.
``release`` gives every control back and makes the panels show the current run again (they
decide what is enabled, e.g. the batch size with "Full batch" ticked).

The panels' own logic may re-enable a widget while a lesson holds it (a new network enables
the activation box), so the hold is applied again after every new run.
"""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.teach.lesson_file import CONTROLS
from gui.panels.dataset_tiles import DatasetTiles
from gui.panels.layer_activations import LayerActivations

#: Control name -> objectNames of its widgets in the hyperparameter panel (a trailing "*"
#: matches every name with that prefix).
HYPER_WIDGETS = {
    "learning_rate": ("lr",),
    "optimizer": ("optimizer", "optimizer_params_*"),
    "batch_size": ("batch_size", "full_batch"),
    "epochs": ("epochs",),
    "schedule": ("schedule", "schedule_params_*"),
    "seed": ("seed",),
    "precision": ("dtype",),
    "activation": ("activation", "per_layer"),
    "output": ("output_activation", "loss"),
    "initializer": ("init",),
    "inputs": ("standardize",),
    "regularization": ("penalty", "l1", "l2", "dropout", "clip_norm", "early_stopping"),
}


#: The output view's button that starts editing the data by hand.
EDIT_POINTS = "editPoints"


def _named(panel, names):
    """The widgets of ``panel`` with those objectNames (``"x*"``: every name starting "x")."""
    found = []
    for widget in panel.findChildren(QWidget):
        name = widget.objectName()
        if any(name == n or (n.endswith("*") and name.startswith(n[:-1])) for n in names):
            found.append(widget)
    return found


def point_edit_bars(window):
    """The output views' point-editing bars (held whole: their own logic enables the
    buttons inside as the data allows, so holding the bar cannot be undone by it)."""
    return [b.parentWidget() for b in _named(window, (EDIT_POINTS,))]


def control_widgets(window, control):
    """The panel widgets of ``control`` (a name in ``CONTROLS``; the diagram's aside)."""
    hyper, data = window.hyper_panel, window.dataset_panel
    if control == "dataset":
        return [*data.findChildren(DatasetTiles), data.csv_button, data.csv_label,
                data.noise.parentWidget(), *point_edit_bars(window)]
    if control == "features":
        return [data.features_group]
    widgets = _named(hyper, HYPER_WIDGETS.get(control, ()))
    if control == "activation":
        widgets += hyper.findChildren(LayerActivations)
    return widgets


def _form_row(widget):
    """``(form, field)`` when ``widget`` (or the row widget holding it) is a form row."""
    for field in (widget, widget.parentWidget()):
        owner = field.parentWidget() if field is not None else None
        layout = owner.layout() if owner is not None else None
        if isinstance(layout, QFormLayout) and layout.getWidgetPosition(field)[0] >= 0:
            return layout, field
    return None, widget


def set_shown(widget, shown):
    """Show or hide ``widget``: its whole form row (label too) when it has one."""
    form, field = _form_row(widget)
    if form is not None:
        form.setRowVisible(field, shown)
    else:
        widget.setVisible(shown)


class LockBar(QFrame):
    """"Lesson: <title> — some controls are locked (Unlock)". Signal ``unlockRequested()``."""

    unlockRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("lessonLockBar")
        self.setStyleSheet("#lessonLockBar { background: #fff4d6; border: 1px solid #e0c070; "
                           "border-radius: 3px; }")
        self.text = QLabel(objectName="lessonLockText", wordWrap=True)
        self.unlock = QPushButton("Unlock", objectName="lessonUnlock")
        self.unlock.setToolTip("Give every control back (the lesson's run stays as it is)")
        self.unlock.clicked.connect(self.unlockRequested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 4, 3)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.unlock, 0, Qt.AlignmentFlag.AlignRight)
        self.hide()

    def show_for(self, title, hidden, locked):
        words = " and ".join(w for w, names in (("hidden", hidden), ("locked", locked)) if names)
        listed = ", ".join(CONTROLS[n].split(" (")[0] for n in (*hidden, *locked))
        self.text.setText(f"Lesson: {title} — some controls are {words}")
        self.setToolTip(f"The lesson holds: {listed}. Unlock, or File → Leave lesson, gives "
                        "them back.")
        self.show()


def place_bar(window, bar):
    """Put ``bar`` above the diagram (the central widget's top), else in the status bar."""
    central = window.centralWidget()
    layout = central.layout() if central is not None else None
    if isinstance(layout, QVBoxLayout):
        layout.insertWidget(0, bar)
    else:
        window.statusBar().addWidget(bar, 1)


class ControlLock:
    """Hides or disables a lesson's controls in ``window``; ``release`` gives them back."""

    def __init__(self, window):
        self.window = window
        self.bar = LockBar()
        place_bar(window, self.bar)
        self.hidden = ()
        self.locked = ()

    @property
    def active(self):
        return bool(self.hidden or self.locked)

    def apply(self, title, hidden, locked):
        """Hide the controls named in ``hidden``, disable those in ``locked`` (not hidden)."""
        self.hidden = tuple(hidden)
        self.locked = tuple(n for n in locked if n not in self.hidden)
        self.reapply()
        if self.active:
            self.bar.show_for(title, self.hidden, self.locked)
        else:
            self.bar.hide()

    def reapply(self):
        """Apply the current hold again (after the panels changed what they enable)."""
        diagram = self.window.diagram.controls
        if "hidden_layers" in self.hidden:
            diagram.set_lesson_lock("hidden")
        elif "hidden_layers" in self.locked:
            diagram.set_lesson_lock("locked")
        for name in self.hidden:
            for widget in control_widgets(self.window, name):
                set_shown(widget, False)
        if "dataset" in self.hidden + self.locked:
            for button in _named(self.window, (EDIT_POINTS,)):
                button.setChecked(False)  # stop editing points before holding the data
        for name in self.locked:
            for widget in control_widgets(self.window, name):
                widget.setEnabled(False)

    def release(self):
        """Give every held control back; the panels then show the current run again."""
        if not self.active:
            return
        for name in self.hidden:
            for widget in control_widgets(self.window, name):
                set_shown(widget, True)
        for name in self.locked:
            for widget in control_widgets(self.window, name):
                widget.setEnabled(True)
        self.hidden = self.locked = ()
        self.window.diagram.controls.set_lesson_lock(None)
        self.bar.hide()
        self._refill_panels()

    def _refill_panels(self):
        """Let the panels decide again what they show and enable, for the current run."""
        w, session = self.window, self.window.session
        w.dataset_panel.show_dataset(session.dataset)
        if session.dataset.is_2d:
            w.dataset_panel.set_features(session.config.features)
        w.hyper_panel.set_from_config(session.config)
        w.hyper_panel.set_hidden_layers(len(session.config.hidden))
        w.hyper_panel.batch_size.setEnabled(not w.hyper_panel.full_batch.isChecked())
