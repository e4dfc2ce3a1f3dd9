"""The source text of an exported PyTorch training script (``string.Template``; ``$name`` are
filled in by ``core.io.torch_export``, always with Python literals made by ``repr``).

The code mirrors the engine step for step, so that N steps of the script give the app's
weights after N steps: the row order and the dropout masks come from the app's NumPy
generator (``core.train.trainer``: a fresh permutation per epoch, masks drawn layer by layer), the
losses use the app's reductions (``core.nn.losses``), the L1/L2 gradient is added after the
backward pass (``core.nn.regularization``), the gradients are clipped as ``core.train.guard`` does,
the optimizer and the learning-rate schedule are PyTorch's own classes with the app's
hyperparameters (``core.optim.optimizers``, ``core.optim.schedules``), and the weights are saved in
the
app's ``.npz`` layout (``core.io.weights_npz``).
"""

#: The module docstring's text (``torch_export`` makes it a safely escaped literal).
DOC = """$title

$description

Continues this run in PyTorch (NumPy and torch only): the same network as a torch.nn.Module,
the app's current weights and optimizer state, the same optimizer, learning-rate schedule,
loss, L1/L2 penalty, gradient clipping$dropout_note, and the same batch order (the app's
NumPy random generator and the position in the current epoch are carried over), so N steps
here give the weights the app would have after N more steps.

    python $filename --steps N --save-weights OUT.npz
    python $filename --device cuda --print-every 10   # train on a GPU, report every 10 epochs

--steps defaults to the steps left until epoch $epochs. The .npz file has the app's layout
(layers.{i}.weight (fan_in, fan_out), layers.{i}.bias, meta), so File -> Load weights opens it.
"""

BODY = '''
import argparse
import json
import math
import os
import sys
import tempfile
import warnings

import numpy as np
import torch
import torch.nn.functional as F

# ---- the run as the app left it --------------------------------------------------------------
DTYPE = $dtype  # NumPy and torch dtype name
SIZES = $sizes  # layer sizes: inputs, hidden..., outputs
ACTIVATIONS = $activations  # one per layer
LOSS = $loss  # "mse": mean over all elements; "bce"/"cce": from logits, mean over rows
DROPOUT = $dropout  # inverted dropout on hidden layers; masks from the NumPy generator
OPTIMIZER = $optimizer  # the app's optimizer name
TORCH_OPTIMIZER = $torch_optimizer  # its torch.optim class
OPTIMIZER_ARGS = $optimizer_args  # lr is the base rate; the schedule scales it per epoch
OPTIMIZER_STEPS = $optimizer_steps  # updates the optimizer has made (its "step" state)
SCHEDULE = $schedule
SCHEDULE_ARGS = $schedule_args
L1 = $l1  # penalty l1 * sum|W| (weights only, not biases)
L2 = $l2  # penalty l2 * 0.5 * sum(W^2)
CLIP_NORM = $clip_norm  # largest joint L2 norm of all gradients, or None
EARLY_STOPPING = $early_stopping  # patience in epochs on the test loss, or None
BEST = $best  # (best test loss, its epoch), for early stopping
STOPPED_EARLY = $stopped_early
BATCH_SIZE = $batch_size  # rows per step (the last batch of an epoch may be smaller)
SHUFFLE = $shuffle  # a fresh permutation of the rows every epoch
EPOCHS = $epochs  # the run's epoch count (--steps defaults to the steps left until it)
EPOCH = $epoch  # completed epochs
STEP = $step  # completed steps
POSITION = $position  # rows of the current epoch already used
ORDER = $order  # the current epoch's row order (None at an epoch start)
SEED = $seed  # the generator below is SeedSequence(SEED).spawn(2)[1], as far as the app got
RNG_STATE = $rng_state
META_JSON = $meta  # the app's weights-file description


def array(values, shape):
    """Exact float literals (row-major) as a NumPy array of ``shape``."""
    return np.array(values, dtype=np.float64).reshape(shape).astype(DTYPE)


# (W (fan_in, fan_out), b (fan_out,)) per layer, as the app stores them (z = a @ W + b).
WEIGHTS = [
$weights]
# The optimizer's state buffers per parameter [W0, b0, W1, b1, ...], in the app's layout.
OPTIMIZER_STATE = {
$optimizer_state}
# The training and test data as the network sees them (after the app's input pipeline).
X_TRAIN = $x_train
Y_TRAIN = $y_train
X_TEST = $x_test
Y_TEST = $y_test
'''

