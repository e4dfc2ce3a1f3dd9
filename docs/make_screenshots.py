"""Regenerate the README's screenshots: ``docs/screenshot.png``, ``docs/stepthrough.png`` and
``docs/gradient_norms.png``, each of the real window (offscreen, 1440×900).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_screenshots.py [NAME ...]

Settings are kept in a throw-away organisation ("BackpropStudioScreenshots") so a user's
remembered layout never leaks into the pictures. Training runs on the real worker thread;
the script waits on the window's own signals and counters, never on fixed sleeps alone.
"""

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.data import load_dataset  # noqa: E402
from core.train.config import TrainConfig  # noqa: E402

SIZE = (1440, 900)
DOCS = ROOT / "docs"


def wait_until(condition, timeout_s=60.0):
    """Run the event loop until ``condition()`` is true (RuntimeError after ``timeout_s``)."""
    loop, waited = QEventLoop(), [0.0]

    def check():
        waited[0] += 0.05
        if condition() or waited[0] > timeout_s:
            loop.quit()

    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(50)
    loop.exec()
    timer.stop()
    if not condition():
        raise RuntimeError(f"gave up after {timeout_s:.0f} s")


def settle(seconds=0.6):
    """Let queued snapshots and staggered view updates land."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def open_window(dataset, config):
    from gui.main_window import MainWindow

    window = MainWindow(dataset, config)
    window.resize(*SIZE)
    window.show()
    settle()
    return window


def train_to_epoch(window, epoch):
    """Play until ``epoch`` epochs are done, then pause."""
    window.session.play()
    wait_until(lambda: window.session.counters[1] >= epoch)
    window.session.pause()
    wait_until(lambda: not window.session.running)
    window.session.painter.bring_up_to_date()
    settle()


def save(window, name):
    path = DOCS / name
    if not window.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"wrote {path.relative_to(ROOT)}")


def main_window_shot():
    """Two circles, 2-8-8-1 tanh, mid-training: the README's first picture."""
    config = TrainConfig(hidden=(8, 8), activation="tanh", lr=0.03, batch_size=10,
                         epochs=10**6, seed=1)
    window = open_window(load_dataset("circles", noise=0.1), config)
    train_to_epoch(window, 60)
    save(window, "screenshot.png")
    window.close()


def stepthrough_shot():
    """XOR, 2-4-2-1 tanh: one update stepped through up to the backward pass of Hidden 2."""
    config = TrainConfig(hidden=(4, 2), activation="tanh", lr=0.1, epochs=10**6, seed=0)
    window = open_window(load_dataset("xor"), config)
    train_to_epoch(window, 30)
    actions = window.actions_by_name
    actions["stepThrough"].trigger()
    mode = window.stepthrough
    wait_until(lambda: mode.state() is not None)
    while mode.state().index < 5:  # forward ×3, loss, backward output, backward hidden 2
        before = mode.state().index
        actions["nextPhase"].trigger()
        wait_until(lambda: mode.state().index > before)  # noqa: B023 - evaluated right here
    mode.select((2, 1))
    settle()
    save(window, "stepthrough.png")
    actions["leaveStep"].trigger()
    window.close()


def gradient_norms_shot():
    """Help → Examples → Vanishing gradients after 120 steps, the norm view in front."""
    window = open_window(load_dataset("circles"), TrainConfig(epochs=10**6))
    window.actions_by_name["lesson_vanishing_gradients"].trigger()
    settle()
    window.norms.dock.raise_()
    train_to_epoch(window, 120)
    save(window, "gradient_norms.png")
    window.close()


SHOTS = {"screenshot": main_window_shot, "stepthrough": stepthrough_shot,
         "gradient_norms": gradient_norms_shot}


def run_shots(shots, names):
    """Take the screenshots ``names`` (all of ``shots`` when empty), with settings of their own
    (never the user's)."""
    app = QApplication.instance() or QApplication([])
    QCoreApplication.setOrganizationName("BackpropStudioScreenshots")
    for name in names or shots:
        if name not in shots:
            raise SystemExit(f"unknown screenshot {name!r}; choose from {', '.join(shots)}")
        shots[name]()
    app.processEvents()


def main(names):
    run_shots(SHOTS, names)


if __name__ == "__main__":
    main(sys.argv[1:])
