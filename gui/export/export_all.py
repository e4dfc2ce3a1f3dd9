"""Write every applicable view into one folder, plus the per-epoch history as CSV.

File names are fixed so a script or a slide deck can rely on them:

==========================  ===========================================================
``decision_surface.*``      classification with two or more inputs
``regression_surface.*``    regression
``loss_curves.*``           always (loss and accuracy/R² against epoch)
``weights.*``               always (every weight matrix)
``digits.*``                the 8×8 digits data only
``network.*``               always (the network diagram)
``gradient_norms.*``        in the window (per-layer norms by step; a plain trainer
                            exported headless has no per-step record of them)
``history.csv``             always: epoch, train_loss, test_loss, train_metric,
                            test_metric, lr (one row per completed epoch)
==========================  ===========================================================
"""

import csv
import io
import math
from pathlib import Path

from core.errors import UserInputError
from core.io.atomic import atomic_write_text
from core.train.history import COLUMNS
from gui.export.plot_export import FORMATS, export_view

HISTORY_FILE = "history.csv"


def view_names():
    """Every export name, in the order files are written."""
    return ("decision_surface", "regression_surface", "loss_curves", "weights", "digits",
            "network", "gradient_norms")


def applicable(name, info):
    """Whether view ``name`` shows something for the run described by ``info``."""
    ds = info.dataset
    if name == "decision_surface":
        return ds.task in ("binary", "multiclass") and ds.X_train.shape[1] >= 2
    if name == "regression_surface":
        return ds.task == "regression"
    if name == "digits":
        from gui.views.digits import DigitsView

        return DigitsView.supports(ds)
    return True


def applicable_views(views, info):
    """``{name: view}`` of ``views`` (a dict by export name) that fit this run, in order."""
    return {n: views[n] for n in view_names() if n in views and applicable(n, info)}


def window_views(window):
    """The window's views by export name (gradient norms once that feature is installed);
    a view not built yet is its :class:`~gui.views.lazy_view.LazyView` placeholder
    (``gui.views.lazy_view.view_of`` builds it: only what is exported is built)."""
    lazy = window.lazy_views
    views = {"decision_surface": window.decision_view,
             "regression_surface": lazy["regression_view"],
             "loss_curves": window.loss_view, "weights": lazy["weights_view"],
             "digits": window.digits_view, "network": window.diagram}
    norms = getattr(window, "norms", None)
    if norms is not None:
        views["gradient_norms"] = norms.placeholder
    return views


def target_paths(folder, names, formats=FORMATS):
    """Every file an export of ``names`` into ``folder`` writes (to ask before replacing)."""
    folder = Path(folder)
    paths = [folder / f"{n}.{fmt}" for n in names for fmt in formats]
    return [*paths, folder / HISTORY_FILE]


def existing_targets(folder, names, formats=FORMATS):
    """The files of :func:`target_paths` that already exist."""
    return [p for p in target_paths(folder, names, formats) if p.exists()]


def history_csv(history):
    """``history`` (dict of per-epoch arrays, ``core.train.history.COLUMNS``) as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    n = len(history.get("epoch", ()))
    for i in range(n):
        writer.writerow(_cell(c, history[c][i]) for c in COLUMNS)
    return out.getvalue()


def _cell(column, value):
    value = float(value)
    if math.isnan(value):
        return ""
    return str(int(value)) if column == "epoch" else repr(value)


def export_all(views, folder, history, size=None, formats=FORMATS, info=None, dpi=None):
    """Write each view of ``views`` (``{name: view}``) and ``history.csv`` into ``folder``.

    Parameters
    ----------
    views : dict
        Export name -> view widget (already filtered with :func:`applicable_views`).
    folder : str or Path
        Must exist. Files of the same names are replaced, each one atomically.
    history : dict
        ``Snapshot.history``: per-epoch arrays keyed by ``core.train.history.COLUMNS``.
    size : QSize, (int, int) or number, optional
        PNG pixel size for every view, or a multiple of each view's on-screen size;
        default twice each view's on-screen size.
    formats : tuple of str
        Any of ``"png"``, ``"svg"``.
    info : TrainerInfo, optional
        The run the figures' subtitles name.
    dpi : number, optional
        Resolution stated in the PNG files (Qt's screen default when None).

    Returns
    -------
    list of Path
        The files written.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise UserInputError(f"Cannot export into {folder}: it is not an existing folder.")
    written = []
    for name, view in views.items():
        for fmt in formats:
            written.append(export_view(view, folder / f"{name}.{fmt}", size, fmt, info, dpi))
    written.append(atomic_write_text(folder / HISTORY_FILE, history_csv(history)))
    return written
