"""CSV import: header detection, target choice, task inference, and precise error messages."""

import hashlib
import json

import numpy as np
import pytest

from core.data import dataset_from_spec, load_csv, preview_csv
from core.errors import UserInputError


@pytest.fixture
def write(tmp_path):
    """Write ``content`` (str as UTF-8, or bytes) to a file and return its path."""

    def _write(content, name="data.csv"):
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return _write


IRIS_LIKE = "".join(
    ["sepal,petal,species\n"]
    + [f"{i % 7 + 0.5},{i % 5 + 0.25},{['setosa', 'virginica', 'versicolor'][i % 3]}\n"
       for i in range(30)]
)


def test_header_detected_and_text_target_is_multiclass(write):
    ds = load_csv(write(IRIS_LIKE))
    assert ds.input_names == ["sepal", "petal"]
    assert ds.task == "multiclass"
    assert ds.target_names == ["setosa", "versicolor", "virginica"]  # sorted
    assert ds.y_train.shape == (24, 3) and ds.X_test.shape == (6, 2)
    assert ds.X_train.dtype == np.float64
    assert ds.name == "data"


def test_no_header_names_columns(write):
    ds = load_csv(write("1,2,0\n3,4,1\n5,6,0\n7,8,1\n"), train_ratio=1.0)
    assert ds.input_names == ["col1", "col2"]
    assert ds.target_names == ["0", "1"] and ds.task == "binary"
    assert sorted(ds.X_train[:, 0]) == [1, 3, 5, 7]  # first row is data, not a header


def test_header_with_numeric_looking_target_only(write):
    path = write("a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n")
    assert load_csv(path).input_names == ["a", "b"]


def test_target_by_name_and_index(write):
    path = write("y,a,b\n0.5,1,2\n1.5,3,4\n2.5,5,6\n3.5,7,8\n4.5,9,10\n")
    by_name = load_csv(path, target="y", seed=1)
    by_index = load_csv(path, target=0, seed=1)
    assert by_name.input_names == by_index.input_names == ["a", "b"]
    np.testing.assert_array_equal(by_name.y_train, by_index.y_train)
    assert by_name.task == "regression" and by_name.target_names == ["y"]
    assert load_csv(path, target=-1).input_names == ["y", "a"]  # last column
    assert load_csv(path).spec["target"] == "b"  # default: last column


@pytest.mark.parametrize("target, message", [
    ("z", r"no column named 'z'\. Columns \(0-based index: name\): 0: y, 1: a, 2: b"),
    (3, "index 3 is out of range: the file has 3 columns"),
    (-4, "index -4 is out of range"),
    (True, "column name or a 0-based index"),
])
def test_unknown_target_lists_columns(write, target, message):
    path = write("y,a,b\n1,2,3\n4,5,6\n")
    with pytest.raises(UserInputError, match=message):
        load_csv(path, target=target)


@pytest.mark.parametrize("values, task", [
    ([0, 1] * 10, "binary"),
    ([0, 1, 2, 3] * 5, "multiclass"),
    (list(range(20)), "multiclass"),  # 20 distinct whole numbers: still classes
    (list(range(21)), "regression"),  # 21: a quantity
    ([0.5, 1.0] * 10, "regression"),  # not whole numbers
    (["yes", "no"] * 10, "binary"),
])
def test_task_inference(write, values, task):
    text = "x,t\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values))
    ds = load_csv(write(text))
    assert ds.task == task
    assert ds.y_train.shape[1] == (len(set(values)) if task == "multiclass" else 1)


def test_task_override(write):
    path = write("x,t\n" + "".join(f"{i},{i % 3}\n" for i in range(30)))
    assert load_csv(path).task == "multiclass"
    reg = load_csv(path, task="regression")
    assert reg.task == "regression" and set(np.unique(reg.y_train)) == {0.0, 1.0, 2.0}
    assert load_csv(path, task="classification").task == "multiclass"
    many = write("x,t\n" + "".join(f"{i},{i}\n" for i in range(30)), "many.csv")
    assert load_csv(many).task == "regression"
    assert load_csv(many, task="classification").n_classes == 30
    assert load_csv(many, task="classification").target_names[:3] == ["0", "1", "2"]


