"""See backprop, part 2: per-layer gradient norms, ready-made lessons, gradient checking and
a timeline to scrub back through training. ``install_insight(window)`` adds them all."""

from gui.insight.install import insight_of, install_insight

__all__ = ["install_insight", "insight_of"]
