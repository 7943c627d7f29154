"""The query spec's shapes and every refusal's message, against the fixture dataset.

An author reads these messages in `groundwork content check`; each names the key and what
the dataset has instead. Written against the survivors of mutation testing (docs/testing.md).
"""

from __future__ import annotations

from typing import Any

import pytest

from app.content.problems import SpecError
from app.datasets.query import MAX_GROUP_BY, QuerySpec, check_query, parse_query
from tests.datasets.helpers import fixture_dataset

DS = fixture_dataset()
MEASURES = "chronic_absence_rate, students, mean_days_absent, median_days_absent, total_days_absent"
DIMENSIONS = "school, grade, race_ethnicity, english_learner"


def _refusal(data: Any, key: str = "query") -> SpecError:
    with pytest.raises(SpecError) as info:
        parse_query(DS, data, key=key)
    return info.value


def test_shorthands_become_the_canonical_spec() -> None:
    spec = parse_query(
        DS,
        {"measure": "students", "group_by": "school", "filters": {"grade": 7}, "compare": None},
    )
    assert spec == QuerySpec(measure="students", group_by=("school",), filters=(("grade", "7"),))
    assert parse_query(DS, {"measure": "students", "group_by": ""}).group_by == ()
    assert parse_query(DS, {"measure": "students", "filters": None}).filters == ()
    assert parse_query(DS, {"measure": "students", "compare": False}).compare == "none"


def test_filters_are_sorted_so_equal_queries_hash_alike() -> None:
    one = parse_query(
        DS, {"measure": "students", "filters": {"school": "Oak Elementary", "grade": 7}}
    )
    two = parse_query(
        DS, {"measure": "students", "filters": {"grade": "7", "school": "Oak Elementary"}}
    )
    assert one == two
    assert hash(one) == hash(two)
    assert one.filters == (("grade", "7"), ("school", "Oak Elementary"))


def test_with_filter_adds_or_replaces_one_dimension_and_keeps_the_order() -> None:
    base = parse_query(DS, {"measure": "students", "filters": {"school": "Oak Elementary"}})
    added = base.with_filter("grade", "10")
    assert added.filters == (("grade", "10"), ("school", "Oak Elementary"))
    assert added.measure == "students"
    assert base.filters == (("school", "Oak Elementary"),)
    replaced = added.with_filter("school", "Pine Middle")
    assert replaced.filters == (("grade", "10"), ("school", "Pine Middle"))
    assert replaced == parse_query(
        DS, {"measure": "students", "filters": {"school": "Pine Middle", "grade": "10"}}
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["A", "B"], "takes one value (a list of values could be used to undo small-group"),
        ({"a": 1}, "takes one value"),
        (True, 'write the value as text, e.g. "true"'),
    ],
)
def test_a_filter_takes_one_text_value(value: object, message: str) -> None:
    refused = _refusal({"measure": "students", "filters": {"school": value}})
    assert refused.key == "query.filters"
    assert message in str(refused)
    assert "'school'" in str(refused)


def test_not_a_mapping_is_refused_with_the_key() -> None:
    refused = _refusal(["students"], key="answer.query")
    assert str(refused) == "answer.query: must be a mapping"
    assert refused.key == "answer.query"
    bare = _refusal("students", key="")
    assert str(bare) == "query: must be a mapping"
    assert bare.key is None


@pytest.mark.parametrize(
    ("query", "key", "message"),
    [
        (
            {"measure": "nope"},
            "query.measure",
            f"query.measure: dataset 'students' has no measure 'nope' (it has: {MEASURES})",
        ),
        (
            {"measure": "students", "group_by": ["school", "grade", "english_learner"]},
            "query.group_by",
            f"query.group_by: at most {MAX_GROUP_BY} dimensions",
        ),
        (
            {"measure": "students", "group_by": ["school", "school"]},
            "query.group_by",
            "query.group_by: a dimension is listed twice",
        ),
        (
            {"measure": "students", "group_by": ["school", "nope"]},
            "query.group_by",
            f"query.group_by: no dimension 'nope' (it has: {DIMENSIONS})",
        ),
        (
            {"measure": "students", "filters": {"nope": "x"}},
            "query.filters.nope",
            "query.filters: no dimension 'nope'",
        ),
        (
            {"measure": "students", "group_by": ["school"], "filters": {"school": "Pine Middle"}},
            "query.filters.school",
            "query.filters.school: cannot both filter and group by 'school'",
        ),
        (
            {"measure": "students", "filters": {"school": "Nowhere"}},
            "query.filters.school",
            "query.filters.school: 'Nowhere' is not a value of 'school'",
        ),
        (
            {"measure": "students", "compare": "overall"},
            "query.compare",
            "query.compare: a comparison needs group_by",
        ),
        (
            {"measure": "mean_days_absent", "group_by": ["school"], "compare": "risk_ratio"},
            "query.compare",
            "query.compare: risk_ratio needs a rate measure ('mean_days_absent' is mean)",
        ),
        (
            {
                "measure": "chronic_absence_rate",
                "group_by": ["school"],
                "compare": "overall",
                "reference": "Pine Middle",
            },
            "query.reference",
            "query.reference: only with compare: risk_ratio and one group_by dimension",
        ),
        (
            {
                "measure": "chronic_absence_rate",
                "group_by": ["school", "grade"],
                "compare": "risk_ratio",
                "reference": "Pine Middle",
            },
            "query.reference",
            "query.reference: only with compare: risk_ratio and one group_by dimension",
        ),
        (
            {
                "measure": "chronic_absence_rate",
                "group_by": ["school"],
                "compare": "risk_ratio",
                "reference": "Nowhere",
            },
            "query.reference",
            "query.reference: 'Nowhere' is not a value of 'school'",
        ),
    ],
)
def test_each_refusal_names_its_key_and_what_the_dataset_has(
    query: dict[str, Any], key: str, message: str
) -> None:
    refused = _refusal(query)
    assert (refused.key, str(refused)) == (key, message)


def test_keys_nest_under_the_given_prefix_or_stand_alone() -> None:
    nested = _refusal({"measure": "students", "filters": {"school": "Nowhere"}}, key="a.query")
    assert nested.key == "a.query.filters.school"
    assert str(nested).startswith("a.query.filters.school: ")
    bare = _refusal({"measure": "nope"}, key="")
    assert bare.key == "measure"
    assert str(bare).startswith("measure: dataset")


def test_the_limits_themselves_are_allowed() -> None:
    """Two dimensions, a filter on a third, risk ratio with a reference: all valid."""
    spec = parse_query(
        DS,
        {
            "measure": "chronic_absence_rate",
            "group_by": ["school"],
            "filters": {"grade": "7"},
            "compare": "risk_ratio",
            "reference": "Pine Middle",
        },
    )
    assert spec.reference == "Pine Middle"
    two = QuerySpec(
        measure="students",
        group_by=("school", "grade"),
        filters=(("english_learner", "English learner"),),
    )
    check_query(DS, two)
    check_query(
        DS,
        QuerySpec(
            measure="chronic_absence_rate", group_by=("school", "grade"), compare="risk_ratio"
        ),
    )


def test_check_query_names_keys_under_query_by_default() -> None:
    with pytest.raises(SpecError) as info:
        check_query(DS, QuerySpec(measure="nope"))
    assert info.value.key == "query.measure"
    assert str(info.value).startswith("query.measure: ")
    with pytest.raises(SpecError) as info:
        parse_query(DS, {"measure": "nope"})
    assert info.value.key == "query.measure"
