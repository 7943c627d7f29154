"""The near-miss check and the tolerance held to the rounding a prompt asks for."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.content.loader import load_course
from app.exercises.near_miss import asked_decimals

CHECKS = Path(__file__).parents[1] / "content" / "fixtures" / "data-checks"


@pytest.mark.parametrize(
    ("prompt", "decimals"),
    [
        ("Answer to one decimal place.", 1),
        ("Give two decimal places.", 2),
        ("Round to 1 decimal place", 1),
        ("Answer as a whole number.", 0),
        ("How many students?", None),
    ],
)
def test_asked_decimals_reads_the_prompt(prompt: str, decimals: int | None) -> None:
    assert asked_decimals(prompt) == decimals


def _with(tmp_path: Path, folder: str, old: str, new: str) -> list[str]:
    shutil.copytree(CHECKS / folder, tmp_path / folder)
    module = next((tmp_path / folder / "modules").glob("*.md"))
    text = module.read_text()
    assert old in text
    module.write_text(text.replace(old, new))
    result = load_course(tmp_path / folder, content_root=tmp_path)
    return [p.message for p in result.warnings]


def _errors(tmp_path: Path, folder: str, old: str, new: str) -> list[str]:
    shutil.copytree(CHECKS / folder, tmp_path / folder)
    module = next((tmp_path / folder / "modules").glob("*.md"))
    module.write_text(module.read_text().replace(old, new))
    return [p.message for p in load_course(tmp_path / folder, content_root=tmp_path).errors]


@pytest.mark.parametrize("tolerance", ["0.1", "0.5", "0.06"])
def test_a_tolerance_wider_than_half_a_unit_of_the_precision_is_an_error(
    tmp_path: Path, tolerance: str
) -> None:
    errors = _errors(
        tmp_path, "honest-course", "  group: B\n", f"  group: B\ntolerance: {tolerance}\n"
    )
    assert errors == [
        f"{{exercise}} south-b: tolerance {tolerance} is wider than half a unit of the "
        "precision the learner is asked for (1 decimal: at most 0.05): a number that shows "
        "differently would be marked right; ask learners to read the value the explorer "
        "shows, and keep the default tolerance"
    ]


def test_the_tolerance_rule_holds_to_the_shown_precision_when_the_prompt_is_silent(
    tmp_path: Path,
) -> None:
    errors = _errors(
        tmp_path,
        "honest-course",
        "  group: B\n",
        "  group: B\nrelative_tolerance: 0.02\n",
    )
    # 2% of 10.0 is 0.2, wider than the 0.05 of one decimal shown.
    assert len(errors) == 1
    assert "tolerance 0.2 is wider than half a unit" in errors[0]


def test_a_tolerance_that_rejects_the_asked_rounding_warns(tmp_path: Path) -> None:
    warnings = _with(tmp_path, "honest-course", "  group: B\n", "  group: B\ntolerance: 0.01\n")
    assert warnings == [
        "{exercise} south-b: tolerance 0.01 is less than half of the last decimal the prompt "
        "asks for (0.05): a correctly rounded answer could be marked wrong"
    ]


def test_half_a_unit_of_the_asked_rounding_is_accepted(tmp_path: Path) -> None:
    assert _with(tmp_path, "honest-course", "  group: B\n", "  group: B\ntolerance: 0.05\n") == []


def test_another_groups_row_inside_the_tolerance_is_a_near_miss(tmp_path: Path) -> None:
    # South A is 20.0% and South B 10.0%: a tolerance of 10 accepts the other row
    # (and the rounding warning fires too).
    shutil.copytree(CHECKS / "honest-course", tmp_path / "honest-course")
    module = tmp_path / "honest-course" / "modules" / "01-numbers.md"
    module.write_text(
        module.read_text()
        .replace("  group: B\n", "  group: B\ntolerance: 10\nunit: '%'\n")
        .replace(" Answer to one decimal place.", "")
    )
    result = load_course(tmp_path / "honest-course", content_root=tmp_path)
    warnings = [p.message for p in result.warnings]
    assert any("a learner who read the row A (20)" in w for w in warnings), warnings


def test_minus_keys_a_difference_and_its_near_misses_are_differences(tmp_path: Path) -> None:
    shutil.copytree(CHECKS / "honest-course", tmp_path / "honest-course")
    module = tmp_path / "honest-course" / "modules" / "01-numbers.md"
    module.write_text(
        module.read_text()
        .replace("  group: B\n", "  group: A\n  minus: B\n")
        .replace("What share of group B", "How many points more of group A than of group B")
    )
    result = load_course(tmp_path / "honest-course", content_root=tmp_path)
    assert result.errors == [], result.errors
    assert result.course is not None
    found = result.course.activity("south-b")
    assert found is not None
    variant = found[1].variants[0]  # type: ignore[union-attr]
    # South 2025-26: A 20.0%, B 10.0%
    assert variant.answer.number == pytest.approx(10.0)
    assert variant.answer.display == "10.0 pp"
    # North's difference (25.0 - 20.0) and the 2024-25 one (30.0 - 13.3) are far from it,
    # but group B's own rate is 10.0 too: a learner who read that row gets the key.
    assert [w.message for w in result.warnings] == [
        "{exercise} south-b: coincidence: the row B shows the same number as the key 10.0 pp "
        "(10.0), so a learner who read it would be marked right for the wrong reason; ask "
        "about a value no other reading gives (another group, year or measure), or change "
        "the data"
    ]


def test_a_highest_choice_whose_top_two_show_the_same_number_warns(tmp_path: Path) -> None:
    course = tmp_path / "tie"
    (course / "modules").mkdir(parents=True)
    (course / "datasets").mkdir()
    rows = ["club,score"] + ["Chess,10"] * 10 + ["Chess,10.4"] + ["Drama,10"] * 11
    rows += ["Art,7"] * 11
    (course / "datasets" / "clubs.csv").write_text("\n".join(rows) + "\n")
    (course / "datasets" / "clubs.yaml").write_text(
        "title: Clubs (synthetic)\nsource: synthetic\nmin_group_size: 10\n"
        "columns:\n  club: {type: str}\n  score: {type: float}\n"
        "measures:\n  mean_score: {label: Average score, agg: mean, column: score}\n"
        "dimensions:\n  club: {label: Club, column: club}\n"
    )
    (course / "course.yaml").write_text(
        "slug: tie\ntitle: Tie\nsummary: A tie.\nhours: 0.01\nmodules:\n  - 01-a.md\n"
    )
    (course / "modules" / "01-a.md").write_text(
        "---\nid: a\ntitle: A\nminutes: 3\n---\n"
        "```{exercise} top-club\ntype: choice\nprompt: Which club scored highest?\n"
        "dataset: clubs\nanswer:\n  query: {measure: mean_score, group_by: [club]}\n"
        "  pick: max\nchoices: {from: groups}\n```\n"
    )
    result = load_course(course, content_root=tmp_path)
    assert result.errors == []
    assert [w.message for w in result.warnings] == [
        "{exercise} top-club: near miss: Chess and Drama both show 10.0, so a learner cannot "
        "tell which is the highest; ask about groups the explorer tells apart"
    ]


def _survey_course(
    tmp_path: Path, *, access_yes: int, prompt_and_answer: str, staff_voice: int = 15
) -> list[str]:
    """A partner survey where family partners' voice rate is 11 of 20 (55.0%) in 2025 and
    7 of 20 (35.0%) in 2024; ``access_yes`` of 20 family partners had access in 2025."""
    course = tmp_path / "survey"
    (course / "modules").mkdir(parents=True)
    (course / "datasets").mkdir()
    rows = ["year,role,voice,access"]
    rows += [f"2025,Family,{i < 11},{i < access_yes}" for i in range(20)]
    rows += [f"2025,Staff,{i < staff_voice},{i < 12}" for i in range(20)]
    rows += [f"2024,Family,{i < 7},{i < 6}" for i in range(20)]
    rows += [f"2024,Staff,{i < 13},{i < 12}" for i in range(20)]
    (course / "datasets" / "survey.csv").write_text("\n".join(rows) + "\n")
    (course / "datasets" / "survey.yaml").write_text(
        "title: Partner survey (synthetic)\nsource: synthetic\nmin_group_size: 10\n"
        "columns:\n  year: {type: str}\n  role: {type: str}\n  voice: {type: bool}\n"
        "  access: {type: bool}\nmeasures:\n"
        "  voice_rate: {label: Voice, agg: rate, column: voice, format: percent}\n"
        "  access_rate: {label: Access, agg: rate, column: access, format: percent}\n"
        "dimensions:\n  year: {label: Year, column: year}\n  role: {label: Role, column: role}\n"
    )
    (course / "course.yaml").write_text(
        "slug: survey\ntitle: Survey\nsummary: A survey.\nhours: 0.01\nmodules:\n  - 01-a.md\n"
    )
    (course / "modules" / "01-a.md").write_text(
        "---\nid: a\ntitle: A\nminutes: 3\n---\n"
        f"```{{exercise}} family-voice\ntype: numeric\n{prompt_and_answer}```\n"
    )
    result = load_course(course, content_root=tmp_path)
    assert result.errors == []
    return [w.message for w in result.warnings]


_VOICE_2025 = (
    "prompt: What share of family partners felt heard in 2025?\ndataset: survey\n"
    "answer:\n  query: {measure: voice_rate, group_by: [role], filters: {year: '2025'}}\n"
    "  pick: value\n  group: Family\n"
)
_VOICE_CHANGE = (
    "prompt: By how many points did family partners' voice rate change from 2024 to 2025?\n"
    "dataset: survey\nanswer:\n"
    "  query: {measure: voice_rate, group_by: [year], filters: {role: Family}}\n"
    "  pick: value\n  group: '2025'\n  minus: '2024'\n"
)


def _coincidence(what: str, key: str) -> str:
    return (
        f"{{exercise}} family-voice: coincidence: {what} shows the same number as the key "
        f"{key}, so a learner who read it would be marked right for the wrong reason; ask "
        "about a value no other reading gives (another group, year or measure), or change "
        "the data"
    )


def test_another_measure_that_shows_the_same_number_is_a_coincidence(tmp_path: Path) -> None:
    warnings = _survey_course(tmp_path, access_yes=11, prompt_and_answer=_VOICE_2025)
    assert warnings == [_coincidence("the measure 'Access'", "55.0% (55.0)")]


def test_no_coincidence_when_every_other_reading_differs(tmp_path: Path) -> None:
    assert _survey_course(tmp_path, access_yes=9, prompt_and_answer=_VOICE_2025) == []


def test_the_total_of_the_view_is_compared(tmp_path: Path) -> None:
    # Staff 11 of 20 too: every partner's rate, 22 of 40, is the family partners' 55.0%.
    warnings = _survey_course(tmp_path, access_yes=9, staff_voice=11, prompt_and_answer=_VOICE_2025)
    assert _coincidence("the total (everyone in the view)", "55.0% (55.0)") in warnings


def test_a_difference_is_compared_with_the_same_difference_of_another_measure(
    tmp_path: Path,
) -> None:
    # Voice moved 35.0 -> 55.0 (20.0 points); access 30.0 -> 45.0 does not coincide ...
    assert _survey_course(tmp_path / "a", access_yes=9, prompt_and_answer=_VOICE_CHANGE) == []
    # ... but access 30.0 -> 50.0 moved by the same 20.0 points.
    warnings = _survey_course(tmp_path / "b", access_yes=10, prompt_and_answer=_VOICE_CHANGE)
    assert warnings == [_coincidence("the measure 'Access'", "20.0 pp (20.0)")]


def test_a_count_of_groups_is_held_to_whole_numbers(tmp_path: Path) -> None:
    """How many groups are above a threshold is a whole number, whatever the measure shows."""
    shutil.copytree(CHECKS / "honest-course", tmp_path / "honest-course")
    module = tmp_path / "honest-course" / "modules" / "01-numbers.md"
    module.write_text(
        module.read_text()
        .replace("  pick: value\n  group: B\n", "  pick: above\n  threshold: 15\ntolerance: 0.5\n")
        .replace(
            "What share of group B students at South were suspended in 2025-26? Answer to one "
            "decimal place.",
            "How many groups at South had a suspension rate above 15% in 2025-26?",
        )
    )
    result = load_course(tmp_path / "honest-course", content_root=tmp_path)
    assert result.errors == [], result.errors
    module.write_text(module.read_text().replace("tolerance: 0.5", "tolerance: 0.6"))
    result = load_course(tmp_path / "honest-course", content_root=tmp_path)
    assert [e.message for e in result.errors] == [
        "{exercise} south-b: tolerance 0.6 is wider than half a unit of the precision the "
        "learner is shown (0 decimals: at most 0.5): a number that shows differently would be "
        "marked right; ask learners to read the value the explorer shows, and keep the default "
        "tolerance"
    ]


def test_a_key_that_equals_the_reading_with_one_filter_removed_is_a_coincidence(
    tmp_path: Path,
) -> None:
    """Issue 27 review: Delta MS's 2025-26 meal-eligible rate (16.8%) is also what a learner
    reads with the year filter left off (the three years combined)."""
    bundled = Path(__file__).parents[2] / "course_content" / "data-for-liberation"
    shutil.copytree(bundled, tmp_path / "data-for-liberation")
    module = tmp_path / "data-for-liberation" / "modules" / "03-look-beneath-the-average.md"
    text = module.read_text()
    variants = "variants: [Alder ES, Brookside ES, Cedar ES, Eastside MS, Riverside HS]\n"
    assert variants in text
    module.write_text(text.replace(variants, ""))
    result = load_course(tmp_path / "data-for-liberation", content_root=tmp_path)
    [message] = [p.message for p in result.warnings if "filter removed" in p.message]
    assert "absence-meals-your-school: variant 'Delta MS'" in message
    assert "School year filter removed shows the same number as the key 16.8%" in message


def test_a_filter_that_removes_no_one_the_measure_counts_is_no_coincidence() -> None:
    """Grades 6-12 for advanced math (a course only they take) reads the very same number."""
    bundled = Path(__file__).parents[2] / "course_content"
    result = load_course(bundled / "data-for-liberation", content_root=bundled)
    assert not [p for p in result.warnings if "Grade span filter removed" in p.message]
