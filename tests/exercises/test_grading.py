"""Grading properties (hypothesis) and the documented normalisation."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.exercises.grading import grade, parse_number
from tests.exercises.helpers import GAP, LITERAL_MULTI, LITERAL_NUMERIC, exercise

NUMERIC = exercise({**LITERAL_NUMERIC, "answer": 12.5, "tolerance": 0.5})
DERIVED = exercise(GAP)
MULTI = exercise(LITERAL_MULTI)
MULTI_IDS = [c.id for c in MULTI.variants[0].choices]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("12.5", 12.5),
        ("12.5%", 12.5),
        (" 12,5 ", 12.5),
        ("+12.5 pp", 12.5),
        ("−3.2", -3.2),
        ("1,234.5", 1234.5),
        ("1 234", 1234.0),
        (".5", 0.5),
        ("12.5 percent", 12.5),
    ],
)
def test_normalisation_accepts(raw: str, value: float) -> None:
    """Documented forms parse to the same number."""
    assert parse_number(raw) == pytest.approx(value)


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "nan", "NaN", "inf", "-Infinity", "1e3", "twelve", "1,2,3", "12..5", "%", "1" * 80],
)
def test_format_errors_are_invalid_and_free(raw: str) -> None:
    """Unreadable input is a format error that does not cost an attempt."""
    result = grade(NUMERIC, raw, "")
    assert result.status == "invalid"
    assert not result.counts_as_attempt
    assert result.score == 0
    assert result.message


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=300)
@given(offset=st.floats(min_value=-0.499, max_value=0.499))
def test_every_answer_inside_the_tolerance_scores_1(offset: float) -> None:
    """Inside the tolerance: score 1."""
    result = grade(NUMERIC, f"{12.5 + offset:.6f}", "")
    assert result.score == 1
    assert result.correct
    assert result.counts_as_attempt


@settings(max_examples=300)
@given(value=finite)
def test_every_answer_outside_the_tolerance_scores_0(value: float) -> None:
    """Outside the tolerance: score 0, and it counts."""
    if abs(value - 12.5) <= 0.5 + 1e-6:
        return
    result = grade(NUMERIC, f"{value:f}", "")
    assert result.score == 0
    assert result.status == "incorrect"
    assert result.counts_as_attempt


@settings(max_examples=200)
@given(variant=st.sampled_from([v.key for v in DERIVED.variants]), delta=st.floats(-0.049, 0.049))
def test_each_variant_is_graded_against_its_own_key(variant: str, delta: float) -> None:
    """A variant's key scores 1 in that variant and 0 in a variant with a far key."""
    key = DERIVED.variant(variant).answer.number
    assert grade(DERIVED, f"{key + delta:.6f}", variant).score == 1
    for other in DERIVED.variants:
        if abs(other.answer.number - key) > 1:
            assert grade(DERIVED, f"{key:.6f}", other.key).score == 0


@settings(max_examples=300)
@given(picks=st.lists(st.sampled_from(MULTI_IDS), max_size=6))
def test_partial_credit_stays_in_0_1(picks: list[str]) -> None:
    """Multi scores are in [0, 1]; empty is a format error."""
    result = grade(MULTI, picks, "")
    if not picks:
        assert result.status == "invalid"
        assert not result.counts_as_attempt
        return
    assert 0.0 <= result.score <= 1.0
    assert math.isfinite(result.score)
    assert result.correct == (set(picks) == {"excused", "unexcused", "suspension"})


@settings(max_examples=300)
@given(text=st.text(max_size=30))
def test_arbitrary_text_never_raises_and_invalid_never_counts(text: str) -> None:
    """Any text grades without error; a format error never counts as an attempt."""
    result = grade(NUMERIC, text, "")
    assert result.counts_as_attempt == (result.status != "invalid")
    if result.status == "invalid":
        assert result.score == 0


def test_multi_partial_rule() -> None:
    """(right - wrong) / number right, floored at 0."""
    assert grade(MULTI, ["excused", "unexcused"], "").score == pytest.approx(2 / 3)
    assert grade(MULTI, ["excused", "unexcused"], "").status == "partial"
    assert grade(MULTI, ["excused", "tardy"], "").score == 0
    result = grade(MULTI, ["excused", "unexcused", "suspension", "tardy"], "")
    assert result.score == pytest.approx(2 / 3)
    assert "Tardies are not absences." in " ".join(result.feedback_html)
    assert grade(MULTI, ["nope"], "").status == "invalid"


def test_unknown_variant_is_invalid() -> None:
    """A stale variant never crashes."""
    assert grade(DERIVED, "1", "Nowhere").status == "invalid"
