"""Step through one training update phase by phase, see a neuron's equations, edit weights."""

from gui.stepthrough.install import install_stepthrough

__all__ = ["install_stepthrough"]
