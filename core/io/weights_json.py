"""The weights file as human-readable JSON: same content as the ``.npz`` format.

Layout::

    {
      "format": "backprop-studio-weights",
      "meta": {... exactly the npz "meta" (see core.io.weights_npz) ...},
      "layers": [
        {"weight": [[...fan_out numbers...], ... fan_in rows ...], "bias": [...fan_out...]},
        ...
      ]
    }

Numbers are written with Python's shortest exact ``repr``, so a float64 (or float32) weight
reads back bit for bit. Loading converts the document into the same arrays the npz loader sees
and runs the npz loader's own checks (``core.io.weights_npz``: format version, layer sizes,
shapes, dtype, NaN/inf), so both formats accept and reject exactly the same content.
"""

import json
from pathlib import Path

import numpy as np

from core.errors import UserInputError
from core.io.archive import check_input_file
from core.io.atomic import atomic_write_text
from core.io.weights_npz import WeightsFile, _layer_arrays, _parse_meta, _target_parts, build_meta
from core.train.config import MAX_PARAMETERS

FORMAT_TAG = "backprop-studio-weights"
_DTYPES = {"float32": np.float32, "float64": np.float64}


def save_weights_json(path, target):
    """Save a Trainer's (or bare Network's) weights and description as JSON.

    Parameters
    ----------
    path : str or Path
        Target file, conventionally ``*.json`` (written exactly there, atomically).
    target : Trainer or Network

    Returns
    -------
    Path

    Raises
    ------
    UserInputError
        The weights contain NaN or infinity (a diverged network: nothing is written), or the
        file cannot be written.
    """
    network, _ = _target_parts(target)
    for i, layer in enumerate(network.layers):
        if not (np.isfinite(layer.W).all() and np.isfinite(layer.b).all()):
            raise UserInputError(
                f"Cannot save {Path(path).name}: layer {i + 1} holds NaN or infinite weights. "
                "Reset the network or load earlier weights first."
            )
    text = _format_document(build_meta(target), network.layers)
    return atomic_write_text(path, text)


def _format_document(meta, layers):
    """The JSON text: readable meta, one matrix row per line."""
    dump = json.dumps
    parts = []
    for layer in layers:
        rows = ",\n      ".join(dump(row) for row in layer.W.tolist())
        parts.append(f'    {{"weight": [\n      {rows}\n    ],\n'
                     f'     "bias": {dump(layer.b.tolist())}}}')
    meta_text = json.dumps(meta, indent=2, allow_nan=False).replace("\n", "\n  ")
    return ("{\n"
            f'  "format": {dump(FORMAT_TAG)},\n'
            f'  "meta": {meta_text},\n'
            '  "layers": [\n' + ",\n".join(parts) + "\n  ]\n}\n")


def load_weights_json(path):
    """Read and validate a JSON weights file.

    Returns
    -------
    WeightsFile
        Arrays in the dtype ``meta["dtype"]`` names (float64 when absent).

    Raises
    ------
    UserInputError
        Missing or unreadable file, invalid JSON, wrong layout, non-numeric or ragged
        matrices, and everything the npz loader rejects.
    """
    path = Path(path)
    doc = _read_document(path)
    meta = _parse_meta(path, np.array(json.dumps(doc["meta"])))  # sizes checked and capped
    if len(doc["layers"]) != len(meta["sizes"]) - 1:
        raise UserInputError(f"{path}: {len(doc['layers'])} layers listed for layer sizes "
                             f"{meta['sizes']}; expected {len(meta['sizes']) - 1}.")
    arrays = {}
    for i, layer in enumerate(doc["layers"]):
        if not isinstance(layer, dict):
            raise UserInputError(f"{path}: layer {i} must be an object with weight and bias.")
        for kind, value in layer.items():
            arrays[f"layers.{i}.{kind}"] = _number_array(path, f"layers[{i}].{kind}", value)
    weights, biases = _layer_arrays(path, arrays, meta["sizes"])
    dtype = _DTYPES.get(meta.get("dtype"), np.float64)
    return WeightsFile(weights=[w.astype(dtype) for w in weights],
                       biases=[b.astype(dtype) for b in biases], meta=meta)


#: A JSON weights file of the largest network the app builds: ~25 characters per number.
MAX_JSON_BYTES = 25 * MAX_PARAMETERS + 2**20


def _read_document(path):
    check_input_file(path, "weights")
    size = path.stat().st_size
    if size > MAX_JSON_BYTES:
        raise UserInputError(
            f"{path} is {size:,} bytes, more than the {MAX_JSON_BYTES:,} a JSON weights file of "
            f"the largest network Backprop Studio builds ({MAX_PARAMETERS:,} parameters) needs. "
            "It is not a Backprop Studio weights file.")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeError, ValueError, RecursionError) as e:
        raise UserInputError(
            f"{path} is not a readable JSON weights file: {e}. It may be truncated or "
            "corrupted; save the weights again."
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_TAG:
        raise UserInputError(
            f"{path} is not a Backprop Studio weights file: expected a JSON object with "
            f'"format": "{FORMAT_TAG}".'
        )
    if not isinstance(doc.get("meta"), dict) or not isinstance(doc.get("layers"), list):
        raise UserInputError(f"{path}: expected a 'meta' object and a 'layers' list.")
    return doc


def _number_array(path, where, value):
    """``value`` (nested lists of numbers) as a float64 array; anything else is an error."""
    try:
        a = np.array(value)
    except (ValueError, TypeError, OverflowError, RecursionError):
        a = None
    if a is None or a.dtype.kind not in "fi":
        raise UserInputError(
            f"{path}: {where} must be numbers (a list, or a list of equal-length rows)."
        )
    return a.astype(np.float64)
