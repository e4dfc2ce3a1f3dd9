"""Evaluation metrics: accuracy for classification, R² and RMSE for regression, the data loss.

``accuracy``, ``r2_score`` and ``data_loss`` evaluate whole sets (the test set at each epoch
end, both sets in ``Trainer.evaluate``). ``RunningMetrics`` builds the epoch's *training* row
from the outputs the training steps already computed, at a cost of two cheap operations per
step. Every function returns a Python float, NaN when there are no rows to evaluate.
"""

import math

import numpy as np


def accuracy(a, labels, task, threshold=0.5):
    """Fraction of rows classified correctly.

    Parameters
    ----------
    a : ndarray, shape (n, k)
        Network outputs, or the output logits when the output activation is sigmoid or
        softmax (``threshold`` 0: ``z > 0`` is ``sigmoid(z) > 0.5``, and softmax keeps the
        order of the logits, so the prediction is the same without computing the activation).
        Binary ``k = 1``: class 1 when ``a > threshold``; multi-class ``k = C``: the class
        with the largest output.
    labels : ndarray of int or bool, shape (n,)
        True class indices.
    task : {"binary", "multiclass"}
    threshold : float
        Binary decision threshold: 0.5 on sigmoid outputs, 0.0 on logits.

    Returns
    -------
    float in [0, 1], NaN for n = 0
    """
    if len(labels) == 0:
        return math.nan
    return float(correct_count(a, labels, task, threshold)) / len(labels)


def correct_count(a, labels, task, threshold=0.5):
    """How many rows of ``a`` (n, k) are classified as ``labels`` (n,) say (``accuracy``)."""
    predicted = a[:, 0] > threshold if task == "binary" else np.argmax(a, axis=1)
    return int(np.count_nonzero(predicted == labels))


def r2_score(a, y):
    """Coefficient of determination, averaged over output columns (as scikit-learn).

    Parameters
    ----------
    a, y : ndarray, shape (n, k)
        Predictions and targets.

    Returns
    -------
    float
        ``1 - SS_res / SS_tot`` per column, then the mean; a constant column scores 1.0 when
        predicted exactly and 0.0 otherwise; NaN for n = 0.
    """
    if len(y) == 0:
        return math.nan
    y = y.astype(np.float64, copy=False)
    return r2_from_sums(((y - a) ** 2).sum(axis=0), total_sum_of_squares(y))


def rmse(a, y):
    """Root mean squared error over every element.

    Parameters
    ----------
    a, y : ndarray, shape (n, k)
        Predictions and targets.

    Returns
    -------
    float
        ``sqrt(mean((a - y)²))`` in the targets' units; NaN for n = 0.
    """
    if len(y) == 0:
        return math.nan
    diff = a.astype(np.float64, copy=False) - y.astype(np.float64, copy=False)
    return math.sqrt(float(np.mean(diff * diff)))


def total_sum_of_squares(y):
    """``SS_tot`` per column, ``sum((y - mean(y))²)``, float64 array of shape (k,)."""
    y = y.astype(np.float64, copy=False)
    return ((y - y.mean(axis=0)) ** 2).sum(axis=0)


def r2_from_sums(ss_res, ss_tot):
    """Mean over columns of ``1 - SS_res / SS_tot`` (both arrays of shape (k,)); see r2_score."""
    scores = [
        1.0 - r / t if t > 0 else (1.0 if r == 0 else 0.0)
        for r, t in zip(ss_res.tolist(), ss_tot.tolist(), strict=True)
    ]
    return float(sum(scores) / len(scores))


def outputs(network, X, activation=True):
    """Output-layer logits and activations for ``X`` without touching the training caches.

    Parameters
    ----------
    network : Network
    X : ndarray, shape (n, n_in)
    activation : bool
        Compute the output activation; when False ``a`` is None (the logits are enough for a
        fused loss and for ``accuracy`` on logits).

    Returns
    -------
    z, a : ndarray, shape (n, n_out) each
    """
    a = X
    for layer in network.layers[:-1]:
        z = a @ layer.W
        z += layer.b
        a = layer.activation.forward(z)
    last = network.layers[-1]
    z = a @ last.W
    z += last.b
    return z, last.activation.forward(z) if activation else None


def data_loss(loss, output_activation, z, a, y):
    """Mean data loss (no penalty), fused from the logits when ``loss.link`` is the output.

    Parameters
    ----------
    loss : Loss
    output_activation : str
    z, a, y : ndarray, shape (n, k)

    Returns
    -------
    float, NaN for n = 0
    """
    if len(y) == 0:
        return math.nan
    if loss.link is not None and loss.link == output_activation:
        return loss.value_from_logits(z, y)
    return loss.value(a, y)


class Scoring:
    """How a run scores network outputs: its data loss and accuracy or R².

    Parameters
    ----------
    loss : Loss
    output_activation : str
    task : {"binary", "multiclass", "regression"}

    Attributes
    ----------
    logits : bool
        Sigmoid/softmax classifier with its fused loss: loss and accuracy are computed from
        the output logits, and whole-set evaluations skip the output activation.
    threshold : float
        Binary threshold for ``accuracy`` on what is scored: 0 for logits, else 0.5.
    """

    def __init__(self, loss, output_activation, task):
        self.loss, self.output_activation, self.task = loss, output_activation, task
        fused = loss.link is not None and loss.link == output_activation
        self.logits = fused and task != "regression"
        self.threshold = 0.0 if self.logits else 0.5

    def evaluate(self, network, X, y, labels):
        """``(loss, metric)`` of a whole set at the current weights; NaNs when it is empty.

        ``X`` (n, n_in), ``y`` (n, k), ``labels`` (n,) class indices (None for regression).
        Forward only: the network's training caches are left untouched.
        """
        if len(X) == 0:
            return math.nan, math.nan
        z, a = outputs(network, X, activation=not self.logits)
        loss = data_loss(self.loss, self.output_activation, z, a, y)
        if self.task == "regression":
            return loss, r2_score(a, y)
        return loss, accuracy(z if self.logits else a, labels, self.task, self.threshold)


