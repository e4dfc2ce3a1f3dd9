"""When a data setting applies, and what its tooltip says when it does or why it does not.

Qt-free: ``info`` is a ``core.data.DATASET_INFO`` entry, or ``None`` for a CSV file.
Points placed by hand on the decision surface (``is_drawn``) have no generation settings.
A reason of ``""`` means the setting applies (the widget is enabled).
"""

from pathlib import PurePath

from core.data import DATASET_INFO

TRAIN_TIP = (
    "Share of the rows used for training; the rest is the test set, never trained on, "
    "that shows how well the network generalises."
)


def noise_reason(info):
    """Why noise does not apply to this data, or ``""``."""
    if info is None:
        return "A CSV file's rows are fixed: noise does not apply."
    if not info.noise_apply:
        return f"{info.title} is real, measured data: noise does not apply."
    return ""


def samples_reason(info):
    """Why the sample count does not apply to this data, or ``""``."""
    if info is None:
        return "A CSV file's rows are fixed: the sample count does not apply."
    if not info.samples_apply:
        return f"{info.title} is a fixed table of real data: the sample count does not apply."
    return ""


def train_share_reason(info, samples):
    """Why the train share does not apply (the exact truth table: ``samples == 0``), or ``""``."""
    if info is not None and info.exact_table and samples == 0:
        return "The exact truth table is both the training and the test set."
    return ""


DRAWN_REASON = ("These points were placed by hand: pick a dataset tile (or open a CSV) to "
                "generate data again.")


def is_drawn(spec):
    """True for data edited or drawn on the decision surface (``core.teach.editing``)."""
    return spec.get("source") == "arrays"


def drawn_description(dataset):
    """The panel's description of hand-placed points, e.g. "edited from Two circles"."""
    origin = dataset.spec.get("edited_from") or {}
    info = DATASET_INFO.get(origin.get("name"))
    if info is not None:
        source = f", edited from {info.title}"
    elif origin.get("source") == "csv":
        source = f", edited from {PurePath(origin['path']).name}"
    else:
        source = " on a blank canvas"
    return (f"Your own points{source}: {dataset.n_train} for training, {dataset.n_test} "
            "for testing. Click the decision surface to add a point, right-click to remove one.")


def noise_tip(info):
    return f"How noisy the points are. {info.description}"


def samples_tip(info):
    extra = " 'Truth table': exactly the 4 rows." if info.exact_table else ""
    return "How many points to generate (training and test together)." + extra


def features_reason(n_inputs):
    """Why derived features do not apply to data with ``n_inputs`` columns, or ``""``."""
    if n_inputs == 2:
        return ""
    return f"Extra features are built from x1 and x2: this dataset has {n_inputs} inputs."
