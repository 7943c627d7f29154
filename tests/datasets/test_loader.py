"""Loading a CSV and its YAML schema into a typed frame, and the errors authors see."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from app.content.problems import SpecError
from app.datasets.loader import load_dataset
from tests.datasets.helpers import FIXTURES, fixture_dataset

SCHEMA = """
title: T
source: synthetic
columns:
  school: {type: str}
  n: {type: int}
  flag: {type: bool}
measures:
  r: {label: Rate, agg: rate, column: flag, format: percent}
dimensions:
  school: {label: School, column: school}
"""


def write(tmp_path: Path, csv: str, schema: str = SCHEMA) -> tuple[Path, Path]:
    """Write a CSV and a schema into tmp_path."""
    (tmp_path / "d.csv").write_text(csv)
    (tmp_path / "d.yaml").write_text(schema)
    return tmp_path / "d.csv", tmp_path / "d.yaml"


def test_fixture_loads_with_types() -> None:
    """Columns get the declared Polars types and dimension values an order."""
    ds = fixture_dataset()
    assert ds.frame.schema["grade"] == pl.Int64
    assert ds.frame.schema["chronically_absent"] == pl.Boolean
    assert ds.dimension_values["grade"] == ("3", "7", "10")  # numeric order, not text order
    assert ds.dimension_values["english_learner"] == ("English learner", "Not an English learner")
    assert ds.is_synthetic
    assert ds.min_group_size == 10


def test_bool_words_are_accepted(tmp_path: Path) -> None:
    """true/false, yes/no, 1/0 all read as booleans."""
    ds = load_dataset("d", *write(tmp_path, "school,n,flag\nA,1,yes\nA,2,No\nA,3,1\nA,4,FALSE\n"))
    assert ds.frame["flag"].to_list() == [True, False, True, False]


@pytest.mark.parametrize(
    ("csv", "needle"),
    [
        ("school,n,flag\nA,x,true\n", "line 2: column 'n': 'x' is not a valid int"),
        ("school,n,flag\nA,1,true\nA,2,maybe\n", "line 3: column 'flag'"),
        ("school,n,flag\nA,,true\n", "line 2: column 'n' is empty"),
        ("school,n\nA,1\n", "flag named in the schema are missing"),
        ("school,n,flag,extra\nA,1,true,z\n", "extra are not described"),
        ("school,n,flag\n", "no rows"),
    ],
)
def test_bad_csv_says_where(tmp_path: Path, csv: str, needle: str) -> None:
    """Bad cells name the line and column."""
    with pytest.raises(SpecError) as info:
        load_dataset("d", *write(tmp_path, csv))
    assert needle in info.value.message


@pytest.mark.parametrize(
    ("schema", "needle"),
    [
        (SCHEMA.replace("agg: rate", "agg: mode"), "measures.r.agg"),
        (SCHEMA.replace("column: flag", "column: n"), "a rate needs a bool column"),
        (SCHEMA.replace("column: school}", "column: nope}"), "no column named 'nope'"),
        (SCHEMA + "colour: red\n", "colour: unknown key"),
        ("title: [unclosed", "not valid YAML"),
        ("- a list", "must be a YAML mapping"),
    ],
)
def test_bad_schema_names_the_key(tmp_path: Path, schema: str, needle: str) -> None:
    """Schema mistakes raise SpecError naming the key."""
    with pytest.raises(SpecError) as info:
        load_dataset("d", *write(tmp_path, "school,n,flag\nA,1,true\n", schema))
    assert needle in info.value.message


def test_missing_files(tmp_path: Path) -> None:
    """A missing CSV or schema is a SpecError, not a crash."""
    with pytest.raises(SpecError, match="schema file"):
        load_dataset("d", tmp_path / "x.csv", tmp_path / "x.yaml")
    with pytest.raises(SpecError, match="data file"):
        load_dataset("d", tmp_path / "x.csv", FIXTURES / "students.yaml")
