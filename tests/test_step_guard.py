"""``StepGuard``: gradient check and clipping before each update, weight check after it."""

import dataclasses
import math

import numpy as np
import pytest

from core.errors import TrainingDiverged
from core.nn.network import Network, loss_and_gradients
from core.optim.optimizers import OPTIMIZERS, clip_grad_norm
from core.train.guard import StepGuard
from core.train.trainer import Trainer


def net_and_batch(seed=0):
    net = Network([2, 5, 3, 1], ["tanh", "tanh", "sigmoid"], rng=seed)
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((8, 2)) * 3
    y = (rng.random((8, 1)) > 0.5).astype(float)
    return net, X, y


def test_trainer_clipping_is_clip_grad_norm_then_the_optimizer(circles, small_config):
    t = Trainer(circles, dataclasses.replace(small_config, clip_norm=0.01, batch_size=None))
    shadow = t.network.copy()
    _, grads = loss_and_gradients(shadow, t.loss, t.X_train, t.y_train)
    total = clip_grad_norm(grads, 0.01)
    assert total > 0.01  # the step below is really clipped
    OPTIMIZERS.get("sgd")(shadow.params(), lr=t.lr).step(grads)
    t.step()
    for ours, theirs in zip(t.network.params(), shadow.params(), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)
    assert np.linalg.norm(t.network.flat_grads) <= 0.01 * (1 + 1e-12)


def test_live_clip_norm_change_reaches_the_guard(circles, small_config):
    t = Trainer(circles, small_config)
    assert t._guard.clip_norm is None
    t.apply_live({"clip_norm": 0.5})
    assert t._guard.clip_norm == 0.5
    t.apply_live({"clip_norm": None})
    assert t._guard.clip_norm is None


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_gradients_name_their_layer(bad):
    net, X, y = net_and_batch()
    guard = StepGuard(net, OPTIMIZERS.get("sgd")(net.params()))
    loss_and_gradients(net, "bce", X, y)
    assert guard.gradients(3) == pytest.approx(float(np.vdot(net.flat_grads, net.flat_grads)))
    net.layers[1].db[2] = bad
    with pytest.raises(TrainingDiverged) as info:
        guard.gradients(4)
    assert (info.value.step, info.value.layer, info.value.what) == (4, 1, "gradients")


def test_an_overflowing_norm_names_the_largest_gradient():
    net, X, y = net_and_batch()
    guard = StepGuard(net, OPTIMIZERS.get("sgd")(net.params()))
    loss_and_gradients(net, "bce", X, y)
    net.layers[2].dW[0, 0] = 1e200  # finite, but its square is not
    with pytest.raises(TrainingDiverged) as info:
        guard.gradients(1)
    assert info.value.layer == 2


@pytest.mark.parametrize("name", ["sgd", "adam"])
def test_an_update_that_makes_a_weight_non_finite_is_caught_at_its_step(name):
    net, X, y = net_and_batch()
    opt = OPTIMIZERS.get(name)(net.params(), lr=0.1)
    guard = StepGuard(net, opt)
    loss_and_gradients(net, "bce", X, y)
    sq = guard.gradients(1)
    guard.update(sq, opt.step(net.flat_grads), 1)  # measures the weights: all finite
    net.layers[0].W[1, 1] = math.inf  # as if the update had overflowed
    guard.reset()
    with pytest.raises(TrainingDiverged) as info:
        guard.update(sq, opt.step(net.flat_grads), 2)
    assert (info.value.step, info.value.layer, info.value.what) == (2, 0, "weights")
