"""A diverging step names its step and its layer, also when only the loss overflowed."""

import numpy as np
import pytest

from core.data import load_dataset
from core.errors import TrainingDiverged
from core.nn.divergence import loss_culprit
from core.nn.network import Network
from core.train.config import TrainConfig

# Regression configs of the audit: the loss overflows while every weight is still finite.
OVERFLOWING = {
    "squares_sum relu sgd lr 10": ("squares_sum", dict(optimizer="sgd", lr=10.0,
                                                      activation="relu", epochs=50)),
    "squares_sum relu 16-8 full batch": ("squares_sum", dict(optimizer="sgd", lr=10.0,
                                                       activation="relu", hidden=(16, 8),
                                                       init="he_normal", batch_size=None,
                                                       epochs=200)),
}


@pytest.mark.parametrize("case", sorted(OVERFLOWING))
def test_loss_overflow_names_the_layer_whose_outputs_grew(case):
    from core.train.trainer import Trainer

    name, config = OVERFLOWING[case]
    t = Trainer(load_dataset(name, seed=0), TrainConfig(**config))
    with pytest.raises(TrainingDiverged) as info:
        t.train()
    err = info.value
    assert err.what.startswith("loss") and err.layer is not None
    assert f"step {err.step} in layer {err.layer + 1}" in str(err)
    assert all(np.isfinite(p).all() for p in t.network.params())
    peaks = [float(np.abs(layer.z).max()) for layer in t.network.layers]
    finite = all(np.isfinite(layer.z).all() for layer in t.network.layers)
    if finite:  # the loss itself overflowed: the layer with the largest outputs
        assert err.layer == int(np.argmax(peaks)) and "grew to" in err.detail


def test_culprit_is_the_first_non_finite_layer_else_the_largest():
    net = Network([2, 3, 3, 1], ["relu", "relu", "identity"], rng=0)
    assert loss_culprit(net) == (None, "")
    net.forward(np.ones((4, 2)))
    net.layers[2].z[...] = 1e200
    layer, detail = loss_culprit(net)
    assert layer == 2 and detail == "the outputs of layer 3 grew to 1e+200"
    net.layers[1].z[0, 0] = np.inf
    layer, detail = loss_culprit(net)
    assert layer == 1 and "pre-activations of layer 2" in detail


def test_message_keeps_its_old_parts():
    err = TrainingDiverged(7, 2, "loss", "the outputs of layer 3 grew to 1e+200")
    text = str(err)
    assert text.startswith("Training diverged at step 7 in layer 3: the loss became infinite")
    assert "(the outputs of layer 3 grew to 1e+200)" in text and "Lower the learning" in text
    assert "in layer" not in str(TrainingDiverged(3, None, "loss"))
