"""Lesson files (``.bplesson``): a teacher's setup in one JSON file a student opens.

A lesson holds a title, the text for the student (what it shows, and what to look at), the
data (a built-in dataset and its generation settings), the network and training settings (a
``TrainConfig``), the view to bring forward, optional *variants* (the same setup with a few
settings changed, to compare) and which controls of the window are hidden or locked.

The document, UTF-8 JSON::

    {"format": "backprop-studio-lesson", "version": 1,
     "id": "xor_needs_hidden_layer", "title": "...", "text": "...", "look_at": "...",
     "dataset": {"name": "circles", "n_samples": 400, "noise": 0.15, "seed": 0},
     "config": {...TrainConfig.to_dict() fields...},
     "view": "decision_surface", "speed": 30,
     "controls": {"hidden": ["optimizer"], "locked": ["hidden_layers"]},
     "variants": [{"name": "...", "title": "...", "explanation": "...", "config": {...}}],
     "race": [{}, {"optimizer": "adam", "lr": 0.01}]}

``race`` is optional: 2 to 4 racers' setting changes from ``config`` (``{}``: the lesson's own
settings); a lesson with a race opens the race window when it is set up
(``core.watch.race``).

``load_lesson`` checks everything before anything is built for the window: a malformed or
hostile file raises ``UserInputError`` saying what is wrong, where (the file and the field)
and how to fix it, and the caller's current run is never touched. ``save_lesson`` writes all
or nothing (``core.io.atomic``).
"""

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from core.data import DATASETS, load_dataset
from core.errors import UserInputError
from core.train.config import TrainConfig
from core.watch.race import MAX_RACERS, MIN_RACERS, race_configs

FORMAT_TAG = "backprop-studio-lesson"
#: Version written; files of versions 1..FORMAT_VERSION are read.
FORMAT_VERSION = 1
SUFFIX = ".bplesson"
#: Bigger files are refused before parsing (a lesson is a few kilobytes).
MAX_FILE_BYTES = 1_000_000
MAX_TEXT_CHARS = 20_000
MAX_TITLE_CHARS = 200
MAX_VARIANTS = 8
#: The largest ``n_samples`` a lesson may ask for (the data panel's own limit).
MAX_SAMPLES = 100_000
VIEWS = ("diagram", "decision_surface", "loss_curves", "gradient_norms")
#: Steps per second a lesson may play at (the window's speed choices; 0 = Max speed).
SPEEDS = (0, 1000, 100, 30, 10, 3, 1)
#: Data a lesson can rebuild anywhere (a CSV file or hand-placed points would not travel).
PORTABLE_SOURCES = ("generator", "builtin")
#: What a wrong setting can raise while the data or the settings are built.
_MALFORMED = (TypeError, ValueError, KeyError, AttributeError, OverflowError, IndexError)

#: Control name -> what it is in the window (the names a lesson lists as hidden or locked).
CONTROLS = {
    "dataset": "Data choice (tiles, CSV, noise, samples, seed, point editing)",
    "features": "Input features",
    "learning_rate": "Learning rate",
    "optimizer": "Optimizer and its settings",
    "batch_size": "Batch size",
    "epochs": "Epoch limit",
    "schedule": "Learning-rate schedule",
    "seed": "Seed",
    "precision": "Precision",
    "hidden_layers": "Hidden layers (the diagram's +/− buttons)",
    "activation": "Activation",
    "output": "Output layer and loss",
    "initializer": "Initializer",
    "inputs": "Input scaling",
    "regularization": "Regularization (penalty, dropout, clipping, early stop)",
}


@dataclass(frozen=True)
class Variant:
    """A named change to a lesson's setup: ``config`` holds the ``TrainConfig`` fields changed."""

    name: str
    title: str
    config: dict
    explanation: str


