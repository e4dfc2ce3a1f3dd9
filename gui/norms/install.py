"""``install_norms(window)``: the "Gradient norms" dock (tabbed with "Inside the network",
listed under View) and the worker observer that feeds it.

The view is built the first time its dock tab is shown or the view is asked for (the
window's ``lazy_view``); until then the latest norms the observer sent are kept for it.
"""

from PySide6.QtCore import QObject, Slot

from gui.norms.view import GradientNormsView
from gui.running.observers import NormsObserver

TIP = "per-layer gradient and weight norms over training (log scale)"


class GradientNorms(QObject):
    """What :func:`install_norms` adds to a window: the view's ``placeholder`` (the view
    itself is :attr:`view`), its ``dock``, the ``observer`` (records in the worker thread,
    sends copies to the view) and ``actions`` (none by name: the dock's toggle is under
    View)."""

    def __init__(self, window):
        super().__init__(window)
        self.placeholder = window.lazy_view(GradientNormsView)
        self.dock = window.add_dock("normsDock", "Gradient norms", self.placeholder, tip=TIP,
                                    group="inside")
        self.placeholder.follow_dock(self.dock)
        self.observer = NormsObserver(parent=window)
        self.actions = {}
        self._latest = None  # NormsData of the current network, sent before the view was built
        self.observer.normsChanged.connect(self._show_norms)
        self.placeholder.built.connect(self._view_built)
        window.session.trainerChanged.connect(self._forget_latest)

    @property
    def view(self):
        """The :class:`GradientNormsView`, built now if it was not yet."""
        return self.placeholder.view()

    @Slot(object)
    def _show_norms(self, data):  # NormsData, queued from the worker thread
        if self.placeholder.is_built():
            self.placeholder.view().show_norms(data)
        else:
            self._latest = data

    def _forget_latest(self, *_):
        """A new network: the norms kept belong to the old one (its own come next)."""
        self._latest = None

    def _view_built(self, view):
        latest, self._latest = self._latest, None
        if latest is not None:
            view.show_norms(latest)


def install_norms(window):
    """Dock the gradient-norms view on ``window`` and register its observer; returns it."""
    norms = GradientNorms(window)
    window.session.add_view(norms.placeholder)
    window.session.worker.add_observer(norms.observer)
    return norms
