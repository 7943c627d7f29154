"""Due dates in words, from a frozen "today" (time-machine) and from given days."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from app.assignments.dates import due_words
from app.db import utcnow

TODAY = date(2026, 12, 8)


@pytest.mark.parametrize(
    ("due_on", "words"),
    [
        (date(2026, 12, 12), "due Saturday 12 December, in 4 days"),
        (date(2026, 12, 9), "due tomorrow, Wednesday 9 December"),
        (date(2026, 12, 10), "due Thursday 10 December, in 2 days"),
        (TODAY, "due today"),
        (date(2026, 12, 7), "overdue by 1 day"),
        (date(2026, 12, 6), "overdue by 2 days"),
        (date(2027, 1, 8), "due Friday 8 January 2027, in 31 days"),
    ],
)
def test_due_words(due_on: date, words: str) -> None:
    assert due_words(due_on, today=TODAY) == words


def test_due_words_follow_the_clock() -> None:
    """The callers pass today's UTC date: with the clock frozen, the words follow it."""
    with time_machine.travel("2026-12-08 23:59:00+00:00", tick=False):
        assert due_words(date(2026, 12, 12), today=utcnow().date()).endswith("in 4 days")
    with time_machine.travel("2026-12-13 00:00:01+00:00", tick=False):
        assert due_words(date(2026, 12, 12), today=utcnow().date()) == "overdue by 1 day"
