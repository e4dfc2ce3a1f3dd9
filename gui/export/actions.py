"""The File-menu actions of "Take it away": save/load weights, sessions, plots and models.

``install_export_actions(window)`` builds the ``QAction``s (object names ``exportWeights``,
``loadWeights``, ``exportPlots``, ``saveSession``, ``openSession``, ``exportPython``,
``exportTorch``, ``exportOnnx``), puts them in the window's File menu above Quit, adds
"Export view…" to the right-click menu of every view and the diagram, and returns the actions
by name. Each action asks for a file (``QFileDialog`` asks before replacing one) and hands the
path to :mod:`gui.export.operations`.
"""

from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog

from gui.export.context_menu import install_context_menus
from gui.export.dialogs import ExportDialog, confirm_overwrite
from gui.export.export_all import applicable_views, existing_targets, window_views
from gui.export.operations import (
    ONNX_HINT,
    export_onnx_to,
    export_plots_to,
    export_python_to,
    export_torch_to,
    export_view_to,
    load_weights_from,
    onnx_available,
    open_session_from,
    report_error,
    save_session_to,
    save_weights_to,
)
from gui.export.plot_export import screen_size
from gui.undo.unsaved import ask_to_keep_run
from gui.views.lazy_view import LazyView

WEIGHTS_FILTERS = "NumPy weights (*.npz);;JSON weights (*.json)"
SESSION_FILTER = "Backprop Studio session (*.bpsession)"

#: name -> (text, tooltip, shortcut)
SPECS = {
    "exportWeights": ("Export weights…", "Save the network's weights (.npz or .json)", None),
    "loadWeights": ("Load weights…", "Load weights from a .npz or .json file into the network",
                    None),
    "exportPlots": ("Export all plots…", "Write every view as PNG/SVG and the history as CSV "
                                         "into a folder", None),
    "saveSession": ("Save session…", "Save everything (data, settings, network, progress) to "
                                     "continue later", QKeySequence.StandardKey.Save),
    "openSession": ("Open session…", "Reopen a saved session exactly where it was", None),
    "exportPython": ("Export Python…", "Write a standalone NumPy .py file that predicts like "
                                       "this network", None),
    "exportTorch": ("Export PyTorch script…", "Write a PyTorch .py script that continues this "
                                              "run: same network, weights, optimizer, "
                                              "schedule and batch order", None),
    "exportOnnx": ("Export ONNX…", "Write the network as an ONNX model", None),
}


def _app_settings():
    from gui.shell.window import app_settings  # imported late: the window imports this module

    return app_settings()


def _with_suffix(path, suffix):
    path = Path(path)
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


