"""Where shipped data files live."""

from pathlib import Path

import core


def resources_dir():
    """The folder holding shipped data files: ``<repo>/resources`` (next to ``core/``)."""
    return Path(core.__file__).resolve().parents[1] / "resources"
