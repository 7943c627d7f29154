"""Each documented grading rule pinned by an example at its edge: the normalised answer,
what the learner is told, the feedback shown, boundaries of the tolerance and of partial
credit. Written against the survivors of mutation testing (docs/testing.md)."""

from __future__ import annotations

import pytest

from app.exercises.grading import MAX_ANSWER_CHARS, grade, parse_number
from tests.exercises.helpers import LITERAL_MULTI, LITERAL_NUMERIC, exercise

FEEDBACK = {"correct": "Well read.", "incorrect": "Look again.", "partial": "Some of it."}
NUMERIC = exercise(
    {**LITERAL_NUMERIC, "answer": 12.5, "tolerance": 0.5, "unit": "", "feedback": FEEDBACK}
)
COUNT = exercise({**LITERAL_NUMERIC, "answer": 40, "tolerance": 0, "unit": "Students"})
RELATIVE = exercise({**LITERAL_NUMERIC, "answer": -200, "tolerance": 1, "relative_tolerance": 0.1})
MULTI = exercise({**LITERAL_MULTI, "feedback": FEEDBACK})
MULTI_NO_PARTIAL = exercise(
    {**LITERAL_MULTI, "feedback": {"correct": "Well read.", "incorrect": "Look again."}}
)
MULTI_BARE = exercise(LITERAL_MULTI)
FOR_EXAMPLE = "Type digits only, for example 12.5 or 12.5%."
TARDY = "<p>Tardies are not absences.</p>"
CHOICE = exercise(
    {
        "type": "choice",
        "prompt": "Which one is an absence?",
        "answer": "unexcused",
        "choices": LITERAL_MULTI["choices"],
        "feedback": {"correct": "Well read.", "incorrect": "Look again."},
    }
)
CHOICE_BARE = exercise(
    {
        "type": "choice",
        "prompt": "Which one is an absence?",
        "answer": "unexcused",
        "choices": LITERAL_MULTI["choices"],
    }
)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("12,5 %", "12.5"),
        ("12.50", "12.5"),
        ("+12.0", "12"),
        ("12.", "12"),
        ("12.3456789012", "12.3456789012"),
        ("1,234.5", "1234.5"),
        ("−0", "0"),
        ("-0.0", "0"),
        ("0", "0"),
        ("-3", "-3"),
    ],
)
def test_the_normalised_answer_is_the_canonical_number(raw: str, normalized: str) -> None:
    """What is stored and shown back: no trailing zeros or point, no "-0", no thousands."""
    assert grade(NUMERIC, raw, "").normalized == normalized


def test_numeric_outcomes_carry_their_status_score_message_and_feedback() -> None:
    right = grade(NUMERIC, "12.7", "")
    assert (right.status, right.score, right.message) == ("correct", 1.0, "Correct.")
    assert right.feedback_html == ("<p>Well read.</p>",)
    wrong = grade(NUMERIC, "14", "")
    assert (wrong.status, wrong.score, wrong.message) == ("incorrect", 0.0, "Not quite.")
    assert wrong.normalized == "14"
    assert wrong.feedback_html == ("<p>Look again.</p>",)
    assert grade(COUNT, "41", "").feedback_html == ()  # no feedback written: none shown


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("", "Type a number before you check your answer."),
        ("  ", "Type a number before you check your answer."),
        (["12.5"], "Type one number."),
        ("twelve", "That is not a number we can read. " + FOR_EXAMPLE),
    ],
)
def test_each_numeric_format_error_says_what_to_do(answer: str | list[str], message: str) -> None:
    result = grade(NUMERIC, answer, "")
    assert (result.status, result.score, result.normalized) == ("invalid", 0.0, "")
    assert result.message == message
    assert result.feedback_html == ()


def test_a_stale_variant_asks_for_a_reload() -> None:
    result = grade(NUMERIC, "12.5", "no-such-variant-key")
    assert result.status == "invalid"
    assert not result.counts_as_attempt
    assert result.message == "This exercise has changed; reload the page."
    assert (result.score, result.normalized) == (0.0, "")


@pytest.mark.parametrize(("answer", "correct"), [("12", True), ("13", True), ("13.01", False)])
def test_the_tolerance_includes_its_edge(answer: str, correct: bool) -> None:
    """|answer - key| <= tolerance: 13 is exactly 0.5 from 12.5 and is correct."""
    assert grade(NUMERIC, answer, "").correct is correct


@pytest.mark.parametrize(
    ("answer", "correct"),
    [("-220", True), ("-180", True), ("-221", False), ("-179", False), ("200", False)],
)
def test_relative_tolerance_is_a_share_of_the_keys_size(answer: str, correct: bool) -> None:
    """max(1, 10% of |-200|) = 20: a negative key still gets a positive allowance."""
    assert grade(RELATIVE, answer, "").correct is correct


