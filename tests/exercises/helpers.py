"""Exercise builders over the fixture dataset, shared by exercise tests."""

from __future__ import annotations

from typing import Any

from markupsafe import escape

from app.exercises.spec import ExerciseSpec, build_exercise
from tests.datasets.helpers import fixture_dataset

DATASETS = {"students": fixture_dataset()}


def md(text: str) -> str:
    """A stand-in Markdown renderer: one escaped paragraph."""
    return f"<p>{escape(text)}</p>"


def exercise(body: dict[str, Any], activity_id: str = "ex") -> ExerciseSpec:
    """Build an exercise against the fixture dataset."""
    return build_exercise(activity_id, body, DATASETS, md)


GAP = {
    "type": "numeric",
    "prompt": "At {variant}, how many percentage points above all students is the EL rate?",
    "dataset": "students",
    "answer": {
        "query": {
            "measure": "chronic_absence_rate",
            "group_by": ["english_learner"],
            "compare": "overall",
        },
        "pick": "value",
        "group": "English learner",
    },
    "variant_by": "school",
    "hints": ["Look at the English learner row.", "Read the gap column."],
    "feedback": {"correct": "Yes.", "incorrect": "Look again at the gap column."},
    "explanation": "The gap is the EL rate minus the rate for all students.",
}
MAX_SCHOOL = {
    "type": "choice",
    "prompt": "Which school has the highest chronic absence rate?",
    "dataset": "students",
    "answer": {"query": {"measure": "chronic_absence_rate", "group_by": ["school"]}, "pick": "max"},
    "choices": {"from": "groups"},
}
LITERAL_MULTI = {
    "type": "multi",
    "prompt": "Which count as absences for chronic absence?",
    "answer": ["excused", "unexcused", "suspension"],
    "choices": [
        {"id": "excused", "text": "Excused absences"},
        {"id": "unexcused", "text": "Unexcused absences"},
        {"id": "suspension", "text": "Out-of-school suspension days"},
        {"id": "tardy", "text": "Late arrivals", "feedback": "Tardies are not absences."},
    ],
}
LITERAL_NUMERIC = {
    "type": "numeric",
    "prompt": "What share of enrolled days makes a student chronically absent?",
    "answer": 10,
    "tolerance": 0,
    "unit": "%",
    "attempts": 2,
}
