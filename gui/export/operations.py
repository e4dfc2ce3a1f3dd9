"""What the File-menu actions do once a path is chosen (no file dialogs here).

Each function takes the main window and a path, does the work in the right thread and tells
the user the outcome: a status-bar message on success, a ``QMessageBox.critical`` with a
clear message on failure (the app keeps running and the current network is untouched).
Work on the trainer pauses training and runs in the worker thread
(``TrainingSession.call``); those functions return True when it succeeded. Plots are rendered
in the GUI thread from what the views show.
"""

import importlib.util
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from core.io import (
    WeightsMismatch,
    export_onnx,
    export_python,
    read_weights,
    save_session,
    save_weights_file,
)
from core.io.session import open_session
from core.teach.loaded_weights import rebuilt, reloaded
from gui.export.export_all import applicable_views, export_all, window_views
from gui.export.plot_export import export_view
from gui.export.ui_state import apply_ui_state, capture_ui_state, check_ui_state
from gui.undo.records import records_putter, records_taker
from gui.views.lazy_view import view_of

ONNX_HINT = "ONNX export needs the onnx package: pip install onnx (then restart)."


def onnx_available():
    """Whether the optional ``onnx`` package can be imported."""
    return importlib.util.find_spec("onnx") is not None


def describe(exc):
    """The message to show for ``exc`` (its text; the type when it has none)."""
    text = str(exc).strip()
    return text if text else type(exc).__name__


def report_error(window, title, exc):
    """Tell the user ``exc`` went wrong (message box and status bar); returns the text."""
    text = describe(exc)
    window.statusBar().showMessage(f"{title}: {text.splitlines()[0]}", 15000)
    QMessageBox.critical(window, title, text)
    return text


def report_done(window, text):
    window.statusBar().showMessage(text, 8000)


def _in_worker(window, title, fn, done_text):
    """Pause, run ``fn(trainer)`` in the worker thread; success message or error box.
    True on success."""
    window.session.pause()
    try:
        window.session.call(fn)
    except Exception as exc:  # noqa: BLE001 - shown to the user, the run is untouched
        report_error(window, title, exc)
        return False
    report_done(window, done_text)
    return True


# ----------------------------------------------------------------------------- weights
def save_weights_to(window, path):
    """Save the current weights (``.json`` by extension, else ``.npz``)."""
    return _in_worker(window, "Export weights", lambda t: save_weights_file(path, t),
                      f"Weights saved to {path}.")


def load_weights_from(window, path):
    """Load a weights file into the current network, offering a rebuild on a mismatch.

    The loaded weights start a fresh run at the file's own epoch and step (a new optimizer);
    the run they replace is kept for Edit → Undo. A damaged, truncated or foreign file is
    refused before anything changes. Returns True when the weights were loaded (or the
    network rebuilt from them).
    """
    try:
        wf = read_weights(path)
        window.session.pause()
        trainer = window.session.call(reloaded, wf, path)
    except WeightsMismatch as exc:
        return offer_rebuild(window, path, exc)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is refused the same way
        report_error(window, "Load weights", exc)
        return False
    _show_trainer(window, trainer, f"Loaded weights from {path} ({_counters(trainer)}).",
                  f"weights loaded from {Path(path).name}")
    return True


def _counters(trainer):
    """``"epoch 12, step 96"`` of a run started from a weights file."""
    return f"epoch {trainer.epoch}, step {trainer.step_count}"


