"""The package contracts of docs/architecture.md hold (import-linter, as `.ci/run` runs it)."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept():
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
         "sys.exit(lint_imports(no_cache=True))"],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def test_the_window_entry_points_keep_their_public_path():
    """main.py and outside tools (layout_check.py) import these from ``gui.app``."""
    import gui.app
    import gui.shell.app

    assert gui.app.run is gui.shell.app.run
    assert gui.app.parse_window_args is gui.shell.app.parse_window_args
