"""Backprop Studio launcher (installed as the ``backprop-studio`` command).

``python main.py``            open the window (options as for ``train`` preconfigure it)
``python main.py --lesson F`` open the window on the lesson file ``F`` (``.bplesson``)
``python main.py train ...``  train headlessly (``python main.py train --help``)
"""

import sys

USAGE = """usage: {prog} [options]        open the Backprop Studio window
       {prog} --lesson FILE   open the window on a lesson file (.bplesson)
       {prog} train [options]  train headlessly and print the results

Both modes accept the same data and training options (--dataset, --hidden, --lr, ...);
see `{command} train --help` for the full list.
"""


def main(argv=None):
    """Dispatch to the command line (``train``) or the GUI; returns the exit status."""
    from cli.command import prog_name, shell_command

    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "train":
        from cli.train import main as train_main

        return train_main(argv[1:])
    if argv and argv[0] in ("-h", "--help"):
        print(USAGE.format(prog=prog_name(), command=shell_command()), end="")
        return 0
    try:
        from gui.app import run
    except ImportError as e:
        print(f"Backprop Studio: the window cannot start ({e}). Train without a window: "
              f"`{shell_command()} train --help`.", file=sys.stderr)
        return 1
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
