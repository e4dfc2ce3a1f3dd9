"""Start-up: ``run(argv) -> int`` opens Backprop Studio.

``argv`` are the command-line arguments after the program name. They accept the data,
network and training options of ``python main.py train`` (dataset, hidden, lr, …) and open
the window with that dataset and network; the headless command's output options
(``--json``, ``--save-weights``, ``--export-plots``, …) are refused with a one-line message
(exit status 2) rather than silently ignored. ``--lesson FILE`` opens a lesson file instead
(its data, network, settings and locked controls); it takes no other options. Where no
display is available (Linux without ``DISPLAY`` or ``WAYLAND_DISPLAY`` and without
``QT_QPA_PLATFORM``), or where Qt's X11 plugin would miss a system library (libxcb-cursor0
and its kin), ``run`` says so in one line and returns 2 instead of letting Qt abort;
where PySide6 or pyqtgraph is missing or cannot load, it says that in one line and returns 1.

With the environment variable ``BACKPROP_STUDIO_EXIT_ON_SHOW=1`` the app prints
``window-shown <unix time>`` when the window is first exposed, then quits (start-up
benchmark).
"""

import os
import sys
import time

EXIT_ON_SHOW = "BACKPROP_STUDIO_EXIT_ON_SHOW"


def no_display_message(command=None, has_xvfb=None):
    """One line for a machine without a display, suggesting only commands that work here:
    headless training with the interpreter and launcher in use (``command``, default
    ``cli.command.shell_command()``), and ``xvfb-run`` only where it is installed."""
    import shutil

    from cli.command import shell_command

    command = shell_command() if command is None else command
    has_xvfb = shutil.which("xvfb-run") is not None if has_xvfb is None else has_xvfb
    xvfb = f" Open it in a virtual display: `xvfb-run {command}`." if has_xvfb else ""
    return (f"Backprop Studio: no display found (DISPLAY and WAYLAND_DISPLAY are unset), so the "
            f"window cannot open.{xvfb} Train without a window: `{command} train --dataset "
            f"digits` (every option: `{command} train --help`).")


def gui_unavailable_message(error, command=None):
    """One line for a PySide6/pyqtgraph that is missing or cannot load (``error``)."""
    from cli.command import python_command, shell_command

    command = shell_command() if command is None else command
    reason = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return (f"Backprop Studio: the window needs PySide6 and pyqtgraph, which could not be "
            f"loaded ({reason}). Reinstall them: `{python_command()} -m pip install "
            f"--force-reinstall PySide6-Essentials pyqtgraph`, or train without a window: "
            f"`{command} train --help`.")


def display_available(environ=None, platform=None):
    """Whether Qt can open a window: always off Linux/BSD; there only with a display set."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if platform.startswith(("win", "darwin", "cygwin")):
        return True
    return any(environ.get(name) for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"))


#: Libraries Qt's X11 plugin (``libqxcb.so``) loads, with the Debian/Ubuntu package of each.
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}


def uses_x11_plugin(environ=None, platform=None):
    """Whether Qt will open the window through its X11 (xcb) plugin here."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0].split(";")[0] == "xcb"
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


def missing_xcb_libraries(load=None):
    """Sonames of ``XCB_LIBRARIES`` that cannot be loaded (Qt would abort on them with a
    plugin message no Python code can catch)."""
    import ctypes

    load = ctypes.CDLL if load is None else load
    missing = []
    for soname in XCB_LIBRARIES:
        try:
            load(soname)
        except OSError:
            missing.append(soname)
    return missing


def missing_xcb_message(missing, command=None):
    """One line naming the missing X11 libraries and the command that installs them."""
    from cli.command import shell_command

    command = shell_command() if command is None else command
    packages = " ".join(XCB_LIBRARIES[name] for name in missing)
    return (f"Backprop Studio: Qt's X11 plugin needs system libraries that are missing here "
            f"({', '.join(missing)}), so the window cannot open. On Debian or Ubuntu: "
            f"`sudo apt-get install {packages}`. Train without a window meanwhile: "
            f"`{command} train --help`.")


def x_display_reachable(display=None):
    """Whether the X server named by ``DISPLAY`` accepts a connection (libxcb's own test, so
    an unreachable server is reported in one line instead of Qt's abort)."""
    import ctypes

    xcb = ctypes.CDLL("libxcb.so.1")
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(None if display is None else display.encode(), None)
    try:
        return xcb.xcb_connection_has_error(connection) == 0
    finally:
        xcb.xcb_disconnect(connection)


def unreachable_display_message(display, command=None):
    """One line for a ``DISPLAY`` whose X server does not answer."""
    from cli.command import shell_command

    command = shell_command() if command is None else command
    return (f"Backprop Studio: cannot connect to the X display {display!r} (the DISPLAY "
            f"variable): check that the X server is running and that DISPLAY names it. "
            f"Train without a window meanwhile: `{command} train --help`.")


def x11_problem():
    """One line saying why Qt's X11 plugin would abort here, or None when it can start."""
    if not uses_x11_plugin():
        return None
    missing = missing_xcb_libraries()
    if missing:
        return missing_xcb_message(missing)
    display = os.environ.get("DISPLAY", "")
    if not x_display_reachable(display or None):
        return unreachable_display_message(display)
    return None


LESSON_OPTION = "--lesson"


