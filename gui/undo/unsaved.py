"""Ask before an unsaved run is lost: "Save / Discard / Cancel".

Quitting (File → Quit, or closing the window from the window manager), File → Open
session… and opening a lesson ask first when the run has trained steps that no file holds
(``TrainingSession.unsaved_steps``). Save writes a session through File → Save session…
(its file dialog); cancelling that dialog cancels what was asked for too.
"""

from PySide6.QtWidgets import QMessageBox

from gui.running.change_words import steps_text

Button = QMessageBox.StandardButton


def ask_to_keep_run(window, title, doing):
    """Ask whether to save the unsaved run before ``doing`` ("Quitting") replaces or closes
    it. True: go on (saved, or discarded); False: the user cancelled (nothing changes: a
    run that was training, paused while asking, trains on)."""
    session = window.session
    steps = session.unsaved_steps()
    if steps <= 0:
        return True
    was_running = session.running
    session.pause()
    go_on = _answer(window, title, doing, steps)
    if not go_on and was_running:
        session.play()
    return go_on


def _answer(window, title, doing, steps):
    """Ask; True: saved or discarded, False: cancelled (in the question or the save dialog)."""
    answer = QMessageBox.question(
        window, title,
        f"The current run has {steps_text(steps)} of training that are not saved (trained "
        f"steps since the last save). {doing} loses them.\n\n"
        "Save the run as a session first?",
        Button.Save | Button.Discard | Button.Cancel, Button.Save)
    if answer == Button.Save:
        return bool(window.export_actions.save_session_dialog())
    return answer == Button.Discard


def quit_asking(window):
    """File → Quit: ask about an unsaved run, then close the window."""
    if ask_to_keep_run(window, "Quit", "Quitting"):
        window.closing_asked = True
        window.close()
