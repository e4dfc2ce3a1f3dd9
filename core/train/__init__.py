"""The step-based trainer: its config, per-step guard, history, metrics and saved state."""
