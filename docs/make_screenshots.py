"""Regenerate the README's screenshots of the real window (offscreen).

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_screenshots.py [NAME ...]

Names: ``screenshot``, ``stepthrough``, ``gradient_norms`` (``docs/*.png`` at 1440×900) and
``main`` (every state below at every size below) or ``main_<state>`` (one state at every
size), written as ``docs/screens/main_<width>x<height>_<state>.png``. States: the window at
launch, circles mid-training, digits, a 2-input regression, a step-through open and a lesson
open; sizes: a 1024×680 laptop, a 1366×768 one and a 1920×1080 projector.

Settings live in a throw-away folder (``QSettings.setPath``), so a user's remembered layout
never leaks into the pictures, and each state starts as a first-time user's. Training runs
on the real worker thread; the script waits on the window's own signals and counters, never
on fixed sleeps alone.
"""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core.data import load_dataset  # noqa: E402
from core.train.config import TrainConfig  # noqa: E402

SIZE = (1440, 900)
DOCS = ROOT / "docs"
SCREENS = DOCS / "screens"
#: Window sizes of the ``main`` shots: small laptop, common laptop, projector.
SCREEN_SIZES = ((1024, 680), (1366, 768), (1920, 1080))


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


def open_window(dataset=None, config=None, size=SIZE):
    """The main window on ``dataset`` and ``config`` (both None: as a user launches it),
    shown at ``size``."""
    from gui.shell.window import MainWindow

    window = MainWindow(dataset, config) if dataset is not None else MainWindow()
    window.resize(*size)
    window.show()
    settle()
    window.resize(*size)  # the first show may have fitted the window to its content
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


def save(window, name, folder=DOCS):
    path = folder / name
    folder.mkdir(exist_ok=True)
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
    window = stepthrough_state(SIZE)
    save(window, "stepthrough.png")
    window.actions_by_name["leaveStep"].trigger()
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


# ----------------------------------------------------------------------------- main states
def launch_state(size):
    """What a first-time user sees: the default data and network, nothing trained."""
    return open_window(size=size)


def circles_state(size):
    config = TrainConfig(hidden=(8, 8), activation="tanh", lr=0.03, batch_size=10,
                         epochs=10**6, seed=1)
    window = open_window(load_dataset("circles", noise=0.1), config, size)
    train_to_epoch(window, 40)
    return window


def digits_state(size):
    config = TrainConfig(hidden=(32,), lr=0.05, batch_size=32, epochs=10**6, seed=1)
    window = open_window(load_dataset("digits"), config, size)
    train_to_epoch(window, 8)
    return window


def regression_state(size):
    config = TrainConfig(hidden=(8, 8), activation="tanh", lr=0.03, epochs=10**6, seed=1)
    window = open_window(load_dataset("squares_sum"), config, size)
    train_to_epoch(window, 60)
    return window


def stepthrough_state(size):
    """The window at ``size`` on XOR, 2-4-2-1 tanh, stepped through to the backward pass of
    Hidden 2, its second neuron's equations open."""
    config = TrainConfig(hidden=(4, 2), activation="tanh", lr=0.1, epochs=10**6, seed=0)
    window = open_window(load_dataset("xor"), config, size)
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
    return window


def lesson_state(size):
    """Help → Examples → Vanishing gradients, trained a little."""
    window = open_window(load_dataset("circles"), TrainConfig(epochs=10**6), size)
    window.actions_by_name["lesson_vanishing_gradients"].trigger()
    settle()
    train_to_epoch(window, 40)
    return window


STATES = {"launch": launch_state, "circles": circles_state, "digits": digits_state,
          "regression": regression_state, "stepthrough": stepthrough_state,
          "lesson": lesson_state}


def main_shots(states=tuple(STATES)):
    """``docs/screens/main_<w>x<h>_<state>.png`` for ``states`` at every ``SCREEN_SIZES``."""
    for state in states:
        for size in SCREEN_SIZES:
            fresh_settings(max_speed=state != "launch")
            window = STATES[state](size)
            window.session.painter.bring_up_to_date()
            settle()
            save(window, f"main_{size[0]}x{size[1]}_{state}.png", SCREENS)
            if window.actions_by_name["stepThrough"].isChecked():
                window.actions_by_name["leaveStep"].trigger()
            window.close()


SHOTS = {"screenshot": main_window_shot, "stepthrough": stepthrough_shot,
         "gradient_norms": gradient_norms_shot, "main": main_shots}
#: One state at every size, by name (not part of "all"; ``main`` takes them all).
ONE_STATE = {f"main_{state}": (lambda state=state: main_shots((state,))) for state in STATES}
_SETTINGS = []  # the throw-away settings folders of this run


def fresh_settings(max_speed=False):
    """Point every ``QSettings`` at a new empty folder: a first-time user's settings (one
    who chose Max speed, when ``max_speed``, so training to an epoch takes no time)."""
    folder = tempfile.TemporaryDirectory(prefix="bps-shots-")
    _SETTINGS.append(folder)
    for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
        for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
            QSettings.setPath(fmt, scope, folder.name)
    if max_speed:
        from gui.shell.window import app_settings

        settings = app_settings()
        settings.setValue("training/speed", 0)
        settings.sync()


def run_shots(shots, names):
    """Take the screenshots ``names`` (all of ``shots`` when empty), with settings of their own
    (never the user's)."""
    app = QApplication.instance() or QApplication([])
    QCoreApplication.setOrganizationName("BackpropStudioScreenshots")
    fresh_settings()
    for name in names or shots:
        if name not in shots:
            raise SystemExit(f"unknown screenshot {name!r}; choose from {', '.join(shots)}")
        shots[name]()
    app.processEvents()


def main(names):
    run_shots({**SHOTS, **{n: ONE_STATE[n] for n in names if n in ONE_STATE}}, names)


if __name__ == "__main__":
    main(sys.argv[1:])
