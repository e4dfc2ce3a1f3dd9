"""``TrainerInfo``: the static description of a run (data, pipeline, config, sizes), built
once per run by ``Trainer.info()`` and shared read-only with every view."""

from dataclasses import dataclass

#: Fraction of the data range added on each side of a surface, so points are not on the edge.
SURFACE_MARGIN = 0.1


@dataclass(frozen=True)
class TrainerInfo:
    """Static description of a run: built once by ``Trainer.info()``, shared read-only.

    Attributes
    ----------
    dataset : Dataset
    pipeline : InputPipeline
    config : TrainConfig
        Resolved (output activation, loss and standardize filled in).
    sizes : tuple of int
        Layer sizes including input and output, e.g. ``(2, 16, 8, 1)``.
    activation_names : tuple of str
        One per layer (hidden layers, then output).
    feature_names : tuple of str
        Names of the network inputs (raw inputs then derived features).
    metric_name : str
        ``"accuracy"`` or ``"r2"``.
    surface_bounds : tuple of float or None
        ``(xmin, xmax, ymin, ymax)`` in raw input coordinates for 2-D data, else None.
    """

    dataset: object
    pipeline: object
    config: object
    sizes: tuple
    activation_names: tuple
    feature_names: tuple
    metric_name: str
    surface_bounds: tuple | None


def trainer_info(trainer):
    """``Trainer.info()``: the run's ``TrainerInfo``."""
    ds = trainer.dataset
    return TrainerInfo(
        dataset=ds,
        pipeline=trainer.pipeline,
        config=trainer.config,
        sizes=tuple(trainer.network.sizes),
        activation_names=tuple(trainer.network.activation_names),
        feature_names=tuple(trainer.pipeline.feature_names(ds.input_names)),
        metric_name=trainer.metric_name,
        surface_bounds=surface_bounds(ds, (0, 1)) if ds.is_2d else None,
    )


def surface_bounds(dataset, columns=(0, 1)):
    """``(xmin, xmax, ymin, ymax)`` of two raw input columns over train and test rows.

    Each range gets ``SURFACE_MARGIN`` of its span on both sides (at least 0.1, so a
    constant column still spans a visible strip). A dataset whose spec names a drawing
    ``frame`` ``[xmin, xmax, ymin, ymax]`` (a canvas the user draws points on) is shown over
    at least that frame, so the plane does not shrink to the first few points.
    """
    stats, columns_ = dataset.input_stats, list(columns)
    bounds = []
    for lo, hi in zip(stats.low[columns_].tolist(), stats.high[columns_].tolist(), strict=True):
        pad = max(SURFACE_MARGIN * (hi - lo), 0.1)
        bounds += [lo - pad, hi + pad]
    frame = dataset.spec.get("frame")
    if frame is not None and tuple(columns) == (0, 1):
        bounds = [min(bounds[0], frame[0]), max(bounds[1], frame[1]),
                  min(bounds[2], frame[2]), max(bounds[3], frame[3])]
    return tuple(bounds)