@dataclass(frozen=True)
class Lesson:
    """One lesson, as data (see the module docstring for the file it is saved as).

    Attributes
    ----------
    id, title : str
    explanation : str
        The text for the student.
    look_at : str
        What to watch while it trains.
    dataset : str
        Name in ``DATASETS``; ``dataset_params`` are ``load_dataset`` keyword arguments.
    config : dict
        ``TrainConfig`` fields (the rest keep their defaults).
    view : str or None
        The view to show first (one of ``VIEWS``).
    variants : tuple of Variant
    hidden_controls, locked_controls : tuple of str
        Names in ``CONTROLS``.
    race : tuple of dict
        Empty, or 2–4 racers' ``TrainConfig`` changes from ``config``.
    speed : int or None
        Training steps per second the lesson plays at (one of ``SPEEDS``; ``0`` = as fast as
        possible), so it plays at a pace one can watch; None keeps the window's speed.
    """

    id: str
    title: str
    explanation: str
    look_at: str
    dataset: str
    dataset_params: dict = field(default_factory=dict)
    config: dict = field(default_factory=dict)
    view: str | None = None
    variants: tuple = ()
    hidden_controls: tuple = ()
    locked_controls: tuple = ()
    race: tuple = ()
    speed: int | None = None

    def variant(self, name):
        """The variant called ``name`` (``UserInputError`` listing the choices)."""
        for v in self.variants:
            if v.name == name:
                return v
        names = ", ".join(v.name for v in self.variants) or "none"
        raise UserInputError(f"Lesson {self.id!r} has no variant {name!r}. Variants: {names}.")

    def make_dataset(self):
        """The lesson's ``Dataset`` (seeded: the same rows every time)."""
        return load_dataset(self.dataset, **self.dataset_params)

    def make_config(self, variant=None):
        """The lesson's ``TrainConfig``, with ``variant``'s changes when given."""
        fields = dict(self.config)
        if variant is not None:
            fields.update(self.variant(variant).config)
        return TrainConfig.from_dict(fields)

    def make_race_configs(self):
        """The checked ``TrainConfig`` of each racer (``[]`` when the lesson has no race)."""
        if not self.race:
            return []
        return race_configs(self.make_config(), [dict(r) for r in self.race],
                            self.make_dataset(), where=f"Lesson {self.title!r}")

    def __repr__(self):
        return f"Lesson({self.id!r}, {self.title!r}, dataset={self.dataset!r})"


# ----------------------------------------------------------------------------- writing
def lesson_from_setup(title, explanation, look_at, dataset, config, hidden=(), locked=(),
                      view=None, race=()):
    """A ``Lesson`` of the current setup: ``dataset`` (a ``Dataset``) and ``config``;
    ``race``: empty, or 2–4 dicts of racers' setting changes from ``config``.

    Raises ``UserInputError`` when the data cannot travel in a lesson (a CSV file, drawn
    points), the title is empty, or a control name is unknown.
    """
    spec = dict(dataset.spec)
    if spec.get("source") not in PORTABLE_SOURCES:
        raise UserInputError(
            "A lesson can only use the built-in datasets (its file holds the data's recipe, "
            f"not the data); this run uses {_source_words(spec)}. Choose a dataset tile first.")
    params = {k: v for k, v in spec.items() if k not in ("source", "name")}
    lesson = Lesson(id=_slug(title), title=str(title).strip(), explanation=str(explanation),
                    look_at=str(look_at), dataset=spec["name"], dataset_params=params,
                    config=config.to_dict(), view=view,
                    hidden_controls=tuple(hidden), locked_controls=tuple(locked),
                    race=tuple(dict(r) for r in race))
    return lesson_from_document(lesson_document(lesson), "the new lesson")


def _source_words(spec):
    source = spec.get("source")
    return {"csv": "a CSV file", "drawn": "hand-placed points"}.get(source, f"{source!r} data")


def _slug(title):
    words = "".join(c if c.isalnum() else " " for c in str(title).lower()).split()
    return "_".join(words)[:60] or "lesson"


