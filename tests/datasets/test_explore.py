"""The {explore} directive, the explorer form, the chart spec and the CSV export."""

from __future__ import annotations

import csv
import io
from types import SimpleNamespace

import pytest

from app.content.problems import SpecError
from app.datasets.explore import build_explore, build_view, default_views, parse_form, result_csv
from tests.datasets.helpers import fixture_dataset

DS = fixture_dataset()
DATASETS = {"students": DS}
BODY = {
    "dataset": "students",
    "measure": "chronic_absence_rate",
    "group_by": ["race_ethnicity"],
    "compare": "overall",
    "title": "Chronic absence by race and ethnicity",
}


def test_build_explore_reads_the_default_view() -> None:
    """The body becomes a spec with a checked query."""
    spec = build_explore("absence", BODY, DATASETS)
    assert spec.kind == "explore"
    assert spec.id == "absence"
    assert spec.query.group_by == ("race_ethnicity",)
    assert spec.measures == tuple(DS.measures)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"dataset": "nope"}, "dataset"),
        ({"measure": "nope"}, "measure"),
        ({"group_by": ["nope"]}, "group_by"),
        ({"colour": "red"}, "colour"),
        ({"measures": ["students"]}, "measure"),
        ({"dimensions": ["school"]}, "dimensions"),
        ({"filters": {"school": "Nowhere"}}, "filters.school"),
    ],
)
def test_build_explore_errors_name_the_key(change: dict, key: str) -> None:
    """Each mistake names its key."""
    with pytest.raises(SpecError) as info:
        build_explore("x", {**BODY, **change}, DATASETS)
    assert info.value.key == key


def test_form_changes_the_view_and_bad_values_fall_back_with_a_message() -> None:
    """The GET form works field by field; nonsense never raises."""
    spec = build_explore("absence", BODY, DATASETS)
    query, errors = parse_form(
        spec,
        DS,
        {
            "measure": "students",
            "group_by": "school",
            "group_by2": "english_learner",
            "compare": "none",
            "filter.grade": "",
        },
    )
    assert query.group_by == ("school", "english_learner")
    assert not errors
    query, errors = parse_form(
        spec,
        DS,
        {
            "measure": "<script>",
            "group_by": "nope",
            "compare": "risk_ratio",
            "filter.school": "Nowhere",
        },
    )
    assert query.measure == "chronic_absence_rate"
    assert query.compare == "none"
    assert len(errors) >= 3
    query, errors = parse_form(
        spec, DS, {"measure": "students", "group_by": "school", "compare": "risk_ratio"}
    )
    assert query.compare == "overall"
    assert errors


def test_chart_leaves_out_hidden_groups_and_table_keeps_them() -> None:
    """Hidden values never reach the chart data; the table rows say why they are hidden."""
    spec = build_explore("absence", BODY, DATASETS)
    view = build_view(spec, DS, spec.query)
    labels = [v["g0"] for v in view.chart["data"]["values"]]
    hidden = [r.label for r in view.result.rows if not r.visible]
    assert hidden
    assert not set(hidden) & set(labels)
    assert "same numbers are in the table" in view.chart["description"]


def test_default_views_cover_every_explore_block() -> None:
    """default_views returns one view per explore block of the module."""
    spec = build_explore("absence", BODY, DATASETS)
    module = SimpleNamespace(blocks=(SimpleNamespace(kind="markdown"), spec))
    course = SimpleNamespace(datasets=DATASETS)
    views = default_views(course, module)
    assert list(views) == ["absence"]
    assert views["absence"].result.spec == spec.query


def test_csv_has_the_same_numbers_as_the_table() -> None:
    """CSV rows equal the displayed rows, with the notes and the synthetic label."""
    spec = build_explore("absence", BODY, DATASETS)
    view = build_view(spec, DS, spec.query)
    text = result_csv(view.result, dataset_title=DS.title, source="synthetic")
    rows = list(csv.reader(io.StringIO(text)))
    assert "synthetic" in rows[0][0]
    body = {r[0]: r for r in rows[2:] if r and not r[0].startswith("#")}
    for row in view.result.rows:
        assert body[row.label][2] == row.display
    assert body["All students"][2] == view.result.overall.display
