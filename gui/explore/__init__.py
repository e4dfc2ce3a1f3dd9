"""Explore beyond one run: an optimizer playground on 2-D surfaces and the loss landscape
around the current weights. ``install_explore(window)`` adds both to the Tools menu."""

from gui.explore.install import explore_of, install_explore

__all__ = ["explore_of", "install_explore"]
