"""Command-line options for sessions and exports, shared by ``python main.py train``.

``add_export_arguments(parser)`` adds the options, ``trainer_from_session_args(args)``
reopens ``--load-session`` (None when not given) and ``run_exports(trainer, args)`` writes
every file asked for after training.
"""

import os
import sys
from pathlib import Path

from core.errors import UserInputError

#: Options that define the run; with --load-session they come from the session instead.
_SESSION_OWNED = {
    "dataset": "--dataset", "csv": "--csv", "target": "--target", "task": "--task",
    "samples": "--samples", "noise": "--noise", "features": "--features",
    "standardize": "--standardize", "hidden": "--hidden", "activation": "--activation",
    "output_activation": "--output-activation", "loss": "--loss", "init": "--init",
    "dropout": "--dropout", "dtype": "--dtype", "optimizer": "--optimizer",
    "momentum": "--momentum", "schedule": "--schedule", "early_stopping": "--early-stopping",
    "batch_size": "--batch-size", "load_weights": "--load-weights", "classes": "--classes",
}

#: Output options: attribute -> (flag, ``check_writable`` kind).
OUTPUT_OPTIONS = {
    "save_weights": ("--save-weights", "weights"), "save_data": ("--save-data", "data"),
    "save_session": ("--save-session", "session"), "export_python": ("--export-python", "python"),
    "export_onnx": ("--export-onnx", "onnx"), "export_plots": ("--export-plots", "plots"),
    "export_torch": ("--export-torch", "python"),
}


def add_export_arguments(parser):
    """Add ``--load-session``, ``--save-session``, ``--export-python``, ``--export-torch``,
    ``--export-onnx`` and ``--export-plots`` to ``parser`` (an ``argparse.ArgumentParser``);
    returns it."""
    group = parser.add_argument_group("sessions and exports")
    group.add_argument("--load-session", metavar="PATH",
                       help="continue a saved session (.bpsession): its data, network and "
                            "settings; --epochs, --lr, --l1, --l2, --clip-norm still apply")
    group.add_argument("--save-session", metavar="PATH",
                       help="after training, save the whole run to PATH (.bpsession)")
    group.add_argument("--export-python", metavar="PATH",
                       help="after training, write a standalone NumPy model (.py)")
    group.add_argument("--export-torch", metavar="PATH",
                       help="after training, write a PyTorch script (.py) that continues the "
                            "run: python PATH --steps N --save-weights OUT.npz")
    group.add_argument("--export-onnx", metavar="PATH",
                       help="after training, write an ONNX model (.onnx; needs the onnx extra)")
    group.add_argument("--export-plots", metavar="DIR",
                       help="after training, render every view to image files in DIR")
    return parser


def requested_outputs(args):
    """``[(flag, path), ...]`` of the output options given, in ``OUTPUT_OPTIONS`` order."""
    return [(flag, getattr(args, name)) for name, (flag, _) in OUTPUT_OPTIONS.items()
            if getattr(args, name, None)]


def check_outputs(args):
    """Check every output path given before any training (``core.io.atomic.check_writable``).

    Returns
    -------
    list of (str, str)
        ``requested_outputs(args)``.

    Raises
    ------
    UserInputError
        The first output that cannot be written (wrong suffix, missing or read-only folder, a
        folder given for a file...).
    """
    from core.io.atomic import check_writable

    kinds = {flag: kind for flag, kind in OUTPUT_OPTIONS.values()}
    outputs = requested_outputs(args)
    for flag, path in outputs:
        check_writable(path, kinds[flag], flag)
    return outputs


def trainer_from_session_args(args):
    """The trainer of ``--load-session``, or None when the option is not given.

    Live settings given on the command line (``--epochs``, ``--lr``, ``--l1``, ``--l2``,
    ``--clip-norm``) are applied; ``--epochs`` is the total epoch count to reach. The
    session's window state is kept in ``args.session_ui_state`` so ``--save-session`` keeps it.

    Raises
    ------
    UserInputError
        The session cannot be opened, or an option that the session defines was given too.
    """
    from core.io.session import load_session
    from core.train.trainer import LIVE_FIELDS

    path = getattr(args, "load_session", None)
    if not path:
        return None
    given = [flag for name, flag in _SESSION_OWNED.items()
             if getattr(args, name, None) is not None]
    if given:
        raise UserInputError(
            f"{', '.join(given)} cannot be combined with --load-session: the session already "
            "defines the data, the network and the training settings."
        )
    trainer, ui_state = load_session(path)
    args.session_ui_state = ui_state
    live = {k: getattr(args, k) for k in LIVE_FIELDS if getattr(args, k, None) is not None}
    if live:
        trainer.apply_live(live)
    return trainer


def run_exports(trainer, args):
    """Write every file the export options ask for: session, Python, PyTorch, ONNX, plots.

    Returns
    -------
    list of Path
        The files (and plot folder) written.
    """
    from core.io.onnx_export import export_onnx
    from core.io.python_export import export_python
    from core.io.session import save_session

    written = []
    if getattr(args, "save_session", None):
        ui_state = getattr(args, "session_ui_state", None)
        written.append(save_session(args.save_session, trainer, ui_state))
    if getattr(args, "export_python", None):
        written.append(export_python(args.export_python, trainer))
    if getattr(args, "export_torch", None):
        from core.io.torch_export import export_torch

        written.append(export_torch(args.export_torch, trainer))
    if getattr(args, "export_onnx", None):
        written.append(export_onnx(args.export_onnx, trainer))
    if getattr(args, "export_plots", None):
        written.append(export_plots(trainer, args.export_plots))
    return written


def export_plots(trainer, folder):
    """Render every view of ``trainer`` offscreen into ``folder`` (created if missing).

    Uses the GUI's renderer, ``gui.export.headless.export_all_plots``; without a display,
    Qt's offscreen platform is selected.

    Raises
    ------
    UserInputError
        The folder cannot be created, or the GUI part (PySide6, pyqtgraph) is not available.
    """
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserInputError(f"Cannot create the plot folder {folder}: "
                             f"{e.strerror or e}.") from None
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from gui.export.headless import export_all_plots
    except ImportError as e:
        raise UserInputError(
            f"--export-plots needs the GUI part of Backprop Studio (PySide6 and pyqtgraph), "
            f"which could not be loaded ({e}). Install Backprop Studio with its GUI, or drop "
            "--export-plots."
        ) from None
    export_all_plots(trainer, folder)
    return folder