@pytest.mark.parametrize("task, message", [
    ("binary", "task 'binary' needs 2 classes but the target has 3"),
    ("clustering", "unknown task 'clustering'. Choose one of: classification, binary"),
])
def test_bad_task_override(write, task, message):
    path = write("x,t\n" + "".join(f"{i},{i % 3}\n" for i in range(9)))
    with pytest.raises(UserInputError, match=message):
        load_csv(path, task=task)


def test_multiclass_override_needs_three_classes(write):
    path = write("x,t\n" + "".join(f"{i},{i % 2}\n" for i in range(8)))
    with pytest.raises(UserInputError, match="'multiclass' needs at least 3 classes"):
        load_csv(path, task="multiclass")


def test_text_target_cannot_be_regression(write):
    path = write("x,t\n1,a\n2,b\n3,a\n")
    with pytest.raises(UserInputError, match=r"row 2, column 't': 'a' is not a number"):
        load_csv(path, task="regression")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_sniffing(write, delimiter):
    rows = ["a", "b", "label"], *[[str(i), str(i * 2), "cat" if i % 2 else "dog"] for i in range(6)]
    path = write("".join(delimiter.join(r) + "\n" for r in rows))
    ds = load_csv(path)
    assert ds.input_names == ["a", "b"] and ds.target_names == ["cat", "dog"]
    assert preview_csv(path).delimiter == delimiter


def test_tolerates_bom_crlf_spaces_quotes_and_blank_lines(write):
    text = '\ufeff"a", b ,y\r\n 1.5 , 2 ,"yes"\r\n\r\n3,4,no\r\n5,6, yes\r\n7,8,no\r\n\r\n'
    ds = load_csv(write(text), train_ratio=1.0)
    assert ds.input_names == ["a", "b"] and ds.target_names == ["no", "yes"]
    assert sorted(ds.X_train[:, 0]) == [1.5, 3, 5, 7]


def test_trailing_delimiter_column_is_ignored(write):
    ds = load_csv(write("a,b,y,\n1,2,0,\n3,4,1,\n5,6,0,\n7,8,1,\n"))
    assert ds.input_names == ["a", "b"] and ds.task == "binary"


