"""Take it away: saving and exporting trained networks (Qt-free).

=====================  ==========================================================
module                 what it holds
=====================  ==========================================================
``atomic``             ``atomic_write(path, writer)``: every file goes through it
``archive``            a JSON description plus arrays in one ``.npz`` file
``weights_json``       the weights file as readable JSON (``save/load_weights_json``)
``weights_files``      either weights format: ``read_weights``, ``load_into``,
                       ``network_from_weights``, ``WeightsMismatch``
``session``            ``save_session``/``load_session``: a whole run in one file
``python_export``      ``export_python``: a standalone NumPy ``.py`` model
``onnx_export``        ``export_onnx``: an ``.onnx`` model (optional ``onnx`` extra)
``cli_options``        ``add_export_arguments``, ``run_exports``,
                       ``trainer_from_session_args`` for the command line
=====================  ==========================================================
"""

from core.export.atomic import atomic_write, atomic_write_bytes, atomic_write_text
from core.export.onnx_export import export_onnx
from core.export.python_export import export_python
from core.export.session import FORMAT_VERSION as SESSION_FORMAT_VERSION
from core.export.session import load_session, save_session
from core.export.weights_files import (
    WeightsMismatch,
    check_fits,
    config_from_weights,
    load_into,
    network_from_weights,
    read_weights,
    save_weights_file,
)
from core.export.weights_json import load_weights_json, save_weights_json

__all__ = [
    "SESSION_FORMAT_VERSION",
    "WeightsMismatch",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_fits",
    "config_from_weights",
    "export_onnx",
    "export_python",
    "load_into",
    "load_session",
    "load_weights_json",
    "network_from_weights",
    "read_weights",
    "save_session",
    "save_weights_file",
    "save_weights_json",
]
