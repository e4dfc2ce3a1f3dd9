"""File → Export PyTorch script… writes the worker's current run as a training script."""

import ast
import contextlib

import numpy as np
import pytest
from PySide6.QtWidgets import QFileDialog

from tests.gui.helpers import WORKER_TIMEOUT, action, in_worker, shown_window


@pytest.fixture
def window(qtbot):
    w = shown_window(qtbot)
    yield w
    w.close()


def _constants(source):
    """The script's ``NAME = literal`` assignments that ``ast.literal_eval`` can read."""
    found = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            with contextlib.suppress(ValueError):
                found[node.targets[0].id] = ast.literal_eval(node.value)
    return found


def test_export_torch_action_writes_the_current_run(qtbot, monkeypatch, window, tmp_path):
    in_worker(qtbot, window, lambda t: t.run_steps(3))
    expected = in_worker(qtbot, window, lambda t: (t.step_count, list(t.network.sizes),
                                                   t.network.layers[0].b.tolist()))
    chosen = tmp_path / "continue"  # the suffix is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *args, **kw: (str(chosen), "Python (*.py)"))
    action(window, "exportTorch").trigger()
    script = tmp_path / "continue.py"
    qtbot.waitUntil(script.exists, timeout=WORKER_TIMEOUT)
    qtbot.waitUntil(lambda: "PyTorch script written" in window.statusBar().currentMessage(),
                    timeout=WORKER_TIMEOUT)
    constants = _constants(script.read_text(encoding="utf-8"))
    step, sizes, first_bias = expected
    assert constants["STEP"] == step == 3
    assert constants["SIZES"] == sizes
    weights = ast.parse(script.read_text(encoding="utf-8"))
    bias_call = next(n.value.elts[0].elts[1] for n in weights.body
                     if isinstance(n, ast.Assign) and n.targets[0].id == "WEIGHTS")
    np.testing.assert_array_equal(ast.literal_eval(bias_call.args[0]), first_bias)
