"""Export every plot of a trainer without opening a window (``main.py train --export-plots``).

``export_all_plots(trainer, folder, size=None)`` builds the views the window would show,
feeds them ``trainer.info()`` and one ``take_snapshot(trainer)``, lays them out at the sizes
they have in a default window (never shown on screen) and writes them with
:func:`gui.export.export_all.export_all`. A ``QApplication`` is created when none exists;
without a display the ``offscreen`` platform is used.
"""

import os
import sys

#: Logical (on-screen) size of each view; PNGs are twice this unless a size is given.
VIEW_SIZES = {"decision_surface": (440, 400), "regression_surface": (560, 400),
              "loss_curves": (560, 420), "weights": (560, 420), "digits": (640, 560),
              "network": (720, 480)}


def _needs_offscreen(environ=None):
    environ = os.environ if environ is None else environ
    if sys.platform.startswith(("win", "darwin", "cygwin")):
        return False
    return not any(environ.get(k) for k in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"))


#: Qt warnings dropped during a headless export: harmless, printed by the offscreen platform
#: for every view laid out (it has no window manager to pass size hints to).
_DROPPED_QT_MESSAGES = ("propagateSizeHints",)


class _QuietQt:
    """Context: install a Qt message handler that drops ``_DROPPED_QT_MESSAGES`` only.

    Every other message goes to the handler that was installed before, or to stderr as Qt
    would print it; the previous handler is restored on exit.
    """

    def __enter__(self):
        from PySide6.QtCore import qInstallMessageHandler

        def handler(mode, context, message):
            if any(text in message for text in _DROPPED_QT_MESSAGES):
                return
            if self._previous is not None:
                self._previous(mode, context, message)
            else:
                print(message, file=sys.stderr)

        self._handler = handler  # keep a reference while installed
        self._previous = qInstallMessageHandler(handler)
        return self

    def __exit__(self, *exc):
        from PySide6.QtCore import qInstallMessageHandler

        qInstallMessageHandler(self._previous)
        return False


def ensure_app():
    """The running ``QApplication``, or a new one (offscreen when there is no display)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        if _needs_offscreen():
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        app = QApplication([sys.argv[0] if sys.argv and sys.argv[0] else "backprop-studio"])
    return app


def build_views(names):
    """New, unparented view widgets for export ``names`` ({name: widget})."""
    from gui.diagram import NetworkDiagram
    from gui.views.curves import LossCurvesView
    from gui.views.digits import DigitsView
    from gui.views.heatmaps import WeightHeatmapsView
    from gui.views.regression import RegressionSurfaceView
    from gui.views.surface import DecisionSurfaceView

    classes = {"decision_surface": DecisionSurfaceView,
               "regression_surface": RegressionSurfaceView, "loss_curves": LossCurvesView,
               "weights": WeightHeatmapsView, "digits": DigitsView, "network": NetworkDiagram}
    return {name: classes[name]() for name in names}


def _lay_out(app, views):
    """Give each view its size and let Qt lay it out, without putting it on screen."""
    from PySide6.QtCore import Qt

    for name, view in views.items():
        view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        view.resize(*VIEW_SIZES[name])
        view.show()
    app.processEvents()


def export_all_plots(trainer, folder, size=None, formats=("png", "svg")):
    """Write every applicable view of ``trainer`` and ``history.csv`` into ``folder``.

    Parameters
    ----------
    trainer : Trainer
        Any trainer (trained or not); it is only read.
    folder : str or Path
        Created if missing (with its parents).
    size : (int, int), optional
        PNG pixel size of every image; default twice each view's size.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    UserInputError
        The folder cannot be created or a file cannot be written (the message says why).
    """
    with _QuietQt():
        return _export(trainer, folder, size, formats)


def _export(trainer, folder, size, formats):
    from pathlib import Path

    from core.errors import UserInputError
    from core.watch.snapshot import take_snapshot
    from gui.export.export_all import applicable, export_all, view_names

    app = ensure_app()
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserInputError(f"Cannot create folder {folder}: {exc.strerror or exc}.") from None
    info, snapshot = trainer.info(), take_snapshot(trainer)
    views = build_views([n for n in view_names() if applicable(n, info) and n in VIEW_SIZES])
    try:
        _lay_out(app, views)
        for view in views.values():
            view.reset(info)
            view.show_snapshot(snapshot)
        app.processEvents()
        return export_all(views, folder, snapshot.history, size, formats, info)
    finally:
        for view in views.values():
            view.close()
            view.deleteLater()
        app.processEvents()
