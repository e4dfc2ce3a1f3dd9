"""The exported .py runs in a fresh interpreter and predicts exactly what the app predicts."""

import ast
import csv
import io
import subprocess
import sys

import numpy as np
import pytest

from core.data import load_dataset
from core.errors import UserInputError
from core.io import export_python
from core.train.config import TrainConfig
from core.train.trainer import Trainer

DRIVER = """
import importlib.util, sys
import numpy as np
spec = importlib.util.spec_from_file_location("exported", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
X = np.load(sys.argv[2])
np.save(sys.argv[3], module.predict(X))
if hasattr(module, "predict_class"):
    np.save(sys.argv[4], module.predict_class(X).astype(str))
"""


def _trainer(name, config, **data):
    t = Trainer(load_dataset(name, seed=0, **data), config)
    t.train(3)
    return t


NETS = {
    "circles-features": lambda: _trainer(
        "circles", TrainConfig(hidden=(6, 4), activation=("tanh", "silu"),
                               features=("x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")),
        n_samples=200, noise=0.1),
    "digits-standardised": lambda: _trainer(
        "digits", TrainConfig(hidden=(16,), activation="elu", optimizer="adam", lr=0.01,
                              batch_size=64)),
    "regression": lambda: _trainer(
        "squares_sum", TrainConfig(hidden=(8,), activation="softplus", lr=0.01),
        n_samples=150),
    "float32-leaky": lambda: _trainer(
        "spirals", TrainConfig(hidden=(8,), activation="leaky_relu", dtype="float32",
                               standardize=True), n_samples=120, n_classes=3),
}


def _run_exported(tmp_path, path, X):
    np.save(tmp_path / "X.npy", X)
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    out, labels = tmp_path / "out.npy", tmp_path / "labels.npy"
    subprocess.run([sys.executable, str(driver), str(path), str(tmp_path / "X.npy"), str(out),
                    str(labels)], check=True, cwd=tmp_path, capture_output=True, timeout=120)
    return np.load(out), (np.load(labels) if labels.exists() else None)


@pytest.mark.parametrize("net", sorted(NETS))
def test_fresh_interpreter_predicts_what_the_app_predicts(net, tmp_path):
    t = NETS[net]()
    path = export_python(tmp_path / "model.py", t)
    X = np.vstack([t.dataset.X_test, t.dataset.X_train[:20]])
    out, labels = _run_exported(tmp_path, path, X)
    app = t.predict(X)
    assert out.dtype == app.dtype and out.shape == app.shape
    np.testing.assert_allclose(out, app, rtol=0, atol=1e-12)
    if t.dataset.task == "regression":
        assert labels is None
    else:
        idx = (app[:, 0] > 0.5).astype(int) if t.dataset.task == "binary" else app.argmax(1)
        assert labels.tolist() == [t.dataset.target_names[i] for i in idx]


def _script(path, csv_path):
    return subprocess.run([sys.executable, str(path), str(csv_path)], capture_output=True,
                          text=True, timeout=120)


def test_script_prints_one_line_per_row_with_class_and_probabilities(tmp_path):
    t = NETS["circles-features"]()
    path = export_python(tmp_path / "model.py", t)
    X = t.dataset.X_test[:7]
    (tmp_path / "with_header.csv").write_text(
        "label,x2,x1\n" + "".join(f"0,{b!r},{a!r}\n" for a, b in X.tolist()))  # by name
    (tmp_path / "plain.csv").write_text("".join(f"{a!r},{b!r}\n" for a, b in X.tolist()))
    expected = t.predict(X)[:, 0]
    for name in ("with_header.csv", "plain.csv"):
        result = _script(path, tmp_path / name)
        assert result.returncode == 0, result.stderr
        rows = list(csv.reader(io.StringIO(result.stdout)))
        assert len(rows) == len(X)
        for row, p1 in zip(rows, expected, strict=True):
            assert row[0] == ("1" if p1 > 0.5 else "0")
            assert float(row[2]) == pytest.approx(p1, abs=1e-15)
            assert float(row[1]) + float(row[2]) == pytest.approx(1.0)


