"""What crosses the thread boundary: ``TrainerInfo`` (once per run) and ``Snapshot`` (per frame).

The training worker keeps updating its arrays in place, so everything here is a **copy**,
marked read-only, taken between two steps. A snapshot of a 2-16-8-1 network with a 50×50
decision surface costs well under a millisecond; it is meant to be taken at most ~30 times
a second, never per step.

Surface grids are row-major images: ``output[iy, ix]`` is the network at raw input
``(x[ix], y[iy])``, i.e. rows follow the second input column.
"""

from dataclasses import dataclass, replace

import numpy as np

from core.train.history import COLUMNS
from core.train.info import (  # noqa: F401 (re-exported: the views' one import)
    SURFACE_MARGIN,
    TrainerInfo,
    surface_bounds,
    trainer_info,
)
from core.watch.distributions import preactivations, sample_indices
from core.watch.layer_outputs import layer_outputs
from core.watch.surface_slice import (  # noqa: F401 (SurfaceSlice re-exported for the views)
    SurfaceSlice,
    as_slice,
    slice_grid,
)


@dataclass(frozen=True)
class SurfaceGrid:
    """The network evaluated on a regular grid over two raw input columns.

    Attributes
    ----------
    x, y : ndarray, shape (res,)
        Raw-input coordinates along the first and second chosen column.
    output : ndarray, shape (res, res, n_out)
        Network outputs; ``output[iy, ix]`` is at ``(x[ix], y[iy])``.
    neurons : list of ndarray
        Every layer's activations over the grid, the i-th of shape (res, res, sizes[i + 1]);
        empty when not requested.
    columns : tuple of int
        The two raw input columns spanned.
    fixed : tuple of float or None
        The raw value every input had over the grid, one per input column (d,); the entries
        of ``columns`` are unused (their training means). None: every other input at its
        training mean (also what 2-D data has).
    """

    x: np.ndarray
    y: np.ndarray
    output: np.ndarray
    neurons: list
    columns: tuple = (0, 1)
    fixed: tuple | None = None

    def __repr__(self):
        return (f"SurfaceGrid(res={len(self.x)}, columns={self.columns}, "
                f"n_out={self.output.shape[2]})")


@dataclass(frozen=True)
class Snapshot:
    """The trainer's state at one moment, every array a read-only copy.

    Attributes
    ----------
    step, epoch : int
        Updates applied and epochs completed.
    lr : float
        Learning rate of the next step.
    weights, biases : list of ndarray
        ``W`` (fan_in, fan_out) and ``b`` (fan_out,) per layer.
    weight_grads, bias_grads : list of ndarray
        Gradients of the last step (zeros before the first).
    weight_updates, bias_updates : list of ndarray
        Δ applied by the last step (zeros before the first).
    history : dict of str to ndarray
        Columns of ``core.train.history.COLUMNS``, each shape (epochs,).
    surface : SurfaceGrid or None
    test_probs : ndarray or None
        Network outputs on the test set, shape (n_test, n_out).
    sample_z : list of ndarray or None
        Every layer's pre-activations on a fixed sample of training rows
        (``core.watch.distributions.sample_indices``), the i-th of shape (n_sample, sizes[i + 1]);
        None when not taken.
    """

    step: int
    epoch: int
    lr: float
    weights: list
    biases: list
    weight_grads: list
    bias_grads: list
    weight_updates: list
    bias_updates: list
    history: dict
    surface: SurfaceGrid | None
    test_probs: np.ndarray | None
    sample_z: list | None = None

    def __repr__(self):
        sizes = [w.shape[0] for w in self.weights] + [self.weights[-1].shape[1]]
        return (f"Snapshot(step={self.step}, epoch={self.epoch}, lr={self.lr:g}, "
                f"sizes={sizes}, surface={self.surface is not None})")


def _frozen(a):
    """A read-only copy of ``a``."""
    c = np.array(a, copy=True)
    c.flags.writeable = False
    return c


def _grid_inputs(trainer, columns, resolution, fixed=None):
    """Cached (x, y, network inputs (res*res, d_net)) for a grid over ``columns``.

    Grids at the training means are kept per columns; a moved slice keeps only its latest
    grid (a slider dragged through a hundred values must not keep a hundred grids)."""
    key = (tuple(columns), int(resolution), None if fixed is None else tuple(fixed))
    slot = key if fixed is None else "moved_slice"
    cached = trainer._surface_cache.get(slot)
    if cached is not None and (fixed is None or cached[0] == key):
        return cached if fixed is None else cached[1]
    x, y, raw = slice_grid(trainer.dataset, columns, resolution, fixed)
    net_in = trainer.pipeline.transform(raw, dtype=trainer.dtype)
    x.flags.writeable = y.flags.writeable = False
    value = (x, y, net_in)
    trainer._surface_cache[slot] = value if fixed is None else (key, value)
    return value


