"""Gradient norms: the per-layer ‖∂L/∂W‖ and ‖W‖ view and its dock."""
