"""``LandscapeSource``: what the loss-landscape window computes from, kept up to date.

Registered as a view of the session (``reset(info)`` / ``show_snapshot(snapshot)``, GUI
thread) from the moment the window opens, it keeps the run's ``TrainerInfo`` (network shape,
loss, pipeline and training data), the latest ``Snapshot`` (its weights are copies, so a
computation never touches the live trainer) and a :class:`core.watch.trajectory.Trajectory` of the
weights the snapshots showed (the path drawn on the landscape and the trajectory plane).
"""

import numpy as np
from PySide6.QtCore import QObject, Signal

from core.watch.trajectory import Trajectory, flat_from_snapshot

#: Most memory the recorded path may take; a big network keeps fewer points.
TRAJECTORY_BYTES = 64_000_000
MAX_POINTS = 400


class LandscapeSource(QObject):
    """The latest run description, snapshot and recorded path (see module docstring)."""

    runChanged = Signal(object)  # TrainerInfo of a new network or dataset
    changed = Signal()  # a new snapshot

    def __init__(self, parent=None):
        super().__init__(parent)
        self.info = None
        self.snapshot = None
        self.trajectory = Trajectory(MAX_POINTS)

    def reset(self, info):
        """A new network or dataset: forget the old path."""
        self.info = info
        self.snapshot = None
        n_params = sum(a * b + b for a, b in zip(info.sizes[:-1], info.sizes[1:], strict=True))
        points = int(np.clip(TRAJECTORY_BYTES // (8 * n_params), 4, MAX_POINTS))
        self.trajectory = Trajectory(points)
        self.runChanged.emit(info)

    def show_snapshot(self, snapshot):
        """Keep ``snapshot`` and record its weights on the path when due."""
        self.snapshot = snapshot
        if self.trajectory.wants(snapshot.step):
            self.trajectory.record(snapshot.step, flat_from_snapshot(snapshot))
        self.changed.emit()

    def current_weights(self):
        """The latest snapshot's weights (n_params,), a new array; None before any."""
        return None if self.snapshot is None else flat_from_snapshot(self.snapshot)
