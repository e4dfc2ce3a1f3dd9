"""Backprop Studio launcher (installed as the ``backprop-studio`` command).

``python main.py``            open the window (options as for ``train`` preconfigure it)
``python main.py --lesson F`` open the window on the lesson file ``F`` (``.bplesson``)
``python main.py train ...``  train headlessly (``python main.py train --help``)
"""

import os
import sys

#: One BLAS thread per process unless the user chose otherwise. Our networks are too small
#: to gain from more (benchmarks/RESULTS.md), and on a 2-core machine a second BLAS thread in
#: the training process fights the window's thread for the other core: a 784-128-10 step
#: loop ran at 5.4 steps/s with OpenBLAS's default against 124 with one thread. Set before
#: NumPy is imported (here and, inherited, in the training process the window spawns).
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
for _variable in BLAS_THREAD_VARIABLES:
    os.environ.setdefault(_variable, "1")

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
        from gui.shell.app import run
    except ImportError as e:
        print(f"Backprop Studio: the window cannot start ({e}). Train without a window: "
              f"`{shell_command()} train --help`.", file=sys.stderr)
        return 1
    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
