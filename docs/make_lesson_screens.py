"""Regenerate ``docs/screens/lesson.png``: a lesson file opened in the real window (offscreen),
with its text in the Lesson panel and its locked controls and the Unlock bar.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_lesson_screens.py

Uses the helpers of ``docs/make_screenshots.py`` (throw-away settings, waiting on the window's
own signals).
"""

import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS))

import make_screenshots as shots  # noqa: E402
from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.data import load_dataset  # noqa: E402
from core.teach.lesson_file import lesson_from_setup, save_lesson  # noqa: E402
from core.train.config import TrainConfig  # noqa: E402

SCREENS = DOCS / "screens"
TEXT = ("Two moons cannot be split by a straight line. With ReLU units the boundary is "
        "made of straight pieces: count them as the network learns.")


def lesson_shot():
    """Moons, 2-8-8-1 ReLU: optimizer hidden; data, learning rate and layers locked."""
    dataset = load_dataset("moons", n_samples=300, noise=0.15, seed=1)
    config = TrainConfig(hidden=(8, 8), activation="relu", lr=0.03, epochs=10**6, seed=1)
    lesson = lesson_from_setup("Moons with ReLU", TEXT, "The decision surface: straight "
                               "pieces joined at angles.", dataset, config,
                               hidden=["optimizer"],
                               locked=["dataset", "learning_rate", "hidden_layers"])
    window = shots.open_window(load_dataset("circles"), TrainConfig(epochs=10**6))
    with tempfile.TemporaryDirectory() as folder:
        path = save_lesson(Path(folder) / "moons.bplesson", lesson)
        window.lessons.files.open_file(path)
    shots.train_to_epoch(window, 60)
    shots.settle()
    SCREENS.mkdir(exist_ok=True)
    out = SCREENS / "lesson.png"
    if not window.grab().save(str(out)):
        raise OSError(f"could not write {out}")
    print(f"wrote {out.relative_to(shots.ROOT)}")
    window.close()


def main():
    app = QApplication.instance() or QApplication([])
    QCoreApplication.setOrganizationName("BackpropStudioScreenshots")
    lesson_shot()
    app.processEvents()


if __name__ == "__main__":
    main()
