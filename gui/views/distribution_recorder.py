"""``DistributionRecorder``: the Distributions view's history, recorded whether the view is
shown, or even built, or not.

Plain Python (no Qt), one per window: the session resets it for every new network and it
records every snapshot the session shows (``gui.views.analysis``), and the
:class:`~gui.views.distributions.DistributionsView` draws from it once it is built. A view
made without one (a test) records into a recorder of its own.
"""

import numpy as np

from core.watch.distributions import DistributionHistory, snapshot_stats


class DistributionRecorder:
    """Quantile bands of every layer over steps (``history``, a ``DistributionHistory``) for
    the network ``info`` describes."""

    def __init__(self):
        self.info = None
        self.history = DistributionHistory(0)
        self._recorded = None  # the last snapshot recorded (each one is shown several ways)

    def reset(self, trainer_info):
        """A new network: forget the history."""
        self.info = trainer_info
        self.history = DistributionHistory(len(trainer_info.activation_names))
        self._recorded = None

    def record(self, snapshot):
        """Add ``snapshot``'s statistics (a few NumPy percentiles per layer); a snapshot of
        another network, one already recorded, or a diverged one (non-finite) is skipped."""
        if self.info is None or snapshot is self._recorded:
            return
        if len(snapshot.weights) != self.history.n_layers:
            return
        self._recorded = snapshot
        stats = snapshot_stats(snapshot, self.info.activation_names)
        with_z = getattr(snapshot, "sample_z", None) is not None  # else activations are NaN
        finite = all(np.isfinite(np.concatenate(
            [s.weights, s.gradients] + ([s.activations] if with_z else []))).all()
            for s in stats)
        if finite:  # a diverged step is not drawn (the session reports it)
            self.history.record(snapshot.step, stats)

    def show_snapshot(self, snapshot):
        """The session's view contract (``reset``, ``show_snapshot``): record it."""
        self.record(snapshot)

    def kept_history(self):
        """A copy of the recorded history (Edit → Undo keeps it with the run)."""
        return self.history.copy()

    def put_back_history(self, history):
        """Record ``history`` (from :meth:`kept_history`) again, for the network recorded
        now; a history for another number of layers is refused (False)."""
        if self.info is None or history.n_layers != self.history.n_layers:
            return False
        self.history = history.copy()
        self._recorded = None
        return True
