"""Take it away: saving and exporting trained networks (Qt-free).

=====================  ==========================================================
module                 what it holds
=====================  ==========================================================
``atomic``             ``atomic_write(path, writer)``: every file goes through it;
                       ``check_writable(path, kind)``: check an output path up front
``archive``            a JSON description plus arrays in one ``.npz`` file
``npz_reader``         ``NpzArchive``: member sizes and ``.npy`` headers checked
                       against caps (and the caller's metadata) before reading
``schema``             checks of the weights/session descriptions (types, network
                       size, input scaling: ``scaling_problem``)
``weights_json``       the weights file as readable JSON (``save/load_weights_json``)
``weights_files``      either weights format: ``read_weights``, ``load_into``,
                       ``apply_weights`` (adopts the file's input scaling),
                       ``network_from_weights``, ``WeightsMismatch``
``session``            ``save_session``/``load_session``: a whole run in one file
``python_export``      ``export_python``: a standalone NumPy ``.py`` model
``torch_export``       ``export_torch``: a PyTorch script that continues the run
``onnx_export``        ``export_onnx``: an ``.onnx`` model (optional ``onnx`` extra)
``cli_options``        ``add_export_arguments``, ``run_exports``,
                       ``trainer_from_session_args`` for the command line
=====================  ==========================================================
"""

import importlib

# Public name -> module. Loaded on first use, so that ``core.io.weights_npz`` can import
# ``core.io.atomic`` without pulling in the modules that import ``core.io.weights_npz``.
_PUBLIC = {
    "atomic_write": "atomic", "atomic_write_bytes": "atomic", "atomic_write_text": "atomic",
    "check_writable": "atomic",
    "export_onnx": "onnx_export",
    "export_python": "python_export",
    "export_torch": "torch_export",
    "SESSION_FORMAT_VERSION": "session", "load_session": "session", "open_session": "session",
    "save_session": "session",
    "WeightsMismatch": "weights_files", "apply_weights": "weights_files",
    "check_fits": "weights_files",
    "config_from_weights": "weights_files", "load_into": "weights_files",
    "network_from_weights": "weights_files", "read_weights": "weights_files",
    "save_weights_file": "weights_files",
    "load_weights_json": "weights_json", "save_weights_json": "weights_json",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name):
    if name not in _PUBLIC:
        raise AttributeError(f"module 'core.io' has no attribute {name!r}")
    module = importlib.import_module(f"core.io.{_PUBLIC[name]}")
    attr = "FORMAT_VERSION" if name == "SESSION_FORMAT_VERSION" else name
    return getattr(module, attr)
