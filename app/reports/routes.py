"""Staff report pages and their CSV exports (same service function, same numbers)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import PlainTextResponse, Response

from app.app_settings import settings_of
from app.content.runtime import RegistryDep
from app.db import SessionDep, utcnow
from app.deps import StaffUser
from app.reports import service
from app.reports.catalog import page_reports, report_charts
from app.spreadsheets import csv_stream_response
from app.templating import render

router = APIRouter()


def _page(
    request: Request, session: SessionDep, registry: RegistryDep, staff: StaffUser, page: str
) -> Response:
    report = service.report_page(
        session,
        staff=staff,
        page=page,
        params=request.query_params,
        courses=registry.courses,
        min_n=settings_of(request.app).min_group_size,
    )
    return render(
        request,
        f"reports/{page}.html",
        {
            "report": report,
            "charts": report_charts(report.tables),
            "page_reports": page_reports(page),
            "page_name": page,
            "params": report.filters.query_params(),
            "typed": request.query_params,
        },
        status_code=400 if report.errors else 200,
    )


@router.get("/staff/reports", name="staff_reports")
def staff_reports(
    request: Request, session: SessionDep, registry: RegistryDep, staff: StaffUser
) -> Response:
    """Enrollment and completion by course, with breakdowns by organization, job role, cohort."""
    return _page(request, session, registry, staff, "overview")


@router.get("/staff/reports/exercises", name="staff_reports_exercises")
def staff_reports_exercises(
    request: Request, session: SessionDep, registry: RegistryDep, staff: StaffUser
) -> Response:
    """Per exercise: learners who attempted, correct first time and eventually, attempts."""
    return _page(request, session, registry, staff, "exercises")


@router.get("/staff/reports/feedback", name="staff_reports_feedback")
def staff_reports_feedback(
    request: Request, session: SessionDep, registry: RegistryDep, staff: StaffUser
) -> Response:
    """The feedback survey: agreement with each statement, and learners' comments."""
    return _page(request, session, registry, staff, "feedback")


@router.get("/staff/reports/discussion", name="staff_reports_discussion")
def staff_reports_discussion(
    request: Request, session: SessionDep, registry: RegistryDep, staff: StaffUser
) -> Response:
    """Discussion participation per module and cohort, and the prompts that draw discussion."""
    return _page(request, session, registry, staff, "discussion")


@router.get("/staff/reports/{name}.csv", name="staff_report_csv")
def staff_report_csv(
    request: Request, session: SessionDep, registry: RegistryDep, staff: StaffUser, name: str
) -> Response:
    """One report as CSV, with the same filters as its page, sent while it is written."""
    try:
        lines = service.export_csv_lines(
            session,
            staff=staff,
            name=name,
            params=request.query_params,
            courses=registry.courses,
            min_n=settings_of(request.app).min_group_size,
        )
    except service.UnknownReport:
        raise HTTPException(status_code=404) from None
    except service.BadFilters as bad:
        problems = "\n".join(f"- {message}" for message in bad.errors.values())
        return PlainTextResponse(
            "No CSV was made: some filters are not ones you can use, and a file without them"
            " would describe other learners than you asked for. The report page says:\n"
            f"{problems}\nChoose the filters on the report page, then download again.\n",
            status_code=400,
        )
    course = request.query_params.get("course", "")
    scope = course if course in registry.courses else "all-courses"
    return csv_stream_response(lines, filename=f"{name}-{scope}-{utcnow():%Y%m%d}.csv")
