"""Generated code never runs what a user typed: hostile names in exported models.

File names, dataset names, column names, class labels and CSV paths holding docstring and
comment terminators, newlines, backslashes, odd Unicode and ``__import__`` payloads are
exported (through ``export_python``, the CLI's ``--export-python`` and ONNX), then the model
is imported and run as a script in a fresh interpreter: the payload (which would create a
marker file) never runs, the code is the same code whatever the names, and the predictions
are the app's.
"""

import ast
import csv
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.train import main as cli_main
from core.data import InputPipeline, load_csv, make_dataset_from_arrays
from core.io import export_python, network_from_weights, read_weights
from core.io.python_export import python_source
from core.train.config import TrainConfig
from core.train.trainer import Trainer

MARKER = "PWNED"
PAYLOAD = f"__import__('pathlib').Path('{MARKER}').touch()"
#: Each would run PAYLOAD if pasted unquoted into a docstring, a string or a comment.
HOSTILE = [
    f'"""\n{PAYLOAD}\n"""',                     # closes a docstring
    f"'''\n{PAYLOAD}\n'''",                     # closes the other docstring quotes
    f"x\n{PAYLOAD}\n#",                         # a newline ends a # comment
    f'\\"""; {PAYLOAD}; #',                     # a backslash before the quotes
    f"é\u2028\u202e{PAYLOAD}\u2029",            # Unicode line separators, bidi override
    f"\r{PAYLOAD}\x0c\x0b",                     # other line ends
    "tab\there\\",                              # a trailing backslash
    "$title ${description} %s {0}",             # template and format placeholders
]

DRIVER = """
import importlib.util, sys
import numpy as np
X = np.load(sys.argv[1])
for i, path in enumerate(sys.argv[2:]):
    spec = importlib.util.spec_from_file_location(f"exported{i}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    np.save(f"out{i}.npy", module.predict(X))
    if hasattr(module, "predict_class"):
        np.save(f"labels{i}.npy", module.predict_class(X).astype(str))
    with open(f"doc{i}.txt", "w", encoding="utf-8") as f:
        f.write(module.__doc__)
"""


def _dataset(name, input_names, target_names, n=60):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, len(input_names)))
    y = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5).astype(int) * (len(target_names) > 2)
    return make_dataset_from_arrays(X, y, "classification", name=name, input_names=input_names,
                                    target_names=target_names)


class _BlankConstants(ast.NodeTransformer):
    """Every constant (a negative number too) made ``None``."""

    def visit_UnaryOp(self, node):
        if isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
            return ast.Constant(None)
        return self.generic_visit(node)

    def visit_Constant(self, node):
        return ast.Constant(None)


def _structure(source):
    """The module's AST with every constant blanked: what the code does, not its values."""
    return ast.dump(_BlankConstants().visit(ast.parse(source)))


def _neutral_structure(trainer):
    """The structure of the same network exported with plain names."""
    ds = trainer.dataset
    y = (np.vstack([ds.y_train, ds.y_test]) if ds.task == "regression"
         else np.concatenate([ds.labels_train, ds.labels_test]))
    plain = make_dataset_from_arrays(
        np.vstack([ds.X_train, ds.X_test]), y, ds.task, name="plain",
        input_names=[f"in{i}" for i in range(ds.n_inputs)],
        target_names=[f"c{i}" for i in range(len(ds.target_names))])
    return _structure(python_source(Trainer(plain, trainer.config), Path("plain.py")))


