"""panels of the Backprop Studio window."""
