"""The timeline bar: go back to an earlier step and resume from there."""
