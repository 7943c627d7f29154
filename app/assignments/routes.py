"""Staff pages for a cohort's assignments (list, assign, change a due date, remove) and
their report (page and CSV, from the same service function)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.assignments import service
from app.config import Settings
from app.content.registry import Registry
from app.content.runtime import RegistryDep
from app.db import RowId, SessionDep, id_of, utcnow
from app.deps import OrgManagerUser, SettingsDep
from app.orgs.models import Cohort
from app.reports.assignments import assignment_report
from app.reports.tables import Table
from app.spreadsheets import csv_lines, csv_stream_response
from app.templating import flash, render

router = APIRouter()
FormStr = Annotated[str, Form()]
FormList = Annotated[list[str] | None, Form()]


def _cohort(session: SessionDep, user: OrgManagerUser, cohort_id: int) -> Cohort:
    cohort = service.cohort_for(session, user=user, cohort_id=cohort_id)
    if cohort is None:  # missing, or another organization's: the same answer
        raise HTTPException(status_code=404)
    return cohort


def _page(
    request: Request,
    session: SessionDep,
    cohort: Cohort,
    *,
    errors: Mapping[str, str] | None = None,
    form: Mapping[str, object] | None = None,
    edit: tuple[int, Mapping[str, str], service.DueForm] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "assignments/cohort.html",
        {
            "cohort": cohort,
            "course_title": service.course_title(session, course_id=cohort.course_id),
            "assignments": service.cohort_assignments(session, cohort_id=id_of(cohort)),
            "modules": service.course_modules(session, course_id=cohort.course_id),
            "errors": errors or {},
            "form": form or {"scope": "course", "modules": [], "due": service.DueForm()},
            "edit": edit,
        },
        status_code=status_code,
    )


@router.get("/staff/cohorts/{cohort_id}/assignments", name="cohort_assignments")
def cohort_assignments(
    request: Request, session: SessionDep, user: OrgManagerUser, cohort_id: RowId
) -> Response:
    """The cohort's assignments and a form to assign a course or modules."""
    return _page(request, session, _cohort(session, user, cohort_id))


@router.post("/staff/cohorts/{cohort_id}/assignments", name="cohort_assignment_create")
def cohort_assignment_create(
    request: Request,
    session: SessionDep,
    user: OrgManagerUser,
    cohort_id: RowId,
    scope: FormStr = "course",
    modules: FormList = None,
    due_kind: FormStr = "",
    due_on: FormStr = "",
    due_days: FormStr = "",
) -> Response:
    """Assign the whole course or chosen modules, due on a date or N days after joining."""
    cohort = _cohort(session, user, cohort_id)
    due = service.DueForm(due_kind=due_kind[:20], due_on=due_on[:20], due_days=due_days[:20])
    chosen = [m[:100] for m in (modules or [])[:200]]
    try:
        service.create_assignment(
            session,
            cohort=cohort,
            user=user,
            whole_course=scope != "modules",
            module_ids=chosen,
            due=due,
        )
    except service.AssignmentError as exc:
        form = {
            "scope": "modules" if scope == "modules" else "course",
            "modules": chosen,
            "due": due,
        }
        return _page(request, session, cohort, errors=exc.errors, form=form, status_code=400)
    flash(request, f"The work is assigned to {cohort.name}.", "success")
    return RedirectResponse(request.url_for("cohort_assignments", cohort_id=cohort_id).path, 303)


@router.post(
    "/staff/cohorts/{cohort_id}/assignments/{assignment_id}/due", name="cohort_assignment_due"
)
def cohort_assignment_due(
    request: Request,
    session: SessionDep,
    user: OrgManagerUser,
    cohort_id: RowId,
    assignment_id: RowId,
    due_kind: FormStr = "",
    due_on: FormStr = "",
    due_days: FormStr = "",
) -> Response:
    """Change an assignment's due date (reminders for the new date may go)."""
    cohort = _cohort(session, user, cohort_id)
    assignment = service.find_assignment(session, cohort_id=cohort_id, assignment_id=assignment_id)
    if assignment is None:
        raise HTTPException(status_code=404)
    due = service.DueForm(due_kind=due_kind[:20], due_on=due_on[:20], due_days=due_days[:20])
    try:
        service.change_due(session, assignment=assignment, due=due)
    except service.AssignmentError as exc:
        edit = (assignment_id, exc.errors, due)
        return _page(request, session, cohort, edit=edit, status_code=400)
    flash(request, "The due date is changed.", "success")
    return RedirectResponse(request.url_for("cohort_assignments", cohort_id=cohort_id).path, 303)


@router.post(
    "/staff/cohorts/{cohort_id}/assignments/{assignment_id}/delete",
    name="cohort_assignment_delete",
)
def cohort_assignment_delete(
    request: Request,
    session: SessionDep,
    user: OrgManagerUser,
    cohort_id: RowId,
    assignment_id: RowId,
) -> Response:
    """Remove an assignment (learners' work stays theirs; no more reminders for it)."""
    _cohort(session, user, cohort_id)
    assignment = service.find_assignment(session, cohort_id=cohort_id, assignment_id=assignment_id)
    if assignment is None:
        raise HTTPException(status_code=404)
    service.delete_assignment(session, assignment=assignment)
    flash(request, "The assignment is removed.", "success")
    return RedirectResponse(request.url_for("cohort_assignments", cohort_id=cohort_id).path, 303)


def _report(session: Session, registry: Registry, settings: Settings, cohort: Cohort) -> Table:
    """The page's and the CSV's one table."""
    return assignment_report(
        session,
        cohort=cohort,
        courses=registry.courses,
        min_n=settings.min_group_size,
        today=utcnow().date(),
    )


@router.get("/staff/cohorts/{cohort_id}/assignments/report", name="cohort_assignment_report")
def cohort_assignment_report(
    request: Request,
    session: SessionDep,
    registry: RegistryDep,
    settings: SettingsDep,
    user: OrgManagerUser,
    cohort_id: RowId,
) -> Response:
    """On-time, late and overdue counts per assignment (small groups hidden)."""
    cohort = _cohort(session, user, cohort_id)
    table = _report(session, registry, settings, cohort)
    return render(
        request,
        "assignments/report.html",
        {"cohort": cohort, "table": table, "min_n": settings.min_group_size},
    )


@router.get(
    "/staff/cohorts/{cohort_id}/assignments/report.csv", name="cohort_assignment_report_csv"
)
def cohort_assignment_report_csv(
    session: SessionDep,
    registry: RegistryDep,
    settings: SettingsDep,
    user: OrgManagerUser,
    cohort_id: RowId,
) -> Response:
    """The same report as CSV, with a header row."""
    table = _report(session, registry, settings, _cohort(session, user, cohort_id))
    return csv_stream_response(
        csv_lines(table.csv_rows()), filename=f"{table.name}-{utcnow():%Y%m%d}.csv"
    )
