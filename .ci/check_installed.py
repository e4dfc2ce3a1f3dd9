"""CI: check an installed Backprop Studio (a wheel in a fresh virtual environment).

Run with that environment's Python from a folder outside the checkout:

    cd "$(mktemp -d)" && /path/to/venv/bin/python /path/to/checkout/.ci/check_installed.py

It fails (exit status 1, the reason on stderr) unless the app, its shipped data sets, their
README and licences, the icon and the project LICENSE come from the installation; the
``backprop-studio`` command trains on every shipped data set; and the window opens offscreen,
trains for a few seconds and closes without a traceback.
"""

import json
import os
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

SHIPPED = ("digits", "iris", "wine", "breast_cancer")
COMMAND = Path(sys.executable).with_name("backprop-studio")
SHOWN_SECONDS = 3.0
WINDOW = f"""
import time
from PySide6.QtWidgets import QApplication
from gui.shell.icon import app_icon
from gui.shell.window import MainWindow

app = QApplication([])
app.setWindowIcon(app_icon())
window = MainWindow()
window.show()
window.session.play()
start = time.monotonic()
# A few seconds on screen, and until training has taken steps (however slow the machine).
while time.monotonic() - start < {SHOWN_SECONDS} or window.session.counters[0] == 0:
    app.processEvents()
    time.sleep(0.01)
    if time.monotonic() - start > 300:
        raise SystemExit("the window trained no step in 300 s")
steps = window.session.counters[0]
window.close()
app.processEvents()
print("steps", steps)
"""


def fail(message):
    print(f"check_installed: {message}", file=sys.stderr)
    sys.exit(1)


def check_files_come_from_the_installation():
    import core
    import gui
    import resources

    site = Path(metadata.distribution("backprop-studio").locate_file("")).resolve()
    for module in (core, gui, resources):
        if site not in Path(module.__file__).resolve().parents:
            fail(f"{module.__name__} was imported from {module.__file__}, not from {site}")
    files = {str(f) for f in metadata.files("backprop-studio")}
    wanted = ["resources/README.md", "resources/digits.csv.gz", "resources/iris.csv",
              "resources/wine.csv", "resources/breast_cancer.csv",
              "resources/icons/backprop-studio.svg"]
    missing = [f for f in wanted if f not in files]
    if not any(f.endswith(".dist-info/licenses/LICENSE") or f.endswith(".dist-info/LICENSE")
               for f in files):
        missing.append("LICENSE")
    if missing:
        fail(f"the wheel lacks {', '.join(missing)}")


def check_training_on_every_shipped_dataset():
    for name in SHIPPED:
        argv = [str(COMMAND), "train", "--dataset", name, "--epochs", "2", "--json"]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=600)
        if done.returncode != 0 or "Traceback" in done.stderr:
            fail(f"{' '.join(argv[1:])} failed ({done.returncode}):\n{done.stderr}")
        if json.loads(done.stdout)["epochs_run"] != 2:
            fail(f"{' '.join(argv[1:])} did not run 2 epochs:\n{done.stdout}")
        print(f"ok: backprop-studio train --dataset {name} --epochs 2 --json")
    usage = subprocess.run([str(COMMAND), "train", "--bogus"], capture_output=True, text=True)
    if not usage.stderr.startswith("backprop-studio train: error:"):
        fail(f"the command does not name itself backprop-studio:\n{usage.stderr}")


def check_the_window_opens_offscreen():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "XDG_CONFIG_HOME": tempfile.mkdtemp(prefix="bps-settings-")}  # not the user's
    done = subprocess.run([sys.executable, "-c", WINDOW], capture_output=True, text=True,
                          env=env, timeout=600)
    if done.returncode != 0 or "Traceback" in done.stderr or "steps" not in done.stdout:
        fail(f"the window failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    print(f"ok: the window opened offscreen and trained ({done.stdout.strip()})")


if __name__ == "__main__":
    check_files_come_from_the_installation()
    check_training_on_every_shipped_dataset()
    check_the_window_opens_offscreen()
