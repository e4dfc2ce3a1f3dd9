"""Regenerate the screenshots of the analysis views in ``docs/screens/``: each view opened
alone (offscreen) on the data it is for, fed real snapshots of a deterministic run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screens/make_view_screens.py [NAME ...]

The 3-D regression surfaces need OpenGL, which the offscreen platform lacks here: take that
one under Xvfb (Mesa's software OpenGL), e.g.
``Xvfb :77 & DISPLAY=:77 QT_QPA_PLATFORM=xcb .venv/bin/python docs/screens/make_view_screens.py
regression_3d``.
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs"))

from make_screenshots import run_shots, settle  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.data import load_dataset  # noqa: E402
from core.train.config import TrainConfig  # noqa: E402
from core.train.trainer import Trainer  # noqa: E402
from core.watch.snapshot import take_snapshot  # noqa: E402
from gui.views.surface3d import opengl_status, share_gl_contexts  # noqa: E402

OUT = ROOT / "docs" / "screens"


def trainer(name, data_kw=None, **config):
    return Trainer(load_dataset(name, **(data_kw or {})), TrainConfig(**config))


def show(view, t, size):
    view.resize(*size)
    view.show()
    view.reset(t.info())
    return view


def save(view, name):
    QApplication.processEvents()
    path = OUT / name
    if not view.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path.relative_to(ROOT)}")


def activation_shots():
    """A sigmoid layer in its flat tails (unscaled inputs), and a ReLU layer half below 0."""
    from gui.views.activation_curves import ActivationCurvesView

    t = trainer("breast_cancer", hidden=(8,), activation="sigmoid", standardize=False,
                lr=0.01, seed=0)
    t.train(2)
    view = show(ActivationCurvesView(), t, (640, 420))
    view.show_snapshot(take_snapshot(t))
    save(view, "activation_curves_sigmoid_saturated.png")
    t = trainer("spirals", {"n_classes": 3}, hidden=(16, 16), activation="relu",
                init="he_normal", lr=0.1, seed=0)
    t.train(40)
    view = show(ActivationCurvesView(), t, (640, 420))
    view.set_layer(1)
    view.show_snapshot(take_snapshot(t))
    save(view, "activation_curves_relu.png")


def distributions_shot():
    """The vanishing-gradient lesson's 8 sigmoid layers: the first layer's gradients; and
    a ReLU network with a high learning rate (dead units)."""
    from gui.views.distributions import DistributionsView

    t = trainer("circles", hidden=(16,) * 8, activation="sigmoid", init="xavier_uniform",
                lr=0.1, batch_size=None, seed=0)
    view = show(DistributionsView(), t, (640, 640))
    for _ in range(150):
        t.step()
        view.record(take_snapshot(t, surface_resolution=0))
    view.set_layer(0)
    view.show_snapshot(take_snapshot(t, surface_resolution=0))
    save(view, "distributions_sigmoid_layer1.png")
    t = trainer("spirals", {"n_classes": 3}, hidden=(16, 16), activation="relu", lr=0.3,
                seed=0)
    view = show(DistributionsView(), t, (640, 640))
    for _ in range(60):
        t.train(1)
        view.record(take_snapshot(t, surface_resolution=0))
    view.show_snapshot(take_snapshot(t, surface_resolution=0))
    save(view, "distributions_relu.png")


def confusion_shots():
    """Digits (10 classes, a cell's rows listed) and spirals (a cell ringed on the surface)."""
    from gui.views.confusion import ConfusionView
    from gui.views.surface import DecisionSurfaceView

    t = trainer("digits", hidden=(32,), lr=0.05, seed=0)
    t.train(3)
    view = show(ConfusionView(), t, (560, 640))
    view.show_snapshot(take_snapshot(t))
    counts = view.matrix().copy()
    counts[range(10), range(10)] = 0
    view.select_cell(*divmod(int(counts.argmax()), 10))
    save(view, "confusion_digits.png")
    t = trainer("spirals", {"n_classes": 3}, hidden=(16, 16), lr=0.1, seed=0)
    t.train(25)
    snap = take_snapshot(t)
    surface = show(DecisionSurfaceView(), t, (520, 460))
    surface.show_snapshot(snap)
    view = show(ConfusionView(), t, (420, 360))
    view.highlighter = surface.highlight_test_points
    view.show_snapshot(snap)
    counts = view.matrix().copy()
    counts[range(3), range(3)] = 0
    view.select_cell(*divmod(int(counts.argmax()), 3))
    save(view, "confusion_spirals.png")
    save(surface, "surface_legend_rings.png")


def legend_shot():
    """Iris: the class names of the data in the surface's legend."""
    from gui.views.surface import DecisionSurfaceView

    t = trainer("iris", hidden=(8,), lr=0.1, seed=0)
    t.train(30)
    view = show(DecisionSurfaceView(), t, (520, 460))
    view.show_snapshot(take_snapshot(t, surface_columns=(0, 1)))
    save(view, "surface_legend_iris.png")


def regression_3d_shot():
    """x1² + x2² (notebook 000): the prediction and the true function as 3-D surfaces.

    Saved from the screen, not ``grab()``: a ``QOpenGLWidget`` grabbed that way loses the
    text its items paint with ``QPainter`` (the axis names)."""
    from gui.views.regression import RegressionSurfaceView

    available, reason = opengl_status()
    if not available:
        raise SystemExit(f"{reason}: take this screenshot under Xvfb (see the docstring)")
    t = trainer("squares_sum", hidden=(16, 8), lr=0.05, seed=0)
    t.train(300)
    view = show(RegressionSurfaceView(), t, (720, 400))
    view.show_snapshot(take_snapshot(t))
    settle()
    path = OUT / "regression_3d.png"
    if not view.screen().grabWindow(view.winId()).save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path.relative_to(ROOT)}")


