"""Export a trained network as an ONNX model that takes raw inputs, like ``Trainer.predict``.

Graph: input ``"input"`` float32 [N, d_raw] -> derived features (``Gather``, ``Mul``, ``Sin``,
``Concat``) -> standardisation (``Sub``, ``Div``) -> per layer ``Gemm`` and the activation
(``Sigmoid``, ``Tanh``, ``Relu``, ``LeakyRelu`` alpha 0.01, ``Elu`` alpha 1, ``Softplus``,
``x * Sigmoid(x)`` for SiLU, ``Softmax`` axis -1, nothing for identity) -> output ``"output"``
float32 [N, n_out]. Everything is float32 (float64 weights are rounded to float32), so
outputs agree with the app to about 1e-6.

User-given names (dataset, columns, classes) appear only in the model's ``doc_string``, each
as a quoted literal (``repr``), and the graph's name is reduced to ASCII letters, digits and
underscores, so tools that turn a graph into code find nothing but an identifier there.

``onnx`` is an optional dependency, imported only when exporting.
"""

import re

import numpy as np

from core.errors import UserInputError
from core.io.atomic import atomic_write_bytes

OPSET = 17
#: IR version 8 (ONNX 1.10+) is what opset 17 needs; every onnxruntime since 1.10 reads it.
IR_VERSION = 8

_SIMPLE_OPS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "softplus": "Softplus"}


def _onnx():
    try:
        import onnx
    except ImportError:
        raise UserInputError(
            "ONNX export needs the onnx package: install with pip install "
            "'backprop-studio[onnx]'."
        ) from None
    return onnx


class _Graph:
    """Collects nodes and float32 constants while the graph is built."""

    def __init__(self, onnx):
        self.helper = onnx.helper
        self.numpy_helper = onnx.numpy_helper
        self.nodes, self.initializers = [], []

    def const(self, name, values, dtype=np.float32):
        self.initializers.append(self.numpy_helper.from_array(np.asarray(values, dtype), name))
        return name

    def op(self, op_type, inputs, output, **attrs):
        self.nodes.append(self.helper.make_node(op_type, inputs, [output], name=output, **attrs))
        return output


def _add_pipeline(g, pipeline, x):
    """Nodes for derived features and standardisation; returns the network input's name."""
    if pipeline.features:
        x1 = g.op("Gather", [x, g.const("col_x1", [0], np.int64)], "x1", axis=1)
        x2 = g.op("Gather", [x, g.const("col_x2", [1], np.int64)], "x2", axis=1)
        make = {
            "x1^2": lambda: g.op("Mul", [x1, x1], "feature_x1_sq"),
            "x2^2": lambda: g.op("Mul", [x2, x2], "feature_x2_sq"),
            "x1*x2": lambda: g.op("Mul", [x1, x2], "feature_x1_x2"),
            "sin(x1)": lambda: g.op("Sin", [x1], "feature_sin_x1"),
            "sin(x2)": lambda: g.op("Sin", [x2], "feature_sin_x2"),
        }
        columns = [make[name]() for name in pipeline.features]
        x = g.op("Concat", [x, *columns], "with_features", axis=1)
    if pipeline.standardize:
        x = g.op("Sub", [x, g.const("mean", pipeline.mean)], "centred")
        x = g.op("Div", [x, g.const("std", pipeline.std)], "standardised")
    return x


def _add_activation(g, name, z, i):
    out = f"a{i}"
    if name == "identity":
        return z
    if name in _SIMPLE_OPS:
        return g.op(_SIMPLE_OPS[name], [z], out)
    if name == "leaky_relu":
        return g.op("LeakyRelu", [z], out, alpha=0.01)
    if name == "elu":
        return g.op("Elu", [z], out, alpha=1.0)
    if name == "silu":
        return g.op("Mul", [z, g.op("Sigmoid", [z], f"sigmoid{i}")], out)
    if name == "softmax":
        return g.op("Softmax", [z], out, axis=-1)
    raise UserInputError(f"Activation {name!r} has no ONNX equivalent in this exporter.")


def build_model(trainer):
    """The ``onnx.ModelProto`` for ``trainer`` (checked with ``onnx.checker``)."""
    onnx = _onnx()
    g = _Graph(onnx)
    net, pipeline = trainer.network, trainer.pipeline
    a = _add_pipeline(g, pipeline, "input")
    for i, layer in enumerate(net.layers):
        z = g.op("Gemm", [a, g.const(f"W{i}", layer.W), g.const(f"b{i}", layer.b)], f"z{i}")
        a = _add_activation(g, layer.activation.name, z, i)
    g.op("Identity", [a], "output")
    helper, TensorProto = onnx.helper, onnx.TensorProto
    graph = helper.make_graph(
        g.nodes, graph_name(trainer.dataset.name),
        [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                       ["N", trainer.dataset.n_inputs])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", net.sizes[-1]])],
        initializer=g.initializers,
    )
    model = helper.make_model(graph, producer_name="backprop-studio",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = IR_VERSION
    model.doc_string = _doc(trainer)
    onnx.checker.check_model(model)
    return model


def graph_name(dataset_name):
    """``backprop_studio_<name>`` with every character but ASCII letters and digits made ``_``
    (at most 64 of them): a plain identifier whatever the dataset is called."""
    return "backprop_studio_" + re.sub(r"[^A-Za-z0-9]", "_", str(dataset_name))[:64]


def _quoted(values):
    return ", ".join(repr(str(v)) for v in values)


def _doc(trainer):
    """The model's description; every user-given name in it is a ``repr`` literal."""
    ds, net = trainer.dataset, trainer.network
    return (f"Backprop Studio network {'-'.join(map(str, net.sizes))} "
            f"({', '.join(net.activation_names)}) trained on {str(ds.name)!r} ({ds.task}); "
            f"input: raw {_quoted(ds.input_names)}; outputs: {_quoted(ds.target_names)}.")


def export_onnx(path, trainer):
    """Write ``trainer``'s network (with its input pipeline) as an ONNX model.

    Parameters
    ----------
    path : str or Path
        Target file (``*.onnx``); written atomically.
    trainer : Trainer

    Returns
    -------
    Path

    Raises
    ------
    UserInputError
        ``onnx`` is not installed, the weights are not finite, or the file cannot be written.
    """
    if not all(np.isfinite(p).all() for p in trainer.network.params()):
        raise UserInputError("Cannot export to ONNX: the network holds NaN or infinite "
                             "weights. Reset it or load earlier weights first.")
    data = build_model(trainer).SerializeToString()
    return atomic_write_bytes(path, data)