def test_spec_records_path_and_sha256_and_rebuilds(write):
    path = write(IRIS_LIKE)
    ds = load_csv(path, seed=5, train_ratio=0.5)
    assert ds.spec["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert ds.spec["path"] == str(path.resolve()) and ds.spec["source"] == "csv"
    again = dataset_from_spec(json.loads(json.dumps(ds.spec)))
    np.testing.assert_array_equal(again.X_train, ds.X_train)
    path.write_text(IRIS_LIKE + "1,1,setosa\n", encoding="utf-8")
    with pytest.raises(UserInputError, match="changed since this model was trained"):
        dataset_from_spec(ds.spec)


def test_stratified_split_keeps_class_shares(write):
    text = "x,y\n" + "".join(f"{i},{int(i % 10 == 0)}\n" for i in range(100))
    ds = load_csv(write(text))
    assert list(ds.class_counts()[1]) == [18, 2]


# --- malformed files: every message names the file, and the row / column where it applies ---

MALFORMED = [
    ("empty", b"", r"^bad\.csv: the file is empty"),
    ("blank lines only", b"\n \n\n", r"^bad\.csv: the file is empty"),
    ("only a header", b"a,b,y\n", r"^bad\.csv: the file has only a header row \(a, b, y\)"),
    ("one column", b"a\n1\n2\n", r"^bad\.csv: found only one column"),
    ("ragged short", b"a,b,y\n1,2,0\n3,4\n5,6,1\n",
     r"^bad\.csv, row 3: has 2 cells but row 1 has 3"),
    ("ragged long", b"1,2,0\n3,4,1\n5,6,1,9\n", r"^bad\.csv, row 3: has 4 cells but row 1 has 3"),
    ("text input", b"a,b,y\n1,2,0\n3,oops,1\n5,6,1\n",
     r"^bad\.csv, row 3, column 'b': 'oops' is not a finite number"),
    ("decimal comma", b"a;b;y\n1;2;0\n3;4,5;1\n5;6;1\n", "Decimal commas are not supported"),
    ("empty cell", b"a,b,y\n1,2,0\n3,4,1\n5,,1\n",
     r"^bad\.csv, row 4, column 'b': the cell is empty"),
    ("NA", b"a,b,y\n1,2,0\nNA,4,1\n5,6,1\n", r"^bad\.csv, row 3, column 'a': .*marker 'NA'"),
    ("NaN", b"a,b,y\n1,2,0\n3,NaN,1\n5,6,1\n", r"^bad\.csv, row 3, column 'b': .*marker 'NaN'"),
    ("missing target", b"a,b,y\n1,2,0\n3,4,1\n5,6,\n",
     r"^bad\.csv, row 4, column 'y': the cell is empty"),
    ("infinite", b"a,b,y\n1,2,0\n3,inf,1\n5,6,1\n",
     r"^bad\.csv, row 3, column 'b': 'inf' is not a finite"),
    ("one class", b"a,b,y\n1,2,x\n3,4,x\n5,6,x\n",
     r"^bad\.csv, column 'y': the target has only one class \(x\)"),
    ("single row", b"a,b,y\n1,2,0\n", r"^bad\.csv, row 2: the file has a single data row"),
    ("not utf-8", "a,b,y\n1,2,0\n3,4,caf\u00e9\n".encode("latin-1"),
     r"^bad\.csv, row 3: byte 0xe9 is not valid UTF-8"),
    ("duplicate names", b"a,a,y\n1,2,0\n3,4,1\n",
     r"^bad\.csv, row 1: the header names the column 'a' twice"),
    ("blank lines shift rows", b"a,b,y\n\n1,2,0\n\n3,x,1\n", r"^bad\.csv, row 5, column 'b'"),
]


@pytest.mark.parametrize(
    "content, message", [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_malformed_files_give_precise_messages(write, content, message):
    path = write(content, "bad.csv")
    with pytest.raises(UserInputError, match=message):
        load_csv(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(UserInputError, match="nope.csv: file not found"):
        load_csv(tmp_path / "nope.csv")
    with pytest.raises(UserInputError, match="folder"):
        load_csv(tmp_path)


def test_single_row_loads_without_a_test_set(write):
    ds = load_csv(write("a,y\n1,2.5\n"), train_ratio=1.0)
    assert ds.n_train == 1 and ds.n_test == 0


def test_bad_train_ratio(write):
    with pytest.raises(UserInputError, match=r"\(0, 1\]"):
        load_csv(write(IRIS_LIKE), train_ratio=0.0)


def test_preview(write):
    text = "a,b,c,label\n" + "".join(
        f"{i},{i * 0.5},{'' if i == 3 else i},{'yes' if i % 2 else 'no'}\n" for i in range(50))
    pv = preview_csv(write(text), n_rows=5)
    assert pv.header == ["a", "b", "c", "label"] and pv.has_header
    assert pv.delimiter == "," and pv.delimiter_name == "comma"
    assert pv.rows[0] == ["0", "0.0", "0", "no"] and len(pv.rows) == 5 and pv.n_rows == 50
    assert pv.column_types == ["integer", "number", "integer", "text"]
    assert pv.missing_counts == [0, 0, 1, 0]
    assert pv.default_target == "label" and pv.suggested_task == "binary"
    assert pv.suggest_task("b") == "regression" and pv.suggest_task("a") == "regression"
    assert len(pv.sha256) == 64


def test_preview_raises_only_for_structural_problems(write):
    pv = preview_csv(write("a,b\n1,x\n2,NA\n"))
    assert pv.column_types == ["integer", "text"] and pv.missing_counts == [0, 1]
    with pytest.raises(UserInputError, match="row 3: has 1 cells"):
        preview_csv(write("a,b\n1,2\n3\n", "ragged.csv"))


def test_100k_rows_load(write):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100_000, 6)).round(6)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    lines = ["f1,f2,f3,f4,f5,f6,target"]
    lines += [",".join(map(str, row)) + f",{t}" for row, t in zip(X.tolist(), y, strict=True)]
    ds = load_csv(write("\n".join(lines) + "\n", "big.csv"), train_ratio=1.0)
    assert ds.X_train.shape == (100_000, 6) and ds.task == "binary"
    np.testing.assert_array_equal(np.sort(ds.X_train[:, 0]), np.sort(X[:, 0]))