def _run_driver(workdir, X, models):
    """Import every model in a fresh interpreter run in ``workdir``; outputs per model."""
    np.save(workdir / "X.npy", X)
    (workdir / "driver.py").write_text(DRIVER)
    result = subprocess.run([sys.executable, "driver.py", "X.npy", *map(str, models)],
                            cwd=workdir, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [(np.load(workdir / f"out{i}.npy"), np.load(workdir / f"labels{i}.npy"),
             (workdir / f"doc{i}.txt").read_text(encoding="utf-8"))
            for i in range(len(models))]


def _run_script(workdir, model, *args):
    return subprocess.run([sys.executable, str(model), *args], cwd=workdir,
                          capture_output=True, text=True, timeout=120)


def _assert_safe_source(source, trainer):
    tree = ast.parse(source)
    calls = {n.func.id for n in ast.walk(tree)
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert "__import__" not in calls
    assert _structure(source) == _neutral_structure(trainer)
    for line in source.splitlines():
        assert not line.lstrip().startswith(PAYLOAD[:12])  # never a line of its own


def test_hostile_file_and_data_names_never_run(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    ds = _dataset(HOSTILE[0], HOSTILE[1:3], HOSTILE[3:6])
    trainer = Trainer(ds, TrainConfig(hidden=(4,), epochs=2))
    trainer.train()
    models = []
    for i, name in enumerate(HOSTILE):
        folder = tmp_path / f"m{i}"
        folder.mkdir()
        models.append(export_python(folder / f"{name}.py", trainer))
        _assert_safe_source(models[-1].read_text(encoding="utf-8"), trainer)
    X = np.vstack([ds.X_test, ds.X_train[:10]])
    expected = trainer.predict(X)
    classes = np.array(ds.target_names)[expected.argmax(axis=1)]
    for out, labels, doc in _run_driver(work, X, models):
        np.testing.assert_allclose(out, expected, rtol=0, atol=1e-12)
        assert labels.tolist() == classes.tolist()
        assert PAYLOAD in doc  # the names are documented, quoted, as data
    (work / "in.csv").write_text("".join(f"{a!r},{b!r}\n" for a, b in X.tolist()))
    for model in models[:3]:
        for args in (["in.csv"], ["--header", "in.csv"], ["--help"]):
            result = _run_script(work, model, *args)
            assert result.returncode == 0, result.stderr
    assert not (work / MARKER).exists()
    assert not any(p.name == MARKER for p in tmp_path.rglob("*"))


def test_hostile_regression_target_names_never_run(tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 2))
    ds = make_dataset_from_arrays(X, np.column_stack([X.sum(1), X[:, 0]]), "regression",
                                  name=HOSTILE[4], input_names=HOSTILE[6:8],
                                  target_names=HOSTILE[1:3])
    trainer = Trainer(ds, TrainConfig(hidden=(3,), lr=0.01, epochs=1))
    trainer.train()
    model = export_python(tmp_path / f"{HOSTILE[2]}.py", trainer)
    _assert_safe_source(model.read_text(encoding="utf-8"), trainer)
    (tmp_path / "in.csv").write_text("".join(f"{a!r},{b!r}\n" for a, b in X.tolist()))
    result = _run_script(tmp_path, model, "in.csv")
    assert result.returncode == 0, result.stderr
    values = np.array([[float(v) for v in line.split(",")] for line in result.stdout.split()])
    np.testing.assert_allclose(values, trainer.predict(X), rtol=0, atol=1e-12)
    assert not (tmp_path / MARKER).exists()


def write_hostile_csv(folder, n=60):
    """A CSV file whose name, header and class labels are all hostile; its path and X."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f'data{HOSTILE[0]}.csv'
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 2))
    labels = [HOSTILE[3], HOSTILE[1], HOSTILE[6]]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([HOSTILE[2], HOSTILE[4], HOSTILE[0]])
        for i, (a, b) in enumerate(X.tolist()):
            writer.writerow([repr(a), repr(b), labels[(i + (a > 0)) % 3]])
    return path, X


def test_cli_export_python_of_a_hostile_csv_never_runs_it(tmp_path, capsys):
    csv_path, X = write_hostile_csv(tmp_path / "csv")
    ds = load_csv(csv_path)
    assert ds.input_names == [HOSTILE[2], HOSTILE[4].strip()]  # names as the loader keeps them
    assert HOSTILE[3] in ds.target_names
    out = tmp_path / "out"
    out.mkdir()
    model = out / f"{HOSTILE[3]}.py"
    weights = out / "w.npz"
    code = cli_main(["--csv", str(csv_path), "--hidden", "3", "--epochs", "2",
                     "--export-python", str(model), "--save-weights", str(weights)])
    assert code == 0, capsys.readouterr().err
    wf = read_weights(weights)
    pipeline = InputPipeline.from_dict(wf.meta["input_scaling"])
    expected = network_from_weights(wf).predict(pipeline.transform(X))
    work = tmp_path / "work"
    work.mkdir()
    [(outputs, labels, doc)] = _run_driver(work, X, [model])
    np.testing.assert_allclose(outputs, expected, rtol=0, atol=1e-12)
    assert labels.tolist() == [ds.target_names[i] for i in expected.argmax(axis=1)]
    assert repr(str(csv_path)) in doc  # the CSV path, quoted
    header = tmp_path / "work" / "with header.csv"
    with open(header, "w", newline="", encoding="utf-8") as f:  # the original columns
        csv.writer(f).writerows([[HOSTILE[4], "other", HOSTILE[2]],
                                 *([b, "0", a] for a, b in X.tolist())])
    result = _run_script(work, model, "--header", header.name)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["class", *(f"p({name})" for name in ds.target_names)]
    assert [row[0] for row in rows[1:]] == labels.tolist()
    assert not any(p.name == MARKER for p in tmp_path.rglob("*"))


def test_onnx_doc_and_graph_name_quote_hostile_names(tmp_path):
    pytest.importorskip("onnx")
    from core.io.onnx_export import build_model

    trainer = Trainer(_dataset(HOSTILE[0], HOSTILE[1:3], HOSTILE[3:6]), TrainConfig(hidden=(3,)))
    model = build_model(trainer)
    assert model.graph.name.isidentifier() and model.graph.name.isascii()
    doc = model.doc_string
    assert "\n" not in doc and "\r" not in doc and "\u2028" not in doc
    for name in [*HOSTILE[0:6]]:
        assert repr(name) in doc


NAME = st.text(min_size=1, max_size=12).filter(lambda s: s.strip() and "\x00" not in s)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAME, inputs=st.lists(NAME, min_size=2, max_size=2, unique=True),
       classes=st.lists(NAME, min_size=3, max_size=3, unique=True), file_stem=NAME)
def test_any_names_give_the_same_code(name, inputs, classes, file_stem):
    trainer = Trainer(_dataset(name, inputs, classes, n=20), TrainConfig(hidden=(2,)))
    source = python_source(trainer, Path(file_stem.replace("/", "_") + ".py"))
    assert _structure(source) == _neutral_structure(trainer)
    tree = ast.parse(source)
    assert ast.literal_eval(tree.body[0].value) == ast.get_docstring(tree, clean=False)
    source.encode("utf-8")  # writable as UTF-8 whatever the names (lone surrogates escaped)
