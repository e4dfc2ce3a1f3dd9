"""Type checks of the descriptions stored in weights and session files: one place for both.

A damaged or hand-edited file can hold any JSON value in any field. Everything a loader
later builds from (the network's sizes, activations and dtype; the input names; the input
scaling) is checked here, by type and against the other fields, before anything is built,
so a bad value becomes a ``UserInputError`` naming the file and the field instead of a
``TypeError`` deep inside NumPy.

``check_weights_meta(path, meta)`` checks the ``meta`` of a weights file (both formats);
``check_session_document(path, document)`` checks a session's description, reusing the same
field checks for its network and input pipeline. Both refuse a network larger than the app
builds (``core.train.config.MAX_PARAMETERS``) and an input scaling that would wreck training
(``scaling_problem`` says what is wrong with it: a std of 1e-300, a mean of 1e308, unknown
derived features, the wrong length).
"""

import math
import numbers
import sys

from core.errors import UserInputError

#: Means and stds of measured data lie within 1e-100 .. 1e100 of 1: beyond that, dividing by
#: the std overflows for ordinary inputs or the statistics are not of real data.
MAX_SCALE = 1e100
MIN_STD = 1e-100
#: A std below this fraction of its mean's size is below float64's resolution at that mean:
#: standardising would turn rounding noise into the input.
MIN_RELATIVE_STD = 4 * sys.float_info.epsilon

DTYPES = ("float32", "float64")


