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
