"""The bundled courses against the second domain review (issue 27): the defects that no
content-check rule sees stay fixed. (tests/content/test_cli.py holds the courses to the
check itself, with no warning.)"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from app.content.course import Course
from app.content.loader import CourseLoad, load_course
from app.content.plaintext import html_to_text
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
    assert alder is not None
    assert alder.answer.display == "3.00"
    assert grade(spec, "3.00", "Alder ES").score == 1
    assert grade(spec, "3.02", "Alder ES").score == 0
    assert grade(spec, "3.01", "Alder ES").score == 0


def _text(slug: str, module_id: str) -> str:
    """A module's words as learners read them (Markdown blocks and exercise prompts)."""
    module = next(m for m in _course(slug).modules if m.id == module_id)
    parts = [getattr(b, "html", "") or getattr(b, "prompt_html", "") for b in module.blocks]
    return _words(" ".join(parts))


def _words(html: str) -> str:
    return " ".join(html_to_text(html).split())


def test_systems_framing_makes_the_practice_the_subject() -> None:
    """Defect 1: each rewrite in the framing table starts with a practice or condition, not
    with a group of students, and the section names what students and families bring."""
    module = next(m for m in _course("data-for-liberation").modules if m.id.startswith("stories"))
    table = next(
        b.html for b in module.blocks if "Systems and asset framing" in getattr(b, "html", "")
    )
    rows = soup_rows(table)
    assert len(rows) == 3
    for _deficit, reframed in rows:
        first = reframed.strip('"“ ').split()[0].lower()
        assert first in {"eastside's", "our", "the"}, reframed
    assert "strengths" in _text("data-for-liberation", "stories-hiding-in-the-data")


def soup_rows(html: str) -> list[tuple[str, str]]:
    from bs4 import BeautifulSoup

    rows = BeautifulSoup(html, "html.parser").select("tbody tr")
    return [tuple(td.get_text(" ", strip=True) for td in row.find_all("td")) for row in rows]  # type: ignore[misc]


def test_idea_disproportionality_says_what_states_set() -> None:
    """Defect 4: thresholds, minimum sizes and the multi-year rule; identification measured
    among all enrolled children, placement and discipline among children with disabilities
    (issue 27 review); and what that means for an all-students ratio."""
    text = _text("data-for-liberation", "stories-hiding-in-the-data")
    for words in (
        "Identification for special education (overall and in each disability category) is "
        "measured among all enrolled children",
        "discipline (out-of-school",
        "are measured among children with disabilities",
        "risk-ratio threshold",
        "minimum cell size",
        "minimum n-size",
        "three consecutive years",
    ):
        assert words in text, words
    feedback = _exercise("data-for-liberation", "black-suspension-risk").feedback.correct_html
    assert "it is not IDEA's test" in _words(feedback)


def test_the_highest_group_question_ranks_only_the_groups_shown() -> None:
    """Defect 6: the prompt says hidden groups are not ranked, and no hidden group is a
    choice."""
    spec = _exercise("data-for-liberation", "advanced-highest-group")
    assert "hidden or shown only as a range are not among the choices" in _words(spec.prompt_html)
    names = {c.text_html for c in spec.variants[0].choices}
    assert not any("Multiracial" in n or "Pacific Islander" in n for n in names)


def test_proficiency_is_read_as_readiness_for_a_named_math_course_only() -> None:
    """Defect 7."""
    text = _text("data-for-liberation", "seeing-the-system")
    assert "Algebra I in grade 8" in text
    assert "says nothing about readiness for an advanced course in another subject" in text


def test_every_wrong_culture_element_choice_says_why_it_is_wrong() -> None:
    """Defect 10: one defensible answer, and a reason for each of the others."""
    spec = _exercise("data-partnerships", "culture-element")
    [variant] = spec.variants
    assert variant.answer.choice_ids == frozenset({"a"})
    assert all(c.feedback_html for c in variant.choices)
    assert "Both can explain their own report" in _words(spec.prompt_html)


def test_no_unsupported_claim_about_five_minutes_and_a_workshop() -> None:
    """Defect 11 (second point)."""
    assert "day-long workshop" not in _text("data-partnerships", "culture-of-data-use")


def test_what_the_original_session_taught_is_in_the_partnerships_course() -> None:
    """Defect 11: the credit, the lively, loving and learning culture, resource allocation and
    the stakeholders' strengths, each where it teaches something."""
    culture = _text("data-partnerships", "culture-of-data-use")
    assert "Partners in School Innovation" in culture
    for word in ("Lively.", "Loving.", "Learning."):
        assert word in culture
    assert _exercise("data-partnerships", "lively-loving-learning").variants[0].choices
    assert "their strengths" in _text("data-partnerships", "building-partnerships")
    assert "resource allocation" in _text("data-partnerships", "data-for-instruction")
    allocation = _exercise("data-partnerships", "allocation-rule").variants[0]
    assert allocation.answer.choice_ids == frozenset({"b"})
    assert all(c.feedback_html for c in allocation.choices)
    assert "Partners in School Innovation" in _course("data-partnerships").description_html
