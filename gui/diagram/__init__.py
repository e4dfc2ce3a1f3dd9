"""diagram of the Backprop Studio window."""
