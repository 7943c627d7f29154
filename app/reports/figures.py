"""Reading report figures: summed summary rows for a report's scope and filters.

Every report reads its counts through ``read``. Without an enrollment-date filter they come
from ``report_summary`` (a few rows per learner group, whatever the number of learners).
With one, no summary row can say which of its learners enrolled in the window, so the same
measures are computed live (``measure_rows``) for the enrollments in the window: the cost
then grows with the window, and the numbers are the same by construction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, func, not_, select
from sqlmodel import Session

from app.accounts.staff_scope import organization_scope
from app.db import utcnow
from app.reports import summary_store
from app.reports.scope import ReportScope
from app.reports.summary_models import ReportSummary
from app.reports.summary_sql import Measure, measure_rows

ACTIVE_DAYS = 30
GROUP_COLUMNS = ("organization_id", "job_role", "cohort")
_TABLE: Any = ReportSummary.__table__  # type: ignore[attr-defined]


def active_since() -> str:
    """The first day (UTC, YYYY-MM-DD) that counts as "active in the last 30 days"."""
    return (utcnow() - timedelta(days=ACTIVE_DAYS)).date().isoformat()


def is_live(scope: ReportScope) -> bool:
    """True when the report's figures are computed live (an enrollment-date filter)."""
    return scope.filters.enrolled_from is not None or scope.filters.enrolled_to is not None


def _source(
    scope: ReportScope, measures: Iterable[Measure], by: Sequence[str]
) -> tuple[Any, list[Any]]:
    """The rows to sum (the summary table or a live computation) and what keeps them in
    scope.

    From the summary table, one roll-up level is read: the group columns that are grouped
    by or fixed (by a filter, or by a one-organization staff account) are kept, the others
    are read as "any", so the report sums only rows about its own groups.
    """
    f = scope.filters
    if is_live(scope):
        return measure_rows(scope.conditions(), measures).subquery("live"), []
    table = _TABLE
    fixed: dict[str, Any] = {
        "organization_id": f.organization_id
        if f.organization_id is not None
        else organization_scope(scope.staff),
        "job_role": f.job_role or None,
        "cohort": f.cohort or None,
    }
    conds: list[Any] = [table.c.course_id.in_([cid for cid, _ in scope.courses])]
    conds += [table.c[name] == value for name, value in fixed.items() if value is not None]
    kept = [name for name, value in fixed.items() if value is not None or name in by]
    conds.append(table.c.level == summary_store.level(kept))
    return table, conds


def read(
    session: Session,
    scope: ReportScope,
    measures: Sequence[Measure],
    *,
    by: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Summed counts: rows of (measure, course_id, *by columns, key, value, n).

    ``by`` names group columns (``GROUP_COLUMNS``) to keep apart; the rest are summed over.
    ``active_on`` rows are kept only from ``active_since()`` on.
    """
    source, conds = _source(scope, measures, by)
    c = source.c
    keep = [c[name] for name in ("measure", "course_id", *by, "key", "value")]
    stmt = (
        select(*keep, func.sum(c.n))
        .where(
            c.measure.in_([m.value for m in measures]),
            not_(and_(c.measure == Measure.active_on.value, c.key < active_since())),
            *conds,
        )
        .group_by(*keep)
    )
    return [tuple(row) for row in session.execute(stmt)]


def matching(session: Session, scope: ReportScope) -> int:
    """How many enrollments the report describes."""
    return sum(int(row[-1]) for row in read(session, scope, [Measure.enrolled]))
