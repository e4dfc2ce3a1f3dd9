"""Tooltips of the hyperparameter panel, one per ``TrainConfig`` field it edits.

Each tip ends by saying what a change does — applied live at the next step, or a new
network — derived from ``core.train.trainer.LIVE_FIELDS``, so the text cannot drift from what the
session really does.
"""

from core.train.trainer import LIVE_FIELDS

NEW_NETWORK = " Changing it builds a new network."
LIVE = " Applies at the next step, without a reset."

#: Widgets that are not a ``TrainConfig`` field themselves, mapped to the field they set.
FIELD_OF = {"penalty": "l1", "full_batch": "batch_size", "per_layer": "activation"}

_TEXTS = {
    "lr": "Learning rate: the size of each step down the gradient. Too small learns slowly; "
    "too large makes the loss jump around or blow up. The arrows step through "
    "0.00001 … 10; any value can be typed.",
    "optimizer": "How a gradient becomes an update. sgd: plain step; momentum, nesterov: keep "
    "a running velocity; adagrad, rmsprop, adam, adamw: a step size per weight "
    "from the history of its gradients.",
    "batch_size": "Training examples per update. Small batches give noisy but frequent steps; "
    "large batches smooth but fewer steps per epoch.",
    "full_batch": "Use the whole training set for every update (batch gradient descent): one "
    "step per epoch.",
    "epochs": "Epoch limit: training pauses by itself after this many passes over the "
    "training set.",
    "schedule": "How the learning rate changes over the epochs. step: times gamma every "
    "step_size epochs; exponential: times gamma every epoch; cosine: glides down "
    "to eta_min over T_max epochs.",
    "seed": "Random seed of the first weights, the batch order and dropout: the same seed "
    "gives the same run.",
    "dtype": "Number precision. float64 is exact enough for gradient checks; float32 is half "
    "the memory, as on GPUs.",
    "activation": "Activation of the hidden neurons. Without a non-linear one, any stack of "
    "layers is a single linear map.",
    "per_layer": "Choose a different activation for each hidden layer.",
    "output_activation": "Activation of the output layer. Auto follows the problem: sigmoid "
    "for yes/no, softmax for several classes, identity for regression.",
    "loss": "What training minimises. Auto: binary cross-entropy (bce) after sigmoid, "
    "categorical cross-entropy (cce) after softmax, mean squared error (mse) "
    "otherwise.",
    "init": "How the first weights are drawn. Xavier suits tanh and sigmoid, He suits ReLU; "
    "zeros makes all neurons of a layer learn the same thing.",
    "standardize": "Rescale every input to mean 0 and standard deviation 1 (measured on the "
    "training set). Auto: on for real data, off for the toy 2-D sets.",
    "penalty": "A weight penalty added to the loss. L1 (λ·Σ|w|) pushes weights to exactly "
    "zero; L2 (λ·Σw²) keeps them all small.",
    "l1": "λ of the L1 penalty λ·Σ|w|.",
    "l2": "λ of the L2 penalty λ·Σw².",
    "dropout": "Chance that each hidden neuron is switched off in a training step, so the "
    "network cannot rely on any single one. 0 = off.",
    "clip_norm": "When the joint length of all gradients exceeds this, they are scaled down "
    "to it: a guard against exploding updates. Off = no clipping.",
    "early_stopping": "Stop when the test loss has not improved for this many epochs "
    "(patience). Off = never.",
}


def is_live(name):
    """Whether changing widget/field ``name`` applies without a new network."""
    return FIELD_OF.get(name, name) in LIVE_FIELDS


TIPS = {name: text + (LIVE if is_live(name) else NEW_NETWORK) for name, text in _TEXTS.items()}
"""Widget ``objectName`` → its tooltip."""
