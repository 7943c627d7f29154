"""Due dates in words: the one helper every page and email uses to say when work is due."""

from __future__ import annotations

from datetime import date


def long_date(day: date, *, today: date) -> str:
    """ "Friday 12 December", with the year when it is not this year's."""
    text = f"{day:%A} {day.day} {day:%B}"
    return text if day.year == today.year else f"{text} {day.year}"


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def due_words(due_on: date, *, today: date) -> str:
    """When work is due, from ``today``: "due Friday 12 December, in 4 days", "due
    tomorrow, Tuesday 9 December", "due today", or "overdue by 2 days"."""
    days = (due_on - today).days
    if days == 0:
        return "due today"
    if days < 0:
        return f"overdue by {_days(-days)}"
    when = long_date(due_on, today=today)
    if days == 1:
        return f"due tomorrow, {when}"
    return f"due {when}, in {_days(days)}"
