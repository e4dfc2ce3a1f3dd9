"""The warp transforms: straight grid lines over the plane, and two neurons' activations."""

import numpy as np

from core.data import load_dataset
from core.train.config import TrainConfig
from core.train.trainer import Trainer
from core.watch.layer_outputs import layer_outputs
from core.watch.snapshot import take_snapshot
from core.watch.warp import plane_lines, warped


def test_plane_lines_are_straight_and_span_the_bounds():
    lines = plane_lines((-1.0, 3.0, 0.0, 2.0), n_lines=5, n_points=7)
    assert lines.shape == (10, 7, 2)
    np.testing.assert_array_equal(lines[:5, :, 0], np.repeat(np.linspace(-1, 3, 5)[:, None], 7, 1))
    np.testing.assert_array_equal(lines[5:, :, 1], np.repeat(np.linspace(0, 2, 5)[:, None], 7, 1))
    assert lines[:, :, 0].min() == -1.0 and lines[:, :, 1].max() == 2.0


def test_warped_is_the_networks_own_activations():
    t = Trainer(load_dataset("moons"), TrainConfig(hidden=(5, 4), activation=("relu", "tanh")))
    t.train(2)
    snap = take_snapshot(t, surface_resolution=0)
    info = t.info()
    outs = layer_outputs(snap.weights, snap.biases, info.activation_names, t.X_train)
    for mine, theirs in zip(outs, t.network.forward_all(t.X_train), strict=True):
        np.testing.assert_array_equal(mine, theirs)
    grid = t.pipeline.transform(plane_lines(info.surface_bounds).reshape(-1, 2))
    got = warped(snap.weights, snap.biases, info.activation_names, grid.reshape(26, 60, 2),
                 1, (3, 0))
    np.testing.assert_array_equal(got.reshape(-1, 2), t.network.forward_all(grid)[1][:, [3, 0]])
