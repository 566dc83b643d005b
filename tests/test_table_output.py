"""Tables written back by solve and predict: the user's column order, comments and blank lines."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glassnet.cli import main
from glassnet.data import parse_table, write_table
from glassnet.tables import TableModel

FLOWERS = (
    "sl,sw,pl,pw,species\n"
    "5.1,3.5,1.4,0.2,setosa\n"
    "4.9,3.0,1.4,0.2,setosa\n"
    "7.0,3.2,4.7,1.4,versicolor\n"
    "6.4,3.2,4.5,1.5,versicolor\n"
    "6.3,3.3,6.0,2.5,virginica\n"
    "5.8,2.7,5.1,1.9,virginica\n"
)


@pytest.fixture
def flower_model(tmp_path):
    table, model = tmp_path / "train.csv", tmp_path / "m.safetensors"
    table.write_text(FLOWERS)
    assert main(["train", str(table), "-o", str(model), "--epochs", "20", "--quiet"]) == 0
    return model


def _predict(capsys, model, path, *options):
    capsys.readouterr()
    assert main(["predict", str(model), str(path), *options]) == 0
    return capsys.readouterr().out


# -- the user's column order -----------------------------------------------------------------------


def test_predict_full_table_prints_the_users_column_order(flower_model, tmp_path, capsys):
    path = tmp_path / "new.csv"
    path.write_text("pw,species,pl,sw,sl\n0.2,?,1.4,3.5,5.1\n2.5,virginica,6.0,3.3,6.3\n")
    lines = _predict(capsys, flower_model, path).splitlines()
    assert lines[0] == "pw,species,pl,sw,sl"
    first, second = (line.split(",") for line in lines[1:])
    assert [first[0], *first[2:]] == ["0.2", "1.4", "3.5", "5.1"]
    assert first[1] in ("setosa", "versicolor", "virginica")
    assert second == ["2.5", "virginica", "6.0", "3.3", "6.3"]  # a known cell stays as written
    assert len(lines) == 3


def test_predict_inputs_only_appends_the_answer_after_the_users_columns(
    flower_model, tmp_path, capsys
):
    path = tmp_path / "new.csv"
    path.write_text("pw,pl,sw,sl\n0.2,1.4,3.5,5.1\n")
    header, row = _predict(capsys, flower_model, path).splitlines()
    assert header == "pw,pl,sw,sl,species"
    assert row.split(",")[:4] == ["0.2", "1.4", "3.5", "5.1"]


def test_predict_json_table_is_the_files_own(flower_model, tmp_path, capsys):
    path = tmp_path / "new.csv"
    path.write_text("pw,pl,sw,sl\n# a comment\n0.2,1.4,3.5,5.1\n")
    document = json.loads(_predict(capsys, flower_model, path, "--json"))
    assert document["columns"] == ["sl", "sw", "pl", "pw", "species"]  # the training table's
    assert document["table_columns"] == ["pw", "pl", "sw", "sl", "species"]
    assert document["table"][0][:4] == ["0.2", "1.4", "3.5", "5.1"]
    assert document["table"][0][4] == document["answers"][0]["answer"]
    assert document["answers"][0]["line"] == 3


def test_predict_in_the_training_order_is_unchanged(flower_model, tmp_path, capsys):
    path = tmp_path / "new.csv"
    path.write_text(FLOWERS.replace("setosa\n", "?\n", 1))
    model = TableModel.load(flower_model)
    table = parse_table(path.read_text())
    expected = write_table(model.fill(table), table.header, ",")
    assert _predict(capsys, flower_model, path) == expected


def test_fill_follows_the_files_column_order():
    model = TableModel(epochs=1).fit(parse_table("a b y\n0 1 0\n1 0 1\n"))
    answer = model.fill(parse_table("a b y\n0 0 ?\n"))[0][2]
    assert model.fill(parse_table("b y a\n0 ? 0\n")) == [["0", answer, "0"]]
    assert model.fill(parse_table("b a\n0 0\n")) == [["0", "0", answer]]
    assert model.fill(parse_table("0 0 ?\n")) == [["0", "0", answer]]  # no header: by position


def test_solve_keeps_the_users_column_order(tmp_path, capsys):
    path = tmp_path / "t.txt"
    path.write_text("y a b\n0 1 0\n1 0 1\n1 1 1\n? 0 0\n")
    assert main(["solve", str(path), "--target", "y", "--epochs", "5", "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == ["y a b", "0 1 0", "1 0 1", "1 1 1"]
    assert lines[4].endswith(" 0 0")
    assert lines[4].startswith("0.")


# -- comments and blank lines ----------------------------------------------------------------------

COMMENTED = (
    "# the tutorial's puzzle\n"
    "\n"
    "Input Output\n"
    "# known rows\n"
    "0 0 1 0\n"
    "1 1 1 1\n"
    "   # indented, with trailing blanks  \n"
    "1 0 1 1\n"
    "\t\n"
    "0 1 1 0\n"
    "1 0 0 ?\n"
    "\n"
    "# end\n"
)


def test_solve_keeps_comments_and_blank_lines_in_place(tmp_path, capsys):
    path = tmp_path / "t.txt"
    path.write_text(COMMENTED)
    assert main(["solve", str(path), "--quiet"]) == 0
    out = capsys.readouterr().out
    expected = COMMENTED.replace("1 0 0 ?", "1 0 0 " + out.split("1 0 0 ")[1][:10])
    assert out == expected
    assert out.splitlines()[10].startswith("1 0 0 0.9")


def test_solve_comments_without_final_line_break_and_crlf(tmp_path, capsys):
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,y\r\n# one\r\n0,0\r\n1,1\r\n\r\n0,?\r\n# last")
    assert main(["solve", str(path), "--epochs", "5", "--quiet"]) == 0
    lines = capsys.readouterr().out.split("\n")
    assert lines[:5] == ["a,y", "# one", "0,0", "1,1", ""]
    assert lines[5].startswith("0,0.")
    assert lines[6:] == ["# last", ""]


def test_solve_label_notes_stay_on_their_rows_between_comments(tmp_path, capsys):
    text = "x y\n# first\n0 a\n1 b\n\n0 a\n1 ?\n# after\n"
    path = tmp_path / "t.txt"
    path.write_text(text)
    assert main(["solve", str(path), "--epochs", "5", "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:6] == ["x y", "# first", "0 a", "1 b", "", "0 a"]
    assert lines[6].startswith("1 ")
    assert "  # p=" in lines[6]
    assert lines[7] == "# after"


def test_predict_keeps_comments_with_reordered_columns(flower_model, tmp_path, capsys):
    path = tmp_path / "new.csv"
    path.write_text("# measured today\npw,pl,sw,sl\n\n0.2,1.4,3.5,5.1\n# done\n")
    lines = _predict(capsys, flower_model, path).split("\n")
    assert lines[:3] == ["# measured today", "pw,pl,sw,sl,species", ""]
    assert lines[3].startswith("0.2,1.4,3.5,5.1,")
    assert lines[4:] == ["# done", ""]


def test_solve_json_has_no_comments(tmp_path, capsys):
    path = tmp_path / "t.txt"
    path.write_text(COMMENTED)
    assert main(["solve", str(path), "--json", "--quiet"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert len(document["table"]) == 5
    assert document["answers"][0]["line"] == 11


# -- the Table keeps them --------------------------------------------------------------------------


def test_table_keeps_skipped_lines_with_their_places():
    table = parse_table(COMMENTED)
    assert table.skipped == (
        (-1, "# the tutorial's puzzle"),
        (-1, ""),
        (0, "# known rows"),
        (2, "   # indented, with trailing blanks  "),
        (3, "\t"),
        (5, ""),
        (5, "# end"),
    )
    assert table.to_text() == COMMENTED
    assert table.select([3, 0, 1, 2]).skipped == table.skipped


def test_table_take_keeps_a_comment_with_its_row():
    table = parse_table("# top\nx\n1\n# two\n2\n3\n# end\n")
    assert table.take([2, 1]).skipped == ((-1, "# top"), (1, "# two"), (2, "# end"))
    assert table.take([0]).skipped == ((-1, "# top"), (1, "# end"))
    assert table.take([1, 1]).to_text() == "# top\nx\n# two\n2\n2\n# end\n"


def test_write_table_places_skipped_lines_and_trailing_text():
    text = write_table([["1"], ["2"]], ["x"], skipped=[(9, "# end"), (-1, "# top"), (1, "")])
    assert text == "# top\nx\n1\n\n2\n# end\n"
    assert write_table([["1"]], trailing=["  # p=1"]) == "1  # p=1\n"
    with pytest.raises(ValueError, match="line break"):
        write_table([["1"]], skipped=[(0, "# a\nb")])


comment_lines = st.one_of(
    st.just(""),
    st.sampled_from([" ", "\t", "  \t "]),
    st.text(alphabet=st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",))).map(
        lambda text: "#" + text
    ),
)


@settings(max_examples=100)
@given(
    st.lists(
        st.lists(st.integers(-99, 99).map(str), min_size=2, max_size=2), min_size=1, max_size=4
    ),
    st.lists(st.tuples(st.integers(-1, 4), comment_lines), max_size=5),
    st.sampled_from([" ", ",", "\t"]),
)
def test_property_skipped_lines_read_back_in_place(rows, skipped, sep):
    places = sorted(
        ((min(position, len(rows)), text) for position, text in skipped), key=lambda e: e[0]
    )
    text = write_table(rows, ["a", "b"], sep, skipped=places)
    table = parse_table(text, header=True)
    assert table.rows == rows
    assert table.skipped == tuple(places)
    assert table.to_text() == text
