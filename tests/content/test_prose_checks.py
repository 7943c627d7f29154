"""The checks that read a module's words: suppression notes and verdict words."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.content.loader import load_course
from app.content.prose import read_prose
from app.content.suppression_notes import suppression_note_problems
from app.content.verdicts import verdict_problems

# Groups A (30 students), B (20) and C (4): C is too small, B is hidden with it.
_ROWS = ["group,suspended"] + ["A,true"] * 6 + ["A,false"] * 24
_ROWS += ["B,true"] * 5 + ["B,false"] * 15 + ["C,true", "C,false", "C,false", "C,false"]
_SCHEMA = """title: One school (synthetic)
source: synthetic
min_group_size: 10
columns:
  group: {type: str}
  suspended: {type: bool}
measures:
  students: {label: Students, agg: count}
  suspension_rate: {label: Suspension rate, agg: rate, column: suspended, format: percent}
dimensions:
  group:
    label: Group
    column: group
    values: {A: Group A, B: Group B, C: Group C}
"""
_EXERCISE = """```{exercise} a-rate
type: numeric
prompt: What share of group A was suspended? Answer to one decimal place.
dataset: school
answer:
  query: {measure: suspension_rate, group_by: [group]}
  pick: value
  group: A
```
"""


def _load(tmp_path: Path, body: str) -> list[tuple[str, str]]:
    course = tmp_path / "notes"
    (course / "modules").mkdir(parents=True)
    (course / "datasets").mkdir()
    (course / "datasets" / "school.csv").write_text("\n".join(_ROWS) + "\n")
    (course / "datasets" / "school.yaml").write_text(_SCHEMA)
    (course / "course.yaml").write_text(
        "slug: notes\ntitle: Notes\nsummary: Notes.\nhours: 0.01\nmodules:\n  - 01-a.md\n"
    )
    (course / "modules" / "01-a.md").write_text(f"---\nid: a\ntitle: A\nminutes: 3\n---\n{body}")
    result = load_course(course, content_root=tmp_path)
    return [(p.severity, p.message) for p in result.problems]


def test_an_exercise_over_a_view_with_hidden_groups_needs_a_note(tmp_path: Path) -> None:
    problems = _load(tmp_path, "## Rates\n\nRead the table.\n\n" + _EXERCISE)
    assert [s for s, m in problems if "hides Group B, Group C" in m] == ["error"], problems


def test_a_data_value_from_such_a_view_needs_a_note_too(tmp_path: Path) -> None:
    body = "Group A: {data}`school: suspension_rate gap for group=A` above all students.\n"
    problems = _load(tmp_path, body)
    assert any(
        m.startswith("this {data} value is read from a view that hides") for _, m in problems
    )


def test_a_note_in_the_same_section_names_the_groups_and_says_why(tmp_path: Path) -> None:
    note = (
        "## Rates\n\nGroup C has fewer than 10 students, so it is hidden, and Group B is "
        "hidden with it to protect Group C; the school's own records show both.\n\n"
    )
    assert _load(tmp_path, note + _EXERCISE) == []


def test_a_note_in_another_section_does_not_count(tmp_path: Path) -> None:
    note = "## Privacy\n\nGroup B and Group C are hidden to protect a small group.\n\n"
    problems = _load(tmp_path, note + "## Rates\n\n" + _EXERCISE)
    assert any("hides Group B, Group C" in m for _, m in problems)


def test_a_note_without_the_reason_is_not_enough() -> None:
    prose = read_prose("## A\n\nGroup B and Group C are hidden.\n", 0, {})
    [(line, message)] = suppression_note_problems(prose, [(3, "{exercise} x", ("Group B",))])
    assert line == 3
    assert "missing: why" in message


@pytest.mark.parametrize(
    "sentence",
    [
        "These differences are small: look again.",
        "The gap was relatively large.",
        "There is a significant gap between the schools.",
        "Only 69 of them were counted.",
        "Just {data}`school: students` students took part.",
    ],
)
def test_verdict_words_without_a_comparison_warn(sentence: str) -> None:
    assert len(verdict_problems(read_prose(sentence + "\n", 0, {}))) == 1


@pytest.mark.parametrize(
    "sentence",
    [
        "Is the gap small or large?",
        "Small groups are hidden to protect students.",
        "Combine years until a group is large enough to report.",
        "Try a small change on a small scale.",
        "States flag significant disproportionality with risk ratios.",
        "A ratio above the threshold is significant disproportionality under the law.",
        "The tutoring is small-group work.",
        "Truancy counts only unexcused absences.",
        "Test scores are only one kind of evidence.",
    ],
)
def test_words_that_pass_no_verdict_on_a_quantity_do_not(sentence: str) -> None:
    assert verdict_problems(read_prose(sentence + "\n", 0, {})) == []


def test_a_computed_comparison_in_the_same_clause_carries_the_verdict(tmp_path: Path) -> None:
    gap = "{data}`school: suspension_rate gap for group=A`"
    bare = _load(tmp_path / "bare", "The gap is small.\n")
    assert [s for s, m in bare if "verdict word 'small'" in m] == ["warning"]
    carried = _load(tmp_path / "carried", f"The gap is small, {gap} above all students.\n")
    assert not any("verdict word" in m for _, m in carried)
