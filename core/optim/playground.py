"""The optimizer playground: classic two-parameter surfaces and a race of optimizers on them.

A *surface* is a function ``f(x, y)`` with its analytic gradient. A :class:`Race` gives every
chosen optimizer of ``core.optim.optimizers.OPTIMIZERS`` its own parameter array ``[x, y]`` at the
same start point and, on each :meth:`Race.step`, hands each one the gradient at its own
point: the app's optimizer classes do the update (no copy of their formulas here), so what a
student sees in the playground is exactly what training a network does.

Surfaces (``SURFACES`` registry):

- ``rosenbrock``: ``(1 − x)² + 100 (y − x²)²``, a curved, flat-bottomed valley; minimum (1, 1).
- ``beale``: ``(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²``; minimum (3, 0.5).
- ``saddle``: ``x² − y²/2 + y⁴/4``, a saddle point at the origin between two minima (0, ±1).
  A start on the ridge ``y ≈ 0`` shows which methods escape the saddle and how fast.
- ``narrow_valley``: ``x²/20 + 5 y²``, an ill-conditioned bowl (curvatures 0.1 and 10): plain
  SGD zig-zags across, momentum runs along.
"""

from dataclasses import dataclass, field

import numpy as np

from core.errors import UserInputError
from core.optim.optimizers import OPTIMIZERS
from core.registry import Registry

SURFACES = Registry("surface")

#: The optimizers raced by default, in legend order.
RACE_OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")
#: A racer whose point leaves this box (or is not finite) has diverged and stops.
DIVERGED_ABOVE = 1e6


@dataclass(frozen=True)
class Surface:
    """A function of two parameters with its gradient.

    Attributes
    ----------
    name, title, formula : str
    value : callable
        ``value(x, y)`` -> ``f``; ``x``, ``y`` floats or arrays of one shape (a grid).
    gradient : callable
        ``gradient(x, y)`` -> ``(df/dx, df/dy)``, same shapes as ``x``.
    bounds : (xmin, xmax, ymin, ymax)
        The region shown.
    start : (float, float)
        A start point that makes a good race.
    minima : tuple of (float, float)
        The minima, marked on the map.
    min_value : float
        The smallest value of ``f`` (its log scale is ``log10(f − min_value + 1e-3)``).
    learning_rates : dict of str to float
        A learning rate per optimizer that makes each one interesting from ``start``.
    note : str
        What to look for, for the student.
    """

    name: str
    title: str
    formula: str
    value: object
    gradient: object
    bounds: tuple
    start: tuple
    minima: tuple
    min_value: float
    learning_rates: dict = field(default_factory=dict)
    note: str = ""

    def grad(self, p):
        """The gradient at ``p`` as a new float64 array of shape (2,)."""
        gx, gy = self.gradient(float(p[0]), float(p[1]))
        return np.array([gx, gy], dtype=np.float64)

    def grid(self, resolution=200):
        """``(x (res,), y (res,), f (res, res))`` with ``f[iy, ix] = value(x[ix], y[iy])``."""
        xmin, xmax, ymin, ymax = self.bounds
        x = np.linspace(xmin, xmax, resolution)
        y = np.linspace(ymin, ymax, resolution)
        xx, yy = np.meshgrid(x, y)
        return x, y, self.value(xx, yy)

    def __repr__(self):
        return f"Surface({self.name!r}: {self.formula})"


