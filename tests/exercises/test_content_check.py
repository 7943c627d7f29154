"""The exercise checks `groundwork content check` runs, on every bundled and fixture course."""

from __future__ import annotations

import pytest

from app.config import ROOT
from app.content.registry import build_registry
from app.exercises.check import self_check
from tests.exercises.helpers import LITERAL_NUMERIC, MAX_SCHOOL, exercise
from tests.exercises.leak_checks import ROOTS


@pytest.mark.parametrize("root", ROOTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_exercise_passes_self_check(root) -> None:
    """Keys compute, choice exercises have a wrong choice, a planted wrong answer scores 0."""
    registry = build_registry(root)
    for course in registry.courses.values():
        for module in course.modules:
            for block in module.blocks:
                if getattr(block, "kind", None) == "exercise":
                    assert self_check(block) == [], f"{course.slug}/{block.id}"


def test_self_check_reports_a_generous_tolerance_and_a_broken_choice_key() -> None:
    """It can fail: too wide a tolerance, and a key that is not among the choices."""
    assert self_check(exercise({**LITERAL_NUMERIC, "tolerance": 5}))
    spec = exercise(MAX_SCHOOL)
    from dataclasses import replace

    broken = replace(
        spec,
        variants=tuple(
            replace(v, answer=replace(v.answer, choice_ids=frozenset(c.id for c in v.choices)))
            for v in spec.variants
        ),
    )
    assert any("every choice is correct" in p for p in self_check(broken))