def is_count(value):
    """A whole number >= 0 (``bool`` is not one)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 0


def _finite_number(value):
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and math.isfinite(value))


def _names(value, length=None):
    return (isinstance(value, list) and all(isinstance(v, str) for v in value)
            and (length is None or len(value) == length))


def _optional(check):
    return lambda value, meta: value is None or check(value, meta)


def _sizes(value, _meta):
    return (isinstance(value, list) and len(value) >= 2
            and all(is_count(s) and s >= 1 for s in value))


def _activations(value, meta):
    return _names(value, len(meta["sizes"]) - 1)


def _dtype(value, _meta):
    return value in DTYPES if isinstance(value, str) else False


def _input_names(value, meta):
    return _names(value, meta["sizes"][0])


def _dict(value, _meta):
    return isinstance(value, dict)


def _str(value, _meta):
    return isinstance(value, str)


def _count(value, _meta):
    return is_count(value)


def _int(value, _meta):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


#: ``meta`` field -> (check(value, meta), what it must be). ``sizes`` comes first: the other
#: checks compare against it.
NETWORK_FIELDS = {
    "sizes": (_sizes, "a list of at least 2 whole numbers >= 1"),
    "activations": (_activations, "a list of activation names, one per layer"),
    "dtype": (_optional(_dtype), f"null or one of {', '.join(DTYPES)}"),
}
WEIGHTS_META_FIELDS = {
    **NETWORK_FIELDS,
    "loss": (_optional(_str), "null or a loss name"),
    "input_features": (_optional(_input_names), "null or one name per network input"),
    "input_scaling": (_optional(_dict), "null or an object (checked by check_scaling)"),
    "dataset": (_optional(_dict), "null or an object"),
    "epoch": (_optional(_count), "null or a whole number >= 0"),
    "step": (_optional(_count), "null or a whole number >= 0"),
    "seed": (_optional(_int), "null or a whole number"),
    "config": (_optional(_dict), "null or an object"),
}


def check_fields(path, mapping, fields, where="'meta'", required=("sizes", "activations")):
    """Raise ``UserInputError`` unless every field of ``mapping`` listed in ``fields`` is valid.

    Parameters
    ----------
    path : str or Path
        The file, for the message.
    mapping : dict
        The decoded description.
    fields : dict
        ``name -> (check(value, mapping), description)``; absent optional fields are None.
    where : str
        Where the fields sit in the file, for the message.
    required : tuple of str
        Fields that must be present.
    """
    missing = [k for k in required if k not in mapping]
    if missing:
        raise UserInputError(f"{path}: {where} lacks {', '.join(missing)}; the file is damaged.")
    for name, (check, description) in fields.items():
        value = mapping.get(name)
        if not check(value, mapping):
            raise UserInputError(
                f"{path}: {where} field {name!r} is {_short(value)}; it must be {description}. "
                "The file is damaged: save it again."
            )


def check_weights_meta(path, meta):
    """Check the ``meta`` of a weights file (npz or JSON); see ``WEIGHTS_META_FIELDS``."""
    check_fields(path, meta, WEIGHTS_META_FIELDS)
    check_network_size(path, meta["sizes"], "'meta'")
    check_scaling(path, meta.get("input_scaling"), meta["sizes"][0],
                  meta.get("input_features"), "'meta' field 'input_scaling'")


def parameter_count(sizes):
    """Weights and biases of a dense network with layer ``sizes``."""
    return sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))


def check_network_size(path, sizes, where):
    """Refuse layer ``sizes`` with more parameters than the app builds (before allocating)."""
    from core.train.config import MAX_PARAMETERS

    count = parameter_count(sizes)
    if count > MAX_PARAMETERS:
        arch = "-".join(map(str, sizes)) if len(sizes) <= 12 else f"{len(sizes)}-layer"
        raise UserInputError(
            f"{path}: {where} describes a {arch} network with {count:,} parameters, more than "
            f"the limit of {MAX_PARAMETERS:,} that Backprop Studio builds. The file is damaged "
            "or was not saved by Backprop Studio.")


def check_scaling(path, scaling, n_net, names=None, where="the input scaling"):
    """Raise ``UserInputError`` saying what is wrong when ``scaling_problem`` finds a fault."""
    problem = None if scaling is None else scaling_problem(scaling, n_net, names)
    if problem:
        raise UserInputError(f"{path}: {where}: {problem}. Training with it would silently "
                             "fail; save the weights again or choose another file.")


def scaling_problem(scaling, n_net, names=None):
    """What is wrong with an input scaling (``InputPipeline.to_dict()``), or None.

    Parameters
    ----------
    scaling : dict
        ``{"features": [...], "mean": [...] or None, "std": [...] or None, "n_inputs": int}``.
    n_net : int
        The network's input count (raw inputs plus derived features).
    names : list of str, optional
        The network inputs' names, to name the column at fault.
    """
    from core.data.features import DERIVED_FEATURES

    if not isinstance(scaling, dict) or not set(scaling) <= {"features", "mean", "std",
                                                             "n_inputs"}:
        return f"{_short(scaling)} is not an object of features, mean, std and n_inputs"
    features = scaling.get("features", [])
    if not _names(features) or any(f not in DERIVED_FEATURES for f in features):
        return (f"derived features {_short(features)} are not a list of "
                f"{', '.join(DERIVED_FEATURES)}")
    if list(features) != [f for f in DERIVED_FEATURES if f in features]:
        return f"derived features {features} are repeated or not in the order {DERIVED_FEATURES}"
    n_inputs = scaling.get("n_inputs")
    if n_inputs is not None and not (is_count(n_inputs) and n_inputs + len(features) == n_net):
        return (f"n_inputs {_short(n_inputs)} plus {len(features)} derived features is not the "
                f"network's {n_net} inputs")
    if features and n_inputs not in (None, 2):
        return "derived features need exactly 2 raw inputs"
    mean, std = scaling.get("mean"), scaling.get("std")
    if (mean is None) != (std is None):
        return "mean and std must both be given or both be null"
    if mean is None:
        return None
    for label, values in (("mean", mean), ("std", std)):
        if not isinstance(values, list) or len(values) != n_net:
            return (f"{label} must list {n_net} numbers (one per network input), got "
                    f"{_short(values)}")
    return _statistics_problem(mean, std, names if _names(names, n_net) else None)


def _statistics_problem(mean, std, names):
    for j, (m, s) in enumerate(zip(mean, std, strict=True)):
        column = f"input {j + 1}" + (f" ({names[j]!r})" if names else "")
        if not _finite_number(m) or abs(m) > MAX_SCALE:
            return f"the mean of {column} is {_short(m)}, not a finite number within ±{MAX_SCALE:g}"
        if not _finite_number(s) or s <= 0:
            return f"the std of {column} is {_short(s)}, not a finite number > 0"
        if not MIN_STD <= s <= MAX_SCALE:
            return (f"the std of {column} is {s:g}, outside {MIN_STD:g} .. {MAX_SCALE:g}: dividing "
                    "by it would overflow or erase the inputs")
        if s < MIN_RELATIVE_STD * abs(m):
            return (f"the std of {column} is {s:g} for a mean of {m:g}, below float64's "
                    "resolution at that mean: only rounding noise would remain of the input")
    return None


def check_session_document(path, document):
    """Check the parts of a session description the run is rebuilt from."""
    check_fields(path, document, {
        "dataset": (_dict, "an object"), "config": (_dict, "an object"),
        "network": (_dict, "an object"), "state": (_dict, "an object"),
        "ui_state": (_optional(_dict), "null or an object"),
    }, where="the session description", required=("dataset", "config", "network", "state"))
    network = document["network"]
    check_fields(path, network, NETWORK_FIELDS, where="the session's network")
    check_network_size(path, network["sizes"], "the session's network")
    pipeline = document.get("pipeline")
    check_scaling(path, pipeline, network["sizes"][0], where="the session's input pipeline")


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