def lesson_document(lesson):
    """The JSON-safe dict saved for ``lesson``."""
    document = {
        "format": FORMAT_TAG, "version": FORMAT_VERSION, "id": lesson.id,
        "title": lesson.title, "text": lesson.explanation, "look_at": lesson.look_at,
        "dataset": {"name": lesson.dataset, **lesson.dataset_params},
        "config": TrainConfig.from_dict(dict(lesson.config)).to_dict(),
        "view": lesson.view,
        **({} if lesson.speed is None else {"speed": lesson.speed}),
        "controls": {"hidden": list(lesson.hidden_controls),
                     "locked": list(lesson.locked_controls)},
        "variants": [{"name": v.name, "title": v.title, "explanation": v.explanation,
                      "config": _jsonable(v.config)} for v in lesson.variants],
    }
    if lesson.race:  # written only when there is one: lessons without stay as they were
        document["race"] = [_jsonable(r) for r in lesson.race]
    return document


def _jsonable(d):
    return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


def lesson_json(lesson):
    """The file's text for ``lesson`` (indented, UTF-8 safe, ends with a newline)."""
    return json.dumps(lesson_document(lesson), indent=2, ensure_ascii=False,
                      allow_nan=False) + "\n"


def save_lesson(path, lesson):
    """Write ``lesson`` to ``path`` (all or nothing); returns the ``Path``."""
    from core.io.atomic import atomic_write_text

    return atomic_write_text(path, lesson_json(lesson))


# ----------------------------------------------------------------------------- reading
def load_lesson(path):
    """The checked ``Lesson`` in file ``path``; ``UserInputError`` (naming it) otherwise.

    The lesson's data and every variant's settings are built and validated here, so a lesson
    that loads also sets up.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UserInputError(
                f"Lesson file {path}: {size:,} bytes is too big for a lesson (at most "
                f"{MAX_FILE_BYTES:,}); is this really a .bplesson file?")
        data = path.read_bytes()
    except OSError as e:
        raise UserInputError(f"Cannot read lesson file {path}: {e.strerror or e}. "
                             "Check the name and that you may read it.") from None
    return parse_lesson(data, str(path))


def parse_lesson(data, where="the lesson", build=True):
    """The checked ``Lesson`` in ``data`` (bytes or str); ``where`` names it in errors.

    ``build=False`` checks every field but builds neither the data nor the settings (for
    the shipped lessons, which the tests build: ``core.teach.lessons``)."""
    if len(data) > MAX_FILE_BYTES:
        raise UserInputError(f"Lesson file {where} is too big for a lesson (at most "
                             f"{MAX_FILE_BYTES:,} bytes).")
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        document = json.loads(text, parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise UserInputError(f"Lesson file {where} is not UTF-8 text; a lesson is a JSON "
                             "file saved by File → Save as lesson.") from None
    except json.JSONDecodeError as e:
        raise UserInputError(f"Lesson file {where} is not valid JSON (line {e.lineno}, "
                             f"column {e.colno}: {e.msg}). Fix it in a text editor or save "
                             "the lesson again.") from None
    except RecursionError:
        raise UserInputError(f"Lesson file {where} nests too deeply to be a lesson.") from None
    return lesson_from_document(document, where, build)


def _refuse_constant(name):
    raise UserInputError(f"{name} is not a number a lesson may hold; write a finite number.")


def lesson_from_document(document, where="the lesson", build=True):
    """The checked ``Lesson`` of a parsed document (see the module docstring); with
    ``build`` its data and every variant's settings are built and validated as well."""
    check = _Checker(where)
    check.that(isinstance(document, dict), "the file", "is not a JSON object",
               "save the lesson again with File → Save as lesson")
    _check_format(check, document)
    known = {"format", "version", "id", "title", "text", "look_at", "dataset", "config",
             "view", "speed", "controls", "variants", "race"}
    for key in document:
        check.that(key in known, repr(key), "is not a lesson field",
                   f"remove it (lesson fields: {', '.join(sorted(known))})")
    title = check.text(document, "title", MAX_TITLE_CHARS, required=True)
    lesson = Lesson(
        id=check.text(document, "id", MAX_TITLE_CHARS) or _slug(title), title=title,
        explanation=check.text(document, "text", MAX_TEXT_CHARS),
        look_at=check.text(document, "look_at", MAX_TEXT_CHARS),
        dataset=_dataset_name(check, document.get("dataset")),
        dataset_params=_dataset_params(check, document["dataset"]),
        config=_config_fields(check, document.get("config", {}), "config"),
        view=_view(check, document.get("view")),
        variants=_variants(check, document.get("variants", [])),
        hidden_controls=_controls(check, document.get("controls", {}), "hidden"),
        locked_controls=_controls(check, document.get("controls", {}), "locked"),
        race=_race(check, document.get("race", [])),
        speed=_speed(check, document.get("speed")),
    )
    if build:
        _check_builds(check, lesson)
    return lesson


