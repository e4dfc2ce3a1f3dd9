"""``KeptRun`` and ``KeptRuns``: runs set aside by a change, for Edit → Undo and Redo (no Qt).

A stack keeps at most ``max_entries`` runs and, beyond the newest one, at most ``max_bytes``
of memory in all: pushing a run drops the oldest ones that no longer fit (a run of the
digits with its timeline can take ~150 MB; a small 2-D run, a few MB).
"""

from dataclasses import dataclass

#: Most runs an Undo (or Redo) stack keeps, and the memory they may take together.
MAX_ENTRIES = 10
MAX_BYTES = 400_000_000


@dataclass(frozen=True)
class KeptRun:
    """One run as it was before a change replaced it.

    Attributes
    ----------
    run : core.train.run_copy.RunCopy
        Trainer state, network, data, config and input pipeline.
    config : TrainConfig
        What the user had chosen (the panels show it again).
    records : tuple
        ``(norms, timeline)`` from :func:`gui.undo.records.take_records` (None each when the
        window has no such view).
    saved : bool
        The run was saved as it was (so bringing it back loses nothing unsaved).
    what : str
        The change that replaced it, in the panels' words ("activation tanh → silu").
    lesson : object
        The lesson open with the run (``core.teach.lessons.Lesson``), or None.
    lesson_variant : str or None
        The variant of ``lesson`` it was set up as (None: the original setup).
    distributions : object
        The Distributions view's bands (``core.watch.distributions.DistributionHistory``,
        from :func:`gui.undo.records.take_shown_records`), or None.
    """

    run: object
    config: object
    records: tuple
    saved: bool
    what: str
    lesson: object = None
    lesson_variant: object = None
    distributions: object = None

    @property
    def step_count(self):
        return self.run.step_count

    @property
    def nbytes(self):
        norms, timeline = self.records
        size = self.run.nbytes
        if norms is not None:
            steps, grad, weight = norms.arrays()
            size += steps.nbytes + grad.nbytes + weight.nbytes
        if timeline is not None:
            size += timeline[0].nbytes
        if self.distributions is not None:
            size += self.distributions.nbytes
        return size


class KeptRuns:
    """A bounded stack of :class:`KeptRun` (newest last)."""

    def __init__(self, max_entries=MAX_ENTRIES, max_bytes=MAX_BYTES):
        self.max_entries = int(max_entries)
        self.max_bytes = int(max_bytes)
        self._runs = []
        self._sizes = []

    def push(self, kept):
        """Keep ``kept`` on top; drop the oldest runs beyond the count or memory limit."""
        self._runs.append(kept)
        self._sizes.append(kept.nbytes)
        while len(self._runs) > 1 and (len(self._runs) > self.max_entries
                                       or sum(self._sizes) > self.max_bytes):
            del self._runs[0], self._sizes[0]

    def pop(self):
        """The newest run, removed (IndexError when empty)."""
        self._sizes.pop()
        return self._runs.pop()

    def peek(self):
        """The newest run, or None."""
        return self._runs[-1] if self._runs else None

    def clear(self):
        self._runs.clear()
        self._sizes.clear()

    @property
    def nbytes(self):
        return sum(self._sizes)

    def __len__(self):
        return len(self._runs)