def split_lesson_arg(argv):
    """``(lesson path or None, the other arguments)`` from ``argv``.

    Accepts ``--lesson FILE`` and ``--lesson=FILE``. Raises ``UserInputError`` when the file
    name is missing, given twice, or other options come with it (the lesson sets them all).
    """
    from core.errors import UserInputError

    paths, rest, args = [], [], list(argv)
    while args:
        arg = args.pop(0)
        if arg == LESSON_OPTION:
            if not args or args[0].startswith("--"):
                raise UserInputError("--lesson needs a file name: --lesson FILE.bplesson")
            paths.append(args.pop(0))
        elif arg.startswith(LESSON_OPTION + "="):
            paths.append(arg.split("=", 1)[1])
        else:
            rest.append(arg)
    if len(paths) > 1:
        raise UserInputError("--lesson was given more than once; open one lesson at a time.")
    if paths and rest:
        raise UserInputError(
            f"--lesson sets the data, network and training itself; drop {' '.join(rest)} "
            "(or leave out --lesson and give the options alone).")
    return (paths[0] if paths else None), rest


def parse_window_args(argv):
    """``(dataset, config)`` from ``train``-style options; ``(None, None)`` when none given.

    Raises ``SystemExit`` (argparse) on bad options, ``UserInputError`` on bad values and on
    options that only the headless command uses (``--json``, ``--save-weights``, …).
    """
    if not argv:
        return None, None
    from cli.command import prog_name
    from cli.train import build_train_parser, config_from_args

    parser = build_train_parser(prog=prog_name())
    args = parser.parse_args(argv)
    _reject_headless_only(parser, args)
    return config_from_args(args)


def headless_only_options(parser):
    """``{dest: flag}`` of ``parser``'s options that the window cannot use: printing, saving
    and exporting after a headless run (every option outside the data, network and
    training groups)."""
    import argparse

    from cli.train import add_training_options

    window = {a.dest for a in add_training_options(argparse.ArgumentParser())._actions}
    return {a.dest: a.option_strings[-1] for a in parser._actions
            if a.option_strings and a.dest not in window and a.dest != "help"}


def _reject_headless_only(parser, args):
    """``UserInputError`` naming the headless-only options given in ``args``, if any."""
    from cli.command import shell_command
    from core.errors import UserInputError

    given = [flag for dest, flag in headless_only_options(parser).items()
             if getattr(args, dest, None) != parser.get_default(dest)]
    if given:
        train = f"{shell_command()} train"
        raise UserInputError(
            f"{', '.join(given)} only apply to `{train}` (headless); "
            f"the window does not use them. Drop them, or run `{train} ...`."
        )


def open_lesson(window, lesson):
    """Set up ``lesson`` (a checked ``core.teach.lesson_file.Lesson``) in ``window``."""
    return window.lessons.menu.open(lesson)


def _exit_when_shown(app, window):
    """Print when ``window`` is first exposed on screen, then quit (start-up benchmark)."""
    from PySide6.QtCore import QEvent, QObject

    class ExposeWatcher(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Expose and obj.isExposed():
                print(f"window-shown {time.time():.6f}", flush=True)
                obj.removeEventFilter(self)
                window.close()
                app.quit()
            return False

    watcher = ExposeWatcher(window)
    window.windowHandle().installEventFilter(watcher)


def run(argv=None):
    """Open the window (see module docstring) and return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not display_available():
        print(no_display_message(), file=sys.stderr)
        return 2
    if problem := x11_problem():
        print(problem, file=sys.stderr)
        return 2
    from core.errors import UserInputError

    try:
        start = parse_start(argv)
    except UserInputError as exc:
        print(f"Backprop Studio: {exc}", file=sys.stderr)
        return 2
    try:
        import pyqtgraph  # noqa: F401  (the views need it; checked here for one clear message)
        from PySide6.QtWidgets import QApplication
    except Exception as exc:  # noqa: BLE001 - any failure here is a missing or broken Qt stack
        print(gui_unavailable_message(exc), file=sys.stderr)
        return 1

    from gui.shell.icon import app_icon
    from gui.shell.window_settings import ORGANISATION, SETTINGS_APP
    from gui.views.surface3d import share_gl_contexts

    share_gl_contexts()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(SETTINGS_APP)
    app.setWindowIcon(app_icon())
    window = make_window(*start)
    if os.environ.get(EXIT_ON_SHOW):
        window.winId()  # creates the native window, so its expose event can be watched
        _exit_when_shown(app, window)
    window.show()
    return app.exec()


def parse_start(argv):
    """``(dataset, config, lesson)`` the window starts with (each may be None).

    Raises ``UserInputError`` (or argparse's ``SystemExit``) for bad options, and for a
    lesson file that is missing or malformed.
    """
    lesson_path, argv = split_lesson_arg(argv)
    dataset, config = parse_window_args(argv)
    lesson = None
    if lesson_path is not None:
        from core.teach.lesson_file import load_lesson

        lesson = load_lesson(lesson_path)
    return dataset, config, lesson


def make_window(dataset=None, config=None, lesson=None):
    """The main window on ``dataset``/``config``, with ``lesson`` set up when given."""
    from gui.shell.window import MainWindow

    window = MainWindow(dataset, config)
    if lesson is not None:
        open_lesson(window, lesson)
    return window
