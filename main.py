"""Backprop Studio launcher.

``python main.py``            open the window (options as for ``train`` preconfigure it)
``python main.py train ...``  train headlessly (``python main.py train --help``)
"""

import sys

USAGE = """usage: python main.py [options]          open the Backprop Studio window
       python main.py train [options]    train headlessly and print the results

Both modes accept the same data and training options (--dataset, --hidden, --lr, ...);
see `python main.py train --help` for the full list.
"""


def main(argv=None):
    """Dispatch to the command line (``train``) or the GUI; returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "train":
        from core.cli import main as train_main

        return train_main(argv[1:])
    if argv and argv[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0
    try:
        from gui.app import run
    except ImportError as e:
        print(f"The window cannot start ({e}). Train headlessly with `python main.py train`.",
              file=sys.stderr)
        return 1
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
