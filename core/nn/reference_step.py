"""How backprop works here, in one page: a dense network's forward pass, loss, backward pass
and plain SGD update, written for reading, with no speed tricks.

It computes what ``Trainer.step()`` computes for SGD without momentum, L1/L2 or dropout
(``tests/test_reference_step.py`` checks that, step after step). Conventions as everywhere in
``core``: a batch is rows, ``z = x @ W + b`` with ``W`` of shape (fan_in, fan_out).
"""

import numpy as np

# Each hidden activation and its derivative, written from z and a = f(z).
ACTIVATIONS = {
    "identity": (lambda z: z, lambda z, a: np.ones_like(z)),
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z, a: a * (1 - a)),
    "tanh": (np.tanh, lambda z, a: 1 - a**2),
    "relu": (lambda z: np.maximum(z, 0), lambda z, a: (z > 0).astype(z.dtype)),
}


def forward(weights, biases, activations, X):
    """Every layer's input, pre-activation z and output a; each list holds (n, units) arrays.
    ``activations`` names the hidden layers' functions; the last layer returns its logits."""
    xs, zs, As = [], [], []
    a = X                                            # (n, n_in)
    for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
        xs.append(a)
        z = a @ W + b                                # (n, fan_out)
        is_output = i == len(weights) - 1
        a = z if is_output else ACTIVATIONS[activations[i]][0](z)
        zs.append(z)
        As.append(a)
    return xs, zs, As


def loss_and_output_delta(z_out, y, loss):
    """The mean loss over the batch and delta = dL/dz at the output logits, (n, k).

    bce: sigmoid outputs, L = -mean(y ln p + (1 - y) ln(1 - p)); dL/dz = (p - y) / n.
    cce: softmax outputs, L = -mean(sum_k y_k ln p_k);            dL/dz = (p - y) / n.
    mse: identity outputs, L = mean over all n*k of (z - y)^2;    dL/dz = 2 (z - y) / (n k).
    """
    n = len(y)
    if loss == "mse":
        return np.mean((z_out - y) ** 2), 2 * (z_out - y) / y.size
    if loss == "bce":
        p = 1 / (1 + np.exp(-z_out))
        value = -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / n
    else:  # cce
        e = np.exp(z_out - z_out.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        value = -np.sum(y * np.log(p)) / n
    return value, (p - y) / n


def backward(weights, activations, xs, zs, As, delta):
    """dL/dW and dL/db of every layer, from the output delta back to the first layer."""
    grads_W, grads_b = [None] * len(weights), [None] * len(weights)
    for i in reversed(range(len(weights))):
        grads_W[i] = xs[i].T @ delta                 # (fan_in, fan_out): sum over the batch
        grads_b[i] = delta.sum(axis=0)               # (fan_out,)
        if i > 0:                                    # delta of the layer below, (n, fan_in)
            derivative = ACTIVATIONS[activations[i - 1]][1]
            delta = (delta @ weights[i].T) * derivative(zs[i - 1], As[i - 1])
    return grads_W, grads_b


def sgd_step(weights, biases, activations, X, y, loss, lr):
    """One update of every W and b in place, ``p -= lr * dL/dp``; returns the loss before it."""
    xs, zs, As = forward(weights, biases, activations, X)
    value, delta = loss_and_output_delta(zs[-1], y, loss)
    grads_W, grads_b = backward(weights, activations, xs, zs, As, delta)
    for W, b, dW, db in zip(weights, biases, grads_W, grads_b, strict=True):
        W -= lr * dW
        b -= lr * db
    return value
