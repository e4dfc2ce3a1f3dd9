"""A fully connected network: a stack of dense layers, each ``a = f(x @ W + b)``.

``Network.forward`` caches on every layer what ``Network.backward`` needs (and what the GUI
shows): inputs, pre-activations, activations and dropout masks. ``backward`` fills in deltas
and gradients. ``loss_and_gradients`` is the one function the trainer and the gradient check
share to turn a batch into a loss value and the gradients of every parameter.

Dropout randomness comes from ``Network.rng`` (the generator given at construction), so a
seeded network replays the same masks; save ``network.rng.bit_generator.state`` to resume.

Storage: every layer's ``W``, ``b`` and ``dW``, ``db`` are views of two flat buffers,
``flat_params`` and ``flat_grads`` (``core.nn.flat``): write parameters in place, never rebind
them; ``backward`` overwrites the same gradient arrays every time (copy them to keep them).
"""

import numpy as np

from core.errors import UserInputError
from core.nn import flat
from core.nn.activations import ACTIVATIONS
from core.nn.initializers import INITIALIZERS
from core.nn.losses import LOSSES
from core.nn.regularization import add_gradients, penalty

_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def column_sums(a, out=None):
    """``a.sum(axis=0)`` for ``a`` of shape (n, k), bit for bit, into ``out`` (k,) if given.

    ``sum`` pays a loop call per row of a C-ordered array; ``einsum`` adds the rows in the same
    order (same bits) 2-4x faster on tall, narrow arrays such as a batch's deltas (400 x 16).
    """
    if a.ndim == 2 and a.shape[0] >= 64 and a.shape[1] > 1 and a.flags.c_contiguous:
        return np.einsum("ij->j", a, out=out)
    return np.add.reduce(a, axis=0, out=out)


class DenseLayer:
    """One fully connected layer ``a = activation(x @ W + b)``.

    Attributes
    ----------
    W : ndarray, shape (fan_in, fan_out)
    b : ndarray, shape (fan_out,)
    activation : Activation
    x, z, a : ndarray, shapes (n, fan_in), (n, fan_out), (n, fan_out)
        Cached by the last ``forward``: input, pre-activation and activation (before dropout).
    mask : ndarray (n, fan_out) or None
        Inverted-dropout mask (0 or 1/(1-p)) of the last training forward, else None.
    delta, dW, db, grad_x : ndarray
        Filled by ``backward``: ``dL/dz`` (n, fan_out), ``dL/dW`` (fan_in, fan_out),
        ``dL/db`` (fan_out,), ``dL/dx`` (n, fan_in) (None when not requested).
        ``dW`` and ``db`` are None before the first ``backward``.

    Parameters: ``W``, ``b``, ``activation`` (or its name) as above, and ``grad_out``, the
    arrays ``backward`` writes ``dW`` and ``db`` into (views of a network's ``flat_grads``);
    by default it makes new ones.
    """

    def __init__(self, W, b, activation, grad_out=None):
        self.W = W
        self.b = b
        self.activation = ACTIVATIONS.get(activation) if isinstance(activation, str) else activation
        self.x = self.z = self.a = self.mask = None
        self.delta = self.dW = self.db = self.grad_x = None
        self._grad_out = (None, None) if grad_out is None else grad_out

    @property
    def fan_in(self):
        return self.W.shape[0]

    @property
    def fan_out(self):
        return self.W.shape[1]

    def forward(self, x, activate=True):
        """Compute and cache ``z`` and ``a`` for ``x`` (n, fan_in); returns ``a`` (n, fan_out).

        With ``activate=False`` only ``z`` is computed and ``a`` is left None (for a caller
        that computes the activation itself, fused with the loss).
        """
        z = x @ self.W
        z += self.b
        self.x = x
        self.z = z
        self.a = self.activation.forward(z) if activate else None
        return self.a

    def backward(self, delta, need_grad_x=True):
        """Store ``delta = dL/dz`` (n, fan_out) and the parameter gradients.

        Returns ``dL/dx`` (n, fan_in), or None when ``need_grad_x`` is False (first layer
        during training: nobody needs the input gradient, so skip the matrix product).
        """
        self.delta = delta
        dW, db = self._grad_out
        self.dW = np.matmul(self.x.T, delta, out=dW)
        self.db = column_sums(delta, out=db)
        self.grad_x = delta @ self.W.T if need_grad_x else None
        return self.grad_x

    def __repr__(self):
        return f"DenseLayer({self.fan_in} -> {self.fan_out}, {self.activation.name})"


