"""Shared test setup: the repository root on ``sys.path`` and a few small, seeded fixtures.

Kept light on purpose (no Qt here; GUI fixtures live in ``tests/gui/conftest.py``).
"""

import os
import sys
import tempfile
from pathlib import Path

import pytest

# The dataset tiles keep their pictures in the user's cache folder (gui.panels.thumbnail_store):
# every test's go to a folder of their own, set before anything asks Qt where it is.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="bps-cache-")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `pytest` (unlike `python -m pytest`) does not add the cwd


@pytest.fixture
def circles():
    """Two circles, 200 rows, noise 0.15, seed 0 (160 train / 40 test)."""
    from core.data import load_dataset

    return load_dataset("circles", n_samples=200, noise=0.15, seed=0)


@pytest.fixture
def small_config():
    """A quick 2-8-1 tanh network config: SGD lr 0.1, batch 16, 5 epochs, seed 0."""
    from core.train.config import TrainConfig

    return TrainConfig(hidden=(8,), activation="tanh", lr=0.1, batch_size=16, epochs=5, seed=0)


@pytest.fixture(autouse=True)
def frozen_cli_clock(monkeypatch):
    """``python main.py train`` run in-process prints no timed progress lines (its clock never
    moves), so tests that count lines do not depend on the machine's speed. Tests of the timed
    lines pass their own clock."""
    import cli.train

    monkeypatch.setattr(cli.train, "progress_clock", lambda: 0.0)