class _Checker:
    """Raises ``UserInputError`` messages of one shape: file, field, what, how to fix."""

    def __init__(self, where):
        self.where = where

    def fail(self, field_name, what, fix):
        raise UserInputError(f"Lesson file {self.where}: {field_name} {what}; {fix}.")

    def that(self, ok, field_name, what, fix):
        if not ok:
            self.fail(field_name, what, fix)

    def text(self, document, key, limit, required=False):
        value = document.get(key, "")
        self.that(isinstance(value, str), f'"{key}"', "must be text", "put it in quotes")
        self.that(len(value) <= limit, f'"{key}"', f"is {len(value):,} characters long",
                  f"shorten it to at most {limit:,}")
        self.that(bool(value.strip()) or not required, f'"{key}"', "is empty",
                  "give the lesson a title")
        return value


def _check_format(check, document):
    check.that(document.get("format") == FORMAT_TAG, '"format"',
               f"is {document.get('format')!r}, not {FORMAT_TAG!r}",
               "open a .bplesson file saved by Backprop Studio")
    version = document.get("version")
    check.that(type(version) is int and version >= 1, '"version"',
               f"is {version!r}", "it must be a whole number from 1")
    check.that(version <= FORMAT_VERSION, '"version"',
               f"is {version}, newer than this app reads ({FORMAT_VERSION})",
               "update Backprop Studio to open it")


def _speed(check, speed):
    check.that(speed is None or (type(speed) is int and speed in SPEEDS), '"speed"',
               f"is {speed!r}", f"use one of {', '.join(map(str, SPEEDS))} (steps per "
               "second; 0 = as fast as possible) or leave it out")
    return speed


def _dataset_name(check, spec):
    check.that(isinstance(spec, dict), '"dataset"', "is missing or not an object",
               'write e.g. {"name": "circles", "n_samples": 400}')
    name = spec.get("name")
    check.that(isinstance(name, str) and name in DATASETS, '"dataset" "name"',
               f"is {name!r}, not a built-in dataset",
               f"use one of {', '.join(DATASETS.names())}")
    return name


def _dataset_params(check, spec):
    params = {k: v for k, v in spec.items() if k not in ("name", "source")}
    for key, value in params.items():
        check.that(value is None or isinstance(value, str | bool | int | float),
                   f'"dataset" "{key}"', "must be a number, text or null",
                   "write a single value")
    n = params.get("n_samples")
    check.that(n is None or (type(n) is int and 1 <= n <= MAX_SAMPLES),
               '"dataset" "n_samples"', f"is {n!r}",
               f"use a whole number from 1 to {MAX_SAMPLES:,}")
    return params


def _config_fields(check, config, where):
    check.that(isinstance(config, dict), f'"{where}"', "is not an object",
               'write the settings as {"lr": 0.1, ...}')
    known = TrainConfig.__dataclass_fields__
    for key, value in config.items():
        check.that(key in known, f'"{where}" "{key}"', "is not a training setting",
                   f"use one of {', '.join(known)}")
        _check_plain(check, value, f'"{where}" "{key}"')
    return {k: tuple(v) if isinstance(v, list) else v for k, v in config.items()}


