"""``History``: one row of metrics per completed epoch, in growable NumPy columns.

Training may run for hundreds of thousands of epochs while the GUI copies the whole history
about 30 times a second, so rows go into preallocated float64 columns that double in size when
full (amortised O(1) append, one ``memcpy`` per column to copy out) rather than into Python
lists of floats.
"""

import numpy as np

#: Column names, in order. ``*_loss`` are data losses (no L1/L2 penalty); ``*_metric`` is
#: accuracy in [0, 1] for classification or R² for regression; ``lr`` is the rate used
#: during the epoch. A missing value (no test rows) is NaN.
#:
#: ``train_*`` are running values over the epoch, as Keras reports them: the mean of each
#: batch's loss computed before its update (weighted by the batch's rows) and the metric of
#: those same batch outputs, in training mode (with dropout, the thinned network's). They
#: lag the weights by up to an epoch; ``Trainer.evaluate()`` gives exact values on demand.
#: ``test_*`` are evaluated on the whole test set at the epoch's end (no dropout).
#: After an edit (weights typed in or loaded, training points changed) one more row holds the
#: exact values at the edited weights (``core.teach.editing.record_evaluation``); its
#: ``epoch`` is where the edit happened: fractional mid-epoch, or the last row's again.
COLUMNS = ("epoch", "train_loss", "test_loss", "train_metric", "test_metric", "lr")

_INITIAL_CAPACITY = 256


class History:
    """Per-epoch metrics, one row per epoch.

    Examples
    --------
    >>> h = History()
    >>> h.append(epoch=1, train_loss=0.5, test_loss=0.6, train_metric=0.8, test_metric=0.7,
    ...          lr=0.1)
    >>> len(h), float(h["train_loss"][-1])
    (1, 0.5)
    """

    def __init__(self, capacity=_INITIAL_CAPACITY):
        self._data = np.empty((len(COLUMNS), max(int(capacity), 1)), dtype=np.float64)
        self._n = 0

    def append(self, epoch, train_loss, test_loss, train_metric, test_metric, lr):
        """Add one row (every value a float; ``epoch`` is the 1-based epoch number, or
        the epoch position of an edit)."""
        if self._n == self._data.shape[1]:
            grown = np.empty((len(COLUMNS), 2 * self._n), dtype=np.float64)
            grown[:, : self._n] = self._data
            self._data = grown
        self._data[:, self._n] = (epoch, train_loss, test_loss, train_metric, test_metric, lr)
        self._n += 1

    def __len__(self):
        return self._n

    def __getitem__(self, column):
        """A read-only view of one column, shape (len(self),). Copy it to keep it."""
        view = self._data[COLUMNS.index(column), : self._n]
        view.flags.writeable = False
        return view

    def last(self):
        """The latest row as a dict of floats, or None before the first epoch."""
        if not self._n:
            return None
        return {c: float(v) for c, v in zip(COLUMNS, self._data[:, self._n - 1], strict=True)}

    def as_arrays(self):
        """Copies of every column, ``{name: ndarray (len(self),) float64}``."""
        rows = self._data[:, : self._n].copy()  # one copy, then views into it
        return {c: rows[i] for i, c in enumerate(COLUMNS)}

    def state_dict(self):
        """A copy of the data, for ``Trainer.state_dict``."""
        return {"columns": list(COLUMNS), "data": self._data[:, : self._n].copy()}

    def load_state_dict(self, d):
        """Replace the contents with a ``state_dict()``."""
        data = np.asarray(d["data"], dtype=np.float64)
        if list(d["columns"]) != list(COLUMNS) or data.ndim != 2:
            raise ValueError(f"history columns {d['columns']} do not match {list(COLUMNS)}")
        self._data = np.empty((len(COLUMNS), max(2 * data.shape[1], _INITIAL_CAPACITY)))
        self._data[:, : data.shape[1]] = data
        self._n = data.shape[1]

    def clear(self):
        """Forget every row."""
        self._n = 0

    def __repr__(self):
        last = self.last()
        if last is None:
            return "History(0 epochs)"
        return (f"History({self._n} epochs, train_loss={last['train_loss']:.4g}, "
                f"test_loss={last['test_loss']:.4g})")
