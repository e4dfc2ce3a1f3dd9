"""Save paths that cannot work get an error naming the real cause, before any training: a
file where a folder should be, or a virtual folder such as /proc, is not a missing folder."""

import errno
import os
import sys
import tempfile

import pytest

from cli.train import main
from core.errors import UserInputError
from core.io.atomic import atomic_write_bytes, check_writable

FAST = ["--samples", "60", "--epochs", "2", "--hidden", "4"]
OUTPUTS = [("--save-weights", "w.npz"), ("--save-data", "d.npz"),
           ("--save-session", "s.bpsession"), ("--export-python", "m.py"),
           ("--export-plots", "plots")]


def refused(capsys, *argv):
    code = main([*FAST, *argv])
    out, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert "Epoch" not in out  # before training
    return err


@pytest.mark.parametrize("option, name", OUTPUTS)
def test_a_file_where_the_folder_should_be_is_named(capsys, tmp_path, option, name):
    notes = tmp_path / "notes.txt"
    notes.write_text("a file, not a folder")
    for path in (notes / name, notes / "deeper" / "still" / name):
        err = refused(capsys, option, str(path))
        assert f"{notes} is a file, not a folder" in err
        assert "does not exist" not in err


def test_a_missing_folder_is_still_called_missing(capsys, tmp_path):
    err = refused(capsys, "--save-weights", str(tmp_path / "nope" / "w.npz"))
    assert f"folder {tmp_path / 'nope'} does not exist" in err


def test_atomic_write_names_a_file_in_the_path_too(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(UserInputError, match="notes.txt is a file, not a folder"):
        atomic_write_bytes(tmp_path / "notes.txt" / "w.npz", b"data")


@pytest.fixture
def folder_without_new_files(tmp_path, monkeypatch):
    """``tmp_path`` behaving like /proc: it exists, but creating a file in it fails with
    "no such file or directory" (simulated, so it works everywhere)."""
    real = tempfile.mkstemp

    def mkstemp(*args, dir=None, **kwargs):
        if dir is not None and os.path.samefile(dir, tmp_path):
            raise FileNotFoundError(errno.ENOENT, "No such file or directory")
        return real(*args, dir=dir, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    return tmp_path


@pytest.mark.parametrize("option, name", OUTPUTS)
def test_a_folder_that_takes_no_new_files_is_not_called_missing(
        capsys, folder_without_new_files, option, name):
    err = refused(capsys, option, str(folder_without_new_files / name))
    assert "does not accept new files" in err and "does not exist" not in err


def test_atomic_write_in_a_folder_that_takes_no_new_files(folder_without_new_files):
    with pytest.raises(UserInputError, match="does not accept new files"):
        atomic_write_bytes(folder_without_new_files / "w.npz", b"data")


@pytest.mark.skipif(not sys.platform.startswith("linux") or not os.path.isdir("/proc/self"),
                    reason="needs Linux's /proc")
@pytest.mark.parametrize("option, name", OUTPUTS)
def test_the_real_proc_is_not_a_missing_folder(capsys, option, name):
    err = refused(capsys, option, f"/proc/{name}")
    assert "/proc" in err and "does not exist" not in err
    with pytest.raises(UserInputError) as caught:
        check_writable(f"/proc/{name}", "plots" if option == "--export-plots" else
                       {"--save-weights": "weights", "--save-data": "data",
                        "--save-session": "session", "--export-python": "python"}[option])
    assert "does not exist" not in str(caught.value)
