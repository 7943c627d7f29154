"""The CSV writer's fast path writes what ``csv.writer`` writes, neutralised."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from app.spreadsheets import csv_lines, neutralise, write_csv

_cell = st.text(
    alphabet=st.sampled_from(
        ["a", "b", " ", ",", '"', "\r", "\n", "=", "+", "-", "@", "\t", "'", "é"]
    ),
    max_size=6,
)
_rows = st.integers(min_value=1, max_value=4).flatmap(
    lambda width: st.lists(st.lists(_cell, min_size=width, max_size=width), max_size=6)
)


def _reference(rows: list[list[str]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


@given(_rows)
def test_fast_lines_equal_csv_writer(rows: list[list[str]]) -> None:
    assert write_csv(rows) == _reference(rows)
    assert list(csv.reader(io.StringIO(write_csv(rows)[1:], newline=""))) == [
        [neutralise(c) for c in row] for row in rows
    ]


def test_plain_columns_are_not_checked_but_others_are() -> None:
    rows = [
        ["name", "when"],
        ["=SUM(A1)", "2026-03-01T14:05:00+00:00"],
        ["-1+A1", "-2"],
        ["-1.1", "+3"],
    ]
    text = "".join(csv_lines(rows, plain={1}))
    # A plain signed number (a wrong answer of -1.1) stays a number; "-1+A1" is a formula.
    assert text == (
        "\ufeffname,when\r\n'=SUM(A1),2026-03-01T14:05:00+00:00\r\n'-1+A1,-2\r\n-1.1,+3\r\n"
    )


def test_no_rows_is_still_a_utf8_file() -> None:
    assert write_csv([]) == "\ufeff"
