"""File → Record…: the training as an animated GIF (or MP4) of one view or the whole window.

``install_recording(window)`` adds the actions ``recordStart`` ("Record…") and ``recordStop``
("Stop recording") to the File menu and returns them by name. Recording plays the training
(and pauses it again afterwards if it was paused), grabs the chosen widget at a fixed frame
rate on the GUI thread (``recorder.Recorder``) and, when stopped or at the chosen duration,
writes the file in one go, all or nothing (``encode.write_animation``).
"""

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QDialog

from gui.export.operations import report_done, report_error
from gui.recording.dialog import RecordDialog
from gui.recording.encode import check_target, write_animation
from gui.shell.menus import new_action

#: Views offered besides the whole window: (label, MainWindow attribute).
VIEWS = (("Loss curves", "loss_view"), ("Decision surface", "decision_view"),
         ("Regression surface", "regression_view"), ("Weights", "weights_view"),
         ("Digits", "digits_view"), ("Network diagram", "diagram"))


class RecordingActions(QObject):
    """The two actions and the recording in progress (at most one per window)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.recorder = None
        self.path = None
        self.folder = Path.home()
        self._resume_pause = False
        self.start_action = new_action(
            window, "Record…", self.open_dialog, name="recordStart",
            tip="Record the training as an animated GIF (or MP4) of one view or the whole window")
        self.stop_action = new_action(window, "Stop recording", self.stop, name="recordStop",
                                      tip="Stop recording and write the file")
        self.stop_action.setEnabled(False)
        self.actions = {"recordStart": self.start_action, "recordStop": self.stop_action}


    def sources(self):
        """Label -> widget: the whole window, then the views now shown."""
        found = {"Whole window": self.window}
        for label, attr in VIEWS:
            placeholder = self.window.lazy_views.get(attr)
            if placeholder is not None and not placeholder.isVisible():
                continue  # not shown: not offered, and not built for nothing
            view = getattr(self.window, attr, None)
            if view is not None and view.isVisible():
                found[label] = view
        return found

    def open_dialog(self):
        dialog = RecordDialog(self.window, self.sources(), self.folder / "training.gif")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.start(dialog.chosen_widget(), dialog.chosen_path(), dialog.chosen_fps(),
                          dialog.chosen_duration())

    def start(self, widget, path, fps, duration_s=0.0):
        """Start recording ``widget`` to ``path``; returns the ``Recorder`` (None on error)."""
        if self.recorder is not None:
            return None
        try:
            self.path = check_target(path)
        except Exception as exc:  # noqa: BLE001 - wrong suffix, no video encoder
            report_error(self.window, "Record", exc)
            return None
        self.folder = self.path.parent
        from gui.recording.recorder import Recorder  # with Pillow: 25 ms of start-up otherwise

        self.recorder = Recorder(widget, fps, duration_s, self)
        self.recorder.stopped.connect(self._finish)
        self.start_action.setEnabled(False)
        self.stop_action.setEnabled(True)
        session = self.window.session
        self._resume_pause = not session.running
        if self._resume_pause:
            session.play()
        self.window.statusBar().showMessage(f"Recording to {self.path.name}…")
        self.recorder.start()
        return self.recorder

    def stop(self):
        if self.recorder is not None:
            self.recorder.stop()

    def _finish(self, reason):
        recorder, self.recorder = self.recorder, None
        self.start_action.setEnabled(True)
        self.stop_action.setEnabled(False)
        if self._resume_pause:
            self.window.session.pause()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            write_animation(self.path, recorder.frames, recorder.fps)
        except Exception as exc:  # noqa: BLE001 - unwritable path, full disk…
            report_error(self.window, "Record", exc)
            return
        finally:
            QApplication.restoreOverrideCursor()
            recorder.deleteLater()
        saved = f"Recording saved to {self.path} ({len(recorder.frames)} frames)."
        report_done(self.window, f"{reason} {saved}" if reason else saved)


def install_recording(window):
    """Add Record… and Stop recording to ``window``'s File menu (above Quit); returns the
    :class:`RecordingActions` (its actions by name in ``actions``)."""
    handlers = RecordingActions(window)
    for action in handlers.actions.values():
        window.add_action("file", action, "record")
    return handlers
