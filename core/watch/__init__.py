"""Watching a run: snapshots for views, norms, the timeline, pacing, and the training child
process."""
