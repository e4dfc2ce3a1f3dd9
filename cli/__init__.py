"""The command line: ``backprop-studio train`` / ``python main.py train``."""
