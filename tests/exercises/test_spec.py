"""Building exercises: derived keys, variants, choices from groups, errors, the public view."""

from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from app.content.problems import SpecError
from app.exercises.check import self_check
from app.exercises.spec import PublicExercise, public_view, variant_for
from tests.exercises.helpers import GAP, LITERAL_MULTI, LITERAL_NUMERIC, MAX_SCHOOL, exercise

RAW = pl.read_csv("tests/datasets/fixtures/students.csv")


def test_derived_answer_has_one_key_per_variant_matching_the_data() -> None:
    """Each school's key is its EL rate minus its overall rate."""
    spec = exercise(GAP)
    assert [v.key for v in spec.variants] == ["Cedar High", "Oak Elementary", "Pine Middle"]
    for variant in spec.variants:
        sub = RAW.filter(pl.col("school") == variant.key)
        el = sub.filter(pl.col("english_learner") == "English learner")
        expected = (el["chronically_absent"].mean() - sub["chronically_absent"].mean()) * 100
        assert variant.answer.number == pytest.approx(expected)
    assert spec.unit == "pp"
    assert spec.tolerance == pytest.approx(0.05)
    assert self_check(spec) == []


def test_variant_is_deterministic_and_spread() -> None:
    """Same learner, same variant; many learners get every variant."""
    spec = exercise(GAP)
    assert variant_for(spec, 42) == variant_for(spec, 42)
    seen = {variant_for(spec, uid) for uid in range(200)}
    assert seen == {v.key for v in spec.variants}


def test_choice_from_groups_uses_display_order_and_picks_the_max() -> None:
    """Choices are not sorted by value (that would give the answer away)."""
    spec = exercise(MAX_SCHOOL)
    variant = spec.variants[0]
    assert [c.id for c in variant.choices] == ["cedar-high", "oak-elementary", "pine-middle"]
    rates = RAW.group_by("school").agg(pl.col("chronically_absent").mean())
    best = rates.sort("chronically_absent", descending=True)["school"][0]
    assert variant.answer.display == best
    assert self_check(spec) == []


def test_public_view_has_no_answer_fields() -> None:
    """The public view type has no field that could hold a key."""
    names = {f.name for f in dataclasses.fields(PublicExercise)}
    assert names == {
        "id",
        "type",
        "prompt_html",
        "choices",
        "unit",
        "attempts",
        "hints_total",
        "variant_label",
    }
    spec = exercise(GAP)
    view = public_view(spec, "Pine Middle")
    assert "Pine Middle" in view.prompt_html
    assert "{variant}" not in view.prompt_html
    text = repr(view)
    for variant in spec.variants:
        assert variant.answer.display.removeprefix("+").removesuffix(" pp") not in text


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"type": "essay"}, "type"),
        ({"dataset": "nope"}, "dataset"),
        ({"variant_by": "nope"}, "variant_by"),
        ({"answer": {"query": {"measure": "nope"}, "pick": "value"}}, "answer.query.measure"),
        ({"answer": {**GAP["answer"], "group": "Martian"}}, "answer.group"),
        ({"answer": {**GAP["answer"], "pick": "above"}}, "answer"),
        ({"reveal_after": 9}, "reveal_after"),
        ({"choices": [{"id": "a", "text": "A"}]}, "choices"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_build_errors_name_the_key(change: dict, key: str) -> None:
    """Bad bodies raise SpecError with the dotted key."""
    with pytest.raises(SpecError) as info:
        exercise({**GAP, **change})
    assert info.value.key == key


def test_suppressed_group_cannot_be_an_answer() -> None:
    """An answer learners cannot see is refused at load."""
    body = {
        **GAP,
        "prompt": "What is the chronic absence rate of Pacific Islander students?",
        "variant_by": None,
        "answer": {
            "query": {"measure": "chronic_absence_rate", "group_by": ["race_ethnicity"]},
            "pick": "value",
            "group": "Pacific Islander",
        },
    }
    with pytest.raises(SpecError, match="hidden"):
        exercise(body)


def test_choice_exercise_needs_a_wrong_choice() -> None:
    """All-correct choices are refused."""
    body = {**LITERAL_MULTI, "answer": ["excused", "unexcused", "suspension", "tardy"]}
    with pytest.raises(SpecError, match="wrong choice"):
        exercise(body)


def test_literals_and_self_check() -> None:
    """Literal keys load and pass the content check."""
    for body in (LITERAL_MULTI, LITERAL_NUMERIC):
        assert self_check(exercise(body)) == []


def test_self_check_catches_a_too_wide_tolerance() -> None:
    """A planted wrong answer that scores is reported."""
    spec = exercise({**LITERAL_NUMERIC, "relative_tolerance": 1.0})
    assert any("wrong answer" in p for p in self_check(spec))


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"prompt": "At {variant}, what share?"}, "prompt"),
        ({"hints": ["Look at {variant}."]}, "hints"),
        ({"explanation": "At {variant} it is 10."}, "explanation"),
    ],
)
def test_variant_placeholder_needs_variant_by_and_lives_in_the_prompt(
    change: dict, key: str
) -> None:
    """{variant} without variant_by, or outside the prompt, would reach learners verbatim."""
    with pytest.raises(SpecError) as info:
        exercise({**LITERAL_NUMERIC, **change})
    assert info.value.key == key
    assert "{variant}" in info.value.message
    with pytest.raises(SpecError) as info:
        exercise({**GAP, "hints": ["Filter to {variant}."]})
    assert info.value.key == "hints"


def test_a_difference_of_two_rates_defaults_to_percentage_points() -> None:
    """Issue 27 review: a ``minus`` answer on a rate rendered "Your answer (%)"."""
    rate = {
        "type": "numeric",
        "prompt": "How many percentage points higher is the English learner rate?",
        "dataset": "students",
        "answer": {
            "query": {"measure": "chronic_absence_rate", "group_by": ["english_learner"]},
            "pick": "value",
            "group": "English learner",
        },
    }
    assert exercise(rate).unit == "%"
    others = sorted(set(RAW["english_learner"].to_list()) - {"English learner"})
    difference = {**rate, "answer": {**rate["answer"], "minus": others[0]}}
    assert exercise(difference).unit == "pp"
