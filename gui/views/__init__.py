"""views of the Backprop Studio window."""