class Network:
    """A stack of dense layers.

    Parameters
    ----------
    sizes : sequence of int
        ``[n_in, h1, ..., n_out]``; at least two entries (no hidden layer is allowed).
    activations : sequence of str
        One activation name per layer (``len(sizes) - 1``); softmax only on the output.
    init : str
        Name in ``INITIALIZERS``.
    rng : numpy.random.Generator, int or None
        Source of the initial weights and of the dropout masks (``np.random.default_rng(rng)``).
    dtype : float32 or float64
        Dtype of every parameter, cache and gradient.
    dropout : float
        Probability in ``[0, 1)`` of dropping a hidden unit when ``forward(training=True)``.

    Attributes
    ----------
    layers : list of DenseLayer
    flat_params, flat_grads : ndarray, shape (n_params,)
        Every parameter, and every gradient of the last ``backward`` (zeros before), back to
        back in ``params()`` order: the layers' arrays are views of them.
    """

    def __init__(
        self, sizes, activations, init="he_normal", rng=None, dtype=np.float64, dropout=0.0
    ):
        self.sizes = _check_sizes(sizes)
        self.activation_names = _check_activations(activations, len(self.sizes) - 1)
        self.dtype = _check_dtype(dtype)
        self.dropout = _check_dropout(dropout)
        self.init = init
        self.rng = np.random.default_rng(rng)
        initializer = INITIALIZERS.get(init)
        params = []
        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            params += initializer(fan_in, fan_out, self.rng, self.dtype)
        self._build_layers(params)

    def _build_layers(self, params):
        """``layers`` holding copies of ``[W0, b0, W1, b1, ...]`` in the flat buffers."""
        shapes = [p.shape for p in params]
        self.flat_params, views = flat.allocate(shapes, self.dtype)
        self.flat_grads, grad_views = flat.allocate(shapes, self.dtype)
        for view, p in zip(views, params, strict=True):
            np.copyto(view, p)
        self.layers = [
            DenseLayer(views[i], views[i + 1], name, grad_out=grad_views[i : i + 2])
            for i, name in zip(range(0, len(views), 2), self.activation_names, strict=True)
        ]

    def forward(self, X, training=False, activate_output=True):
        """Run the batch ``X`` (n, n_in) through every layer, caching on each layer.

        With ``training=True`` and ``dropout > 0``, hidden activations are multiplied by fresh
        inverted-dropout masks drawn from ``self.rng``. Returns the output ``a`` (n, n_out);
        with ``activate_output=False``, None: the output layer's ``a`` is left for the caller
        to set (``loss_and_gradients`` computes it together with a fused loss).
        """
        a = self._check_input(X)
        drop = self.dropout if training else 0.0
        last = self.layers[-1]
        for layer in self.layers:  # drop the last pass's caches: new arrays reuse their memory
            layer.x = layer.z = layer.a = layer.delta = layer.grad_x = None
        for layer in self.layers:
            a = layer.forward(a, activate_output or layer is not last)
            if drop and layer is not last:
                layer.mask = self._dropout_mask(a.shape, drop)
                a = a * layer.mask
            else:
                layer.mask = None
        return a

    def logits(self):
        """Pre-activations ``z`` (n, n_out) of the output layer from the last ``forward``."""
        return self.layers[-1].z

    def backward(self, grad_z_out, need_input_grad=True):
        """Backpropagate ``dL/dz`` of the output layer (n, n_out) through the cached forward.

        Fills ``delta``, ``dW``, ``db`` and ``grad_x`` on every layer. Returns ``dL/dX``
        (n, n_in), or None when ``need_input_grad`` is False (saves one matrix product).
        """
        layers = self.layers
        delta = grad_z_out
        for i in range(len(layers) - 1, 0, -1):
            grad_a = layers[i].backward(delta)
            below = layers[i - 1]
            if below.mask is not None:
                grad_a = grad_a * below.mask
            delta = below.activation.backward(below.z, below.a, grad_a)
        return layers[0].backward(delta, need_input_grad)

    def params(self):
        """``[W0, b0, W1, b1, ...]``: live references, updated in place by optimizers.

        Views of ``flat_params`` (1-D, the same values back to back), which an optimizer
        updates in one go when given ``flat_grads``.
        """
        return [p for layer in self.layers for p in (layer.W, layer.b)]

    def grads(self):
        """``[dW0, db0, dW1, db1, ...]`` from the last ``backward`` (same order as ``params``).

        Views of ``flat_grads``, overwritten by the next ``backward``: copy them to keep them.
        """
        return [g for layer in self.layers for g in (layer.dW, layer.db)]

    def forward_all(self, X):
        """Activations of every layer for ``X`` (n, n_in), without touching the caches.

        Returns a list of ``len(layers)`` arrays, the i-th of shape (n, sizes[i + 1]).
        No dropout is applied.
        """
        a = self._check_input(X)
        out = []
        for layer in self.layers:
            z = a @ layer.W
            z += layer.b
            a = layer.activation.forward(z)
            out.append(a)
        return out

    def predict(self, X):
        """Network output (n, n_out) for ``X`` (n, n_in), without dropout or caching."""
        return self.forward_all(X)[-1]

    @property
    def n_params(self):
        """Total number of weights and biases."""
        return sum(p.size for p in self.params())

    def __reduce__(self):
        """Pickle the parameters and settings, and rebuild the flat buffers when unpickled
        (the default would pickle each layer's arrays on their own, cut off from them)."""
        parts = (list(self.sizes), list(self.activation_names), self.dtype.name, self.dropout,
                 self.init, self.rng.bit_generator.state, [p.copy() for p in self.params()])
        return _network_from_parts, parts

    def copy(self, dtype=None):
        """An independent network with copied parameters (cast to ``dtype`` when given).

        The copy's dropout generator starts from the same state as this one's.
        """
        dtype = self.dtype if dtype is None else _check_dtype(dtype)
        new = Network.__new__(Network)
        new.sizes = list(self.sizes)
        new.activation_names = list(self.activation_names)
        new.dtype = dtype
        new.dropout = self.dropout
        new.init = self.init
        new.rng = np.random.default_rng()
        new.rng.bit_generator.state = self.rng.bit_generator.state
        new._build_layers([p.astype(dtype) for p in self.params()])
        return new

    def _dropout_mask(self, shape, p):
        """Inverted-dropout mask (n, units): 0 with probability p, else 1/(1-p), in our dtype."""
        mask = (self.rng.random(shape, dtype=self.dtype) >= p).astype(self.dtype)
        mask *= 1.0 / (1.0 - p)
        return mask

    def _check_input(self, X):
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise UserInputError(
                f"The network expects inputs of shape (n, {self.sizes[0]}) but got "
                f"{X.shape}. Pass one row per sample with {self.sizes[0]} columns."
            )
        return X

    def __repr__(self):
        arch = "-".join(str(s) for s in self.sizes)
        acts = ", ".join(self.activation_names)
        return (
            f"Network({arch}, activations=[{acts}], dtype={self.dtype.name}, "
            f"dropout={self.dropout})"
        )