CODE = '''

# ---- the network ------------------------------------------------------------------------------
def softplus(z):
    return torch.logaddexp(z, torch.zeros_like(z))  # no threshold: the app's exact formula


ACTIVATION_FUNCTIONS = {
    "identity": lambda z: z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda z: F.leaky_relu(z, 0.01),
    "elu": lambda z: F.elu(z, 1.0),
    "softplus": softplus,
    "silu": F.silu,
    "softmax": lambda z: torch.softmax(z, dim=1),
}


class Network(torch.nn.Module):
    """Dense layers ``z = a @ W.T + b`` (``nn.Linear``: weight (fan_out, fan_in)), ``a = f(z)``."""

    def __init__(self):
        super().__init__()
        dtype = getattr(torch, DTYPE)
        self.layers = torch.nn.ModuleList(
            torch.nn.Linear(n_in, n_out, dtype=dtype) for n_in, n_out in zip(SIZES, SIZES[1:]))
        self.activations = [ACTIVATION_FUNCTIONS[name] for name in ACTIVATIONS]

    def forward(self, x, masks=None, activate_output=True):
        """Outputs (n, n_out); the output layer's logits with ``activate_output=False``.
        ``masks``: one dropout mask (n, units) per hidden layer, or None."""
        last = len(self.layers) - 1
        for i, (layer, f) in enumerate(zip(self.layers, self.activations)):
            z = layer(x)
            if i == last:
                return f(z) if activate_output else z
            x = f(z)
            if masks is not None:
                x = x * masks[i]
        return x


def load_app_weights(model):
    """Copy the app's (fan_in, fan_out) matrices in as nn.Linear's (fan_out, fan_in)."""
    with torch.no_grad():
        for layer, (W, b) in zip(model.layers, WEIGHTS):
            layer.weight.copy_(torch.from_numpy(np.ascontiguousarray(W.T)))
            layer.bias.copy_(torch.from_numpy(b))


# ---- optimizer and schedule -------------------------------------------------------------------
def torch_layout(values, param):
    """An app-layout buffer as a tensor shaped like ``param`` (matrices transposed)."""
    values = values.T if values.ndim == 2 else values
    return torch.from_numpy(np.ascontiguousarray(values)).to(param.device)


def make_optimizer(model):
    """The torch optimizer with the app's hyperparameters and state buffers."""
    params = list(model.parameters())
    optimizer = getattr(torch.optim, TORCH_OPTIMIZER)(params, **OPTIMIZER_ARGS)
    if OPTIMIZER_STEPS:
        for i, param in enumerate(params):
            state = optimizer.state[param]
            if TORCH_OPTIMIZER != "SGD":  # SGD keeps no step count
                state["step"] = torch.tensor(float(OPTIMIZER_STEPS))
            for name, buffers in OPTIMIZER_STATE.items():
                state[name] = torch_layout(buffers[i], param)
    return optimizer


def make_scheduler(optimizer, epoch):
    """PyTorch's scheduler for the app's schedule, stepped ``epoch`` times (one per epoch)."""
    kinds = {"step": torch.optim.lr_scheduler.StepLR,
             "exponential": torch.optim.lr_scheduler.ExponentialLR,
             "cosine": torch.optim.lr_scheduler.CosineAnnealingLR}
    if SCHEDULE == "constant":
        return None
    scheduler = kinds[SCHEDULE](optimizer, **SCHEDULE_ARGS)
    with warnings.catch_warnings():  # stepping before optimizer.step() is intended here
        warnings.simplefilter("ignore", UserWarning)
        for _ in range(epoch):
            scheduler.step()
    return scheduler


# ---- loss, penalty, clipping ------------------------------------------------------------------
def data_loss(model, X, y, masks=None):
    """The app's loss of the batch (X (n, d), y (n, k)) as a 0-d tensor."""
    if LOSS == "mse":
        return F.mse_loss(model(X, masks), y)  # mean over all elements
    z = model(X, masks, activate_output=False)
    if LOSS == "bce":
        return F.binary_cross_entropy_with_logits(z, y, reduction="sum") / len(X)
    return -(y * F.log_softmax(z, dim=1)).sum() / len(X)


def add_penalty_gradients(model):
    """Add ``l1 * sign(W) + l2 * W`` to each weight's gradient (biases are not penalised)."""
    with torch.no_grad():
        for layer in model.layers:
            if L1:
                layer.weight.grad += L1 * torch.sign(layer.weight)
            if L2:
                layer.weight.grad += L2 * layer.weight


def clip_gradients(params):
    """As torch.nn.utils.clip_grad_norm_, but scaling only when the norm exceeds the limit."""
    squared = sum(float(torch.sum(p.grad * p.grad)) for p in params)
    limit_sq = CLIP_NORM**2
    if squared > limit_sq:
        scale = math.sqrt(limit_sq) / (math.sqrt(squared) + 1e-6)
        for p in params:
            p.grad *= scale


# ---- the training loop ------------------------------------------------------------------------
class Run:
    """Where the training is: epoch, step, rows used in this epoch, their order, the generator."""

    def __init__(self):
        self.epoch, self.step, self.position = EPOCH, STEP, POSITION
        self.order = None if ORDER is None else np.array(ORDER, dtype=np.int64)
        self.rng = np.random.Generator(np.random.PCG64())
        self.rng.bit_generator.state = RNG_STATE
        self.best, self.stopped_early = tuple(BEST), STOPPED_EARLY


def dropout_masks(run, rows, device):
    """Fresh inverted-dropout masks (rows, units) per hidden layer, as the app draws them."""
    if not DROPOUT:
        return None
    masks = []
    for units in SIZES[1:-1]:
        mask = (run.rng.random((rows, units), dtype=DTYPE) >= DROPOUT).astype(DTYPE)
        mask *= 1.0 / (1.0 - DROPOUT)
        masks.append(torch.from_numpy(mask).to(device))
    return masks


def train_step(model, optimizer, run, data, device):
    """One mini-batch update, as the app's Trainer.step; returns the batch's data loss."""
    X, y = data["X_train"], data["y_train"]
    n = len(X)
    if run.position == 0 and SHUFFLE:
        run.order = run.rng.permutation(n)
    start, stop = run.position, min(run.position + BATCH_SIZE, n)
    rows = (slice(start, stop) if run.order is None
            else torch.from_numpy(run.order[start:stop]).to(device))
    masks = dropout_masks(run, stop - start, device)
    optimizer.zero_grad()
    loss = data_loss(model, X[rows], y[rows], masks)
    if not torch.isfinite(loss):
        raise FloatingPointError(f"the loss is not finite at step {run.step + 1}")
    loss.backward()
    params = list(model.parameters())
    add_penalty_gradients(model)
    if CLIP_NORM is not None:
        clip_gradients(params)
    optimizer.step()
    run.step += 1
    run.position = stop
    return float(loss.detach())


def end_epoch(model, scheduler, run, data):
    """Epoch bookkeeping as the app: next learning rate, test loss, early stopping."""
    run.position, run.order = 0, None
    run.epoch += 1
    if scheduler is not None:
        scheduler.step()
    if len(data["X_test"]) == 0:
        return math.nan
    with torch.no_grad():
        test_loss = float(data_loss(model, data["X_test"], data["y_test"]))
    if EARLY_STOPPING is not None:
        best, best_epoch = run.best
        if test_loss < best:
            run.best = (test_loss, run.epoch)
        elif run.epoch - best_epoch >= EARLY_STOPPING:
            run.stopped_early = True
    return test_loss


def train(model, steps, device, print_every=0):
    """Run ``steps`` updates (fewer if early stopping ends an epoch); returns the Run."""
    data = {name: torch.from_numpy(values).to(device) for name, values in
            (("X_train", X_TRAIN), ("y_train", Y_TRAIN), ("X_test", X_TEST), ("y_test", Y_TEST))}
    optimizer = make_optimizer(model)
    scheduler = make_scheduler(optimizer, EPOCH)
    run = Run()
    for _ in range(steps):
        loss = train_step(model, optimizer, run, data, device)
        if run.position == len(X_TRAIN):
            test_loss = end_epoch(model, scheduler, run, data)
            if print_every and run.epoch % print_every == 0:
                print(f"epoch {run.epoch}  step {run.step}  last batch loss {loss:.6g}  "
                      f"test loss {test_loss:.6g}", flush=True)
            if run.stopped_early:
                print(f"early stopping at epoch {run.epoch}", flush=True)
                break
    return run


def steps_left():
    """Steps until EPOCHS epochs are completed."""
    per_epoch = -(-len(X_TRAIN) // BATCH_SIZE)
    return max(0, (EPOCHS - EPOCH) * per_epoch - POSITION // BATCH_SIZE)


# ---- saving in the app's weights-file layout --------------------------------------------------
def save_weights(path, model, run):
    """Write the .npz the app reads (temporary file, then renamed over ``path``)."""
    meta = json.loads(META_JSON)
    meta["epoch"], meta["step"] = run.epoch, run.step
    arrays = {"meta": np.array(json.dumps(meta))}
    for i, layer in enumerate(model.layers):
        arrays[f"layers.{i}.weight"] = np.ascontiguousarray(
            layer.weight.detach().cpu().numpy().T)
        arrays[f"layers.{i}.bias"] = layer.bias.detach().cpu().numpy()
    folder = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(prefix=".weights-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=None,
                        help=f"updates to run (default: until epoch {EPOCHS}, {steps_left()})")
    parser.add_argument("--save-weights", metavar="OUT.npz",
                        help="save the weights afterwards in the app's .npz layout")
    parser.add_argument("--device", default="cpu", help="torch device, e.g. cpu or cuda")
    parser.add_argument("--print-every", type=int, default=0, metavar="N",
                        help="print the test loss every N epochs (default: never)")
    args = parser.parse_args(argv)
    steps = steps_left() if args.steps is None else args.steps
    if steps < 0:
        parser.error(f"--steps must be >= 0, got {steps}")
    if args.save_weights and not args.save_weights.lower().endswith(".npz"):
        parser.error(f"--save-weights {args.save_weights!r}: the file name must end in .npz")
    model = Network().to(args.device)
    load_app_weights(model)
    try:
        run = train(model, steps, args.device, args.print_every)
    except FloatingPointError as e:
        print(f"error: training diverged: {e}; nothing was saved", file=sys.stderr)
        return 1
    print(f"trained to epoch {run.epoch}, step {run.step}", flush=True)
    if args.save_weights:
        save_weights(args.save_weights, model, run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''
