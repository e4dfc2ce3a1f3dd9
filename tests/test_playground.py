"""The optimizer playground: surfaces' gradients and races that use the app's own optimizers."""

import numpy as np
import pytest

from core.errors import UserInputError
from core.optim.optimizers import OPTIMIZERS
from core.optim.playground import RACE_OPTIMIZERS, SURFACES, Race, log_scale

POINTS = [(-1.2, 1.0), (0.3, -0.7), (2.5, 0.4), (-0.05, 1.9), (1.1, 0.9)]


@pytest.mark.parametrize("name", SURFACES.names())
@pytest.mark.parametrize("point", POINTS)
def test_gradient_matches_central_differences(name, point):
    surface = SURFACES.get(name)
    h = 1e-6
    x, y = point
    numeric = np.array([
        (surface.value(x + h, y) - surface.value(x - h, y)) / (2 * h),
        (surface.value(x, y + h) - surface.value(x, y - h)) / (2 * h),
    ])
    analytic = surface.grad(np.array(point))
    ratio = np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic)
                                                  + np.linalg.norm(numeric) + 1e-12)
    assert ratio < 1e-7, (name, point, analytic, numeric)


@pytest.mark.parametrize("name", SURFACES.names())
def test_minima_are_stationary_and_lowest(name):
    surface = SURFACES.get(name)
    for m in surface.minima:
        assert np.allclose(surface.grad(np.array(m)), 0.0, atol=1e-12)
        assert surface.value(*m) == pytest.approx(surface.min_value, abs=1e-12)
    _, _, f = surface.grid(101)
    assert f.min() >= surface.min_value - 1e-12
    assert np.isfinite(log_scale(surface, f)).all()


def test_grid_is_row_major():
    surface = SURFACES.get("beale")
    x, y, f = surface.grid(7)
    assert f.shape == (7, 7)
    assert f[2, 5] == surface.value(x[5], y[2])


@pytest.mark.parametrize("surface", SURFACES.names())
def test_paths_equal_the_optimizers_own_updates(surface):
    """Each racer's path is bit for bit what stepping an OPTIMIZERS instance by hand gives."""
    race = Race(surface)
    race.step(60)
    s = SURFACES.get(surface)
    for name in RACE_OPTIMIZERS:
        p = np.array(s.start, dtype=np.float64)
        opt = OPTIMIZERS.get(name)([p], lr=s.learning_rates[name])
        expected = [p.copy()]
        for _ in range(60):
            x, y = p
            gx, gy = s.gradient(float(x), float(y))
            opt.step([np.array([gx, gy])])
            expected.append(p.copy())
        got = race.paths()[name]
        assert got.shape == (61, 2)
        assert np.array_equal(got, np.array(expected)), name


def test_shared_and_per_optimizer_learning_rates():
    shared = Race("narrow_valley", start=(5.0, 1.0), optimizers=["sgd", "adam"], lr=0.01)
    assert [r.optimizer.lr for r in shared.racers] == [0.01, 0.01]
    each = Race("narrow_valley", optimizers=["sgd", "adam"], lr={"sgd": 0.1, "adam": 0.2})
    assert [r.optimizer.lr for r in each.racers] == [0.1, 0.2]
    with pytest.raises(UserInputError, match="No learning rate given for 'adam'"):
        Race("narrow_valley", optimizers=["sgd", "adam"], lr={"sgd": 0.1})


def test_bad_input_is_explained():
    with pytest.raises(UserInputError, match="start point"):
        Race("beale", start=(1.0, float("nan")))
    with pytest.raises(UserInputError, match="at least one optimizer"):
        Race("beale", optimizers=[])
    with pytest.raises(UserInputError, match="surface"):
        Race("himmelblau")
    with pytest.raises(UserInputError, match="learning rate|lr"):
        Race("beale", lr=-1.0)


def test_a_diverging_racer_stops_and_keeps_its_last_finite_point():
    race = Race("narrow_valley", start=(1.0, 1.0), optimizers=["sgd", "adam"], lr=0.5)
    race.step(200)  # SGD: y ← y·(1 − 0.5·10) = −4y per step: diverges
    sgd, adam = race.racers
    assert sgd.diverged and not adam.diverged
    assert np.isfinite(sgd.path_array()).all()
    assert len(sgd.path) < 201 and len(adam.path) == 201


def test_most_racers_reach_the_minimum_from_the_default_start():
    """The suggested learning rates make a race worth watching: at least half of the racers
    reach a minimum (on Rosenbrock the slow ones are still crawling along the valley)."""
    for name in SURFACES.names():
        race = Race(name)
        race.step(3000)
        s = SURFACES.get(name)
        close = [min(np.linalg.norm(r.params - np.array(m)) for m in s.minima) < 0.1
                 for r in race.racers]
        assert sum(close) >= 3, (name, race.values())
