"""The loss landscape: grid values equal ``loss_value``; planes, projections, trajectory."""

import numpy as np
import pytest

from core.data import load_dataset
from core.errors import UserInputError
from core.nn.network import loss_value
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from core.watch.landscape import LossProblem, interpolation, landscape_grid, plane_range
from core.watch.landscape_planes import Plane, layer_slices, random_plane, trajectory_plane
from core.watch.snapshot import take_snapshot
from core.watch.trajectory import Trajectory, flat_from_snapshot


def trained(dataset="circles", steps=30, **config):
    trainer = Trainer(load_dataset(dataset), TrainConfig(**{"hidden": (16, 8), **config}))
    path = [trainer.network.flat_params.copy()]
    for _ in range(steps):
        trainer.step()
        path.append(trainer.network.flat_params.copy())
    return trainer, np.array(path)


def direct_loss(trainer, weights, l1=0.0, l2=0.0):
    """``loss_value`` on a fresh copy of the trainer's network with ``weights`` written in."""
    net = trainer.network
    from core.nn.network import Network

    copy = Network(net.sizes, net.activation_names, dtype=net.dtype)
    copy.flat_params[...] = weights
    return loss_value(copy, trainer.loss, trainer.X_train, trainer.y_train, l1, l2)


def test_flat_from_snapshot_is_the_networks_flat_params():
    trainer, _ = trained(steps=3)
    assert np.array_equal(flat_from_snapshot(take_snapshot(trainer)), trainer.network.flat_params)


@pytest.mark.parametrize("kind", ["random", "trajectory"])
def test_grid_equals_loss_value_at_sampled_points(kind):
    trainer, path = trained()
    problem = LossProblem.from_info(trainer.info())
    w = trainer.network.flat_params.copy()
    plane = random_plane(trainer.network.sizes, w, seed=3) if kind == "random" else \
        trajectory_plane(w, path)
    coords = plane.project(path)
    land = landscape_grid(problem, plane, plane_range(plane, coords), 41, path=path)
    assert land.loss.shape == (41, 41) and np.isfinite(land.loss).all()
    rng = np.random.default_rng(0)
    for iy, ix in [(20, 20), (0, 0), (40, 40), *rng.integers(0, 41, size=(12, 2))]:
        weights = plane.origin + land.alphas[ix] * plane.d1 + land.betas[iy] * plane.d2
        assert abs(land.loss[iy, ix] - direct_loss(trainer, weights)) <= 1e-12
    assert land.path.shape == (len(path), 2)


@pytest.mark.parametrize("setup", [
    dict(dataset="spirals", hidden=(8,), activation="relu"),           # softmax + CCE
    dict(dataset="squares_sum", hidden=(6, 6), activation="sigmoid"),  # identity + MSE
    dict(dataset="circles", hidden=(5,), dtype="float32"),
    dict(dataset="plane", hidden=()),  # no hidden layer: the output layer is the first
])
def test_batched_losses_equal_loss_value_for_other_losses_and_dtypes(setup):
    trainer, path = trained(steps=5, **setup)
    problem = LossProblem.from_info(trainer.info())
    tol = 1e-12 if trainer.dtype == np.float64 else 1e-5
    got = problem.losses(path)
    for k, weights in enumerate(path):
        assert abs(got[k] - direct_loss(trainer, weights)) <= tol
    plane = trajectory_plane(path[-1], path)
    alphas, betas = np.array([0.3, -1.0, 0.0]), np.array([0.1, 0.5, -2.0])
    on_plane = problem.plane_losses(plane, alphas, betas)
    for k, weights in enumerate(plane.points(alphas, betas)):
        assert abs(on_plane[k] - direct_loss(trainer, weights)) <= tol


def test_penalty_is_added_when_asked_for():
    trainer, path = trained(steps=3)
    problem = LossProblem.from_info(trainer.info(), l1=0.01, l2=0.02)
    for k, weights in enumerate(path):
        expected = direct_loss(trainer, weights, 0.01, 0.02)
        assert abs(problem.losses(path)[k] - expected) <= 1e-12
        assert abs(problem.loss_at(weights) - expected) <= 1e-12


def test_chunks_give_the_same_numbers(monkeypatch):
    import core.watch.landscape as landscape

    trainer, path = trained(steps=3)
    problem = LossProblem.from_info(trainer.info())
    plane = random_plane(trainer.network.sizes, path[-1], seed=1)
    whole = landscape_grid(problem, plane, (-1, 1, -1, 1), 9)
    monkeypatch.setattr(landscape, "CHUNK_FLOATS", 1)  # one weight vector per chunk
    seen = []
    chunked = landscape_grid(problem, plane, (-1, 1, -1, 1), 9,
                             progress=lambda rows, loss: seen.append(rows))
    assert seen == list(range(1, 10))
    assert np.array_equal(whole.loss, chunked.loss)


