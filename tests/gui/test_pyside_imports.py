"""The plain-read test put into PySide6's import hook answers as PySide's own does."""

import importlib
import inspect
import sys

import pytest

from gui.shell import pyside_imports


def pyside_answer(module):
    """What ``shibokensupport.feature._mod_uses_pyside`` (``inspect.getsource``) says."""
    try:
        return "PySide6" in inspect.getsource(module)
    except (TypeError, OSError, SyntaxError):
        return False


@pytest.fixture
def feature(monkeypatch):
    import PySide6.QtCore  # noqa: F401  (loads shiboken's support modules)

    module = sys.modules.get(pyside_imports.FEATURE_MODULE)
    if module is None or not hasattr(module, "_mod_uses_pyside"):
        pytest.skip("this PySide6 has no feature scan to speed up")
    monkeypatch.setattr(module, "_mod_uses_pyside", module._mod_uses_pyside)  # put back after
    return module


@pytest.mark.parametrize("name", ["gui.views.heatmaps", "gui.shell.app", "core.data.catalog",
                                  "pyqtgraph.Qt", "pyqtgraph.colormap", "numpy", "json",
                                  "sys", "math"])
def test_the_fast_test_answers_as_pyside_s_own(feature, name):
    assert pyside_imports.speed_up_feature_scan()
    module = importlib.import_module(name)
    assert feature._mod_uses_pyside.reads_plain_file
    assert feature._mod_uses_pyside(module) == pyside_answer(module)


def test_installing_twice_keeps_one_layer_and_a_missing_hook_is_left_alone(feature,
                                                                          monkeypatch):
    assert pyside_imports.speed_up_feature_scan()
    installed = feature._mod_uses_pyside
    assert pyside_imports.speed_up_feature_scan() and feature._mod_uses_pyside is installed
    monkeypatch.delattr(feature, "_mod_uses_pyside")
    assert not pyside_imports.speed_up_feature_scan()
