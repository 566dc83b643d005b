"""Tables as people make them: every everyday shape gets a right answer or a one-line refusal."""

from __future__ import annotations

import json

import numpy as np
import pytest

import glassnet as gn
from glassnet.cli import main
from glassnet.data import parse_table


def solve(tmp_path, capsys, text, *options, name="t.csv", code=0):
    """Run ``glassnet solve`` on ``text``; return (stdout, stderr) after checking the exit code."""
    path = tmp_path / name
    path.write_text(text)
    got = main(["solve", str(path), *options])
    captured = capsys.readouterr()
    assert got == code, captured.err
    return captured.out, captured.err


def refused(tmp_path, capsys, text, *options, name="t.csv", code=65):
    """Run a refused ``solve``: one line on stderr, nothing on stdout; return the line."""
    out, err = solve(tmp_path, capsys, text, *options, name=name, code=code)
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("glassnet: error: ")
    assert "Traceback" not in err
    return err.replace(str(tmp_path) + "/", "")


# -- small 0/1 tables: the tutorial's neuron only where it fits -----------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("a b y\n0 0 1\n0 1 1\n1 0 0\n1 1 0\n0 0 ?\n", 1, id="not-a"),
        pytest.param("a b y\n0 0 0\n0 1 1\n1 0 1\n1 1 1\n0 0 ?\n", 0, id="or"),
        pytest.param("a y\n0 1\n1 0\n0 ?\n", 1, id="not"),
        pytest.param("a y\n0 1\n1 0\n1 ?\n", 0, id="not-1"),
    ],
)
def test_small_tables_whose_known_rows_say_the_answer_get_it(tmp_path, capsys, text, expected):
    out, err = solve(tmp_path, capsys, text, name="t.txt")
    answer = float(out.splitlines()[-1].split()[-1])
    assert round(answer) == expected
    assert abs(answer - expected) < 0.35
    assert "the tutorial recipe does not fit this table" in err


def test_the_tutorials_table_still_gets_the_tutorials_answer(tmp_path, capsys):
    out, err = solve(tmp_path, capsys, "0 0 1 0\n1 1 1 1\n1 0 1 1\n0 1 1 0\n1 0 0 ?\n")
    assert out.splitlines()[-1] == "1 0 0 0.99993704"
    assert "does not fit" not in err


# -- number formats -------------------------------------------------------------------------------

HOUSES = (
    "size,rooms,price\n"
    '1200,3,"190,000"\n'
    '800,2,"120,500"\n'
    '1500,4,"240,000"\n'
    '950,2,"150,250"\n'
    '2000,5,"330,000"\n'
    '1100,3,"175,000"\n'
    "1300,3,?\n"
)


def test_thousands_separators_are_numbers_and_answers_keep_them(tmp_path, capsys):
    out, err = solve(tmp_path, capsys, HOUSES, "--json")
    document = json.loads(out)
    assert document["task"] == "regression"
    answer = document["answers"][0]["answer"]["price"]
    assert 120_000 < answer < 330_000
    written = document["table"][-1][2]  # in the column's own format: 1,234,567.8
    assert float(written.replace(",", "")) == pytest.approx(answer, rel=1e-7)
    assert "," in written
    assert "column 'price': read '190,000' as 190000 (',' between thousands)" in err
    out, _ = solve(tmp_path, capsys, HOUSES)
    last = out.splitlines()[-1]
    assert last.startswith('1300,3,"')  # quoted: the answer has a thousands separator


@pytest.mark.parametrize(
    ("text", "column", "values"),
    [
        pytest.param("a;y\n1,5;0\n2,25;1\n0,5;?\n", 0, [1.5, 2.25, 0.5], id="decimal-comma"),
        pytest.param("a;y\n1.500,5;0\n2,5;1\n", 0, [1500.5, 2.5], id="dot-thousands"),
        pytest.param("r,y\n12%,0\n5.5%,1\n", 0, [0.12, 0.055], id="percent"),
        pytest.param('p,y\n"$1,200.50",0\n$3,1\n-$2,0\n', 0, [1200.5, 3.0, -2.0], id="currency"),
        pytest.param("a,y\n+3,0\n-2,1\n+0.5,0\n", 0, [3.0, -2.0, 0.5], id="plus"),
        pytest.param("d,y\n1970-01-02,0\n1970-01-01T12:00,1\n", 0, [1.0, 0.5], id="iso-dates"),
    ],
)
def test_number_formats_are_read_when_a_whole_column_agrees(text, column, values):
    table = parse_table(text, "t")
    np.testing.assert_allclose(table.numbers(column), values)
    assert bool(table.notes) == ("+" not in text)  # a plus sign is a plain number: no note