def loss_and_gradients(network, loss, X, y, l1=0.0, l2=0.0, training=True):
    """One forward and backward pass: the objective and the gradients of every parameter.

    The cross-entropy losses are fused with their link activation (the gradient at the output
    logits is then ``(a - y) / n``, stable and exact) whenever the output activation is the
    loss's ``link``; otherwise ``dL/da`` is chained through the output activation.

    Parameters
    ----------
    network : Network
    loss : Loss or str
    X : ndarray, shape (n, n_in)
    y : ndarray, shape (n, n_out)
    l1, l2 : float
        Weight penalties (see ``core.nn.regularization``); added to the value and the gradients.
    training : bool
        Apply dropout (drawn from ``network.rng``).

    Returns
    -------
    value : float
        Mean data loss over the batch plus the penalty.
    grads : list of ndarray
        ``[dW0, db0, dW1, db1, ...]`` matching ``network.params()``: the layers' ``dW``/``db``,
        views of ``network.flat_grads``, overwritten by the next call (copy them to keep them).
    """
    loss, y = _prepare(network, loss, y)
    value = _forward_loss(network, loss, X, y, training)
    out = network.layers[-1]
    if loss.link is not None and loss.link == out.activation.name:
        grad_z = loss.grad_from_link_output(out.a, y)
    else:
        grad_z = out.activation.backward(out.z, out.a, loss.grad(out.a, y))
    network.backward(grad_z, need_input_grad=False)
    if l1 or l2:
        weights = [layer.W for layer in network.layers]
        value += penalty(weights, l1, l2)
        add_gradients(weights, [layer.dW for layer in network.layers], l1, l2)
    return value, network.grads()


