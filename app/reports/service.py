"""Staff reports: the public surface the report pages, CSV exports and tests call.

Each report is declared in the catalog (``app/reports/catalog``) and read from its
registry, over the enrollments a ``ReportScope`` selects (``scope``); the page, the CSV
export and the API all call ``report_tables``, so their numbers cannot differ. What
each figure means is written in ``docs/reports.md``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from app.accounts.models import User
from app.content.course import Course
from app.reports import differencing, figures
from app.reports.catalog import PAGES as PAGE_NAMES
from app.reports.catalog import REGISTRY, page_reports
from app.reports.catalog.overview import COMPLEMENTARY_TEXT, GROUPINGS, median
from app.reports.filters import FilterChoices, ReportFilters, parse_filters
from app.reports.scope import ReportScope, filter_choices, report_scope
from app.reports.tables import Table
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

# Read from the catalog (app/reports/catalog), where each report is declared.
REPORTS = tuple(REGISTRY)
PAGES: dict[str, tuple[str, ...]] = {
    page: tuple(spec.name for spec in page_reports(page)) for page in PAGE_NAMES
}
PAGE_ROWS = 100  # a list table (comments) shows its newest rows on the page


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
    unknown = [name for name in names if name not in REGISTRY]
    if unknown:
        raise UnknownReport(unknown[0])
    scope = report_scope(
        session, staff=staff, filters=filters, courses=courses, min_n=min_n, row_limit=row_limit
    )
    scope = differencing.with_narrowed(session, scope)
    return _build(session, scope, names)


def _build(session: Session, scope: ReportScope, names: Sequence[str]) -> dict[str, Table]:
    """The tables of the reports ``names``; reports read together come from one query."""
    tables: dict[str, Table] = {}
    for name in names:
        spec = REGISTRY[name]
        if name in tables:
            continue
        if spec.build is not None:
            tables[name] = spec.build(session, scope)
        elif spec.build_together is not None:
            together = [n for n in names if REGISTRY[n].build_together is spec.build_together]
            tables.update(spec.build_together(session, scope, together))
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
        names=[spec.name for spec in page_reports(page)],
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
    (the report's ``stream``).
    """
    spec = REGISTRY.get(name)
    if spec is None:
        raise UnknownReport(name)
    choices = filter_choices(session, staff=staff, courses=courses)
    filters, errors = parse_filters(params, choices)
    if errors:
        raise BadFilters(errors)
    if spec.stream is not None:
        scope = report_scope(session, staff=staff, filters=filters, courses=courses, min_n=min_n)
        rows = spec.stream(session.get_bind().engine, scope)
        return csv_lines(rows, plain=spec.plain)
    table = report_table(
        session, staff=staff, name=name, filters=filters, courses=courses, min_n=min_n
    )
    return csv_lines(table.csv_rows())
