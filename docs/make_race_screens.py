"""Regenerate ``docs/screens/race.png``: a race of four configurations (offscreen).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_race_screens.py

Opens Tools → Race from this run… on two moons, edits racers B–D in the dialog, plays to
step 1,500 and shows the race window. Uses the helpers of ``docs/make_screenshots.py``.
"""

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS))

import make_screenshots as shots  # noqa: E402

from core.data import load_dataset  # noqa: E402
from core.train.config import TrainConfig  # noqa: E402

SCREENS = DOCS / "screens"
STEPS = 1500


def race_shot():
    from gui.race import race_tools_of

    config = TrainConfig(hidden=(8, 8), activation="tanh", lr=0.03, epochs=10**6, seed=1)
    window = shots.open_window(load_dataset("moons", noise=0.15), config)
    window.actions_by_name["raceFromRun"].trigger()
    dialog = race_tools_of(window).dialog
    dialog.count.setValue(4)
    b, c, d = (dialog.columns[i].editors for i in (1, 2, 3))
    b["optimizer"].setCurrentText("adam")
    b["lr"].setValue(0.01)
    c["activation"].setCurrentText("relu")
    c["init"].setCurrentText("he_normal")
    d["optimizer"].setCurrentText("momentum")
    d["batch_size"].setValue(0)
    d["l2"].setValue(0.001)
    dialog.accept()
    race = race_tools_of(window).race_window
    race.resize(1180, 840)
    race.play()
    shots.wait_until(lambda: race.frames[-1].step >= STEPS)
    race.pause()
    shots.wait_until(lambda: not race.running)
    shots.settle()
    path = SCREENS / "race.png"
    if not race.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path.relative_to(shots.ROOT)}")
    window.close()


SHOTS = {"race": race_shot}

if __name__ == "__main__":
    shots.run_shots(SHOTS, sys.argv[1:])