def test_the_exercises_own_unit_is_removed_in_any_case() -> None:
    assert parse_number("40 students", "Students ") == 40
    assert grade(COUNT, "40 STUDENTS", "").correct
    assert parse_number("40 students") is None  # another exercise's unit is not a unit


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("12 percentage points", 12.0),
        ("12 points", 12.0),
        ("12PP", 12.0),
        ("1,234", 1.234),  # one comma and no point: a decimal comma
        ("-.5", -0.5),
        ("1 234 567", 1234567.0),
        ("1\u00a0234", 1234.0),
        ("1\u2009234,5", 1234.5),
        (" 12.5 % ", 12.5),  # the unit is found after the surrounding spaces go
    ],
)
def test_more_documented_forms(raw: str, value: float) -> None:
    assert parse_number(raw) == pytest.approx(value)


@pytest.mark.parametrize("raw", ["12 % pp", "12pp%", "1,234,5", "1.2.3", "+-1", "12 pp pp"])
def test_one_unit_and_one_decimal_separator_at_most(raw: str) -> None:
    assert parse_number(raw) is None


def test_the_length_limit_is_inclusive() -> None:
    assert parse_number("1" * MAX_ANSWER_CHARS) == float("1" * MAX_ANSWER_CHARS)
    assert parse_number("1" * (MAX_ANSWER_CHARS + 1)) is None
    assert parse_number(12.5) is None  # type: ignore[arg-type]


def test_multi_normalises_picks_in_the_order_of_the_choices() -> None:
    result = grade(MULTI, [" suspension", "excused ", "excused", ""], "")
    assert result.normalized == "excused,suspension"
    assert result.status == "partial"
    assert result.score == pytest.approx(2 / 3)
    assert result.message == "Partly right: 67% credit."
    assert result.feedback_html == ("<p>Some of it.</p>",)


def test_multi_partial_falls_back_to_the_incorrect_feedback() -> None:
    result = grade(MULTI_NO_PARTIAL, ["excused"], "")
    assert result.status == "partial"
    assert result.message == "Partly right: 33% credit."
    assert result.feedback_html == ("<p>Look again.</p>",)


def test_multi_all_right_is_correct_and_shows_the_correct_feedback() -> None:
    result = grade(MULTI, ["unexcused", "excused", "suspension"], "")
    assert (result.status, result.score, result.message) == ("correct", 1.0, "Correct.")
    assert result.normalized == "excused,unexcused,suspension"
    assert result.feedback_html == ("<p>Well read.</p>",)


def test_multi_score_zero_is_incorrect_with_each_picked_choices_feedback() -> None:
    """One right and one wrong pick: (1 - 1) / 3 = 0, so not partial."""
    result = grade(MULTI, ["tardy", "excused"], "")
    assert (result.status, result.score, result.message) == ("incorrect", 0.0, "Not quite.")
    assert result.normalized == "excused,tardy"
    assert result.feedback_html == ("<p>Look again.</p>", "<p>Tardies are not absences.</p>")
    bare = grade(MULTI_BARE, ["tardy"], "")
    assert bare.status == "incorrect"
    assert bare.feedback_html == (TARDY,)


def test_every_right_pick_plus_a_wrong_one_is_partial_not_correct() -> None:
    result = grade(MULTI_BARE, ["excused", "unexcused", "suspension", "tardy"], "")
    assert result.status == "partial"
    assert result.score == pytest.approx(2 / 3)
    assert result.feedback_html == ("<p>Tardies are not absences.</p>",)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([], "Choose an answer before you check it."),
        ([" ", ""], "Choose an answer before you check it."),
        (["excused", "nope"], "That choice is not one of the options; reload the page."),
    ],
)
def test_multi_format_errors_say_what_to_do(answer: list[str], message: str) -> None:
    result = grade(MULTI, answer, "")
    assert (result.status, result.score, result.normalized) == ("invalid", 0.0, "")
    assert result.message == message


def test_choice_takes_one_answer_with_its_feedback() -> None:
    right = grade(CHOICE, " unexcused ", "")
    assert (right.status, right.score, right.normalized) == ("correct", 1.0, "unexcused")
    assert right.message == "Correct."
    assert right.feedback_html == ("<p>Well read.</p>",)
    wrong = grade(CHOICE, "tardy", "")
    assert (wrong.status, wrong.score, wrong.normalized) == ("incorrect", 0.0, "tardy")
    assert wrong.message == "Not quite."
    assert wrong.feedback_html == ("<p>Look again.</p>", "<p>Tardies are not absences.</p>")
    assert grade(CHOICE_BARE, "tardy", "").feedback_html == ("<p>Tardies are not absences.</p>",)
    assert grade(CHOICE_BARE, "unexcused", "").feedback_html == ()
    assert grade(CHOICE, ["unexcused", "unexcused"], "").correct  # the same pick twice is one


def test_choice_refuses_two_answers() -> None:
    result = grade(CHOICE, ["unexcused", "excused"], "")
    assert (result.status, result.score, result.normalized, result.message) == (
        "invalid",
        0.0,
        "",
        "Choose one answer.",
    )
