"""Running training for the window: the GUI-thread session, the worker thread that owns the trainer,
the training child process, the frame painter, and the observers that record per-step histories."""
