"""The window opens inside the screen's available area: on a 1366×768 laptop the status bar
is visible, and a size the user saved is kept when it fits. Each case runs in a subprocess
with an offscreen screen of the laptop's size (this process's screen is 1920×1200)."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

SCRIPT = """
import json, sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
for fmt in (QSettings.Format.IniFormat, QSettings.Format.NativeFormat):
    QSettings.setPath(fmt, QSettings.Scope.UserScope, sys.argv[1])
from gui.shell.window import MainWindow

app = QApplication([])
saved = json.loads(sys.argv[2])
if saved:
    window = MainWindow()
    window.resize(*saved["size"])
    window.move(*saved["pos"])
    window.save_settings()
    window.close()
window = MainWindow()
window.show()
for _ in range(20):
    app.processEvents()
area = window.screen().availableGeometry()
bar = window.statusBar()
bar_bottom_right = bar.mapToGlobal(bar.rect().bottomRight())
print(json.dumps({
    "area": [area.x(), area.y(), area.width(), area.height()],
    "frame": [window.frameGeometry().x(), window.frameGeometry().y(),
              window.frameGeometry().width(), window.frameGeometry().height()],
    "size": [window.width(), window.height()],
    "bar_visible": bar.isVisible(),
    "bar_corner": [bar_bottom_right.x(), bar_bottom_right.y()],
}))
window.close()
"""


def open_window(tmp_path, width, height, saved=None):
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{
        "name": "laptop", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "settings"),
                           json.dumps(saved)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def inside(rect, area):
    x, y, w, h = rect
    ax, ay, aw, ah = area
    return ax <= x and ay <= y and x + w <= ax + aw and y + h <= ay + ah


@pytest.mark.parametrize("width, height", [(1366, 768), (1280, 720)])
def test_first_start_on_a_laptop_screen_shows_the_status_bar(tmp_path, width, height):
    shown = open_window(tmp_path, width, height)
    assert inside(shown["frame"], shown["area"])
    assert shown["bar_visible"]
    x, y = shown["bar_corner"]
    assert x < width and y < height


def test_a_saved_size_that_fits_is_kept(tmp_path):
    shown = open_window(tmp_path, 1366, 768, {"size": [1100, 700], "pos": [40, 10]})
    assert shown["size"] == [1100, 700]
    assert inside(shown["frame"], shown["area"])


def test_a_saved_size_from_a_bigger_screen_is_fitted(tmp_path):
    shown = open_window(tmp_path, 1366, 768, {"size": [1800, 1100], "pos": [50, 50]})
    assert inside(shown["frame"], shown["area"])
    assert shown["bar_visible"] and shown["bar_corner"][1] < 768
