"""Differencing across views: when a narrowed view may be shown beside the wider ones.

Two views of the same learners can be subtracted: an organization's total minus the same
organization narrowed to teachers gives its principals. Complementary suppression inside
one table (``suppression.suppress``) does not stop that, because each row of a breakdown
can also be asked for on its own, as a filter. So a view narrowed by filters is shown only
when, for every filter, dropping that filter gives a *parent* view in which this one would
be a shown row:

- a filter on a group (organization, job role, cohort): the parent's breakdown by that
  group, with small-group and complementary suppression, must show this group's row
  (``shown_in_breakdown``). With two groups that is exactly "the complement of the view
  within its parent is 0 or at least the minimum";
- an enrollment-date window: both of its edges must fall on the parent's *safe edges*
  (``safe_edges``): points in enrollment order between which at least the minimum (or no
  one) enrolled, so any two windows differ by 0 or by at least the minimum learners.

The rule is per course (reports show one row per course) and counts enrollments, the size
of every figure's group.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from datetime import date
from typing import TypeVar

from app.privacy.suppression import CellStatus, suppress

K = TypeVar("K", bound=Hashable)


def breakdown_statuses(counts: Mapping[K, int], *, min_n: int) -> dict[K, CellStatus]:
    """Small-group and complementary suppression of a one-way breakdown by group size.

    Groups are taken in one fixed order (by ``str`` of the group key), whatever order a page
    shows them in, so a breakdown and a view filtered to one of its groups always hide the
    same groups (ties between equal sizes would otherwise go different ways). Groups with
    no one in them are no rows.
    """
    rows = sorted(((k, n) for k, n in counts.items() if n > 0), key=lambda r: str(r[0]))
    statuses, _ = suppress(
        labels=[(str(key),) for key, _ in rows],
        ns=[n for _, n in rows],
        outcomes=None,
        total_n=sum(n for _, n in rows),
        total_outcome=None,
        min_n=min_n,
        coding=0,
    )
    return {key: status for (key, _), status in zip(rows, statuses, strict=True)}


def shown_in_breakdown(counts: Mapping[K, int], group: K, *, min_n: int) -> bool:
    """True when ``group``'s row is shown in a one-way breakdown with these group sizes; a
    group with no one in it is shown (it tells nothing)."""
    if counts.get(group, 0) <= 0:
        return True
    return breakdown_statuses(counts, min_n=min_n)[group] == "shown"


def safe_edges(days: Mapping[date, int], *, min_n: int) -> frozenset[int]:
    """The counts of enrollments before a window edge that a shown window may start or end
    at: 0, the total, and greedy breakpoints at least ``min_n`` apart."""
    total = sum(days.values())
    edges = [0]
    seen = 0
    for day in sorted(days):
        seen += days[day]
        if seen - edges[-1] >= min_n:
            edges.append(seen)
    if total != edges[-1]:
        if len(edges) > 1 and total - edges[-1] < min_n:
            edges.pop()  # the last stretch is small: merge it into the one before
        edges.append(total)
    return frozenset(edges)


def window_shown(
    days: Mapping[date, int], first: date | None, last: date | None, *, min_n: int
) -> bool:
    """True when a window of enrollment days (both ends included) starts and ends on safe
    edges of the parent's enrollments (``days``: enrollments per day)."""
    edges = safe_edges(days, min_n=min_n)
    total = sum(days.values())
    before = sum(n for day, n in days.items() if first is not None and day < first)
    through = sum(n for day, n in days.items() if last is None or day <= last)
    if total < min_n:  # a small parent: only the window that holds everyone
        return before == 0 and through == total
    return before in edges and through in edges


def day_counts(days: Iterable[date]) -> dict[date, int]:
    """Enrollments per day from the day of each enrollment."""
    counts: dict[date, int] = {}
    for day in days:
        counts[day] = counts.get(day, 0) + 1
    return counts
