"""How a hidden layer warps the input plane (as ConvNetJS draws it): pure transforms.

A grid of straight lines over the input plane and the data points are run through the
network up to one layer; two of that layer's neurons become the new x and y. Straight lines
bending, folding and squeezing show what the layer did to the plane: classes that were
tangled become separable by a straight line in a good last hidden layer.
"""

import numpy as np

from core.watch.layer_outputs import layer_outputs

#: Lines per direction across the plane, and points along each line.
GRID_LINES = 13
LINE_POINTS = 60


def plane_lines(bounds, n_lines=GRID_LINES, n_points=LINE_POINTS):
    """Points along the straight lines of a grid over the input plane.

    Parameters
    ----------
    bounds : (xmin, xmax, ymin, ymax)
        The plane in raw input coordinates.
    n_lines : int
        Lines in each direction.
    n_points : int
        Points along each line.

    Returns
    -------
    ndarray, shape (2 * n_lines, n_points, 2)
        Raw ``(x1, x2)`` points: the first ``n_lines`` lines are vertical (x1 fixed), the
        others horizontal (x2 fixed).
    """
    xmin, xmax, ymin, ymax = (float(b) for b in bounds)
    xs, ys = np.linspace(xmin, xmax, n_lines), np.linspace(ymin, ymax, n_lines)
    along_x, along_y = np.linspace(xmin, xmax, n_points), np.linspace(ymin, ymax, n_points)
    lines = np.empty((2 * n_lines, n_points, 2))
    lines[:n_lines, :, 0] = xs[:, None]
    lines[:n_lines, :, 1] = along_y[None, :]
    lines[n_lines:, :, 0] = along_x[None, :]
    lines[n_lines:, :, 1] = ys[:, None]
    return lines


def warped(weights, biases, activation_names, X, layer, units):
    """Two neurons' activations: where the rows ``X`` land in the layer's space.

    Parameters
    ----------
    weights, biases : list of ndarray
        A snapshot's ``W`` (fan_in, fan_out) and ``b`` (fan_out,) per layer.
    activation_names : sequence of str
    X : ndarray, shape (..., d_net)
        Network inputs (after the pipeline); any leading shape.
    layer : int
        0-based layer index.
    units : (int, int)
        The neurons for the new x and y.

    Returns
    -------
    ndarray, shape (..., 2)
        ``[a_layer[units[0]], a_layer[units[1]]]`` per row.
    """
    flat = X.reshape(-1, X.shape[-1])
    a = layer_outputs(weights, biases, activation_names, flat, upto=layer)[-1]
    return a[:, list(units)].reshape(X.shape[:-1] + (2,))