def loss_value(network, loss, X, y, l1=0.0, l2=0.0, training=False):
    """The objective only (no backward): mean data loss plus penalty, as a Python float.

    Same arguments as ``loss_and_gradients``; the forward caches are overwritten.
    """
    loss, y = _prepare(network, loss, y)
    value = _forward_loss(network, loss, X, y, training)
    if l1 or l2:
        value += penalty([layer.W for layer in network.layers], l1, l2)
    return value


def _prepare(network, loss, y):
    """The ``Loss`` for a name, and ``y`` in the network's dtype (a float64 target would
    otherwise promote a float32 gradient)."""
    if isinstance(loss, str):
        loss = LOSSES.get(loss)
    if y.dtype != network.dtype:
        y = y.astype(network.dtype)
    return loss, y


def _forward_loss(network, loss, X, y, training):
    """Forward pass and data loss, fused from the logits when the output matches the link
    (the output activation is then computed by the loss, with the value)."""
    out = network.layers[-1]
    if loss.link is not None and loss.link == out.activation.name:
        network.forward(X, training=training, activate_output=False)
        out.a, value = loss.link_and_value(out.z, y)
        return value
    return loss.value(network.forward(X, training=training), y)


def _check_sizes(sizes):
    sizes = list(sizes)
    if len(sizes) < 2 or any(not isinstance(s, (int, np.integer)) or s < 1 for s in sizes):
        raise UserInputError(
            f"Layer sizes {sizes} are invalid: give at least an input and an output size, "
            "each a whole number >= 1, e.g. [2, 8, 1]."
        )
    return [int(s) for s in sizes]


def _check_activations(names, n_layers):
    if isinstance(names, str):
        names = [names]
    names = list(names)
    if len(names) != n_layers:
        raise UserInputError(
            f"Got {len(names)} activations for {n_layers} layers: give one activation name "
            "per layer, the last one for the output layer."
        )
    for name in names:
        ACTIVATIONS.get(name)
    if "softmax" in names[:-1]:
        hidden = ", ".join(n for n in ACTIVATIONS.names() if n != "softmax")
        raise UserInputError(
            "softmax can only be the output activation: choose another activation for the "
            f"hidden layers (one of: {hidden})."
        )
    return names


def _check_dtype(dtype):
    try:
        checked = np.dtype(dtype)
    except TypeError:
        checked = None
    if checked not in _DTYPES:
        raise UserInputError(f"Unsupported dtype {dtype!r}: choose 'float32' or 'float64'.")
    return checked


def _check_dropout(p):
    if not 0.0 <= p < 1.0:
        raise UserInputError(f"Dropout {p} is out of range: choose a probability in [0, 1).")
    return float(p)


def _network_from_parts(sizes, activation_names, dtype, dropout, init, rng_state, params):
    """A ``Network`` from what ``Network.__reduce__`` pickles."""
    net = Network.__new__(Network)
    net.sizes, net.activation_names = list(sizes), list(activation_names)
    net.dtype, net.dropout, net.init = np.dtype(dtype), dropout, init
    net.rng = np.random.default_rng()
    net.rng.bit_generator.state = rng_state
    net._build_layers(params)
    return net

