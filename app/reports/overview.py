"""Enrollment and completion by course, and broken down by organization, job role, cohort.

All these tables come from one statement (``_enrollment_figures``); breakdowns apply small-n
and complementary suppression per course.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import Integer, String, case, cast, func, literal, null, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.accounts.models import JOB_ROLE_LABELS, Organization, User
from app.certificates.models import Certificate
from app.datasets.suppression import suppress
from app.db import utcnow
from app.learning.models import Enrollment
from app.reports.scope import COURSE_COLUMN, ReportScope, small_group, unrevoked_certificate
from app.reports.tables import CellValue, Column, Hidden, Table

ACTIVE_DAYS = 30
COMPLEMENTARY_TEXT = "hidden to protect a small group"

_FIGURES = (
    Column("enrolled", "Enrolled", "count"),
    Column("active", f"Active in last {ACTIVE_DAYS} days", "count"),
    Column("completed", "Completed", "count"),
    Column("completion_rate", "Completion rate (%)", "percent"),
    Column("median_percent", "Median progress (%)", "percent"),
    Column("certificates", "Certificates issued", "count"),
)
GROUPINGS: dict[str, tuple[str, str]] = {
    # report name -> (column label, what the group is)
    "by-organization": ("Organization", "organization"),
    "by-job-role": ("Job role", "job role"),
    "by-cohort": ("Cohort", "cohort"),
}


@dataclass
class _Figures:
    """Enrollment counts of one group, and its progress as a histogram of percents."""

    enrolled: int = 0
    active: int = 0
    completed: int = 0
    certificates: int = 0
    percents: Counter[int] = field(default_factory=Counter)

    def cells(self) -> tuple[CellValue, ...]:
        rate = 100 * self.completed / self.enrolled if self.enrolled else None
        return (
            self.enrolled,
            self.active,
            self.completed,
            rate,
            median(self.percents),
            self.certificates,
        )


def median(histogram: Mapping[int, int]) -> float | None:
    """The median of values given as {value: how many}; the mean of the middle two if even."""
    n = sum(histogram.values())
    if n == 0:
        return None
    wanted = [(n - 1) // 2, n // 2]
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        while wanted and wanted[0] < seen:
            found.append(value)
            wanted.pop(0)
    return (found[0] + found[1]) / 2


def _enrollment_figures(
    session: Session, scope: ReportScope, groupings: list[str]
) -> dict[str, dict[tuple[int, Any], _Figures]]:
    """Figures per (course id, group) for the overview (group None) and each grouping.

    One statement: the matching enrollments are selected once (a CTE used by every branch,
    which SQLite and PostgreSQL materialise), then each grouping is a GROUP BY over it, joined
    with UNION ALL. Progress is grouped by its percent (0-100), so medians come from at most
    101 buckets per group.
    """
    since = utcnow() - timedelta(days=ACTIVE_DAYS)
    base = scope.restrict(
        select(  # type: ignore[call-overload]  # SQLModel types at most four columns
            col(Enrollment.course_id).label("course_id"),
            col(Enrollment.percent).label("percent"),
            case((col(Enrollment.completed_at).is_not(None), 1), else_=0).label("completed"),
            case((col(Enrollment.last_activity_at) >= since, 1), else_=0).label("active"),
            case((col(Certificate.id).is_not(None), 1), else_=0).label("certified"),
            col(User.organization_id).label("organization"),
            col(User.job_role).label("job_role"),
            col(Enrollment.cohort).label("cohort"),
        ).select_from(Enrollment)
    )
    base = base.outerjoin(Certificate, unrevoked_certificate()).cte("matching")
    no_int, no_text = cast(null(), Integer), cast(null(), String)
    # grouping -> (its integer key, its text key, the column it groups by)
    keys: dict[str, tuple[Any, Any, Any]] = {
        "overview": (no_int, no_text, None),
        "by-organization": (base.c.organization, no_text, base.c.organization),
        "by-job-role": (no_int, base.c.job_role, base.c.job_role),
        "by-cohort": (no_int, base.c.cohort, base.c.cohort),
    }
    branches = []
    for name in ["overview", *groupings]:
        int_key, text_key, group_col = keys[name]
        branches.append(
            sa_select(
                literal(name).label("grouping"),
                base.c.course_id,
                base.c.percent,
                int_key.label("int_key"),
                text_key.label("text_key"),
                func.count().label("n"),
                func.sum(base.c.completed),
                func.sum(base.c.active),
                func.sum(base.c.certified),
            ).group_by(
                base.c.course_id, base.c.percent, *([group_col] if group_col is not None else [])
            )
        )
    result: dict[str, dict[tuple[int, Any], _Figures]] = {"overview": {}}
    result.update({name: {} for name in groupings})
    for (
        name,
        course_id,
        percent,
        int_key,
        text_key,
        n,
        completed,
        active,
        certified,
    ) in session.execute(union_all(*branches)):
        key = (course_id, int_key if name == "by-organization" else text_key)
        figures = result[name].get(key)
        if figures is None:
            figures = result[name][key] = _Figures()
        figures.enrolled += n
        figures.active += int(active or 0)
        figures.completed += int(completed or 0)
        figures.certificates += int(certified or 0)
        figures.percents[percent] += n
    return result


def _overview(scope: ReportScope, by_course: dict[tuple[int, Any], _Figures]) -> Table:
    table = Table("overview", "Enrollment and completion by course", (COURSE_COLUMN, *_FIGURES))
    for course_id, course in scope.courses:
        figures = by_course.get((course_id, None), _Figures())
        table.described += figures.enrolled
        if scope.hide_small(figures.enrolled):
            table.rows.append((course.title, *[small_group(scope.min_n)] * len(_FIGURES)))
        else:
            table.rows.append((course.title, *figures.cells()))
    return table


def _group_labels(session: Session, name: str, keys: set[Any]) -> dict[Any, str]:
    if name == "by-organization":
        ids = [k for k in keys if k is not None]
        rows = session.exec(
            select(Organization.id, Organization.name).where(col(Organization.id).in_(ids))
        )
        labels: dict[Any, str] = dict(rows.all())
        labels[None] = "No organization"
        return labels
    if name == "by-job-role":
        return {k: JOB_ROLE_LABELS.get(k, str(k)) for k in keys}
    return {k: k if k else "No cohort" for k in keys}


def _breakdown(
    session: Session, scope: ReportScope, name: str, figures: dict[tuple[int, Any], _Figures]
) -> Table:
    label, _ = GROUPINGS[name]
    title = f"Enrollment and completion by {label.lower()}"
    table = Table(name, title, (COURSE_COLUMN, Column("group", label), *_FIGURES))
    labels = _group_labels(session, name, {key for _, key in figures})
    for course_id, course in scope.courses:
        groups = sorted(
            ((labels[key], f) for (cid, key), f in figures.items() if cid == course_id),
            key=lambda pair: pair[0].casefold(),
        )
        if not groups:
            continue
        ns = [f.enrolled for _, f in groups]
        table.described += sum(ns)
        statuses, _ = suppress(
            labels=[(g,) for g, _ in groups],
            ns=ns,
            outcomes=None,
            total_n=sum(ns),
            total_outcome=None,
            min_n=scope.min_n,
            coding=0,
        )
        for (group_label, f), status in zip(groups, statuses, strict=True):
            if status == "shown":
                table.rows.append((course.title, group_label, *f.cells()))
            else:
                hidden = (
                    small_group(scope.min_n)
                    if status == "suppressed"
                    else Hidden(COMPLEMENTARY_TEXT)
                )
                table.rows.append((course.title, group_label, *[hidden] * len(_FIGURES)))
    return table


def enrollment_tables(session: Session, scope: ReportScope, names: list[str]) -> dict[str, Table]:
    """The overview and breakdown tables among ``names``, from one query."""
    groupings = [name for name in names if name in GROUPINGS]
    figures = _enrollment_figures(session, scope, groupings)
    tables = {"overview": _overview(scope, figures["overview"])}
    for name in groupings:
        tables[name] = _breakdown(session, scope, name, figures[name])
    return {name: table for name, table in tables.items() if name in names}
