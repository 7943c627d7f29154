"""Staff reports as JSON: the same ``report_table`` as the page and the CSV, so the same
figures and the same small-group suppression; withheld cells say why."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum

from sqlmodel import Session

from app.accounts.models import User
from app.api.problems import ApiProblem, invalid
from app.api.schemas import CodedCell, HiddenCell, ReportCell, ReportColumn, ReportOut
from app.content.course import Course
from app.privacy import Coded
from app.reports import service as reports
from app.reports.filters import parse_filters
from app.reports.scope import filter_choices
from app.reports.tables import CellValue, Hidden

REPORT_NAMES = StrEnum("REPORT_NAMES", {name: name for name in reports.REPORTS})  # type: ignore[misc]


def _cell(value: CellValue) -> ReportCell:
    if isinstance(value, Hidden):
        return HiddenCell(hidden=value.text)
    if isinstance(value, Coded):
        return CodedCell(coded=value.text, bound=value.bound, percent=value.percent)
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return value


def report_out(
    session: Session,
    *,
    staff: User,
    name: str,
    params: Mapping[str, str],
    courses: Mapping[str, Course],
    min_n: int,
) -> ReportOut:
    """Report ``name`` for these filters; 404 for an organization outside the scope, 422 for
    any other filter that the page would ignore."""
    choices = filter_choices(session, staff=staff, courses=courses)
    filters, errors = parse_filters(params, choices)
    if "organization" in errors:
        raise ApiProblem(404, "There is no organization with that id in your scope.")
    if "course" in errors:
        raise ApiProblem(404, "There is no course with that slug.")
    if errors:
        field, message = next(iter(errors.items()))
        raise invalid(field, message)
    table = reports.report_table(
        session, staff=staff, name=str(name), filters=filters, courses=courses, min_n=min_n
    )
    return ReportOut(
        name=table.name,
        title=table.title,
        min_group_size=min_n,
        filters=filters.query_params(),
        columns=[ReportColumn(key=c.key, label=c.label, kind=c.kind) for c in table.columns],
        rows=[[_cell(v) for v in row] for row in table.rows],
    )
