"""Ready-made lessons: a dataset, a training setup and a short explanation, as plain data.

Each lesson sets up one experiment that shows a classic fact about training (the seed
notebooks' "interview questions"). A lesson may have *variants*: the same experiment with a
few settings changed (usually the fix), so the student can compare. The GUI lists
``LESSONS.names()``; the ``view`` field names the view worth opening (``"gradient_norms"``,
``"decision_surface"``, ``"loss_curves"``, ``"diagram"``).
"""

from dataclasses import dataclass, field

from core.config import TrainConfig
from core.datasets import load_dataset
from core.errors import UserInputError
from core.registry import Registry

LESSONS = Registry("lesson")


@dataclass(frozen=True)
class Variant:
    """A named change to a lesson's setup: ``config`` holds the ``TrainConfig`` fields changed."""

    name: str
    title: str
    config: dict
    explanation: str


@dataclass(frozen=True)
class Lesson:
    """One experiment, as data.

    Attributes
    ----------
    id, title : str
    explanation : str
        One paragraph for a student.
    look_at : str
        What to watch while it trains.
    dataset : str
        Name in ``DATASETS``; ``dataset_params`` are ``load_dataset`` keyword arguments.
    config : dict
        ``TrainConfig`` fields (the rest keep their defaults).
    view : str or None
        The view to show first.
    variants : tuple of Variant
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
        return TrainConfig(**fields)

    def __repr__(self):
        return f"Lesson({self.id!r}, {self.title!r}, dataset={self.dataset!r})"


def lesson_trainer(lesson_id, variant=None):
    """A fresh ``Trainer`` set up for lesson ``lesson_id`` (optionally one of its variants)."""
    from core.trainer import Trainer  # the trainer never imports lessons; keep core light

    lesson = LESSONS.get(lesson_id)
    return Trainer(lesson.make_dataset(), lesson.make_config(variant))


def _add(lesson):
    LESSONS.add(lesson.id, lesson)


_CIRCLES = {"n_samples": 400, "noise": 0.15, "seed": 0}

_add(Lesson(
    id="zero_init_symmetry",
    title="Zero initialisation: every neuron stays the same",
    explanation=(
        "If every weight starts at zero, all neurons of a hidden layer compute the same value, "
        "receive the same error signal δ and therefore the same update. They start identical "
        "and stay identical forever: a layer of six neurons behaves like a single neuron, and "
        "the network cannot bend its decision boundary around the inner circle. Random "
        "initialisation exists to break this symmetry."
    ),
    look_at=("Hover the hidden neurons: their heatmaps are identical at every step. Open the "
             "weight heatmaps: each layer's columns are copies of each other."),
    dataset="circles", dataset_params=_CIRCLES,
    config={"hidden": (6, 4), "activation": "sigmoid", "init": "zeros", "lr": 0.5,
            "batch_size": 10, "epochs": 200, "seed": 0},
    view="diagram",
    variants=(Variant("random_init", "Random (Xavier) initialisation",
                      {"init": "xavier_uniform"},
                      "Random starting weights make the neurons differ, so they can learn "
                      "different features."),),
))

_add(Lesson(
    id="vanishing_gradients",
    title="Vanishing gradients: 8 sigmoid layers",
    explanation=(
        "Backpropagation multiplies the error signal by f′(z) at every layer on its way back. "
        "The sigmoid's slope is at most 0.25, so after eight sigmoid layers the gradient "
        "reaching the first layer is millions of times smaller than at the output: the first "
        "layers barely learn. ReLU has slope 1 wherever it is active and, with He "
        "initialisation, keeps the signal's size from layer to layer, so every layer learns. "
        "This is why deep networks use ReLU in their hidden layers."
    ),
    look_at=("The gradient-norm plot (log scale): one line per layer. In the first steps "
             "the sigmoid network's first-layer line is five or more decades below the last's; "
             "within about 100 steps every line sinks and the loss sticks at 0.69 (a coin "
             "toss). Switch to the ReLU + He variant: the lines stay within about a decade of "
             "each other and the loss falls towards zero."),
    dataset="circles", dataset_params=_CIRCLES,
    config={"hidden": (16,) * 8, "activation": "sigmoid", "init": "xavier_uniform",
            "lr": 0.1, "batch_size": None, "epochs": 2000, "seed": 0},
    view="gradient_norms",
    variants=(Variant("relu_he", "ReLU with He initialisation",
                      {"activation": "relu", "init": "he_normal"},
                      "ReLU passes gradients through unchanged where it is active; He "
                      "initialisation keeps the activations' scale from layer to layer."),),
))

_add(Lesson(
    id="divergent_learning_rate",
    title="A learning rate that is too large diverges",
    explanation=(
        "Gradient descent takes steps of size η·∂L/∂w. If η is too large, each step overshoots "
        "the minimum by more than it corrects, the error grows instead of shrinking, and "
        "within a few dozen steps the weights and the loss overflow to infinity. Training "
        "stops and tells you at which step and in which layer it blew up. Lowering the "
        "learning rate (or clipping the gradient) fixes it."
    ),
    look_at="The loss curve shoots up, then training stops with a divergence message.",
    dataset="squares_sum", dataset_params={"n_samples": 200, "seed": 0},
    config={"hidden": (8,), "activation": "tanh", "lr": 10.0, "batch_size": 10,
            "epochs": 200, "seed": 0},
    view="loss_curves",
    variants=(Variant("small_lr", "Learning rate 0.05", {"lr": 0.05},
                      "A small enough step makes the loss go down steadily."),),
))

_add(Lesson(
    id="xor_needs_hidden_layer",
    title="XOR needs a hidden layer",
    explanation=(
        "A network without a hidden layer draws one straight line through the plane. XOR's "
        "four points cannot be separated by any straight line: the best a line can do is "
        "three of four, 75 %. One hidden layer of two neurons draws two lines and combines "
        "them, and solves XOR."
    ),
    look_at=("The decision surface: with no hidden layer it stays a half-plane and the "
             "accuracy never exceeds 75 %. The 2-2-1 variant bends it around the corners."),
    dataset="xor",
    config={"hidden": (), "init": "xavier_uniform", "lr": 1.0, "batch_size": None,
            "epochs": 5000, "seed": 0},
    view="decision_surface",
    variants=(Variant("hidden_2", "One hidden layer of 2 sigmoid neurons",
                      {"hidden": (2,), "activation": "sigmoid"},
                      "Two hidden neurons are enough: each learns one line (like OR and "
                      "NAND) and the output combines them."),),
))

_add(Lesson(
    id="he_vs_xavier",
    title="He vs Xavier initialisation in a deep ReLU network",
    explanation=(
        "ReLU sets half of its inputs to zero, so with Xavier initialisation (scaled for "
        "functions like tanh) the signal's spread halves at every layer: after twelve layers "
        "the output barely depends on the input and the gradients are tiny, so training "
        "crawls. He initialisation doubles the weights' variance to compensate, the signal "
        "keeps its size through every layer, and the same network trains quickly."
    ),
    look_at=("The neuron heatmaps fade towards the output with Xavier and stay vivid with He; "
             "compare the loss curves of the two variants."),
    dataset="circles", dataset_params=_CIRCLES,
    config={"hidden": (32,) * 12, "activation": "relu", "init": "xavier_normal",
            "lr": 0.05, "batch_size": None, "epochs": 300, "seed": 0},
    view="gradient_norms",
    variants=(Variant("he", "He initialisation", {"init": "he_normal"},
                      "Variance 2/fan_in keeps the activations' scale through ReLU layers."),),
))


def lesson_summary(lesson_id):
    """Title, explanation and what to look at, as a few lines of plain text."""
    lesson = LESSONS.get(lesson_id)
    return "\n".join([lesson.title, "", lesson.explanation, "", f"Look at: {lesson.look_at}"])
