"""CSV files that once loaded as silent garbage or crashed (issue 10), and the fast reader
giving exactly what ``float()`` gives on every cell (issue 17)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.train import main
from core.data import csv_fast, load_csv, preview_csv
from core.data.csv_table import read_table
from core.errors import UserInputError


@pytest.fixture
def write(tmp_path):
    """Write ``content`` (str as UTF-8, or bytes) to a file and return its path."""

    def _write(content, name="data.csv"):
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return _write


def _binary_file(odd_rows, n=40):
    """``x,y`` with a 0/1 target; ``odd_rows`` maps a data-row index to a bad target cell."""
    rows = [f"{i},{odd_rows.get(i, i % 2)}" for i in range(n)]
    return "x,y\n" + "\n".join(rows) + "\n"


# --- a number target with a few odd cells is refused, naming their lines ---

@pytest.mark.parametrize("odd", [{5: "inf"}, {5: "1e999"}, {5: "1O", 17: "O"}])
def test_number_target_with_odd_cells_is_refused_with_their_lines(write, odd):
    path = write(_binary_file(odd))
    with pytest.raises(UserInputError) as info:
        load_csv(path)
    message = str(info.value)
    assert message.startswith("data.csv, column 'y': the target holds numbers except in")
    for i, cell in odd.items():
        assert f"row {i + 2} ({cell!r})" in message  # file lines: header is line 1
    assert "--task classification" in message


def test_explicit_classification_takes_odd_cells_as_classes(write):
    path = write(_binary_file({5: "1O"}))
    ds = load_csv(path, task="classification", train_ratio=1.0)
    assert ds.task == "multiclass" and ds.target_names == ["0", "1", "1O"]


def test_cli_task_option_confirms_classification(write, capsys):
    path = write(_binary_file({5: "1O"}))
    assert main(["--csv", str(path), "--epochs", "1", "--hidden", "2"]) != 0
    assert "row 7 ('1O')" in capsys.readouterr().err
    code = main(["--csv", str(path), "--task", "classification", "--epochs", "1",
                 "--hidden", "2", "--json"])
    assert code == 0, capsys.readouterr().err


def test_a_text_target_with_a_few_numbers_is_still_classes(write):
    labels = ["cat", "dog", "bird"] * 10 + ["7"]
    ds = load_csv(write("x,y\n" + "".join(f"{i},{c}\n" for i, c in enumerate(labels))))
    assert ds.task == "multiclass" and "7" in ds.target_names


# --- a target unique per row (an ID) is refused, with a better column named ---

def test_id_column_as_target_is_refused_and_a_target_suggested(write):
    rows = "".join(f"{i * 0.5},{i % 3},user{i:04d}\n" for i in range(200))
    path = write("size,label,user\n" + rows)
    with pytest.raises(UserInputError) as info:
        load_csv(path)
    message = str(info.value)
    assert "column 'user'" in message and "different value in every one of the 200 rows" in message
    assert "--target 'label'" in message


def test_id_column_suggestion_falls_back_to_a_column_with_few_values(write):
    rows = "".join(f"{i * 0.5},{i % 2},id{i}\n" for i in range(50))
    with pytest.raises(UserInputError, match=r"--target 'b'"):
        load_csv(write("a,b,name\n" + rows))


def test_one_hot_targets_too_big_for_memory_are_refused(write, monkeypatch):
    from core.data import csv_columns

    monkeypatch.setattr(csv_columns, "MAX_ONE_HOT_BYTES", 1000)
    path = write("x,t\n" + "".join(f"{i},c{i % 30}\n" for i in range(60)))
    with pytest.raises(UserInputError, match=r"30 classes over 60 rows: .* one-hot"):
        load_csv(path)


# --- what was decided about the header is said ---

def test_a_header_of_numbers_is_read_as_data_and_the_note_says_so(write):
    path = write("1990,2000,2010\n" + "".join(f"{i},{i * 2},{i % 2}\n" for i in range(10)))
    ds = load_csv(path)
    assert ds.input_names == ["col1", "col2"] and ds.n_train + ds.n_test == 11
    assert ds.notes and "line 1 holds only numbers, so it was read as data" in ds.notes[0]
    assert "note: No header row" in ds.summary()
    assert preview_csv(path).notes == ds.notes


def test_a_first_row_with_na_is_data_not_a_header(write):
    path = write("NA,2,0\n1,3,1\n4,5,0\n6,7,1\n")
    with pytest.raises(UserInputError, match=r"row 1, column 'col1': .*marker 'NA'"):
        load_csv(path)
    note = preview_csv(path).notes[0]
    assert "line 1 holds only numbers and missing-value markers" in note


def test_a_real_header_has_no_note(write):
    assert load_csv(write("a,b\n1,0\n2,1\n3,0\n4,1\n")).notes == []


# --- files that raised tracebacks ---

def test_old_mac_line_ends(write):
    ds = load_csv(write("a,b,y\r1,2,0\r3,4,1\r5,6,0\r7,8,1\r"), train_ratio=1.0)
    assert ds.input_names == ["a", "b"] and ds.n_train == 4
    with pytest.raises(UserInputError, match=r"row 3, column 'b'"):
        load_csv(write("a,b,y\r1,2,0\r3,x,1\r5,6,0\r", "bad.csv"))


@pytest.mark.parametrize("content, message", [
    ("1," * 500_000 + "1\n", "single data row"),  # one line of 1 MB
    ("a,b\n" + "x" * 1_000_000 + ",1\n2,3\n", r"row 2, column 'a'"),  # a 1 MB field
    ("y" * 200_000 + "\n", "found only one column"),
])
def test_huge_fields_and_lines_get_messages(write, content, message):
    with pytest.raises(UserInputError, match=message):
        load_csv(write(content))


@pytest.mark.parametrize("content", [",,,\n,,,\n", ",,,", ";;\n;;\n"])
def test_a_file_of_delimiters_only(write, content):
    with pytest.raises(UserInputError, match="holds only (comma|semicolon)s and no values"):
        load_csv(write(content))


def test_rows_are_file_lines_with_quoted_multiline_cells_and_blank_lines(write):
    text = 'a,b,note\n1,2,"two\nlines"\n\n3,4,x\n\n\n5,oops,y\n'
    with pytest.raises(UserInputError, match=r"row 8, column 'b': 'oops'"):
        load_csv(write(text))
    ragged = 'a,b,y\n1,"x\ny",0\n\n3,4\n'
    with pytest.raises(UserInputError, match=r"row 5: has 2 cells"):
        load_csv(write(ragged, "ragged.csv"))


# --- the fast reader: same numbers as float(), same lines, whatever the chunking ---

NUMBER_TEXT = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr),
    st.floats(-1e3, 1e3).map(lambda v: f"{v:.6f}"),
    st.decimals(-10**20, 10**20, places=25, allow_nan=False).map(str),
    st.sampled_from(["0.1", "-0.0", ".5", "5.", "+7", "1e5", "-2.5E-3", "007"]),
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(cells=st.lists(st.lists(NUMBER_TEXT, min_size=3, max_size=3), min_size=2, max_size=40),
       blank_every=st.integers(0, 5), chunk=st.sampled_from([16, 64, 1 << 20]))
def test_fast_reader_matches_float_of_every_cell(tmp_path_factory, cells, blank_every, chunk):
    lines = ["a,b,c"]
    for i, row in enumerate(cells):
        if blank_every and i % blank_every == 0:
            lines.append("")
        lines.append(",".join(row))
    path = tmp_path_factory.mktemp("fast") / "n.csv"
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    original = csv_fast.CHUNK_BYTES
    csv_fast.CHUNK_BYTES = chunk
    try:
        table = read_table(path)
    finally:
        csv_fast.CHUNK_BYTES = original
    expected = np.array([[float(c) for c in row] for row in cells])
    assert table.numeric is not None  # the fast reader took it
    np.testing.assert_array_equal(table.numeric, expected)
    data_lines = [i + 1 for i, ln in enumerate(lines) if ln and i > 0]
    assert table.lines.tolist() == data_lines


@pytest.mark.parametrize("late_cell", [None, "256", "-1", "2.5", "1e3", "70000000000"])
def test_whole_numbers_0_to_255_are_kept_as_bytes_until_a_cell_needs_more(
        write, monkeypatch, late_cell):
    monkeypatch.setattr(csv_fast, "CHUNK_BYTES", 64)  # the odd cell comes chunks later
    rows = [[str(i % 256), ["+7", "007", "255"][i % 3], str(i % 2)] for i in range(300)]
    if late_cell is not None:
        rows[250][1] = late_cell
    path = write("a,b,y\n" + "".join(",".join(r) + "\n" for r in rows))
    table = read_table(path)
    expected = np.array([[float(c) for c in r] for r in rows])
    assert table.numeric.dtype == (np.uint8 if late_cell is None else np.float64)
    np.testing.assert_array_equal(table.numeric, expected)
    np.testing.assert_array_equal(table.numbers(1), expected[:, 1])
    assert table.numbers(1).dtype == np.float64 and table.column(1)[:3] == ["7", "7", "255"]
    ds = load_csv(path, train_ratio=0.75)
    assert ds.X_train.dtype == ds.X_test.dtype == np.float64
    np.testing.assert_array_equal(np.vstack([ds.X_train, ds.X_test]),
                                  expected[ds.row_order, :2])


def test_fast_reader_with_a_text_target_and_careful_fallback_agree(write):
    rows = "".join(f"{i * 0.25},{-i},{'yes' if i % 3 else 'no'}\n" for i in range(300))
    fast = read_table(write("a,b,label\n" + rows))
    assert fast.numeric is not None and fast.numeric_columns == [0, 1]
    careful = read_table(write('a,b,label\n"0",0,no\n' + rows[rows.index("\n") + 1:], "q.csv"))
    assert careful.numeric is None  # quotes: the careful reader
    for j in (0, 1):
        np.testing.assert_array_equal(fast.numbers(j), careful.numbers(j))
    assert fast.column(2) == careful.column(2)
    np.testing.assert_array_equal(fast.lines, careful.lines)


@pytest.mark.parametrize("content, message", [
    ("a,b,y\n" + "1.5,2,0\n" * 50 + "1.2.3,4,1\n", r"row 52, column 'a': '1\.2\.3'"),
    ("a,b,y\n" + "1,2,0\n" * 50 + "1,2,3,1\n", r"row 52: has 4 cells"),
    ("a,b,y\n" + "1,2,0\n" * 50 + "nan,2,1\n", r"row 52, column 'a': .*marker 'nan'"),
    ("a,b,y\n" + "1,2,0\n" * 50 + "1e999,2,1\n", r"row 52, column 'a': '1e999' is not a finite"),
    ("a,b,y\n" + "1,2,a\n" * 50 + "1,2\n", r"row 52: has 2 cells"),
    ("a,b,y\n" + "1.5,2,0\n" * 50 + "-.,2,1\n", r"row 52, column 'a': '-\.' is not a finite"),
    ("a,b,y\n" + "1.5,2,0\n" * 50 + "1.5,-,1\n", r"row 52, column 'b': '-' is not a finite"),
    ("a,b,y\n" + "1.5,2,0\n" * 50 + "1.5,,1\n", r"row 52, column 'b': the cell is empty"),
    ("a,b,y\n" + "1,2,a\n" * 50 + "1,2,b,c\n", r"row 52: has 4 cells"),
])
def test_problems_deep_in_a_plain_file_are_found_with_their_line(write, content, message):
    with pytest.raises(UserInputError, match=message):
        load_csv(write(content))


def test_progress_is_reported_and_can_cancel(write, monkeypatch):
    monkeypatch.setattr(csv_fast, "CHUNK_BYTES", 64)
    path = write("a,b,y\n" + "".join(f"{i},{i * 0.5},{i % 2}\n" for i in range(200)))
    seen = []
    load_csv(path, progress=seen.append)
    assert len(seen) > 10 and seen == sorted(seen) and seen[-1] == 1.0

    class Cancelled(Exception):
        pass

    def cancel(fraction):
        if fraction > 0.5:
            raise Cancelled

    with pytest.raises(Cancelled):
        load_csv(path, progress=cancel)


def test_quoted_or_accented_header_still_takes_the_fast_reader(write):
    rows = "".join(f"{i},{i * 0.5}\n" for i in range(100))
    table = read_table(write('"température","y"\n' + rows))
    assert table.numeric is not None and table.header == ["température", "y"]
    np.testing.assert_array_equal(table.numbers(1), np.arange(100) * 0.5)


def test_cli_prints_the_header_decision(write, capsys):
    path = write("1990,2000,2010\n" + "".join(f"{i},{i * 2},{i % 2}\n" for i in range(10)))
    assert main(["--csv", str(path), "--epochs", "1", "--json"]) == 0
    err = capsys.readouterr().err
    assert "note: No header row" in err and "read as data" in err
