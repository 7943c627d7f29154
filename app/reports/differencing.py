"""The narrowed-view rule (app/privacy/views.py) applied to a report's filters.

A report narrowed by filters (organization, job role, cohort, enrollment dates) is a view
that can be subtracted from a wider one. For each filter, the *parent* is the same report
without it; the view is shown only where the parent's breakdown by that filter would show
its row (group filters), or where its date window starts and ends on the parent's safe
edges (date filters). A breakdown row is itself a narrowed view (the report's filters and
the row's group), so its other parents are checked the same way. The rule runs per course,
on enrollment counts; docs/reports.md "Privacy" has it in words.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session, col, select

from app import privacy
from app.accounts.models import User
from app.learning.models import Enrollment
from app.reports.figures import GROUP_COLUMNS, read
from app.reports.filters import ReportFilters
from app.reports.scope import ReportScope
from app.reports.summary_sql import Measure

# summary column -> the filter field that fixes it, and its "no filter" value
_FIELDS: dict[str, tuple[str, Any]] = {
    "organization_id": ("organization_id", None),
    "job_role": ("job_role", ""),
    "cohort": ("cohort", ""),
}
_COLUMNS: dict[str, Any] = {
    "organization_id": User.organization_id,
    "job_role": User.job_role,
    "cohort": Enrollment.cohort,
}


def _value(filters: ReportFilters, column: str) -> Any:
    """The filter's value on a summary column (None: not filtered)."""
    field, empty = _FIELDS[column]
    value = getattr(filters, field)
    return None if value == empty else value


def _without(scope: ReportScope, **changes: Any) -> ReportScope:
    return dataclasses.replace(scope, filters=dataclasses.replace(scope.filters, **changes))


def _key(column: str, value: Any) -> Any:
    """A summary value as a breakdown's group key (no organization or cohort: None)."""
    return value if column == "job_role" else value or None


def _day(moment: datetime) -> date:
    return (moment if moment.tzinfo is None else moment.astimezone(UTC)).date()


def _enrollment_days(
    session: Session, scope: ReportScope, by: Sequence[str]
) -> dict[tuple[Any, ...], dict[date, int]]:
    """Enrollments per day, per (course id, *``by`` group keys), of the scope's learners."""
    columns = [col(Enrollment.course_id), *(col(_COLUMNS[c]) for c in by)]
    stmt = scope.restrict(select(*columns, col(Enrollment.enrolled_at)))  # type: ignore[call-overload]
    found: dict[tuple[Any, ...], dict[date, int]] = {}
    for course_id, *groups, enrolled_at in session.exec(stmt):
        view = (course_id, *(_key(c, g) for c, g in zip(by, groups, strict=True)))
        days = found.setdefault(view, {})
        days[_day(enrolled_at)] = days.get(_day(enrolled_at), 0) + 1
    return found


def _sizes(session: Session, scope: ReportScope, by: Sequence[str]) -> dict[tuple[Any, ...], int]:
    """Enrollments per (course id, *``by`` group keys)."""
    found: dict[tuple[Any, ...], int] = {}
    for _, course_id, *rest in read(session, scope, [Measure.enrolled], by=by):
        view = (course_id, *(_key(c, g) for c, g in zip(by, rest, strict=False)))
        found[view] = found.get(view, 0) + int(rest[-1])
    return found


def _clear(scope: ReportScope, columns: Iterable[str], *, window: bool = False) -> ReportScope:
    """The scope with these group filters (and the date window, if ``window``) dropped."""
    changes: dict[str, Any] = {_FIELDS[c][0]: _FIELDS[c][1] for c in columns}
    if window:
        changes.update(enrolled_from=None, enrolled_to=None)
    return _without(scope, **changes)


def _complement_ok(ancestor: int, view: int, min_n: int) -> bool:
    return ancestor - view == 0 or ancestor - view >= min_n


def _hidden(session: Session, scope: ReportScope, by: Sequence[str]) -> set[tuple[Any, ...]]:
    """The views (course id, *``by`` group keys) of this report that the rule hides."""
    f = scope.filters
    min_n = scope.min_n
    fixed = [c for c in GROUP_COLUMNS if _value(f, c) is not None and c not in by]
    dated = f.enrolled_from is not None or f.enrolled_to is not None
    views = _sizes(session, scope, by)
    hidden: set[tuple[Any, ...]] = set()

    def project(view: tuple[Any, ...], keep: bool) -> tuple[Any, ...]:
        return view if keep else view[:1]

    # Every ancestor: any group filters dropped (and the row's group, for a breakdown row).
    for size in range(len(fixed) + 1):
        for dropped in itertools.combinations(fixed, size):
            for keep in (True, False) if by else (False,):
                if not dropped and (keep or not by):
                    continue  # the view itself
                ancestor = _clear(scope, dropped)
                sizes = _sizes(session, ancestor, by if keep else ())
                for view, n in views.items():
                    if not _complement_ok(sizes.get(project(view, keep), 0), n, min_n):
                        hidden.add(view)
    # One filter dropped: its row must be shown in that parent's breakdown (complementary).
    for column in fixed:
        parent = _clear(scope, [column])
        breakdowns: dict[tuple[Any, ...], dict[Any, int]] = {}
        for _, course_id, *rest in read(session, parent, [Measure.enrolled], by=[*by, column]):
            groups = rest[: len(by) + 1]
            view = (course_id, *(_key(c, g) for c, g in zip(by, groups[:-1], strict=True)))
            counts = breakdowns.setdefault(view, {})
            counts[groups[-1]] = counts.get(groups[-1], 0) + int(rest[-1])
        for view in views:
            counts = breakdowns.get(view, {})
            if not privacy.shown_in_breakdown(counts, _value(f, column), min_n=min_n):
                hidden.add(view)
    # A date window: on the safe edges of every ancestor without the window.
    if dated:
        for size in range(len(fixed) + 1):
            for dropped in itertools.combinations(fixed, size):
                for keep in (True, False) if by else (False,):
                    ancestor = _clear(scope, dropped, window=True)
                    days = _enrollment_days(session, ancestor, by if keep else ())
                    for view in views:
                        found = days.get(project(view, keep), {})
                        if not privacy.window_shown(
                            found, f.enrolled_from, f.enrolled_to, min_n=min_n
                        ):
                            hidden.add(view)
    return hidden


def narrowed_courses(session: Session, scope: ReportScope) -> frozenset[int]:
    """Courses whose view, as the filters narrow it, a wider view would give away."""
    return frozenset(view[0] for view in _hidden(session, scope, ()))


def hidden_rows(session: Session, scope: ReportScope, column: str) -> set[tuple[int, Any]]:
    """(course id, group key) rows of a breakdown by ``column`` that a wider view (the same
    row without one of the report's filters) would give away."""
    return {(view[0], view[1]) for view in _hidden(session, scope, (column,))}


def with_narrowed(session: Session, scope: ReportScope) -> ReportScope:
    """The scope with the courses the rule hides noted (every table reads ``narrowed``)."""
    return dataclasses.replace(scope, narrowed=narrowed_courses(session, scope))
