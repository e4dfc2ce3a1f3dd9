"""Every layer's activations from a snapshot's copied weights, without a ``Trainer``.

Views that need the network's outputs on rows the snapshot did not carry (the training set's
predictions, a grid of lines for the warp view) run the forward pass here, in the GUI
thread, on the snapshot's read-only copies. The arithmetic is the one
``core.train.metrics.outputs`` uses (``z = a @ W``, then ``z += b``, then ``f(z)``), so the
results are bit-identical to what the trainer evaluates at the same weights.
"""

import numpy as np

from core.nn.activations import ACTIVATIONS


def layer_outputs(weights, biases, activation_names, X, upto=None):
    """Activations of every layer for the network inputs ``X``.

    Parameters
    ----------
    weights, biases : list of ndarray
        ``W`` (fan_in, fan_out) and ``b`` (fan_out,) per layer (a snapshot's copies).
    activation_names : sequence of str
        One per layer.
    X : ndarray, shape (n, d_net)
        Network inputs (after the input pipeline).
    upto : int or None
        Stop after layer ``upto`` (0-based); None runs every layer.

    Returns
    -------
    list of ndarray
        The i-th of shape (n, sizes[i + 1]).
    """
    last = len(weights) - 1 if upto is None else int(upto)
    a = X
    out = []
    for W, b, name in zip(weights[:last + 1], biases[:last + 1], activation_names, strict=False):
        z = a @ W
        z += b
        a = ACTIVATIONS.get(name).forward(z)
        out.append(a)
    return out


def raw_predictions(snapshot, info, X_raw):
    """The network's outputs ``(n, n_out)`` for raw inputs ``X_raw (n, d)`` at the snapshot's
    weights (the pipeline of ``info``, a ``TrainerInfo``, applied first)."""
    X = info.pipeline.transform(np.asarray(X_raw), dtype=np.dtype(info.config.dtype))
    return layer_outputs(snapshot.weights, snapshot.biases, info.activation_names, X)[-1]
