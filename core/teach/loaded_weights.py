"""A run that starts from a weights file: the file's network, counters and a first record.

Weights loaded into a run replace what its history and optimizer state were about, so the
run starts afresh from them: a new ``Trainer`` (fresh optimizer state) holding the file's
weights, its step and epoch counters at the file's (when the file records them, else 0),
and a history of one row, the exact losses and metrics of the loaded weights
(``core.teach.editing.record_evaluation``). Loading a file made for another network
rebuilds the network from it: its layers, activations, output and loss.
"""

import numbers

from core.data import dataset_from_spec
from core.io import apply_weights, config_from_weights, network_from_weights
from core.teach.editing import record_evaluation
from core.train.trainer import Trainer


def _counter(meta, key):
    value = meta.get(key)
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 0
    return int(value) if ok else 0


def start_from_file(trainer, weights_file):
    """Set ``trainer``'s counters to the file's and record the loaded weights' values.

    ``trainer`` is new (nothing trained) and already holds the file's weights.

    Returns
    -------
    Trainer
        ``trainer``, with ``step_count``/``epoch`` from the file (0 when not recorded) and
        ``history`` one evaluated row at that epoch.
    """
    trainer.step_count = _counter(weights_file.meta, "step")
    trainer.epoch = _counter(weights_file.meta, "epoch")
    trainer.history.clear()
    record_evaluation(trainer)
    return trainer


def reloaded(trainer, weights_file, path="the weights file"):
    """A new run of ``trainer``'s data and config holding the file's weights (see above).

    ``trainer`` itself is not changed. Raises what ``apply_weights`` raises (e.g.
    ``WeightsMismatch`` for a file of another network).
    """
    fresh = Trainer(trainer.dataset, trainer.config)
    apply_weights(fresh, weights_file, path)
    return start_from_file(fresh, weights_file)


def _fits(weights_file, dataset):
    sizes = weights_file.sizes
    return sizes[-1] == dataset.n_outputs


def rebuilt(weights_file, dataset, config, path="the weights file"):
    """A new run with the network the file describes (layers, activations, output, loss).

    Trains on ``dataset`` when the file's outputs fit it, else on the data the file was
    trained on (rebuilt from its recorded spec) when it can be rebuilt.

    Parameters
    ----------
    weights_file : WeightsFile
    dataset : Dataset
        The data shown now.
    config : TrainConfig
        The settings the file does not record (optimizer, learning rate, ...).

    Returns
    -------
    Trainer
        Counters and history as ``start_from_file``.
    """
    if not _fits(weights_file, dataset):
        recorded = (weights_file.meta.get("dataset") or {}).get("spec")
        if isinstance(recorded, dict) and recorded.get("source") in ("generator", "builtin"):
            dataset = dataset_from_spec(recorded)
    trainer = Trainer(dataset, config_from_weights(weights_file, config),
                      network=network_from_weights(weights_file))
    apply_weights(trainer, weights_file, path)  # adopts the file's input scaling too
    return start_from_file(trainer, weights_file)
