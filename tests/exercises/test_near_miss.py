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


def test_a_tolerance_wider_than_the_asked_rounding_warns(tmp_path: Path) -> None:
    warnings = _with(tmp_path, "honest-course", "  group: B\n", "  group: B\ntolerance: 0.5\n")
    assert warnings == [
        "{exercise} south-b: tolerance 0.5 is wider than one unit of the last decimal the "
        "prompt asks for (0.1): answers that are not the asked rounding of the value would be "
        "marked right"
    ]


def test_a_tolerance_that_rejects_the_asked_rounding_warns(tmp_path: Path) -> None:
    warnings = _with(tmp_path, "honest-course", "  group: B\n", "  group: B\ntolerance: 0.01\n")
    assert warnings == [
        "{exercise} south-b: tolerance 0.01 is less than half of the last decimal the prompt "
        "asks for (0.05): a correctly rounded answer could be marked wrong"
    ]


def test_one_unit_of_the_asked_rounding_is_accepted(tmp_path: Path) -> None:
    assert _with(tmp_path, "honest-course", "  group: B\n", "  group: B\ntolerance: 0.1\n") == []


def test_another_groups_row_inside_the_tolerance_is_a_near_miss(tmp_path: Path) -> None:
    # South A is 20.0% and South B 10.0%: a tolerance of 10 accepts the other row
    # (and the rounding warning fires too).
    warnings = _with(
        tmp_path, "honest-course", "  group: B\n", "  group: B\ntolerance: 10\nunit: '%'\n"
    )
    assert any("a learner who read the row A (20)" in w for w in warnings), warnings


def test_minus_keys_a_difference_and_its_near_misses_are_differences(tmp_path: Path) -> None:
    shutil.copytree(CHECKS / "honest-course", tmp_path / "honest-course")
    module = tmp_path / "honest-course" / "modules" / "01-numbers.md"
    module.write_text(
        module.read_text()
        .replace("  group: B\n", "  group: A\n  minus: B\ntolerance: 0.1\n")
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
    # but group B's own rate is 10.0 too: a learner who read that row would be marked right.
    assert [w.message for w in result.warnings] == [
        "{exercise} south-b: near miss: a learner who read the row B (10) would be marked "
        "right, because it is within the tolerance of the key 10.0 pp; narrow the tolerance "
        "or ask for a value no neighbouring view comes this close to"
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
