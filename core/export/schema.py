"""Type checks of the descriptions stored in weights and session files: one place for both.

A damaged or hand-edited file can hold any JSON value in any field. Everything a loader
later builds from (the network's sizes, activations and dtype; the input names; the input
scaling) is checked here, by type and against the other fields, before anything is built,
so a bad value becomes a ``UserInputError`` naming the file and the field instead of a
``TypeError`` deep inside NumPy.

``check_weights_meta(path, meta)`` checks the ``meta`` of a weights file (both formats);
``check_session_document(path, document)`` checks a session's description, reusing the same
field checks for its network and input pipeline.
"""

import math
import numbers

from core.errors import UserInputError

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


def _numbers(value, length, positive=False):
    return (isinstance(value, list) and len(value) == length
            and all(_finite_number(v) and (not positive or v > 0) for v in value))


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


def _scaling(value, meta):
    """An ``InputPipeline.to_dict()`` whose statistics fit the network's inputs."""
    if not isinstance(value, dict) or not set(value) <= {"features", "mean", "std", "n_inputs"}:
        return False
    n_net = meta["sizes"][0]
    features, mean, std = value.get("features", []), value.get("mean"), value.get("std")
    n_inputs = value.get("n_inputs")
    if not _names(features) or (mean is None) != (std is None):
        return False
    if n_inputs is not None and not (is_count(n_inputs) and n_inputs + len(features) == n_net):
        return False
    return mean is None or (_numbers(mean, n_net) and _numbers(std, n_net, positive=True))


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
    "input_scaling": (_optional(_scaling),
                      "null or features, mean and std (finite, std > 0) per network input"),
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


def check_session_document(path, document):
    """Check the parts of a session description the run is rebuilt from."""
    check_fields(path, document, {
        "dataset": (_dict, "an object"), "config": (_dict, "an object"),
        "network": (_dict, "an object"), "state": (_dict, "an object"),
        "ui_state": (_optional(_dict), "null or an object"),
    }, where="the session description", required=("dataset", "config", "network", "state"))
    network = document["network"]
    check_fields(path, network, NETWORK_FIELDS, where="the session's network")
    pipeline = document.get("pipeline")
    if pipeline is not None and not _scaling(pipeline, network):
        raise UserInputError(f"{path}: the session's input pipeline {_short(pipeline)} does not "
                             "fit its network. The file is damaged: save it again.")


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