def houses_csv(path, n=300):
    """A house-price table: four inputs, a price in thousands (a plane plus noise)."""
    import numpy as np

    rng = np.random.default_rng(3)
    area, rooms = rng.uniform(40, 200, n), rng.integers(1, 7, n)
    age, distance = rng.uniform(0, 80, n), rng.uniform(1, 30, n)
    price = 1.5 * area + 12 * rooms - 0.6 * age - 3 * distance + 60 + rng.normal(0, 12, n)
    rows = [",".join(f"{v:.2f}" for v in r)
            for r in zip(area, rooms, age, distance, price, strict=True)]
    path.write_text("area,rooms,age,distance,price\n" + "\n".join(rows) + "\n")
    return path


def predicted_actual_shot():
    """A CSV regression with four inputs: predicted vs actual, residuals, R² and RMSE."""
    import tempfile

    from core.data import load_csv
    from gui.views.predicted_actual import PredictedActualView

    with tempfile.TemporaryDirectory() as folder:
        dataset = load_csv(houses_csv(Path(folder) / "houses.csv"), target="price")
    t = Trainer(dataset, TrainConfig(hidden=(16,), activation="relu", optimizer="adam",
                                     lr=0.03, seed=0))
    t.train(200)
    view = show(PredictedActualView(), t, (640, 360))
    view.show_snapshot(take_snapshot(t, surface_resolution=0))
    save(view, "predicted_vs_actual.png")


def slice_shot():
    """Wine over alcohol and malic acid, the other inputs at the means of class_2's rows:
    the third class, absent at the overall means, fills the slice; far points faded."""
    from PySide6.QtTest import QTest

    from gui.views.surface import DecisionSurfaceView

    t = trainer("wine", hidden=(8,), lr=0.05, seed=0)
    t.train(20)
    view = show(DecisionSurfaceView(), t, (600, 520))
    view.columnsChanged.connect(
        lambda plane: view.show_snapshot(take_snapshot(t, surface_columns=plane)))
    view.show_snapshot(take_snapshot(t, surface_columns=(0, 1)))
    view.slice_sliders.set_preset("class_2")
    QTest.qWait(200)  # the sliders' request is coalesced on a short timer
    save(view, "surface_slice_wine.png")


def warp_shot():
    """Two circles through a 6-2 tanh network: the last hidden layer's two neurons have
    pulled the rings apart so that a straight line separates them."""
    from gui.views.warp import WarpView

    t = trainer("circles", hidden=(6, 2), lr=0.1, seed=0)
    t.train(150)
    view = show(WarpView(), t, (560, 440))
    view.choose(1, 0, 1)
    view.show_snapshot(take_snapshot(t, surface_resolution=0))
    save(view, "warp_circles.png")


SHOTS = {"activations": activation_shots, "distributions": distributions_shot,
         "confusion": confusion_shots, "legend": legend_shot,
         "regression_3d": regression_3d_shot, "predicted_actual": predicted_actual_shot,
         "slice": slice_shot, "warp": warp_shot}


def main(names):
    share_gl_contexts()  # before the QApplication exists (3-D views in several windows)
    run_shots(SHOTS, names)


if __name__ == "__main__":
    main(sys.argv[1:])
