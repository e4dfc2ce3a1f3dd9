"""Optimizers (PyTorch's formulas) and learning-rate schedules."""