class ExportActions(QObject):
    """The actions and their handlers for one main window."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.folder = Path.home()
        self.actions = {name: self._action(name, *spec) for name, spec in SPECS.items()}
        if not onnx_available():
            self.actions["exportOnnx"].setEnabled(False)
            self.actions["exportOnnx"].setToolTip(ONNX_HINT)
            self.actions["exportOnnx"].setStatusTip(ONNX_HINT)

    def _action(self, name, text, tip, shortcut):
        action = QAction(text, self.window)
        action.setObjectName(name)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(getattr(self, f"_on_{name}"))
        return action

    # ---- choosing files -------------------------------------------------------------------
    def _save_name(self, title, default, filters):
        path, chosen = QFileDialog.getSaveFileName(self.window, title,
                                                   str(self.folder / default), filters)
        if path:
            self.folder = Path(path).parent
        return (path or None), chosen

    def _open_name(self, title, filters):
        path, _ = QFileDialog.getOpenFileName(self.window, title, str(self.folder), filters)
        if path:
            self.folder = Path(path).parent
        return path or None

    # ---- handlers -------------------------------------------------------------------------
    def _on_exportWeights(self):
        path, chosen = self._save_name("Export weights", "weights.npz", WEIGHTS_FILTERS)
        if path:
            suffix = ".json" if "json" in chosen.lower() else ".npz"
            if Path(path).suffix.lower() not in (".npz", ".json"):
                path = _with_suffix(path, suffix)
            save_weights_to(self.window, path)

    def _on_loadWeights(self):
        path = self._open_name("Load weights",
                               "Weights (*.npz *.json);;All files (*)")
        if path:
            load_weights_from(self.window, path)

    def _on_saveSession(self):
        self.save_session_dialog()

    def save_session_dialog(self):
        """Ask for a file and save the session there; True when it was saved."""
        path, _ = self._save_name("Save session", "training.bpsession", SESSION_FILTER)
        return bool(path) and save_session_to(self.window, _with_suffix(path, ".bpsession"))

    def _on_openSession(self):
        if not ask_to_keep_run(self.window, "Open session", "Opening a session"):
            return
        path = self._open_name("Open session", f"{SESSION_FILTER};;All files (*)")
        if path:
            open_session_from(self.window, path)

    def _on_exportPython(self):
        path, _ = self._save_name("Export Python", "model.py", "Python (*.py)")
        if path:
            export_python_to(self.window, _with_suffix(path, ".py"))

    def _on_exportTorch(self):
        path, _ = self._save_name("Export PyTorch script", "train_torch.py", "Python (*.py)")
        if path:
            export_torch_to(self.window, _with_suffix(path, ".py"))

    def _on_exportOnnx(self):
        path, _ = self._save_name("Export ONNX", "model.onnx", "ONNX model (*.onnx)")
        if path:
            export_onnx_to(self.window, _with_suffix(path, ".onnx"))

    def _on_exportPlots(self):
        w = self.window
        views = applicable_views(window_views(w), w.session.info)
        dialog = ExportDialog(w, screen_size(w.diagram), self.folder / "plots", folder=True,
                              settings=_app_settings)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        folder, formats = dialog.chosen_path(), dialog.chosen_formats()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            report_error(w, "Export all plots", OSError(f"Cannot create {folder}: {exc}"))
            return None
        if not confirm_overwrite(w, existing_targets(folder, list(views), formats)):
            return None
        self.folder = folder.parent
        return export_plots_to(w, folder, dialog.chosen_size(), formats, dialog.chosen_dpi())

    def export_view_dialog(self, view, name):
        """"Export view…": the dialog for one view, then the export (asks to replace)."""
        try:
            on_screen = screen_size(view)
        except Exception as exc:  # noqa: BLE001 - e.g. nothing drawn in this view
            report_error(self.window, "Export view", exc)
            return None
        dialog = ExportDialog(self.window, on_screen, self.folder / f"{name}.png",
                              settings=_app_settings)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        path = dialog.chosen_path()
        if path.exists() and not confirm_overwrite(self.window, [path]):
            return None
        self.folder = path.parent
        return export_view_to(self.window, view, path, dialog.chosen_size(), dialog.chosen_dpi())


#: File-menu section of each action.
SECTIONS = (("weights", ("exportWeights", "loadWeights")),
            ("session", ("saveSession", "openSession")),
            ("export", ("exportPlots", "exportPython", "exportTorch", "exportOnnx")))


def install_export_actions(window):
    """Add the actions to ``window``'s File menu and context menus; returns the
    :class:`ExportActions` (its actions by name in ``actions``)."""
    handlers = ExportActions(window)
    for section, names in SECTIONS:
        for name in names:
            window.add_action("file", handlers.actions[name], section)
    first = window_views(window)
    _menus_when_built(first, handlers.export_view_dialog)

    def later_views():  # views installed after this (gradient norms): once the window is built
        rest = {n: v for n, v in window_views(window).items() if n not in first}
        _menus_when_built(rest, handlers.export_view_dialog)

    QTimer.singleShot(0, window, later_views)
    return handlers


def _menus_when_built(views, open_dialog):
    """Right-click export on ``views`` (``{name: view or LazyView}``); a view not built
    yet gets it when it is built (its plots do not exist before)."""
    for name, view in views.items():
        if isinstance(view, LazyView):
            view.when_built(lambda built, name=name: install_context_menus({name: built},
                                                                          open_dialog))
        else:
            install_context_menus({name: view}, open_dialog)
