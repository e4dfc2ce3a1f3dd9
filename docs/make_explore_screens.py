"""Regenerate ``docs/screens/playground.png`` and ``docs/screens/landscape.png``: the optimizer
playground and the loss landscape windows of the real app (offscreen).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_explore_screens.py [NAME ...]

Uses the helpers of ``docs/make_screenshots.py`` (throw-away settings, waiting on the window's
own signals).
"""

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS))

import make_screenshots as shots  # noqa: E402

from core.data import load_dataset  # noqa: E402
from core.train.config import TrainConfig  # noqa: E402

SCREENS = DOCS / "screens"


def save(widget, name):
    path = SCREENS / name
    path.parent.mkdir(exist_ok=True)
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path.relative_to(shots.ROOT)}")


def playground_shot():
    """Rosenbrock from (−1.2, 1) after 600 steps of every optimizer."""
    from gui.explore import explore_of

    window = shots.open_window(load_dataset("circles"), TrainConfig(epochs=10**6))
    window.actions_by_name["optimizerPlayground"].trigger()
    playground = explore_of(window).playground
    playground.step(600)
    shots.settle()
    save(playground, "playground.png")
    window.close()


def landscape_shot():
    """Circles, 2-16-8-1 tanh, 40 epochs: the plane of the run's own path.

    Trained one epoch per request, so the path gets a point at every epoch (while playing at
    full speed it gets one per snapshot the window draws)."""
    from gui.explore import explore_of

    config = TrainConfig(hidden=(16, 8), activation="tanh", lr=0.03, epochs=10**6, seed=1)
    window = shots.open_window(load_dataset("circles", noise=0.1), config)
    window.actions_by_name["lossLandscape"].trigger()
    landscape = explore_of(window).landscape
    source = explore_of(window).source
    for epoch in range(1, 41):
        window.session.step_epoch()
        shots.wait_until(lambda: window.session.counters[1] >= epoch  # noqa: B023
                         and source.snapshot.step == window.session.counters[0])
    landscape.mode_combo.setCurrentIndex(landscape.mode_combo.findData("trajectory"))
    landscape.refresh()
    step = window.session.last_snapshot.step
    shots.wait_until(lambda: landscape.result is not None and not landscape.busy()
                     and landscape.result.request.step == step
                     and landscape.result.landscape.plane.kind == "trajectory")
    shots.settle()
    save(landscape, "landscape.png")
    window.close()


SHOTS = {"playground": playground_shot, "landscape": landscape_shot}


def main(names):
    shots.run_shots(SHOTS, names)


if __name__ == "__main__":
    main(sys.argv[1:])