class RunningMetrics:
    """The epoch's training loss and metric, from the training steps' own forward passes.

    As Keras reports it: each step adds its batch's data loss, computed *before* its update,
    weighted by the batch's rows, and keeps the batch's outputs (training mode: with dropout,
    these are the outputs of the thinned network). At the epoch end ``result`` gives the mean
    loss over the epoch's rows and the accuracy or R² of the kept outputs. No extra forward
    pass: per step one float multiply-add and one row copy into a preallocated buffer.

    A classifier's state (``state_dict``) holds the count of correct rows so far, not the
    outputs: a state saved mid-epoch (the timeline keeps hundreds) would otherwise hold up
    to ``n_train × k`` floats (3.8 MB on MNIST). The count is made when a state is taken,
    never per step; after a restore, rows before its position are known only by that count.

    Parameters
    ----------
    scoring : Scoring
    y_train : ndarray, shape (n, k)
        The training targets in their stored order (for the constant ``SS_tot`` of R²).
    labels_train : ndarray of int or bool, shape (n,), or None
        Class indices of the training rows (classification).
    full_batch : bool
        One batch per epoch: its output array is kept by reference, nothing is copied.
    """

    def __init__(self, scoring, y_train, labels_train, full_batch):
        self.task = task = scoring.task
        self.threshold = scoring.threshold
        self._labels = labels_train
        # An epoch covers every training row once, so SS_tot is a constant of the data.
        self._ss_tot = total_sum_of_squares(y_train) if task == "regression" else None
        self._buffer = None if full_batch else np.empty_like(y_train)  # (n, k), batch order
        self._full = None
        self.reset()

    def reset(self, start=0):
        """Start an epoch; rows before ``start`` are not counted (only a legacy restore)."""
        self.loss_sum = 0.0  # sum over batches of (mean batch data loss) x (batch rows)
        self.start = start
        # Classification after a restore: rows start:known were counted, ``known_correct``
        # of them correct; their outputs are not in the buffer.
        self._known, self._known_correct = start, 0

    def add(self, start, stop, value, a):
        """Count rows ``start:stop`` of the epoch: data loss ``value``, outputs ``a`` (m, k)
        (the logits when ``scoring.logits``, else the activations)."""
        self.loss_sum += value * (stop - start)
        if self._buffer is None:
            self._full = a  # the step's own array; result() runs before the next forward
        else:
            self._buffer[start:stop] = a

    def result(self, y, order):
        """``(loss, metric)`` of the finished epoch.

        Parameters
        ----------
        y : ndarray, shape (n, k)
            The targets in the epoch's batch order.
        order : ndarray of int, shape (n,), or None
            The epoch's permutation of the training rows (None: stored order).
        """
        s = self.start
        loss = self.loss_sum / (len(y) - s)
        if self.task == "regression":
            a = self._full if self._buffer is None else self._buffer[s:]
            y = y[s:].astype(np.float64, copy=False)
            ss_tot = self._ss_tot if s == 0 else total_sum_of_squares(y)
            return loss, r2_from_sums(((y - a) ** 2).sum(axis=0), ss_tot)
        rows = len(y) - s  # as ``accuracy`` computes it, to the last bit
        correct = self._correct_until(len(y), order)
        return loss, float(correct) / rows if rows else math.nan

    def _correct_until(self, pos, order):
        """Rows ``start:pos`` of the epoch classified correctly (an int)."""
        known = self._known
        if pos <= known:
            return self._known_correct
        a = self._full if self._buffer is None else self._buffer[known:pos]
        rows = slice(known, pos) if order is None else order[known:pos]
        return self._known_correct + correct_count(a, self._labels[rows], self.task,
                                                   self.threshold)

    def state_dict(self, pos, order=None):
        """Copies of the running sums after ``pos`` rows of the epoch (``order``: its
        permutation, or None): a regression's kept outputs, a classifier's correct count."""
        if self.task == "regression":
            kept = None if self._buffer is None else self._buffer[self.start:pos].copy()
            return {"loss_sum": self.loss_sum, "start": self.start, "outputs": kept}
        correct = self._correct_until(pos, order) if self._buffer is not None else 0
        return {"loss_sum": self.loss_sum, "start": self.start, "outputs": None,
                "correct": correct}

    def load_state_dict(self, d, pos, order=None):
        """Restore ``state_dict(pos)`` (``order``: the epoch's permutation, or None); None (a
        state saved before these existed) restarts the counts at row ``pos``, so that epoch's
        training row covers its remaining rows only."""
        if d is None:
            self.reset(start=pos)
            return
        self.reset(start=int(d["start"]))
        self.loss_sum = float(d["loss_sum"])
        if self.task != "regression":
            self._known, self._known_correct = pos, self._saved_correct(d, pos, order)
        elif self._buffer is not None:
            self._buffer[self.start:pos] = d["outputs"]

    def _saved_correct(self, d, pos, order):
        """The count of a state; states saved before it was counted kept the outputs."""
        if d.get("correct") is not None:
            return int(d["correct"])
        if d.get("outputs") is None:  # one full batch: nothing counted mid-epoch
            return 0
        rows = slice(self.start, pos) if order is None else order[self.start:pos]
        return correct_count(np.asarray(d["outputs"]), self._labels[rows], self.task,
                             self.threshold)