def test_a_comma_that_could_mean_either_is_refused_naming_the_option(tmp_path, capsys):
    err = refused(tmp_path, capsys, "a;b;y\n1,200;1;0\n2,500;2;1\n3,000;3;?\n")
    assert err == (
        "glassnet: error: t.csv:2:1: column 'a': '1,200' could be 1200 (',' between thousands) "
        "or 1.200 (a decimal comma); give --decimal . or --decimal , to say which\n"
    )
    out, _ = solve(tmp_path, capsys, "a;b;y\n1,200;1;0\n2,500;2;1\n3,000;3;?\n", "--decimal", ",")
    assert out.splitlines()[1] == "1,200;1;0"


def test_two_decimal_marks_in_one_file_are_refused(tmp_path, capsys):
    err = refused(tmp_path, capsys, "a;b;y\n1,5;1.25;0\n2;2;1\n")
    assert "expected one decimal mark in the file, found '1,5'" in err
    assert "give --decimal , or --decimal . to say which" in err


def test_predict_reads_new_tables_as_training_did(tmp_path, capsys):
    train = tmp_path / "t.csv"
    train.write_text("a;y\n1,5;0\n2,25;1\n0,5;0\n3,75;1\n")
    model = tmp_path / "m.safetensors"
    assert main(["train", str(train), "-o", str(model), "-q"]) == 0
    capsys.readouterr()
    new = tmp_path / "new.csv"
    new.write_text("a;y\n1,200;?\n")  # alone, ambiguous: the model says ',' is the decimal mark
    assert main(["predict", str(model), str(new), "--json", "-q"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["answers"][0]["cells"] == ["1,200", "?"]
    loaded = gn.TableModel.load(model)
    assert loaded.reading_["decimal"] == ","
    assert main(["info", str(model)]) == 0
    assert "reading: decimal mark ','" in capsys.readouterr().out


# -- missing cells --------------------------------------------------------------------------------

MISSING = "age,city,y\n30,Oslo,0\n,Rome,1\nNA,Oslo,0\n41,N/A,1\n35,null,0\n?,Rome,1\n28,Oslo,?\n"


def test_missing_input_cells_are_filled_and_counted(tmp_path, capsys):
    out, err = solve(tmp_path, capsys, MISSING)
    assert out.splitlines()[-1].startswith("28,Oslo,0.") or out.splitlines()[-1].startswith(
        "28,Oslo,1"
    )
    assert (
        "glassnet: note: column 'age': 3 missing cells filled with the median 35 of the rows to "
        "learn from; a 0/1 input 'age missing' tells the network which were missing\n"
    ) in err
    assert (
        "column 'city': 2 missing cells filled with the most frequent label 'Oslo' of the rows "
        "to learn from" in err
    )


def test_missing_inputs_refused_with_no_impute(tmp_path, capsys):
    err = refused(tmp_path, capsys, MISSING, "--no-impute")
    assert err == (
        "glassnet: error: t.csv:3:1: expected a value in input column 'age', found '' (a missing "
        "cell); leave out --no-impute to fill it from the other rows, or --ignore age\n"
    )


def test_missing_words_can_be_changed(tmp_path, capsys):
    text = "code,y\nNA,0\nEU,1\nNA,0\nEU,1\nNA,?\n"  # NA: North America, not a gap
    out, _ = solve(tmp_path, capsys, text, "--missing", "", "--preset", "standard")
    assert out.splitlines()[-1].startswith("NA,0.")
    assert "code=NA" in [n for n in _input_names(tmp_path, text, "--missing", "")]


def _input_names(tmp_path, text, *options):
    path = tmp_path / "names.csv"
    path.write_text(text)
    model = tmp_path / "names.safetensors"
    assert main(["train", str(path), "-o", str(model), "-q", *options]) == 0
    from glassnet.explain.columns import input_names

    return input_names(gn.TableModel.load(model))


def test_missing_output_cells_are_cells_to_fill_never_a_class(tmp_path, capsys):
    text = "x,kind\n1,cat\n2,dog\n1.1,cat\n2.2,NA\n1.9,dog\n0.9,\n"
    out, err = solve(tmp_path, capsys, text, "--json")
    document = json.loads(out)
    assert set(document["classes"]) == {"cat", "dog"}
    assert [entry["line"] for entry in document["answers"]] == [5, 7]
    assert "output cells written '', 'NA' are missing: filled in like '?'" in err


# -- columns that are not inputs ------------------------------------------------------------------


def test_pandas_to_csv_index_and_trailing_commas(tmp_path, capsys):
    text = ",a,b,y,\n0,1,0,0,\n1,0,1,1,\n2,1,1,1,\n3,0,0,?,\n"
    out, err = solve(tmp_path, capsys, text, "--preset", "standard")
    lines = out.splitlines()
    assert lines[0] == ",a,b,y,"
    assert lines[-1].startswith("3,0,0,0.")
    assert "column 1 (no name, 0, 1, 2, ...) looks like a pandas index" in err
    assert "column 5 is empty on every line (each ends in a separator): left out" in err


def test_ignore_leaves_columns_out_and_passes_them_through(tmp_path, capsys):
    text = "id,notes,x,y\nA1,fine,0,0\nA2,,1,1\nA3,late,0,0\nA4,ok,1,1\nA5,new,1,?\n"
    out, _ = solve(tmp_path, capsys, text, "--ignore", "id", "--ignore", "2", "--json")
    document = json.loads(out)
    assert document["passthrough"] == ["id", "notes"]
    assert document["table"][-1][:3] == ["A5", "new", "1"]
    model = tmp_path / "m.safetensors"
    assert main(["train", str(tmp_path / "t.csv"), "-o", str(model), "--ignore", "id",
                 "--ignore", "notes", "-q"]) == 0  # fmt: skip
    assert main(["predict", str(model), str(tmp_path / "t.csv"), "-q"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("A5,new,1,")
    assert main(["evaluate", str(model), str(tmp_path / "t.csv"), "--ignore", "id", "-q"]) == 0


def test_ignore_naming_no_column_is_a_usage_error(tmp_path, capsys):
    err = refused(tmp_path, capsys, "a,y\n1,0\n2,?\n", "--ignore", "nope", code=2)
    assert "--ignore nope: t.csv has no column 'nope'" in err


def test_identifier_columns_are_refused_naming_ignore(tmp_path, capsys):
    rows = "".join(f"C{i:04d},{i % 7},{i % 2}\n" for i in range(40))
    err = refused(tmp_path, capsys, "customer,visits,y\n" + rows + "C9999,3,?\n")
    assert err.startswith(
        "glassnet: error: t.csv:2:1: expected labels that repeat in input column 'customer', "
        "found 40 different ones in 40 rows ('C0000', 'C0001', 'C0002', ...)"
    )
    assert err.endswith("leave the column out with --ignore customer\n")
    out, _ = solve(tmp_path, capsys, "customer,visits,y\n" + rows + "C9999,3,?\n", "--ignore",
                   "customer")  # fmt: skip
    assert out.splitlines()[-1].startswith("C9999,3,")


# -- honest summaries -----------------------------------------------------------------------------


def test_a_model_no_better_than_the_baseline_is_warned_about(tmp_path, capsys):
    rng = np.random.default_rng(0)
    rows = "".join(f"{a:.3f},{b:.3f},{int(a > b)}\n" for a, b in rng.random((60, 2)))
    _, good = solve(tmp_path, capsys, "a,b,y\n" + rows + "0.2,0.9,?\n")
    assert "warning" not in good
    _, bad = solve(tmp_path, capsys, "a,b,y\n" + rows + "0.2,0.9,?\n", "--lr", "1e6")
    assert (
        "glassnet: warning: the model does no better on the rows it learned from than always" in bad
    )


def test_the_summary_line_names_training_held_out_and_baseline(tmp_path, capsys):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(1200, 3))
    rows = "".join(f"{a:.4f},{b:.4f},{c:.4f},{int(a + b > c)}\n" for a, b, c in X)
    out, err = solve(tmp_path, capsys, "a,b,c,y\n" + rows + "0,0,0,?\n", "--json")
    document = json.loads(out)
    metrics = document["metrics"]
    assert metrics["validation"]["rows"] == 120  # a tenth held out from 1,200 rows
    assert metrics["train"]["rows"] == 1080
    assert document["settings"]["batch_size"] == 200
    assert metrics["validation"]["accuracy"] > metrics["baseline"]["validation"]["accuracy"] + 0.3
    line = err.splitlines()[-1]
    assert line.startswith("glassnet: trained ")
    assert "on the 1080 rows learned from, accuracy" in line
    assert "on the 120 held out (always answering" in line


def test_json_never_goes_into_the_table_file(tmp_path, capsys):
    out_file = tmp_path / "filled.csv"
    out, _ = solve(tmp_path, capsys, HOUSES, "-o", str(out_file), "--json", "-q")
    assert json.loads(out)["command"] == "solve"
    assert out_file.read_text().startswith("size,rooms,price\n")


def test_every_task_answers_in_one_shape(tmp_path, capsys):
    for text, key in [
        ("x,y\n1,0\n2,1\n3,?\n", "probabilities"),
        ("x,y\n1,a\n2,b\n3,?\n", "probabilities"),
        ("x,y\n1,0.5\n2,1.5\n3,?\n", None),
    ]:
        out, _ = solve(tmp_path, capsys, text, "--json", "-q", "--preset", "standard")
        entry = json.loads(out)["answers"][0]
        assert "answer" in entry
        assert (key in entry) == (key is not None)
