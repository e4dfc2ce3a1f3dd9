"""ONNX export: checked model, raw inputs in, the app's predictions out (within 1e-5)."""

import sys

import numpy as np
import pytest

from core.data import load_dataset
from core.errors import UserInputError
from core.io import export_onnx
from core.io.onnx_export import IR_VERSION, OPSET
from core.nn.activations import ACTIVATIONS
from core.train.config import TrainConfig
from core.train.trainer import Trainer

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

HIDDEN = [name for name in ACTIVATIONS.names() if name != "softmax"]


def _run(path, X):
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(["output"], {"input": X.astype(np.float32)})[0]


def _inputs(t):
    """Test and training inputs, rounded to float32 (what the ONNX model receives)."""
    X = np.vstack([t.dataset.X_test, t.dataset.X_train[:50]])
    return X.astype(np.float32).astype(np.float64)


def _check(t, tmp_path):
    path = export_onnx(tmp_path / "model.onnx", t)
    X = _inputs(t)
    out = _run(path, X)
    assert out.dtype == np.float32 and out.shape == (len(X), t.network.sizes[-1])
    np.testing.assert_allclose(out, t.predict(X), rtol=0, atol=1e-5)
    return path


@pytest.mark.parametrize("activation", HIDDEN)
def test_every_hidden_activation_matches(activation, circles, tmp_path):
    t = Trainer(circles, TrainConfig(hidden=(8, 5), activation=activation, seed=3))
    t.train(3)
    _check(t, tmp_path)


@pytest.mark.parametrize("output", ["sigmoid", "identity", "tanh", "softmax"])
def test_output_activations_match(output, tmp_path):
    if output == "softmax":
        ds = load_dataset("spirals", n_samples=150, n_classes=3, seed=0)
        config = TrainConfig(hidden=(8,), activation="relu")
    elif output == "identity":
        ds = load_dataset("plane", n_samples=100, seed=0)
        config = TrainConfig(hidden=(6,), output_activation="identity")
    else:
        ds = load_dataset("moons", n_samples=100, seed=0)
        config = TrainConfig(hidden=(6,), output_activation=output, loss="mse")
    t = Trainer(ds, config)
    t.train(3)
    _check(t, tmp_path)


def test_derived_features_and_standardisation_are_in_the_graph(tmp_path):
    ds = load_dataset("circles", n_samples=200, noise=0.1, seed=1)
    features = ("x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
    t = Trainer(ds, TrainConfig(hidden=(6,), features=features, standardize=True))
    t.train(3)
    model = onnx.load(str(_check(t, tmp_path)))
    ops = {node.op_type for node in model.graph.node}
    assert {"Gather", "Mul", "Sin", "Concat", "Sub", "Div", "Gemm", "Tanh", "Sigmoid"} <= ops
    (inp,) = model.graph.input
    assert inp.name == "input"
    assert inp.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert [d.dim_value for d in inp.type.tensor_type.shape.dim][1] == 2  # raw inputs


def test_digits_float32_and_no_hidden_layer(tmp_path):
    ds = load_dataset("digits", seed=0)
    t = Trainer(ds, TrainConfig(hidden=(), dtype="float32", optimizer="adam", lr=0.01))
    t.train(2)
    _check(t, tmp_path)


def test_model_is_valid_for_the_installed_runtime(circles, small_config, tmp_path):
    t = Trainer(circles, small_config)
    model = onnx.load(str(export_onnx(tmp_path / "m.onnx", t)))
    onnx.checker.check_model(model, full_check=True)
    assert model.ir_version == IR_VERSION <= onnx.IR_VERSION
    assert [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")] == [OPSET]
    assert "circles" in model.doc_string


def test_missing_onnx_is_a_clear_error(circles, small_config, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx -> ImportError
    with pytest.raises(UserInputError, match=r"pip install 'backprop-studio\[onnx\]'"):
        export_onnx(tmp_path / "m.onnx", Trainer(circles, small_config))
    assert not (tmp_path / "m.onnx").exists()