def offer_rebuild(window, path, mismatch):
    """Ask whether to rebuild the network from the file; do it on Yes. Returns True if done."""
    answer = QMessageBox.question(
        window, "Load weights",
        f"{mismatch}\n\nRebuild the network from the file (its layers, activations and "
        "weights)? The current network and its training progress are replaced.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No)
    if answer != QMessageBox.StandardButton.Yes:
        return False
    session = window.session
    try:
        trainer = rebuilt(mismatch.weights_file, session.dataset, session.config, path)
    except Exception as exc:  # noqa: BLE001 - e.g. the file's inputs do not fit this data
        report_error(window, "Load weights", exc)
        return False
    _show_trainer(window, trainer,
                  f"Network rebuilt from {Path(path).name} ({_counters(trainer)}).",
                  f"network rebuilt from {Path(path).name}")
    return True


def _show_trainer(window, trainer, note, what=None):
    """Install ``trainer`` and make the panels show its dataset and settings; ``what``
    names the change for Edit → Undo."""
    window.session.install(trainer, note, what=what)
    window.dataset_panel.show_dataset(trainer.dataset)
    if trainer.dataset.is_2d:
        window.dataset_panel.set_features(trainer.config.features)
    window.hyper_panel.set_from_config(trainer.config)
    report_done(window, window.statusBar().currentMessage() or note)


# ----------------------------------------------------------------------------- sessions
def save_session_to(window, path):
    """Save the whole run and the window's display choices to a ``.bpsession`` file."""
    ui_state = capture_ui_state(window)  # GUI thread: widgets
    take_records = records_taker(window)
    saved = []

    def save(trainer):
        norms, timeline = take_records(trainer)
        kept, head = timeline if timeline is not None else (None, None)
        save_session(path, trainer, ui_state, norms=norms, timeline=kept, timeline_head=head)
        saved.append(trainer.step_count)

    if not _in_worker(window, "Save session", save, f"Session saved to {path}."):
        return False
    window.session.mark_saved(saved[0])
    return True


def open_session_from(window, path):
    """Reopen a session: dataset, hyperparameters, network, history, counters, views.

    Returns True on success; on failure shows why and keeps the current run. Saved window
    settings that are malformed or out of range are ignored, and the status bar says which.
    """
    try:
        opened_run = open_session(path)
    except Exception as exc:  # noqa: BLE001 - damaged, newer or foreign file
        report_error(window, "Open session", exc)
        return False
    # Checked before the run is replaced: applying the clean state afterwards cannot fail.
    trainer = opened_run.trainer
    ui_state, notes = check_ui_state(window, opened_run.ui_state)
    opened = (f"Session {Path(path).name} opened (epoch {trainer.epoch}, "
              f"step {trainer.step_count}).")
    _show_trainer(window, trainer, opened, f"opened session {Path(path).name}")
    _put_back_records(window, opened_run)
    window.session.mark_saved(trainer.step_count)
    apply_ui_state(window, ui_state)
    if notes:
        more = f"; and {len(notes) - 8} more" if len(notes) > 8 else ""
        window.statusBar().showMessage(
            f"{opened} Saved window settings ignored: {'; '.join(notes[:8])}{more}.", 30000)
    return True


def _put_back_records(window, opened_run):
    """The session's gradient-norm history and timeline, when the file has them (older
    files do not: their views start again from the opened step)."""
    timeline = None
    if opened_run.timeline is not None:
        timeline = (opened_run.timeline, opened_run.timeline_head)
    if opened_run.norms is None and timeline is None:
        return
    try:
        window.session.call(records_putter(window, (opened_run.norms, timeline)))
    except Exception as exc:  # noqa: BLE001 - the run is open; its records are not
        report_error(window, "Open session", exc)
        return
    window.session.refresh()


# ----------------------------------------------------------------------------- models
def export_python_to(window, path):
    """Write a standalone NumPy ``.py`` file that predicts like the current network."""
    return _in_worker(window, "Export Python", lambda t: export_python(path, t),
                      f"Python model written to {path}.")


def export_torch_to(window, path):
    """Write a PyTorch training script that continues the current run exactly."""
    from core.io.torch_export import export_torch

    return _in_worker(window, "Export PyTorch script", lambda t: export_torch(path, t),
                      f"PyTorch script written to {path} (run: python "
                      f"{Path(path).name} --steps N).")


def export_onnx_to(window, path):
    """Write the current network as an ``.onnx`` model (needs the ``onnx`` package)."""
    if not onnx_available():
        report_error(window, "Export ONNX", RuntimeError(ONNX_HINT))
        return False
    return _in_worker(window, "Export ONNX", lambda t: export_onnx(path, t),
                      f"ONNX model written to {path}.")


# ----------------------------------------------------------------------------- plots
def _with_current_surface(window, views):
    """If the decision view is among ``views`` while snapshots come without a surface
    (image data, Surface tab not in front), move every view to the current state with its
    surface: the decision view would otherwise be exported as last drawn, at an older step."""
    session = window.session
    if session.surface_shown or window.decision_view not in views:
        return
    try:
        session.show_with_surface()
    except Exception as exc:  # noqa: BLE001 - training shut down or busy: export as drawn
        window.statusBar().showMessage(f"The surface could not be brought up to date ({exc}).")


def export_view_to(window, view, path, size=None, dpi=None):
    """Export one view to ``path`` (PNG/SVG); returns the path or None after an error."""
    window.session.painter.bring_up_to_date()  # a hidden view may hold an older frame
    _with_current_surface(window, [view])
    try:
        written = export_view(view, path, size, info=window.session.info, dpi=dpi)
    except Exception as exc:  # noqa: BLE001 - unwritable path, full disk, bad size…
        report_error(window, "Export view", exc)
        return None
    report_done(window, f"Saved {written}.")
    return written


def export_plots_to(window, folder, size=None, formats=("png", "svg"), dpi=None):
    """Export every applicable view and ``history.csv`` into ``folder``; list or None."""
    session = window.session
    session.painter.bring_up_to_date()  # views off screen are only redrawn when shown
    # built now if never shown, up to date at once
    views = {name: view_of(view)
             for name, view in applicable_views(window_views(window), session.info).items()}
    _with_current_surface(window, views.values())
    norms = views.get("gradient_norms")
    if norms is not None:
        norms.bring_up_to_date()  # a dock tab behind another one draws only when shown
    history = session.last_snapshot.history if session.last_snapshot is not None else {}
    try:
        written = export_all(views, folder, history, size, formats, session.info, dpi)
    except Exception as exc:  # noqa: BLE001 - unwritable folder, full disk…
        report_error(window, "Export all plots", exc)
        return None
    report_done(window, f"Wrote {len(written)} files to {folder}.")
    return written
