"""The bundled courses against the second domain review (issue 27): the defects that no
content-check rule sees stay fixed. (tests/content/test_cli.py holds the courses to the
check itself, with no warning.)"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from app.content.course import Course
from app.content.loader import CourseLoad, load_course
from app.exercises.grading import grade
from app.exercises.spec import ExerciseSpec

ROOT = Path(__file__).resolve().parents[2] / "course_content"


@cache
def _load(slug: str) -> CourseLoad:
    return load_course(ROOT / slug, content_root=ROOT)


def _course(slug: str) -> Course:
    course = _load(slug).course
    assert course is not None, _load(slug).errors
    return course


def _exercise(slug: str, activity_id: str) -> ExerciseSpec:
    found = _course(slug).activity(activity_id)
    assert found is not None
    spec = found[1]
    assert isinstance(spec, ExerciseSpec)
    return spec


def test_the_iep_risk_ratio_key_refuses_a_ratio_of_rounded_rates() -> None:
    """Defect 5: Alder ES's key is 3.00 (3.002); 3.02, from dividing the rounded rates, was
    accepted by a tolerance of 0.01."""
    spec = _exercise("data-for-liberation", "iep-absence-risk-your-school")
    alder = spec.variant("Alder ES")
    assert alder is not None and alder.answer.display == "3.00"
    assert grade(spec, "3.00", "Alder ES").score == 1
    assert grade(spec, "3.02", "Alder ES").score == 0
    assert grade(spec, "3.01", "Alder ES").score == 0