def _rosenbrock(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def _rosenbrock_grad(x, y):
    inner = y - x * x
    return -2.0 * (1.0 - x) - 400.0 * x * inner, 200.0 * inner


def _beale_terms(x, y):
    return 1.5 - x + x * y, 2.25 - x + x * y * y, 2.625 - x + x * y**3


def _beale(x, y):
    a, b, c = _beale_terms(x, y)
    return a * a + b * b + c * c


def _beale_grad(x, y):
    a, b, c = _beale_terms(x, y)
    gx = 2.0 * (a * (y - 1.0) + b * (y * y - 1.0) + c * (y**3 - 1.0))
    gy = 2.0 * (a * x + b * 2.0 * x * y + c * 3.0 * x * y * y)
    return gx, gy


def _saddle(x, y):
    return x * x - 0.5 * y * y + 0.25 * y**4


def _saddle_grad(x, y):
    return 2.0 * x, y**3 - y


def _valley(x, y):
    return x * x / 20.0 + 5.0 * y * y


def _valley_grad(x, y):
    return x / 10.0, 10.0 * y


for _surface in (
    Surface("rosenbrock", "Rosenbrock", "(1 − x)² + 100 (y − x²)²", _rosenbrock,
            _rosenbrock_grad, (-2.0, 2.0, -1.0, 3.0), (-1.2, 1.0), ((1.0, 1.0),), 0.0,
            {"sgd": 1.4e-3, "momentum": 5e-4, "nesterov": 5e-4, "adagrad": 0.5,
             "rmsprop": 0.02, "adam": 0.1},
            "The valley is easy to reach and slow to follow: plain SGD crawls along its "
            "curved floor, momentum and Adam run along it."),
    Surface("beale", "Beale", "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
            _beale, _beale_grad, (-4.5, 4.5, -4.5, 4.5), (1.0, 1.5), ((3.0, 0.5),), 0.0,
            {"sgd": 1e-3, "momentum": 1e-3, "nesterov": 1e-3, "adagrad": 0.5,
             "rmsprop": 0.01, "adam": 0.05},
            "Flat plateaus next to steep walls: one learning rate cannot suit both, while "
            "AdaGrad, RMSprop and Adam rescale each coordinate by its own gradient size."),
    Surface("saddle", "Saddle", "x² − y²/2 + y⁴/4", _saddle, _saddle_grad,
            (-2.0, 2.0, -2.0, 2.0), (-1.8, 1e-3), ((0.0, 1.0), (0.0, -1.0)), -0.25,
            {"sgd": 0.05, "momentum": 0.02, "nesterov": 0.02, "adagrad": 0.3,
             "rmsprop": 0.02, "adam": 0.05},
            "Starting on the ridge (y ≈ 0) the gradient across it is tiny: plain SGD lingers "
            "at the saddle point; adaptive steps escape it at once."),
    Surface("narrow_valley", "Narrow valley", "x²/20 + 5 y²", _valley, _valley_grad,
            (-10.0, 10.0, -4.0, 4.0), (-9.0, 3.0), ((0.0, 0.0),), 0.0,
            {"sgd": 0.19, "momentum": 0.05, "nesterov": 0.05, "adagrad": 1.0,
             "rmsprop": 0.05, "adam": 0.3},
            "Curvatures 0.1 along x and 10 across: a learning rate that is safe across makes "
            "SGD zig-zag and creep along; momentum averages the zig-zags away."),
):
    SURFACES.register(_surface.name)(_surface)


def log_scale(surface, values):
    """``log10(values − min_value + 1e-3)``: the map's colour scale (shows the valleys)."""
    return np.log10(np.asarray(values) - surface.min_value + 1e-3)


class Racer:
    """One optimizer on a surface: its parameter array, its optimizer and its path.

    Attributes
    ----------
    name : str
        The optimizer's registry name.
    params : ndarray, shape (2,)
        The point, updated in place by ``optimizer``.
    optimizer : core.optim.optimizers.Optimizer
    path : list of ndarray, shape (2,)
        Every point so far, the start first.
    diverged : bool
        The point became non-finite or left ``±DIVERGED_ABOVE``: it stops there.
    """

    def __init__(self, name, start, lr):
        self.name = name
        self.params = np.array(start, dtype=np.float64)
        self.optimizer = OPTIMIZERS.get(name)([self.params], lr=float(lr))
        self.path = [self.params.copy()]
        self.diverged = False

    def step(self, surface):
        """One update from the gradient at the current point (none once diverged)."""
        if self.diverged:
            return
        self.optimizer.step([surface.grad(self.params)])
        point = self.params.copy()
        if not np.all(np.isfinite(point)) or np.abs(point).max() > DIVERGED_ABOVE:
            self.diverged = True
            return
        self.path.append(point)

    def path_array(self):
        """The path as an array of shape (steps + 1, 2)."""
        return np.array(self.path)

    def __repr__(self):
        return (f"Racer({self.name}, lr={self.optimizer.lr:g}, at={self.params.tolist()}, "
                f"steps={len(self.path) - 1}{', diverged' if self.diverged else ''})")


class Race:
    """Several optimizers descending one surface from one start point, in lockstep.

    Parameters
    ----------
    surface : Surface or str
        A surface or its name in ``SURFACES``.
    start : (float, float) or None
        The start point; None: the surface's own.
    optimizers : sequence of str
        Names in ``OPTIMIZERS`` (default: ``RACE_OPTIMIZERS``).
    lr : float, dict of str to float, or None
        One learning rate for all, one per optimizer, or None for the surface's suggestions.
    """

    def __init__(self, surface, start=None, optimizers=RACE_OPTIMIZERS, lr=None):
        self.surface = SURFACES.get(surface) if isinstance(surface, str) else surface
        self.start = self._check_start(self.surface.start if start is None else start)
        names = list(optimizers)
        if not names:
            raise UserInputError("The race needs at least one optimizer: choose one or more "
                                 f"of {', '.join(OPTIMIZERS.names())}.")
        self.racers = [Racer(name, self.start, self._lr_for(name, lr)) for name in names]
        self.steps = 0

    @staticmethod
    def _check_start(start):
        point = np.asarray(start, dtype=np.float64)
        if point.shape != (2,) or not np.all(np.isfinite(point)):
            raise UserInputError(f"The start point must be two finite numbers (x, y), "
                                 f"got {start!r}.")
        return (float(point[0]), float(point[1]))

    def _lr_for(self, name, lr):
        if lr is None:
            return self.surface.learning_rates.get(name, OPTIMIZERS.get(name).HYPERPARAMETERS[
                "lr"].default)
        if isinstance(lr, dict):
            if name not in lr:
                raise UserInputError(f"No learning rate given for {name!r}: give one for each "
                                     f"of {', '.join(lr) or 'the optimizers'} raced.")
            return lr[name]
        return lr

    def step(self, n=1):
        """``n`` steps of every optimizer; returns the total step count."""
        for _ in range(int(n)):
            for racer in self.racers:
                racer.step(self.surface)
            self.steps += 1
        return self.steps

    def paths(self):
        """``{name: path (k + 1, 2)}`` for every racer."""
        return {r.name: r.path_array() for r in self.racers}

    def values(self):
        """``{name: f at the racer's current point}``."""
        return {r.name: float(self.surface.value(*r.path[-1])) for r in self.racers}

    def __repr__(self):
        return (f"Race({self.surface.name}, start={self.start}, steps={self.steps}, "
                f"racers={[r.name for r in self.racers]})")
