"""Backprop Studio desktop window (PySide6 + pyqtgraph)."""
