"""The per-step records of a run besides the trainer: the gradient-norm history
(``window.norms``) and the timeline (``window.timeline``), and the Distributions view's
quantile bands (``window.analysis.recorder``).

The first two live with their observers in the worker thread, so they are taken and put
back from functions the worker runs (``TrainingSession.call``); a window without those
features has no records: ``(None, None)``. The bands live in the GUI thread, recorded for
the view whether it is built or not (:func:`take_shown_records`,
:func:`put_back_shown_records`).
"""

def observers(window):
    """``(norms_observer, timeline_observer)`` of ``window`` (None each when absent)."""
    norms, timeline = getattr(window, "norms", None), getattr(window, "timeline", None)
    return (None if norms is None else norms.observer,
            None if timeline is None else timeline.observer)


def take_records(norms_observer, timeline_observer, trainer):
    """Worker thread: ``(norms, (timeline, head))`` copies for ``trainer``'s run."""
    norms = None
    if norms_observer is not None and norms_observer.history is not None:
        norms = norms_observer.kept(trainer)
    timeline = timeline_observer.kept(trainer) if timeline_observer is not None else None
    return norms, timeline


def put_back_records(norms_observer, timeline_observer, trainer, records):
    """Worker thread: make ``records`` (from :func:`take_records`) ``trainer``'s again."""
    norms, timeline = records
    if norms_observer is not None and norms is not None \
            and norms.n_layers == len(trainer.network.layers):
        norms_observer.put_back(trainer, norms)
    if timeline_observer is not None and timeline is not None:
        timeline_observer.put_back(trainer, timeline)


def records_taker(window):
    """``fn(trainer)`` for ``session.call``: the run's records now."""
    norms, timeline = observers(window)
    return lambda trainer: take_records(norms, timeline, trainer)


def records_putter(window, records):
    """``fn(trainer)`` for ``session.call``: put ``records`` back for the current trainer."""
    norms, timeline = observers(window)
    return lambda trainer: put_back_records(norms, timeline, trainer, records)


def take_shown_records(window):
    """GUI thread: a copy of the Distributions view's recorded bands (None without it)."""
    analysis = getattr(window, "analysis", None)
    return None if analysis is None else analysis.recorder.kept_history()


def put_back_shown_records(window, shown):
    """GUI thread: the Distributions view shows ``shown`` (from :func:`take_shown_records`)
    again; call after the run's network is installed."""
    analysis = getattr(window, "analysis", None)
    if analysis is not None and shown is not None:
        analysis.put_back_distributions(shown)