def test_cancel_stops_between_chunks(monkeypatch):
    import core.watch.landscape as landscape

    monkeypatch.setattr(landscape, "CHUNK_FLOATS", 1)
    trainer, path = trained(steps=2)
    problem = LossProblem.from_info(trainer.info())
    plane = random_plane(trainer.network.sizes, path[-1])
    rows = []
    result = landscape_grid(problem, plane, (-1, 1, -1, 1), 9,
                            progress=lambda r, _: rows.append(r), cancelled=lambda: len(rows) >= 3)
    assert result is None and rows == [1, 2, 3]


def test_random_directions_are_filter_normalised_with_zero_biases():
    trainer, _ = trained(steps=5)
    sizes, w = trainer.network.sizes, trainer.network.flat_params
    plane = random_plane(sizes, w, seed=7)
    for d in (plane.d1, plane.d2):
        for w_slice, shape, b_slice in layer_slices(sizes):
            np.testing.assert_allclose(np.linalg.norm(d[w_slice].reshape(shape), axis=0),
                                       np.linalg.norm(w[w_slice].reshape(shape), axis=0),
                                       rtol=1e-12)
            assert not d[b_slice].any()
    again = random_plane(sizes, w, seed=7)
    assert np.array_equal(plane.d1, again.d1) and not np.array_equal(plane.d1, plane.d2)


def test_trajectory_plane_contains_a_planar_path():
    rng = np.random.default_rng(0)
    origin, u, v = rng.standard_normal((3, 50))
    coords = rng.standard_normal((20, 2))
    path = origin + coords[:, :1] * u + coords[:, 1:] * v
    plane = trajectory_plane(origin, path)
    assert plane.kind == "trajectory" and sum(plane.explained) == pytest.approx(1.0)
    np.testing.assert_allclose(plane.points(*plane.project(path).T), path, atol=1e-10)
    assert abs(plane.d1 @ plane.d2) < 1e-12


def test_trajectory_plane_needs_a_path_that_spans_a_plane():
    w = np.zeros(4)
    with pytest.raises(UserInputError, match="train"):
        trajectory_plane(w, np.array([w, w]))
    with pytest.raises(UserInputError, match="straight line"):
        trajectory_plane(w, np.array([w + 1.0, w + 2.0, w + 3.0]))


def test_plane_range():
    plane = Plane(np.zeros(3), np.eye(3)[0], np.eye(3)[1], "trajectory")
    amin, amax, bmin, bmax = plane_range(plane, np.array([[-2.0, 1.0], [-1.0, 3.0]]))
    assert amin < -2.0 and amax > 0.0 and bmin < 0.0 and bmax > 3.0
    random = Plane(np.zeros(3), plane.d1, plane.d2, "random")
    assert plane_range(random, np.zeros((0, 2))) == (-1.0, 1.0, -1.0, 1.0)


def test_interpolation_ends_at_the_initial_and_current_losses():
    trainer, path = trained()
    problem = LossProblem.from_info(trainer.info())
    ts, losses = interpolation(problem, path[0], path[-1], ts=np.array([0.0, 0.5, 1.0]))
    assert abs(losses[0] - direct_loss(trainer, path[0])) <= 1e-12
    assert abs(losses[2] - direct_loss(trainer, path[-1])) <= 1e-12
    assert abs(losses[1] - direct_loss(trainer, 0.5 * (path[0] + path[-1]))) <= 1e-12


def test_trajectory_thins_keeps_the_first_point_and_cuts_on_rewind():
    traj = Trajectory(max_points=8)
    for step in range(40):
        traj.record(step, np.full(3, float(step)))
    steps = traj.steps()
    assert steps[0] == 0 and 4 <= len(steps) <= 8
    assert np.all(np.diff(steps) >= traj.spacing // 2)
    assert traj.initial()[0] == 0 and traj.points().shape == (len(steps), 3)
    traj.record(10, np.zeros(3))  # the timeline scrubbed back to step 10
    assert traj.steps()[-1] == 10 and all(s <= 10 for s in traj.steps())
    traj.clear()
    assert len(traj) == 0 and traj.initial() is None


@pytest.mark.parametrize("mode", ["random", "trajectory"])
def test_compute_landscape_request(mode):
    from core.watch.landscape import LandscapeRequest, compute_landscape

    trainer, path = trained(steps=20)
    problem = LossProblem.from_info(trainer.info())
    w = trainer.network.flat_params.copy()
    request = LandscapeRequest(weights=w, path=path, mode=mode, resolution=7, span=0.5,
                               seed=2, step=20)
    result = compute_landscape(problem, request)
    assert result.landscape.plane.kind == mode and result.landscape.loss.shape == (7, 7)
    assert abs(result.loss_now - direct_loss(trainer, w)) <= 1e-12
    assert abs(result.line[np.flatnonzero(result.ts == 0.0)[0]]
               - direct_loss(trainer, path[0])) <= 1e-12
    if mode == "random":
        assert result.landscape.alphas[0] == -0.5 and result.landscape.betas[-1] == 0.5
    else:  # the current weights are the plane's origin, inside the range shown
        assert result.landscape.alphas[0] < 0 < result.landscape.alphas[-1]
    assert compute_landscape(problem, request, cancelled=lambda: True) is None