def _check_plain(check, value, field_name, depth=0):
    """Only numbers, text, null, short lists and small objects of those (no deep nesting)."""
    check.that(depth <= 2, field_name, "nests too deeply", "write plain values")
    if isinstance(value, list):
        check.that(len(value) <= 64, field_name, f"lists {len(value)} items",
                   "a setting lists at most 64")
        for item in value:
            _check_plain(check, item, field_name, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            _check_plain(check, item, field_name, depth + 1)
    else:
        check.that(value is None or isinstance(value, str | bool | int | float), field_name,
                   f"is {type(value).__name__}", "write a number, text or null")
        check.that(not isinstance(value, float) or math.isfinite(value), field_name,
                   "is not finite", "write a finite number")


def _view(check, view):
    check.that(view is None or view in VIEWS, '"view"', f"is {view!r}",
               f"use one of {', '.join(VIEWS)} or null")
    return view


def _variants(check, variants):
    check.that(isinstance(variants, list) and len(variants) <= MAX_VARIANTS, '"variants"',
               "is not a list of at most 8 variants", "write [] for none")
    found = []
    for i, v in enumerate(variants):
        where = f'"variants" item {i + 1}'
        check.that(isinstance(v, dict), where, "is not an object",
                   'write {"name": ..., "title": ..., "config": {...}}')
        name = check.text(v, "name", 60, required=True)
        check.that(name not in [f.name for f in found], where, f"repeats the name {name!r}",
                   "give each variant its own name")
        found.append(Variant(name, check.text(v, "title", MAX_TITLE_CHARS, required=True),
                             _config_fields(check, v.get("config", {}), f"variant {name}"),
                             check.text(v, "explanation", MAX_TEXT_CHARS)))
    return tuple(found)


def _race(check, race):
    check.that(isinstance(race, list) and (not race or MIN_RACERS <= len(race) <= MAX_RACERS),
               '"race"', f"is not a list of {MIN_RACERS} to {MAX_RACERS} racers' settings",
               'write e.g. [{}, {"optimizer": "adam"}], or [] for no race')
    return tuple(_config_fields(check, r, f"race racer {i + 1}") for i, r in enumerate(race))


def _controls(check, controls, kind):
    check.that(isinstance(controls, dict), '"controls"', "is not an object",
               'write {"hidden": [...], "locked": [...]}')
    names = controls.get(kind, [])
    check.that(isinstance(names, list), f'"controls" "{kind}"', "is not a list",
               'write e.g. ["optimizer", "learning_rate"]')
    for name in names:
        check.that(isinstance(name, str) and name in CONTROLS, f'"controls" "{kind}"',
                   f"names {name!r}, not a control", f"use {', '.join(CONTROLS)}")
    return tuple(dict.fromkeys(names))


def _check_builds(check, lesson):
    """Build the data and validate the settings of the lesson and of each variant."""
    try:
        dataset = lesson.make_dataset()
    except _MALFORMED as e:
        check.fail('"dataset"', f"cannot be built ({e})", "fix or remove the setting named")
    for variant in (None, *(v.name for v in lesson.variants)):
        where = '"config"' if variant is None else f'variant {variant!r}'
        try:
            lesson.make_config(variant).validate(dataset)
        except _MALFORMED as e:
            check.fail(where, f"does not fit the data ({e})", "fix the setting named")
    try:
        lesson.make_race_configs()
    except _MALFORMED as e:
        check.fail('"race"', f"does not fit ({e})", "fix the racer's setting named")


def lesson_summary_text(lesson):
    """Title, explanation and what to look at, as a few lines of plain text."""
    return "\n".join([lesson.title, "", lesson.explanation, "", f"Look at: {lesson.look_at}"])
