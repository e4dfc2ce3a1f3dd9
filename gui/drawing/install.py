"""``install_drawing(window)``: point editing on the decision surface and the digit pad.

- the decision surface's bar gets the point-editing controls (``PointEditBar``); while the
  edited points are a draft (fewer than two classes), Play, Step and Epoch are disabled; the
  dataset panel shows the edited points as the user's own (no tile selected);
- View → "Draw a digit…" (``QAction`` ``drawDigit``, Ctrl+D, enabled only while the network
  is trained on the digits data) opens the drawing pad in a non-modal dialog, made the first
  time it is opened (the pad and its probability plot cost start-up time, and the pad reads
  the network it draws for when it is made).
"""

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QVBoxLayout

from gui.drawing.drawing_pad import DrawingPad
from gui.drawing.edit_bar import PointEditBar
from gui.drawing.point_editor import PointEditor
from gui.views.digits import DigitsView

DRAW_TIP = ("Draw a digit with the mouse and watch the network's live prediction (Digits data, "
            "or image data such as an MNIST CSV)")


class DrawingDialog(QDialog):
    """A non-modal window around a :class:`DrawingPad`."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.setObjectName("drawingDialog")
        self.setWindowTitle("Draw a digit")
        self.setToolTip(DRAW_TIP)
        self.pad = DrawingPad(session)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pad)


class Drawing:
    """What :func:`install_drawing` adds to a window: the point ``editor`` on the decision
    surface, its ``bar`` of controls (in the surface's bar), the drawing pad's window
    (:attr:`dialog`) and ``actions`` ``{"drawDigit": QAction}``."""

    def __init__(self, window, editor, bar):
        self.window = window
        self.editor = editor
        self.bar = bar
        self._dialog = None
        self.actions = {"drawDigit": self._draw_action()}

    @property
    def dialog(self):
        """The drawing pad's :class:`DrawingDialog`, made now if it was not yet."""
        if self._dialog is None:
            self._dialog = DrawingDialog(self.window.session, parent=self.window)
        return self._dialog

    def open_pad(self):
        dialog = self.dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def _draw_action(self):
        action = QAction("Draw a digit…", self.window)
        action.setObjectName("drawDigit")
        action.setShortcut(QKeySequence("Ctrl+D"))
        action.setToolTip(DRAW_TIP)
        action.setStatusTip(DRAW_TIP)

        def follow(info):
            ok = DigitsView.supports(info.dataset)
            action.setEnabled(ok)
            if not ok and self._dialog is not None:
                self._dialog.hide()

        action.triggered.connect(self.open_pad)
        self.window.session.trainerChanged.connect(follow)
        follow(self.window.session.info)
        return action


def install_drawing(window):
    """Add point editing and the drawing pad to ``window`` (a ``MainWindow``).

    Returns
    -------
    Drawing
        The editor, its bar, the dialog (made when first opened) and ``actions``
        ``{"drawDigit": QAction}``.
    """
    bar = PointEditBar()
    editor = PointEditor(window.session, window.decision_view, bar.picker, parent=window)
    bar.connect(editor)
    window.decision_view.add_bar_widget(bar)
    window.decision_view.add_bar_widget(bar.tools, row=1)
    training = [window.actions_by_name[name] for name in ("play", "step", "stepEpoch")]
    editor.draftChanged.connect(lambda draft: [a.setEnabled(not draft) for a in training])
    editor.dataChanged.connect(window.dataset_panel.show_dataset)  # no tile stays selected
    drawing = Drawing(window, editor, bar)
    window.add_action("view", drawing.actions["drawDigit"], "options")
    return drawing