def surface_for_columns(trainer, columns=(0, 1), resolution=50, with_neurons=True, fixed=None):
    """The network over a grid of two raw input columns, the others at ``fixed`` (d,) raw
    values (None: their training means).

    Parameters
    ----------
    trainer : Trainer
    columns : (int, int)
        Raw input columns for the horizontal and vertical axes.
    resolution : int
        Grid points per axis (res).
    with_neurons : bool
        Also return every layer's activations.

    Returns
    -------
    SurfaceGrid
        ``output`` (res, res, n_out); ``neurons`` i-th (res, res, sizes[i + 1]).
    """
    x, y, net_in = _grid_inputs(trainer, columns, resolution, fixed)
    res = int(resolution)
    # forward_all computes fresh arrays and leaves the training caches alone.
    layers = trainer.network.forward_all(net_in)
    grids = [a.reshape(res, res, a.shape[1]) for a in layers]
    for g in grids:
        g.flags.writeable = False
    return SurfaceGrid(x=x, y=y, output=grids[-1], neurons=grids if with_neurons else [],
                       columns=tuple(columns),
                       fixed=None if fixed is None else tuple(float(v) for v in fixed))


def take_snapshot(trainer, surface_resolution=50, surface_columns=None, with_neurons=True,
                  test_outputs=True):
    """A copied, read-only ``Snapshot`` of ``trainer`` (call between steps).

    Parameters
    ----------
    trainer : Trainer
    surface_resolution : int or None
        Grid points per axis; None or 0 skips the surface.
    surface_columns : (int, int), SurfaceSlice or None
        None: columns (0, 1) for 2-D data and no surface otherwise. A pair: a surface over
        those raw columns for any input count (others at their mean). A ``SurfaceSlice``:
        over its columns, the others at its ``fixed`` values.
    with_neurons : bool
        Include every layer's activations over the surface grid.
    test_outputs : bool
        Include ``test_probs``; False leaves them to :func:`with_test_outputs` (another
        process: the training process leaves this forward pass to the window's).

    Returns
    -------
    Snapshot
    """
    layers = trainer.network.layers
    n_layers = len(layers)
    grads = [_grad_copy(layer.dW, layer.W) for layer in layers] + \
            [_grad_copy(layer.db, layer.b) for layer in layers]
    updates = [_frozen(u) for u in trainer.last_updates]
    surface = None
    if surface_resolution:
        plane = as_slice(surface_columns)
        if plane is None and trainer.dataset.is_2d:
            plane = SurfaceSlice((0, 1))
        if plane is not None:
            surface = surface_for_columns(trainer, plane.columns, surface_resolution,
                                          with_neurons, plane.fixed)
    test_probs = None
    if test_outputs and trainer.dataset.n_test:
        test_probs = trainer.network.predict(trainer.X_test)
        test_probs.flags.writeable = False
    history = trainer.history.as_arrays()
    for a in history.values():
        a.flags.writeable = False
    return Snapshot(
        step=trainer.step_count,
        epoch=trainer.epoch,
        lr=float(trainer.lr),
        weights=[_frozen(layer.W) for layer in layers],
        biases=[_frozen(layer.b) for layer in layers],
        weight_grads=grads[:n_layers],
        bias_grads=grads[n_layers:],
        weight_updates=updates[0::2],
        bias_updates=updates[1::2],
        history={c: history[c] for c in COLUMNS},
        surface=surface,
        test_probs=test_probs,
        sample_z=_sample_preactivations(trainer),
    )


def with_test_outputs(snapshot, trainer):
    """``snapshot`` with its ``test_probs`` (n_test, n_out) made from its own weights on
    ``trainer``'s test inputs, when it was taken without them (``test_outputs=False``) and
    there are test rows; else ``snapshot`` itself. ``trainer`` has the network's shape and
    data (its weights may be older: the snapshot's are used), the same values bit for bit as
    ``take_snapshot`` would have given."""
    if snapshot.test_probs is not None or not trainer.dataset.n_test:
        return snapshot
    probs = layer_outputs(snapshot.weights, snapshot.biases,
                          trainer.network.activation_names, trainer.X_test)[-1]
    probs.flags.writeable = False
    return replace(snapshot, test_probs=probs)


def _sample_preactivations(trainer):
    """Read-only ``z`` of every layer on the trainer's fixed sample of training rows."""
    rows = trainer._surface_cache.get("sample_rows")
    if rows is None:
        rows = trainer.X_train[sample_indices(len(trainer.X_train))]
        trainer._surface_cache["sample_rows"] = rows
    zs = preactivations(trainer.network, rows)
    for z in zs:
        z.flags.writeable = False
    return zs


def _grad_copy(grad, like):
    """A read-only copy of a gradient, or zeros shaped like its parameter before any step."""
    if grad is None:
        z = np.zeros_like(like)
        z.flags.writeable = False
        return z
    return _frozen(grad)
