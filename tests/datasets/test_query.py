"""Query specs, measures, comparisons and small-n suppression on the fixture dataset."""

from __future__ import annotations

import itertools

import polars as pl
import pytest

from app.content.problems import SpecError
from app.datasets.query import QuerySpec, parse_query
from app.datasets.results import run_query
from app.privacy.suppression import HIDDEN
from tests.datasets.helpers import fixture_dataset

DS = fixture_dataset()
RAW = pl.read_csv("tests/datasets/fixtures/students.csv")


def q(**kwargs: object) -> QuerySpec:
    """Parse a query against the fixture."""
    return parse_query(DS, kwargs)


def test_rate_mean_median_sum_count_match_polars() -> None:
    """Each measure equals the same aggregate computed directly."""
    school = "Pine Middle"
    sub = RAW.filter(pl.col("school") == school)
    res = run_query(DS, q(measure="chronic_absence_rate", filters={"school": school}))
    assert res.overall.value == pytest.approx(sub["chronically_absent"].mean() * 100)
    res = run_query(DS, q(measure="mean_days_absent", group_by=["english_learner"]))
    el = RAW.filter(pl.col("english_learner") == "English learner")
    assert res.row(("English learner",)).value == pytest.approx(el["days_absent"].mean())
    res = run_query(DS, q(measure="median_days_absent"))
    assert res.overall.value == pytest.approx(RAW["days_absent"].median())
    res = run_query(DS, q(measure="total_days_absent"))
    assert res.overall.value == RAW["days_absent"].sum()
    res = run_query(DS, q(measure="students", group_by=["school"]))
    assert [r.n for r in res.rows] == [100, 100, 100]
    assert [r.display for r in res.rows] == ["100", "100", "100"]


def test_gap_is_percentage_points_against_all_students() -> None:
    """compare: overall gives value minus the whole population's value."""
    res = run_query(DS, q(measure="chronic_absence_rate", group_by=["school"], compare="overall"))
    for row in res.rows:
        assert row.comparison == pytest.approx(row.value - res.overall.value)
        assert row.comparison_display.endswith(" pp")


def test_risk_ratio_is_against_all_other_students() -> None:
    """Risk ratio = group risk / risk of everyone else (DOMAIN.md)."""
    res = run_query(
        DS, q(measure="chronic_absence_rate", group_by=["english_learner"], compare="risk_ratio")
    )
    el = RAW.filter(pl.col("english_learner") == "English learner")["chronically_absent"].mean()
    other = RAW.filter(pl.col("english_learner") != "English learner")["chronically_absent"].mean()
    assert res.row(("English learner",)).comparison == pytest.approx(el / other)


def test_risk_ratio_against_a_named_reference_group() -> None:
    """With reference, the denominator is that group's rate."""
    res = run_query(
        DS,
        q(
            measure="chronic_absence_rate",
            group_by=["school"],
            compare="risk_ratio",
            reference="Oak Elementary",
        ),
    )
    ref = res.row(("Oak Elementary",))
    assert ref.comparison == pytest.approx(1.0)
    assert ref.comparison_display == "1.00 (reference)"
    cedar = res.row(("Cedar High",))
    assert cedar.comparison == pytest.approx(cedar.value / ref.value)


def test_small_group_is_suppressed_with_its_size() -> None:
    """A group under min_group_size shows neither value nor n."""
    res = run_query(DS, q(measure="chronic_absence_rate", group_by=["race_ethnicity"]))
    pi = res.row(("Pacific Islander",))
    assert pi.status == "suppressed"
    assert pi.value is None
    assert pi.n is None
    assert pi.display == "fewer than 10 students"
    assert any("fewer than 10" in note for note in res.notes)


@pytest.mark.parametrize(
    "measure", ["chronic_absence_rate", "students", "mean_days_absent", "total_days_absent"]
)
def test_suppression_cannot_be_undone_by_subtraction(measure: str) -> None:
    """Total minus every shown group never isolates one hidden group (n or value)."""
    res = run_query(DS, q(measure=measure, group_by=["race_ethnicity"]))
    hidden = [r for r in res.rows if r.status in HIDDEN]
    assert len(hidden) >= 2
    shown_n = sum(r.n for r in res.rows if r.n is not None and r.status not in HIDDEN)
    # What subtraction gives is the sum over at least two hidden groups, never one group.
    leftover = res.overall.n - shown_n
    assert all(leftover != r_n for r_n in _true_sizes(hidden))


def _true_sizes(rows: list) -> list[int]:
    counts = RAW.group_by("race_ethnicity").len()
    sizes = dict(zip(counts["race_ethnicity"], counts["len"], strict=True))
    return [sizes[r.labels[0]] for r in rows]


