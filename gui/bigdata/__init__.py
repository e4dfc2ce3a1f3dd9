"""Big data in the window: work that takes seconds on MNIST-size data, done off the GUI
thread (building a trainer)."""
