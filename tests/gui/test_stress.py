"""Stress: 10,000 queued snapshots across the thread boundary while play/pause toggles.

The worker runs unthrottled (one step per chunk, no minimum interval) with a small surface
so snapshots come as fast as the GUI acknowledges them. A timer in the GUI thread toggles
play/pause every few milliseconds, replaces the trainer now and then, and the test checks
that every snapshot arrives intact, in order, and that nothing crashes or leaks a thread.
"""

import numpy as np
import pytest
from PySide6.QtCore import QThread, QTimer

from core.data import load_dataset
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from gui.running.worker import TrainingWorker

N_SNAPSHOTS = 10_000


class Checker:
    """Receives snapshots in the GUI thread, checks order and shape, acknowledges each."""

    def __init__(self, worker):
        self.worker = worker
        self.count = 0
        self.last_step = {}
        self.kept = []
        worker.snapshotReady.connect(self.on_snapshot)

    def on_snapshot(self, payload):
        generation, snap = payload
        assert snap.step >= self.last_step.get(generation, 0)
        self.last_step[generation] = snap.step
        assert all(np.isfinite(w).all() for w in snap.weights)
        if self.count % 1000 == 0:
            self.kept.append((snap, [w.copy() for w in snap.weights]))
        self.count += 1
        self.worker.snapshot_drawn()


@pytest.mark.timeout(240)
def test_ten_thousand_snapshots_with_play_pause_toggling(qtbot):
    dataset = load_dataset("circles")
    config = TrainConfig(hidden=(16, 8), epochs=10**9)
    thread = QThread()
    worker = TrainingWorker(Trainer(dataset, config), max_rate=0, chunk_seconds=0.0,
                            surface_resolution=8)
    worker.moveToThread(thread)
    checker = Checker(worker)
    thread.finished.connect(worker.deleteLater)
    thread.start()
    toggles = {"n": 0}

    def toggle():
        toggles["n"] += 1
        if toggles["n"] % 50 == 0:
            worker.replace(Trainer(dataset, config), toggles["n"], None)
        worker.pause() if toggles["n"] % 2 else worker.play()
        worker.refresh()

    timer = QTimer()
    timer.setInterval(2)
    timer.timeout.connect(toggle)
    worker.play()
    timer.start()
    try:
        qtbot.waitUntil(lambda: checker.count >= N_SNAPSHOTS, timeout=200_000)
    finally:
        timer.stop()
        worker.stop()
        assert thread.wait(10_000)
    assert toggles["n"] > 20
    assert len(checker.last_step) > 1  # trainers were replaced mid-run
    for snap, weights in checker.kept:  # snapshots kept by the GUI never change afterwards
        for w, k in zip(snap.weights, weights, strict=True):
            np.testing.assert_array_equal(w, k)


@pytest.mark.timeout(120)
def test_window_survives_unthrottled_snapshots_and_toggling(qtbot):
    from gui.shell.window import MainWindow

    window = MainWindow(load_dataset("circles"), TrainConfig(epochs=10**9))
    qtbot.addWidget(window)
    window.show()
    session = window.session
    session.worker.min_interval = 0.0
    shown = []
    session.snapshotShown.connect(lambda s: shown.append(s.step))
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(window.actions_by_name["play"].trigger)
    timer.start()
    try:
        qtbot.waitUntil(lambda: len(shown) >= 200, timeout=100_000)
    finally:
        timer.stop()
    assert not window.banner.text()
    window.close()
    assert session.thread is None
