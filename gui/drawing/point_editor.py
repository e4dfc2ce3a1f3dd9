"""``PointEditor``: click on the decision surface to add a training point, right-click to
remove the nearest one; the network trains on the edited data live.

While editing, mouse presses on the plot are the editor's (no panning, no context menu) and
the axes hold still. Each edit is drawn at once (``DecisionSurfaceView.show_points``) and
handed to a :class:`~gui.drawing.data_swap.DataSwapper`, which swaps it into the trainer in
the worker thread, keeping the weights and the run.

A *draft* is data with points of fewer than two classes (after "Clear points" or on a blank
canvas): training pauses, the surface is hidden and the view says what to add; the first
edit that makes it trainable swaps it in (a blank canvas gets a new network).
"""

from PySide6.QtCore import QEvent, QObject, Qt, Signal

from core.errors import UserInputError
from core.teach import editing
from gui.drawing.data_swap import DataSwapper

#: A right click removes the nearest training point within this many screen pixels.
REMOVE_RADIUS_PX = 8.0
_PRESSES = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick)


class PointEditor(QObject):
    """Edits the session's 2-D training points from clicks on ``view``.

    Parameters
    ----------
    session : TrainingSession
    view : DecisionSurfaceView
    picker : ClassPicker
        Which class a left click adds.

    Signals
    -------
    dataChanged(object) : the edited ``Dataset`` now shown (trainable or a draft).
    editingChanged(bool)
    draftChanged(bool) : True while the points on screen cannot be trained on.
    """

    dataChanged = Signal(object)
    editingChanged = Signal(bool)
    draftChanged = Signal(bool)

    def __init__(self, session, view, picker, parent=None):
        super().__init__(parent)
        self.session, self.view, self.picker = session, view, picker
        self.swapper = DataSwapper(session, self)
        self.editing = False
        self._dataset = None  # the edited data on screen (None: the session's)
        self._draft_resume = False
        self._fresh = False
        self._swallow = set()
        self._was_draft = False
        session.trainerChanged.connect(self._trainer_changed)
        session.runningChanged.connect(self._running_changed)
        self.swapper.failed.connect(session.error.emit)
        self.swapper.swapped.connect(self._swapped)

    # -- state ------------------------------------------------------------------------------
    def dataset(self):
        """The data as the user sees it: the latest edit, else the session's dataset."""
        return self._dataset if self._dataset is not None else self.session.dataset

    def is_draft(self):
        """The points on screen cannot be trained on yet (fewer than two classes)."""
        return self._dataset is not None and not editing.is_trainable(self._dataset)

    def can_edit(self):
        return editing.is_editable(self.dataset())

    # -- edit mode --------------------------------------------------------------------------
    def set_editing(self, on):
        """Turn click-to-edit on or off (off keeps a draft on screen)."""
        on = bool(on) and self.can_edit()
        if on == self.editing:
            return
        self.editing = on
        viewport = self.view.plot_widget.viewport()
        vb = self.view.plot.getViewBox()
        vb.setMouseEnabled(not on, not on)
        vb.setMenuEnabled(not on)
        if on:
            viewport.installEventFilter(self)
            viewport.setCursor(Qt.CursorShape.CrossCursor)
            self.picker.set_classes(self.dataset().target_names)
        else:
            viewport.removeEventFilter(self)
            viewport.unsetCursor()
            if not self.is_draft():
                self.view.hold_frame(None)
        self.editingChanged.emit(on)

    def eventFilter(self, obj, event):
        """Left press: add a point; right press: remove one; swallow their releases."""
        kind = event.type()
        if kind == QEvent.Type.ContextMenu:
            return True
        if kind == QEvent.Type.MouseButtonRelease and event.button() in self._swallow:
            self._swallow.discard(event.button())
            return True
        if kind not in _PRESSES:
            return False
        pos = event.position()
        if self.view.to_data(pos) is None:
            return False  # on an axis: leave it to the plot
        self._swallow.add(event.button())
        if event.button() == Qt.MouseButton.LeftButton:
            self.add_at(*self.view.to_data(pos))
        elif event.button() == Qt.MouseButton.RightButton:
            self.remove_at_pixel((pos.x(), pos.y()))
        return True

    # -- edits ------------------------------------------------------------------------------
    def add_at(self, x, y, label=None):
        """Add a training point of class ``label`` (default: the picker's) at data ``(x, y)``."""
        label = self.picker.current() if label is None else label
        data = self.dataset()
        if label is None or not editing.is_editable(data):
            return
        try:
            edited = editing.add_point(data, x, y, label)
        except UserInputError as exc:
            self.session.error.emit(str(exc))
            return
        name = data.target_names[label]
        self._apply(edited, f"Added a point of class {name} at ({x:.2f}, {y:.2f})")

    def remove_at_pixel(self, pos):
        """Remove the training point nearest viewport pixel ``pos`` if within a few pixels."""
        data = self.dataset()
        if not editing.is_editable(data):
            return False
        k = editing.nearest_row(self.view.to_pixels(data.X_train), pos, REMOVE_RADIUS_PX)
        if k is None:
            return False
        x, y = data.X_train[k]
        self._apply(editing.remove_row(data, k), f"Removed the point at ({x:.2f}, {y:.2f})")
        return True

    def clear_points(self):
        """Remove every training point (test points stay); a draft until both classes return."""
        data = self.dataset()
        if editing.is_editable(data):
            self._apply(editing.cleared(data), "Cleared the training points")

    def blank_canvas(self):
        """Start over on an empty -6..6 plane with two classes; the first trainable points
        get a new network."""
        self._fresh = True
        self.view.hold_frame(editing.BLANK_FRAME)
        self._apply(editing.blank_dataset(), "Blank canvas")
        self.set_editing(True)

    def _apply(self, data, what):
        if not self.view.is_frame_held():
            self.view.hold_frame(self.view.frame_bounds())
        self._dataset = data
        self.view.show_points(data)
        self.picker.set_classes(data.target_names)
        if editing.is_trainable(data):
            self._submit(data, what)
        else:
            self._enter_draft(data, what)
        self._emit_changed()

    def _emit_changed(self):
        draft = self.is_draft()
        if draft != self._was_draft:
            self._was_draft = draft
            self.draftChanged.emit(draft)
        self.dataChanged.emit(self.dataset())

    def _submit(self, data, what):
        resume, self._draft_resume = self._draft_resume, False
        self.view.hide_notice()
        note = f"{what}: {data.n_train} training points (the network keeps its weights)."
        if self._fresh:
            note = f"{what}: {data.n_train} training points, new network."
        fresh, self._fresh = self._fresh, False
        self.swapper.submit(data, note, fresh=fresh, resume=resume)

    def _enter_draft(self, data, what):
        self._draft_resume = self._draft_resume or self.swapper.is_playing()
        self.swapper.cancel_resume()
        self.session.pause()
        text = editing.need_text(data)
        self.view.show_notice(text)
        self.session.message.emit(f"{what}. {text}.")

    # -- session ----------------------------------------------------------------------------
    def _swapped(self, dataset):
        """A swap landed; if newer edits are on screen, show them again over the reset."""
        if self._dataset is not None and self._dataset is not dataset:
            self.view.show_points(self._dataset)
            if self.is_draft():
                self.view.show_notice(editing.need_text(self._dataset))

    def _trainer_changed(self, info):
        if self.swapper.installing:
            return
        # Other data or a new network chosen elsewhere: forget the edits and the frame.
        self._dataset, self._draft_resume, self._fresh = None, False, False
        self.view.hold_frame(None)
        if self.editing and not self.can_edit():
            self.set_editing(False)
        elif self.editing:
            self.picker.set_classes(info.dataset.target_names)
        self._emit_changed()

    def _running_changed(self, running):
        if running and self.is_draft():
            self.session.pause()
            self.session.message.emit(f"{editing.need_text(self._dataset)}.")
