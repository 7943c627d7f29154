"""Staff reports: the public surface the report pages, CSV exports and tests call.

Each report is one function returning a ``Table`` (``overview``, ``exercises``, ``feedback``,
``enrollments`` modules), over the enrollments a ``ReportScope`` selects (``scope``); the
page and the CSV export both call ``report_tables``, so their numbers cannot differ. What
each figure means is written in ``docs/reports.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from app.accounts.models import User
from app.content.course import Course
from app.reports import differencing, discussion, figures
from app.reports.enrollments import enrollments_table
from app.reports.exercises import exercises_table
from app.reports.feedback import comments_table, feedback_table
from app.reports.filters import FilterChoices, ReportFilters, parse_filters
from app.reports.funnel import funnel_table
from app.reports.items import item_analysis_table, wrong_answers_table
from app.reports.overview import (
    COMPLEMENTARY_TEXT,
    GROUPINGS,
    enrollment_tables,
    median,
)
from app.reports.scope import ReportScope, filter_choices, report_scope
from app.reports.streaming import PLAIN_COLUMNS, enrollment_csv_rows
from app.reports.tables import Table
from app.reports.trend import trend_table
from app.spreadsheets import csv_lines

__all__ = [
    "COMPLEMENTARY_TEXT",
    "GROUPINGS",
    "PAGES",
    "REPORTS",
    "BadFilters",
    "ReportPage",
    "UnknownReport",
    "export_csv_lines",
    "filter_choices",
    "median",
    "report_page",
    "report_table",
    "report_tables",
]

REPORTS = (
    "overview",
    *GROUPINGS,
    "funnel",
    "trend",
    "exercises",
    "item-analysis",
    "wrong-answers",
    "feedback",
    "feedback-comments",
    "enrollments",
    *discussion.NAMES,
)
PAGES: dict[str, tuple[str, ...]] = {
    "overview": ("overview", "funnel", "trend", "by-organization", "by-job-role", "by-cohort"),
    "exercises": ("exercises", "item-analysis", "wrong-answers"),
    "feedback": ("feedback", "feedback-comments"),
    "discussion": discussion.NAMES,
}
PAGE_ROWS = 100  # a list table (comments) shows its newest rows on the page
_BUILDERS: dict[str, Callable[[Session, ReportScope], Table]] = {
    "funnel": funnel_table,
    "trend": trend_table,
    "exercises": exercises_table,
    "item-analysis": item_analysis_table,
    "wrong-answers": wrong_answers_table,
    "feedback": feedback_table,
    "feedback-comments": comments_table,
    "enrollments": enrollments_table,
    "discussion-by-module": discussion.by_module_table,
    "discussion-by-cohort": discussion.by_cohort_table,
    "discussion-prompts": discussion.prompts_table,
}


class UnknownReport(Exception):
    """There is no report with that name."""


class BadFilters(Exception):
    """A CSV was asked for with filters that are not offered (a page shows the rest of the
    report with a message; a download must not quietly describe other learners)."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)


def report_tables(
    session: Session,
    *,
    staff: User,
    names: Sequence[str],
    filters: ReportFilters,
    courses: Mapping[str, Course],
    min_n: int,
    row_limit: int | None = None,
) -> dict[str, Table]:
    """The reports called ``names`` for these filters: the one source of pages and CSVs.

    ``row_limit`` keeps list tables (comments) to their first rows, with ``more_rows``
    saying whether there are more (a page shows the newest; the CSV has them all)."""
    unknown = [name for name in names if name not in REPORTS]
    if unknown:
        raise UnknownReport(unknown[0])
    scope = report_scope(
        session, staff=staff, filters=filters, courses=courses, min_n=min_n, row_limit=row_limit
    )
    scope = differencing.with_narrowed(session, scope)
    enrollment_names = [n for n in names if n == "overview" or n in GROUPINGS]
    tables = enrollment_tables(session, scope, enrollment_names) if enrollment_names else {}
    for name in names:
        if name in _BUILDERS:
            tables[name] = _BUILDERS[name](session, scope)
    return {name: tables[name] for name in names}


def report_table(
    session: Session,
    *,
    staff: User,
    name: str,
    filters: ReportFilters,
    courses: Mapping[str, Course],
    min_n: int,
) -> Table:
    """The one report called ``name`` (see ``report_tables``)."""
    return report_tables(
        session, staff=staff, names=[name], filters=filters, courses=courses, min_n=min_n
    )[name]


@dataclass(frozen=True)
class ReportPage:
    """One report page: the filters as understood, what was wrong with them, the tables."""

    filters: ReportFilters
    errors: dict[str, str]
    choices: FilterChoices
    tables: dict[str, Table]
    min_n: int

    matching: int  # enrollments matching the filters, in scope

    @property
    def empty(self) -> bool:
        """True when no enrollment matches the filters (in the staff member's scope)."""
        return self.matching == 0


def report_page(
    session: Session,
    *,
    staff: User,
    page: str,
    params: Mapping[str, str],
    courses: Mapping[str, Course],
    min_n: int,
) -> ReportPage:
    """The tables of one report page for these query parameters (bad values ignored, noted)."""
    choices = filter_choices(session, staff=staff, courses=courses)
    filters, errors = parse_filters(params, choices)
    tables = report_tables(
        session,
        staff=staff,
        names=PAGES[page],
        filters=filters,
        courses=courses,
        min_n=min_n,
        row_limit=PAGE_ROWS,
    )
    if "overview" in tables:
        matching = tables["overview"].described
    else:
        scope = report_scope(session, staff=staff, filters=filters, courses=courses, min_n=min_n)
        matching = figures.matching(session, scope)
    return ReportPage(filters, errors, choices, tables, min_n, matching)


def export_csv_lines(
    session: Session,
    *,
    staff: User,
    name: str,
    params: Mapping[str, str],
    courses: Mapping[str, Course],
    min_n: int,
) -> Iterator[str]:
    """The CSV of report ``name`` with the same filters and numbers as its page, line by line.

    Raises ``UnknownReport`` or ``BadFilters`` at once, before any line. Report tables are
    small and built here; the enrollment-level export is read while it is sent
    (``streaming``).
    """
    if name not in REPORTS:
        raise UnknownReport(name)
    choices = filter_choices(session, staff=staff, courses=courses)
    filters, errors = parse_filters(params, choices)
    if errors:
        raise BadFilters(errors)
    if name == "enrollments":
        scope = report_scope(session, staff=staff, filters=filters, courses=courses, min_n=min_n)
        rows = enrollment_csv_rows(session.get_bind().engine, scope)
        return csv_lines(rows, plain=PLAIN_COLUMNS)
    table = report_table(
        session, staff=staff, name=name, filters=filters, courses=courses, min_n=min_n
    )
    return csv_lines(table.csv_rows())
