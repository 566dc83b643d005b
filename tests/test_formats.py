"""Number formats one at a time: how each reads a cell, writes a value, and is kept in a model."""

from __future__ import annotations

import pytest

from glassnet.data.formats import (
    PLAIN,
    FormatConflictError,
    NumberFormat,
    comma_evidence,
    detect_format,
    with_decimal,
)

THOUSANDS = NumberFormat(thousands=",")
EUROPEAN = NumberFormat(decimal=",", thousands=".")
PERCENT = NumberFormat(percent=True)
DOLLARS = NumberFormat(thousands=",", currency="$")
DATES = NumberFormat(date=True)


@pytest.mark.parametrize(
    ("fmt", "text", "value"),
    [
        (THOUSANDS, "1,234,567.5", 1234567.5),
        (THOUSANDS, "-1,200", -1200.0),
        (THOUSANDS, "1,20", None),  # groups are three digits
        (THOUSANDS, "+7", 7.0),
        (THOUSANDS, "--7", None),
        (EUROPEAN, "1.200,5", 1200.5),
        (EUROPEAN, "3,25", 3.25),
        (EUROPEAN, "3.25", None),  # a point that groups no thousands
        (PERCENT, "12.5%", 0.125),
        (PERCENT, "12 %", 0.12),
        (PERCENT, "12", None),  # a percentage column writes its sign
        (DOLLARS, "$1,200.50", 1200.5),
        (DOLLARS, "-$5", -5.0),
        (DOLLARS, "5 $", 5.0),
        (DATES, "1970-01-03", 2.0),
        (DATES, "1970-01-01T06:00:00", 0.25),
        (DATES, "2024-02-30", None),  # no such day
        (DATES, "2024/02/03", None),
        (PLAIN, "1e3", 1000.0),
        (PLAIN, "abc", None),
    ],
)
def test_a_format_reads_what_it_writes_and_nothing_else(fmt, text, value):
    assert fmt.read(text) == value


@pytest.mark.parametrize(
    ("fmt", "value", "text"),
    [
        (THOUSANDS, 1234567.5, "1,234,567.5"),
        (EUROPEAN, -1200.5, "-1.200,5"),
        (PERCENT, 0.125, "12.5%"),
        (DOLLARS, -1200.5, "-$1,200.5"),
        (DATES, 2.0, "1970-01-03"),
        (DATES, 0.25, "1970-01-01T06:00:00"),
        (THOUSANDS, 1.5e12, "1,500,000,000,000"),  # never in e-notation
        (PLAIN, 0.1, "0.1"),
    ],
)
def test_a_format_writes_a_value_as_its_cells_are_written(fmt, value, text):
    assert fmt.write(value) == text
    assert fmt.read(text) == pytest.approx(value)


def test_a_model_keeps_a_format_as_plain_values_and_refuses_unknown_ones():
    for fmt in (THOUSANDS, EUROPEAN, PERCENT, DOLLARS, DATES, PLAIN):
        assert NumberFormat.from_dict(fmt.to_dict()) == fmt
    with pytest.raises(ValueError, match="unknown number format"):
        NumberFormat.from_dict({"decimal": ";"})
    with pytest.raises(ValueError, match="unknown currency symbol"):
        NumberFormat.from_dict({"currency": "#"})


def test_detecting_a_format_names_the_cell_that_breaks_it():
    assert detect_format([]) == PLAIN
    assert detect_format([], ",") == NumberFormat(decimal=",")
    assert detect_format(["red", "blue"]) is None
    with pytest.raises(FormatConflictError) as conflict:
        detect_format(["1,200", "3,400", "5,600", "7,8"])
    assert conflict.value.text == "7,8"
    assert "numbers written as ',' between thousands" in str(conflict.value)


@pytest.mark.parametrize(
    ("text", "mark"),
    [
        ("1,5", ","),
        ("0,250", ","),  # a leading zero groups no thousands
        ("1.5", "."),
        ("1,200", None),
        ("1,200,300", "."),
        ("1.200.300", ","),
        ("1.200,5", ","),
        ("$1,5", ","),
        ("12%", None),
        ("-", None),
        ("x,5", None),
    ],
)
def test_comma_evidence_says_what_a_cell_tells_of_the_decimal_mark(text, mark):
    assert comma_evidence(text) == mark


def test_a_decimal_mark_replaces_a_thousands_separator_equal_to_it():
    assert with_decimal(EUROPEAN, ".") == NumberFormat(decimal=".", thousands="")
    assert with_decimal(THOUSANDS, ".") == THOUSANDS
