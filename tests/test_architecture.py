"""The package contracts of docs/architecture.md hold (import-linter, as `.ci/run` runs it)."""

import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    linter = pyproject[pyproject.index("[tool.importlinter]"):]
    names = re.findall(r'^name = "([^"]+)"', linter, re.MULTILINE)
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
         "sys.exit(lint_imports(no_cache=True))"],
        cwd=ROOT, capture_output=True, text=True, timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(names)} kept, 0 broken." in result.stdout
    shown = " ".join(result.stdout.split())  # long names wrap over two lines
    for name in names:
        assert f"{name} KEPT" in shown, name


def test_the_window_entry_points_keep_their_public_path():
    """main.py and outside tools (layout_check.py) import these from ``gui.app``."""
    import gui.app
    import gui.shell.app

    assert gui.app.run is gui.shell.app.run
    assert gui.app.parse_window_args is gui.shell.app.parse_window_args