def test_two_way_table_hides_zero_or_at_least_two_per_row_and_column() -> None:
    """Every row and column of a two-way table (whose totals other views show) is protected."""
    res = run_query(DS, q(measure="students", group_by=["school", "race_ethnicity"]))
    for pos in (0, 1):
        keyed = sorted(res.rows, key=lambda r: r.labels[pos])
        for _, members in itertools.groupby(keyed, key=lambda r: r.labels[pos]):
            hidden = sum(1 for r in members if r.status in HIDDEN)
            assert hidden != 1


def test_filtered_view_hides_no_less_than_the_two_way_table() -> None:
    """A row viewed alone (filter) hides a subset of what the two-way table hides in it."""
    two_way = run_query(DS, q(measure="students", group_by=["school", "race_ethnicity"]))
    for school in DS.dimension_values["school"]:
        one = run_query(
            DS, q(measure="students", group_by=["race_ethnicity"], filters={"school": school})
        )
        hidden_one = {r.labels[0] for r in one.rows if r.status in HIDDEN}
        hidden_two = {
            r.labels[1] for r in two_way.rows if r.labels[0] == school and r.status in HIDDEN
        }
        assert hidden_one <= hidden_two
        # And the filtered view's visible values are the same numbers as in the two-way table.
        for r in one.rows:
            if r.status == "shown":
                assert two_way.row((school, r.labels[0])).n == r.n


def test_same_groups_hidden_for_every_measure() -> None:
    """Suppression depends on group sizes, so switching the measure reveals nothing new."""
    patterns = set()
    for measure in ("students", "mean_days_absent", "total_days_absent", "median_days_absent"):
        res = run_query(DS, q(measure=measure, group_by=["race_ethnicity"]))
        patterns.add(tuple(r.status for r in res.rows))
    assert len(patterns) == 1


def test_rates_close_to_zero_or_all_are_shown_as_a_range() -> None:
    """A 0% rate never shows as 0%: it is coded, and coded counts as hidden for subtraction."""
    from app.datasets.loader import dataset_from_strings

    frame = pl.DataFrame(
        {
            "g": ["a"] * 40 + ["b"] * 40 + ["c"] * 40,
            "flag": ["false"] * 40
            + ["true"] * 10
            + ["false"] * 30
            + ["true"] * 20
            + ["false"] * 20,
        }
    )
    from app.datasets.schema import parse_schema

    schema = parse_schema(
        {
            "title": "t",
            "columns": {"g": {"type": "str"}, "flag": {"type": "bool"}},
            "measures": {
                "r": {"label": "Rate", "agg": "rate", "column": "flag", "format": "percent"}
            },
            "dimensions": {"g": {"label": "G", "column": "g"}},
        }
    )
    ds = dataset_from_strings("t", schema, frame)
    res = run_query(ds, parse_query(ds, {"measure": "r", "group_by": ["g"]}))
    a = res.row(("a",))
    assert a.status == "coded"
    assert a.value is None
    assert a.display == "≤ 5.0%"
    # b is hidden as a's complement; with a's range shown, b alone would come back to within
    # three counts (30 - 20 - [0, 2]), so c is hidden too (rule 4).
    assert [r.status for r in res.rows] == ["coded", "complementary", "complementary"]


def test_results_are_cached_per_spec() -> None:
    """The same spec returns the identical cached object."""
    ds = fixture_dataset()
    spec = parse_query(ds, {"measure": "students", "group_by": ["school"]})
    first = run_query(ds, spec)
    assert run_query(ds, spec) is first
    ds.clear_cache()
    again = run_query(ds, spec)
    assert again is not first  # computed afresh after the cache was cleared
    assert again == first


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ({"measure": "nope"}, "query.measure"),
        ({"measure": "students", "group_by": ["a", "b", "c"]}, "query.group_by"),
        ({"measure": "students", "group_by": ["nope"]}, "query.group_by"),
        ({"measure": "students", "filters": {"school": "Nowhere"}}, "query.filters.school"),
        ({"measure": "students", "filters": {"school": ["A", "B"]}}, "query.filters"),
        ({"measure": "students", "group_by": ["school"], "compare": "risk_ratio"}, "query.compare"),
        ({"measure": "students", "compare": "overall"}, "query.compare"),
        ({"measure": "students", "colour": "red"}, "query.colour"),
        (
            {
                "measure": "chronic_absence_rate",
                "group_by": ["school"],
                "compare": "risk_ratio",
                "reference": "Nowhere",
            },
            "query.reference",
        ),
    ],
)
def test_bad_queries_name_the_key(query: dict, key: str) -> None:
    """Every mistake raises SpecError with the dotted key."""
    with pytest.raises(SpecError) as info:
        parse_query(DS, query)
    assert info.value.key == key
