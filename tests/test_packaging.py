"""Shipped files load through ``importlib.resources``: from the checkout and from a zip (as a
zip-safe install would hold them). The wheel itself is built and installed by ``.ci/run``."""

import fnmatch
import subprocess
import sys
import zipfile

import pytest

from core.data import resources as shipped
from tests.conftest import ROOT

FROM_ZIP = """
import sys
sys.path.insert(0, sys.argv[1])
import core, resources
from core.data import load_dataset, resources_dir
from core.data.resources import read_bytes
assert core.__file__.startswith(sys.argv[1]) and resources.__file__.startswith(sys.argv[1])
shapes = {name: load_dataset(name).X_train.shape[1]
          for name in ("digits", "iris", "wine", "breast_cancer")}
assert shapes == {"digits": 64, "iris": 4, "wine": 13, "breast_cancer": 30}, shapes
assert "CC BY 4.0" in (resources_dir() / "README.md").read_text(encoding="utf-8")
assert read_bytes("icons/backprop-studio.svg").lstrip().startswith(b"<svg")
from core.teach.lessons import LESSONS
assert len(LESSONS.names()) == 5 and LESSONS.get("xor_needs_hidden_layer").make_config()
print("ok")
"""


def test_shipped_data_and_icon_load_from_a_zip(tmp_path):
    archive = tmp_path / "backprop_studio.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for package in ("core", "resources"):
            for path in sorted((ROOT / package).rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    zf.write(path, path.relative_to(ROOT).as_posix())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = subprocess.run([sys.executable, "-I", "-c", FROM_ZIP, str(archive)], cwd=elsewhere,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


@pytest.mark.parametrize("package, fragment", [
    ("no_such_backprop_resources", "are missing from this installation; reinstall"),
    ("core", "lacks digits.csv.gz"),  # another package of the name shadows ours
])
def test_a_missing_or_foreign_resources_package_is_named_with_a_fix(monkeypatch, package,
                                                                    fragment):
    monkeypatch.setattr(shipped, "RESOURCES_PACKAGE", package)
    shipped.resources_dir.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="reinstall Backprop Studio") as caught:
            shipped.resources_dir()
        assert fragment in str(caught.value)
    finally:
        shipped.resources_dir.cache_clear()


def test_the_shipped_files_are_declared_as_package_data():
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    include = config["setuptools"]["packages"]["find"]["include"]
    data = config["setuptools"]["package-data"]
    for path in (ROOT / "resources").rglob("*"):
        if path.is_file() and path.suffix != ".py" and "__pycache__" not in path.parts:
            package = ".".join(path.parent.relative_to(ROOT).parts)  # e.g. resources.icons
            assert any(fnmatch.fnmatchcase(package, pattern) for pattern in include), package
            # setuptools globs are relative to the package's folder and do not recurse
            patterns = [*data.get("*", []), *data.get(package, [])]
            assert any(fnmatch.fnmatchcase(path.name, p) for p in patterns), path
