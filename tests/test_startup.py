"""Starting the app: what it calls itself, and one clear line (never a traceback) when there
is no display or PySide6 is missing or broken. Each case runs ``main.py`` in a subprocess."""

import os
import re
import shlex
import subprocess
import sys

import pytest

import main
from cli.train import build_train_parser
from gui.shell.app import (
    XCB_LIBRARIES,
    gui_unavailable_message,
    missing_xcb_libraries,
    missing_xcb_message,
    no_display_message,
    run,
    uses_x11_plugin,
)
from tests.conftest import ROOT

NO_DISPLAY_ENV = {k: v for k, v in os.environ.items()
                  if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}


def run_python(code_or_args, env=None, timeout=120):
    args = ["-c", code_or_args] if isinstance(code_or_args, str) else code_or_args
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def one_line(proc):
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


# ---- no display ---------------------------------------------------------------------------
@pytest.mark.skipif(sys.platform != "linux", reason="the no-display check is for Linux")
def test_without_a_display_every_suggested_command_works():
    done = run_python(["main.py"], env=NO_DISPLAY_ENV)
    assert done.returncode == 2
    line = one_line(done)
    commands = re.findall(r"`([^`]+)`", line)
    headless = [c for c in commands if not c.startswith("xvfb-run ")]
    assert any(c.endswith("train --help") for c in headless)
    assert any("train --dataset digits" in c for c in headless)
    for command in headless:
        argv = shlex.split(command) + ([] if "--help" in command else ["--epochs", "1"])
        proc = subprocess.run(argv, cwd=ROOT, env=NO_DISPLAY_ENV, capture_output=True,
                              text=True, timeout=300)
        assert proc.returncode == 0, (command, proc.stderr)
    assert "QT_QPA_PLATFORM=offscreen" not in line  # an invisible window helps nobody


def test_xvfb_run_is_suggested_only_where_it_is_installed():
    assert "xvfb-run" not in no_display_message(command="python3 main.py", has_xvfb=False)
    with_xvfb = no_display_message(command="python3 main.py", has_xvfb=True)
    assert "`xvfb-run python3 main.py`" in with_xvfb
    assert "`python3 main.py train --help`" in with_xvfb


# ---- X11 libraries missing ----------------------------------------------------------------
@pytest.mark.parametrize("environ, expected", [
    ({"DISPLAY": ":0"}, True),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, False),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, False),
    ({"QT_QPA_PLATFORM": "xcb"}, True),
    ({"WAYLAND_DISPLAY": "wayland-0"}, False),
])
def test_the_x11_plugin_is_checked_only_where_qt_will_use_it(environ, expected):
    assert uses_x11_plugin(environ, "linux") is expected
    assert uses_x11_plugin(environ, "darwin") is False


def test_missing_x11_libraries_are_named_with_the_packages_that_install_them():
    absent = {"libxcb-cursor.so.0", "libxcb-icccm.so.4"}

    def load(name):
        if name in absent:
            raise OSError(f"{name}: cannot open shared object file")

    missing = missing_xcb_libraries(load)
    assert set(missing) == absent
    line = missing_xcb_message(missing, command="python3 main.py")
    assert "`sudo apt-get install libxcb-cursor0 libxcb-icccm4`" in line
    assert "libxcb-cursor.so.0" in line and "`python3 main.py train --help`" in line
    assert "\n" not in line
    assert missing_xcb_libraries(lambda name: None) == []
    assert set(XCB_LIBRARIES.values()) >= {"libxcb-cursor0", "libxkbcommon-x11-0"}


def test_run_refuses_in_one_line_before_qt_can_abort(monkeypatch, capsys):
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr("gui.shell.app.missing_xcb_libraries", lambda: ["libxcb-cursor.so.0"])
    assert run([]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "libxcb-cursor0" in err[0]


@pytest.mark.skipif(sys.platform != "linux", reason="X11 is checked on Linux")
def test_a_display_with_no_x_server_gets_one_line_not_a_qt_abort():
    env = dict(NO_DISPLAY_ENV, DISPLAY=":87")  # no X server listens there
    if missing_xcb_libraries():
        pytest.skip("this machine lacks Qt's X11 libraries (tested above)")
    done = run_python(["main.py"], env=env)
    assert done.returncode == 2
    line = one_line(done)
    assert "cannot connect to the X display ':87'" in line


# ---- PySide6 missing or broken ------------------------------------------------------------
MISSING_QT = """
import sys
for name in ('PySide6', 'shiboken6'):
    sys.modules[name] = None
import main
sys.exit(main.main([]))
"""

BROKEN_QT = """
import sys

class BrokenQt:
    def find_spec(self, name, path=None, target=None):
        if name in ('PySide6.QtGui', 'PySide6.QtWidgets'):  # as when libEGL is missing
            raise ImportError('libEGL.so.1: cannot open shared object file: No such file')
        return None

sys.meta_path.insert(0, BrokenQt())
import main
sys.exit(main.main([]))
"""


@pytest.mark.parametrize("code, cause", [(MISSING_QT, "PySide6"), (BROKEN_QT, "libEGL.so.1")])
def test_a_missing_or_broken_pyside6_gets_one_clear_line(code, cause):
    done = run_python(code, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 1
    line = one_line(done)
    assert line.startswith("Backprop Studio: the window needs PySide6")
    assert cause in line and "train --help" in line


def test_the_qt_message_names_the_error_and_a_reinstall_command():
    line = gui_unavailable_message(ImportError("no Qt"), command="backprop-studio")
    assert "ImportError: no Qt" in line
    assert "-m pip install --force-reinstall PySide6-Essentials pyqtgraph" in line
    assert "`backprop-studio train --help`" in line


# ---- the program's name -------------------------------------------------------------------
def test_main_py_calls_itself_main_py():
    done = run_python(["main.py", "train", "--no-such-option"])
    assert done.returncode == 2
    assert one_line(done).startswith("main.py train: error: unrecognized arguments")
    assert "usage: main.py [options]" in run_python(["main.py", "--help"]).stdout


def test_the_installed_command_calls_itself_backprop_studio(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["/opt/venv/bin/backprop-studio"])
    parser = build_train_parser()
    assert parser.prog == "backprop-studio train"
    assert parser.format_usage().startswith("usage: backprop-studio train ")
    with pytest.raises(SystemExit):
        parser.parse_args(["--epochs", "many"])
    assert capsys.readouterr().err.startswith("backprop-studio train: error: argument --epochs")
    assert main.main(["--help"]) == 0
    usage = capsys.readouterr().out
    assert "usage: backprop-studio [options]" in usage
    assert "backprop-studio train [options]" in usage and "main.py" not in usage
    assert main.main(["--json"]) == 2  # a headless-only option given to the window
    err = capsys.readouterr().err
    assert "backprop-studio train" in err and "main.py" not in err


def test_the_app_and_its_training_process_use_one_blas_thread():
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    done = run_python("import main, os, numpy; print(os.environ['OPENBLAS_NUM_THREADS'], "
                      "os.environ['OMP_NUM_THREADS'])", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "1"]
    chosen = run_python("import main, os; print(os.environ['OPENBLAS_NUM_THREADS'])",
                        env=dict(env, OPENBLAS_NUM_THREADS="2"))
    assert chosen.stdout.strip() == "2"  # the user's own choice stays