def test_script_regression_and_bad_input(tmp_path):
    t = NETS["regression"]()
    path = export_python(tmp_path / "reg model.py", t)
    X = t.dataset.X_test[:4]
    (tmp_path / "in.csv").write_text("".join(f"{a!r};{b!r}\n" for a, b in X.tolist()))
    result = _script(path, tmp_path / "in.csv")
    assert result.returncode == 0, result.stderr
    values = [float(line) for line in result.stdout.splitlines()]
    np.testing.assert_allclose(values, t.predict(X)[:, 0], rtol=0, atol=1e-12)
    (tmp_path / "bad.csv").write_text("1.0,2.0\n3.0\n")
    bad = _script(path, tmp_path / "bad.csv")
    assert bad.returncode == 2 and "data row 2" in bad.stderr and bad.stdout == ""


def test_source_is_standalone_and_documented(tmp_path):
    t = NETS["digits-standardised"]()
    source = export_python(tmp_path / "digits_model.py", t).read_text(encoding="utf-8")
    tree = ast.parse(source)
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    assert imported == {"csv", "sys", "numpy"}
    assert not any(isinstance(node, ast.ImportFrom) for node in ast.walk(tree))
    doc = ast.get_docstring(tree)
    for text in ("64-16-10", "digits", "Exported :", "predict_class", "python digits_model.py",
                 "standardised"):
        assert text in doc
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert {"predict", "predict_class", "predict_proba", "transform", "main"} <= functions


def test_odd_names_are_valid_python(tmp_path):
    from core.data import make_dataset_from_arrays

    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    ds = make_dataset_from_arrays(X, (X[:, 0] > 0).astype(int), "binary", name='q"""\\',
                                  input_names=['a "b"', "c\\d"], target_names=["nö", 'y"""'])
    t = Trainer(ds, TrainConfig(hidden=(2,)))
    path = export_python(tmp_path / "odd.py", t)
    out, labels = _run_exported(tmp_path, path, X)
    np.testing.assert_allclose(out, t.predict(X), rtol=0, atol=1e-12)
    assert set(labels.tolist()) <= {"nö", 'y"""'}


def test_non_finite_weights_are_refused(circles, small_config, tmp_path):
    t = Trainer(circles, small_config)
    t.network.layers[1].b[0] = np.nan
    with pytest.raises(UserInputError, match="NaN"):
        export_python(tmp_path / "m.py", t)
    assert not (tmp_path / "m.py").exists()


def test_script_names_bad_cells_and_empty_files_and_prints_a_header(tmp_path):
    t = NETS["circles-features"]()
    path = export_python(tmp_path / "model.py", t)
    cases = {"cell.csv": ("x1,x2\n1,2\n3,oops\n", "data row 2, column 'x2': 'oops'"),
             "nan.csv": ("0.5,nan\n", "data row 1, column 'x2'"),
             "empty.csv": ("", "no data rows"),
             "header_only.csv": ("x1,x2\n", "no data rows")}
    for name, (text, fragment) in cases.items():
        (tmp_path / name).write_text(text)
        result = _script(path, tmp_path / name)
        assert result.returncode == 2 and fragment in result.stderr, (name, result.stderr)
        assert result.stdout == "" and "Traceback" not in result.stderr
    (tmp_path / "ok.csv").write_text("1,2\n3,4\n")
    plain = _script(path, tmp_path / "ok.csv")
    assert plain.returncode == 0 and "columns: class, p(0), p(1)" in plain.stderr
    assert len(plain.stdout.splitlines()) == 2
    headed = subprocess.run([sys.executable, str(path), "--header", str(tmp_path / "ok.csv")],
                            capture_output=True, text=True, timeout=120)
    lines = headed.stdout.splitlines()
    assert headed.returncode == 0 and lines[0] == "class,p(0),p(1)" and len(lines) == 3
    assert "Output columns: class, p(0), p(1)." in path.read_text(encoding="utf-8")
