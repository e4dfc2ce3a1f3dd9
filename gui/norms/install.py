"""``install_norms(window)``: the "Gradient norms" dock (tabbed with "Inside the network",
listed under View) and the worker observer that feeds it."""

from dataclasses import dataclass

from PySide6.QtWidgets import QDockWidget

from gui.norms.view import GradientNormsView
from gui.running.observers import NormsObserver

TIP = "per-layer gradient and weight norms over training (log scale)"


@dataclass(frozen=True)
class GradientNorms:
    """What :func:`install_norms` adds to a window."""

    view: GradientNormsView
    dock: QDockWidget
    observer: NormsObserver  # records in the worker thread, sends copies to ``view``
    actions: dict  # none by name: the dock's toggle is under View


def install_norms(window):
    """Dock the gradient-norms view on ``window`` and register its observer; returns it."""
    view = GradientNormsView()
    dock = window.add_dock("normsDock", "Gradient norms", view, tip=TIP, group="inside")
    dock.visibilityChanged.connect(view.set_on_screen)
    observer = NormsObserver(parent=window)
    observer.normsChanged.connect(view.show_norms)
    window.session.add_view(view)
    window.session.worker.add_observer(observer)
    return GradientNorms(view, dock, observer, {})
