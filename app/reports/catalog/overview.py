"""Enrollment and completion by course, and broken down by organization, job role, cohort.

All these tables come from one read of the summaries (``_enrollment_figures``); breakdowns
apply small-n and complementary suppression per course (``privacy.breakdown_statuses``),
and hide the rows that a wider view would give away (``differencing``). Rates and the
counts they come from are coded as "≤ 5%" / "≥ 95%" in views of a group.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from app import privacy
from app.accounts.models import JOB_ROLE_LABELS, Organization
from app.orgs.cohorts import cohort_names
from app.reports import differencing, figures
from app.reports.catalog.spec import ReportSpec
from app.reports.figures import ACTIVE_DAYS
from app.reports.scope import COURSE_COLUMN, NARROWED, ReportScope, small_group
from app.reports.summary_sql import Measure
from app.reports.tables import CellValue, Column, Hidden, Table

COMPLEMENTARY_TEXT = privacy.COMPLEMENTARY

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

    def add(self, measure: str, value: int, n: int) -> None:
        """Count ``n`` summary rows of ``measure`` (with ``value``) in."""
        if measure == Measure.enrolled:
            self.enrolled += n
        elif measure == Measure.completed:
            self.completed += n
        elif measure == Measure.certified:
            self.certificates += n
        elif measure == Measure.active_on:
            self.active += n
        elif measure == Measure.percent:
            self.percents[value] += n

    def cells(self, *, group: bool) -> tuple[CellValue, ...]:
        """The row's figures; in a view of a group (``group``), shares of the enrolled near
        0% or 100% are coded as ranges."""
        n = self.enrolled
        return (
            n,
            privacy.count_cell(self.active, n, group=group),
            privacy.count_cell(self.completed, n, group=group),
            privacy.rate_cell(self.completed, n, group=group),
            median(self.percents),
            privacy.count_cell(self.certificates, n, group=group),
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


_MEASURES = (
    Measure.enrolled,
    Measure.completed,
    Measure.certified,
    Measure.percent,
    Measure.active_on,
)
# grouping -> the summary column it groups by
_GROUP_COLUMN = {
    "by-organization": "organization_id",
    "by-job-role": "job_role",
    "by-cohort": "cohort",
}


def _enrollment_figures(
    session: Session, scope: ReportScope, groupings: list[str]
) -> dict[str, dict[tuple[int, Any], _Figures]]:
    """Figures per (course id, group) for the overview (group None) and each grouping.

    From the summaries: one read per table, each from its own roll-up level. Computed live
    (a date filter): one read grouped by every column the tables need, folded here, so the
    window's rows are computed once. Progress comes as a histogram of percents, so medians
    come from at most 101 buckets per group.
    """
    names = ["overview", *groupings]
    result: dict[str, dict[tuple[int, Any], _Figures]] = {name: {} for name in names}
    reads = (
        [(names, [_GROUP_COLUMN[name] for name in groupings])]
        if figures.is_live(scope)
        else [([name], [_GROUP_COLUMN[name]] if name in _GROUP_COLUMN else []) for name in names]
    )
    for tables, by in reads:
        for measure, course_id, *rest in figures.read(session, scope, _MEASURES, by=by):
            groups, value, n = dict(zip(by, rest, strict=False)), rest[-2], int(rest[-1])
            for name in tables:
                column = _GROUP_COLUMN.get(name)
                group = _group_key(name, groups[column]) if column else None
                entry = result[name].get((course_id, group))
                if entry is None:
                    entry = result[name][(course_id, group)] = _Figures()
                entry.add(measure, value, n)
    return result


def _group_key(name: str, value: Any) -> Any:
    """The summaries' "none" (organization 0, cohort "") as the breakdowns' None."""
    return value if name == "by-job-role" else value or None


def _overview(scope: ReportScope, by_course: dict[tuple[int, Any], _Figures]) -> Table:
    table = OVERVIEW.table()
    for course_id, course in scope.courses:
        figures = by_course.get((course_id, None), _Figures())
        table.described += figures.enrolled
        hidden = scope.withheld(figures.enrolled, course_id)
        if hidden is not None:
            table.rows.append((course.title, *[hidden] * len(_FIGURES)))
        else:
            table.rows.append((course.title, *figures.cells(group=scope.restricted)))
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
    names = cohort_names(session, codes=[k for k in keys if k])
    return {k: names.get(k, k) if k else "No cohort" for k in keys}


def _breakdown(
    session: Session, scope: ReportScope, name: str, figures: dict[tuple[int, Any], _Figures]
) -> Table:
    table = _BREAKDOWNS[name].table()
    labels = _group_labels(session, name, {key for _, key in figures})
    narrowed = differencing.hidden_rows(session, scope, _GROUP_COLUMN[name])
    for course_id, course in scope.courses:
        groups = sorted(
            ((key, f) for (cid, key), f in figures.items() if cid == course_id),
            key=lambda pair: labels[pair[0]].casefold(),
        )
        if not groups:
            continue
        table.described += sum(f.enrolled for _, f in groups)
        statuses = privacy.breakdown_statuses(
            {key: f.enrolled for key, f in groups}, min_n=scope.min_n
        )
        for key, f in groups:
            status = statuses.get(key, "shown")  # a group with no one enrolled is no row
            hidden: Hidden | None = None
            if course_id in scope.narrowed:
                hidden = NARROWED
            elif status == "suppressed":
                hidden = small_group(scope.min_n)
            elif status != "shown":
                hidden = Hidden(COMPLEMENTARY_TEXT)
            elif (course_id, key) in narrowed:
                hidden = NARROWED
            if hidden is None:
                table.rows.append((course.title, labels[key], *f.cells(group=True)))
            else:
                table.rows.append((course.title, labels[key], *[hidden] * len(_FIGURES)))
    return table


def enrollment_tables(
    session: Session, scope: ReportScope, names: Sequence[str]
) -> dict[str, Table]:
    """The overview and breakdown tables among ``names``, from one query."""
    groupings = [name for name in names if name in GROUPINGS]
    figures = _enrollment_figures(session, scope, groupings)
    tables = {"overview": _overview(scope, figures["overview"])}
    for name in groupings:
        tables[name] = _breakdown(session, scope, name, figures[name])
    return {name: table for name, table in tables.items() if name in names}


OVERVIEW = ReportSpec(
    "overview",
    "Enrollment and completion by course",
    (COURSE_COLUMN, *_FIGURES),
    (privacy.Suppression.VIEW,),
    build_together=enrollment_tables,
    page="overview",
    position=0,
)
_BREAKDOWNS = {
    name: ReportSpec(
        name,
        f"Enrollment and completion by {label.lower()}",
        (COURSE_COLUMN, Column("group", label, row_header=True), *_FIGURES),
        (privacy.Suppression.BREAKDOWN,),
        build_together=enrollment_tables,
        page="overview",
        position=3 + index,
    )
    for index, (name, (label, _)) in enumerate(GROUPINGS.items())
}
REPORTS = (OVERVIEW, *_BREAKDOWNS.values())
