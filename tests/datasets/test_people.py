"""Who a row is: the partnership survey's adults are respondents, never "students" (issue 27)."""

from __future__ import annotations

from pathlib import Path

from app.datasets.explore import chart_spec, result_csv
from app.datasets.loader import Dataset, load_dataset
from app.datasets.query import parse_query
from app.datasets.results import run_query

SURVEY = Path(__file__).resolve().parents[2] / "course_content" / "data-partnerships" / "datasets"


def _survey() -> Dataset:
    return load_dataset(
        "partnership_survey",
        SURVEY / "partnership_survey.csv",
        SURVEY / "partnership_survey.yaml",
    )


def test_survey_views_name_respondents_not_students() -> None:
    dataset = _survey()
    assert dataset.people == "respondents"
    query = {
        "measure": "voice_rate",
        "group_by": ["role"],
        "filters": {"survey_year": "2024-25"},
        "compare": "risk_ratio",
    }
    result = run_query(dataset, parse_query(dataset, query))
    words = " ".join(
        [
            result.comparison_label,
            *result.notes,
            *(row.display for row in result.rows),
            result_csv(result, dataset_title=dataset.title, source="synthetic"),
        ]
    )
    assert "student" not in words.lower()
    assert "Risk ratio vs all other respondents" in words
    assert "hidden to protect a small group" in words
    assert "Respondents" in result_csv(result, dataset_title=dataset.title, source="synthetic")
    overall = run_query(dataset, parse_query(dataset, {"measure": "voice_rate"}))
    assert chart_spec("Voice", overall)["data"]["values"][0]["g0"] == "All respondents"


def test_student_datasets_still_say_students() -> None:
    root = SURVEY.parents[1] / "data-for-liberation" / "datasets"
    dataset = load_dataset(
        "riverside_students", root / "riverside_students.csv", root / "riverside_students.yaml"
    )
    query = {
        "measure": "chronic_absence_rate",
        "group_by": ["race_ethnicity"],
        "compare": "overall",
    }
    result = run_query(dataset, parse_query(dataset, query))
    assert result.comparison_label == "Gap vs all students (percentage points)"
