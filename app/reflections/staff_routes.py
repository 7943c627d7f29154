"""Staff pages: the staff home, the review queue of shared reflections, feedback, CSV export."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.content.runtime import RegistryDep
from app.db import RowId, SessionDep, utcnow
from app.deps import StaffUser
from app.reflections import review
from app.reflections.service import ReflectionNotFound
from app.spreadsheets import csv_response
from app.templating import flash, render

router = APIRouter()


def _date(value: str, label: str, errors: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(f"{label} “{value[:40]}” is not a date like 2026-03-01; it was ignored.")
        return None


def _filters(request: Request) -> tuple[review.QueueFilters, list[str]]:
    """Parse the queue's query parameters; bad values are ignored with a message."""
    q = request.query_params
    errors: list[str] = []
    org_raw = q.get("organization", "")
    organization = int(org_raw) if org_raw.isdecimal() and len(org_raw) < 10 else None
    if org_raw and organization is None:
        errors.append("That organization filter is not valid; it was ignored.")
    page_raw = q.get("page", "1")
    filters = review.QueueFilters(
        course=q.get("course", "")[:100],
        prompt=q.get("prompt", "")[:100],
        organization_id=organization,
        date_from=_date(q.get("date_from", ""), "From", errors),
        date_to=_date(q.get("date_to", ""), "To", errors),
        unread=q.get("unread") == "1",
        page=int(page_raw) if page_raw.isdecimal() and len(page_raw) < 7 else 1,
    )
    return filters, errors


@router.get("/staff", name="staff_home")
def staff_home(request: Request, session: SessionDep, staff: StaffUser) -> Response:
    """The staff home: reflections waiting to be read, and the export."""
    total, unread = review.counts(session, staff=staff)
    choices = review.filter_choices(session, staff=staff, courses={})
    return render(
        request,
        "reflections/staff_home.html",
        {"total": total, "unread": unread, "scoped_to": choices.scoped_to},
    )


@router.get("/staff/reflections", name="staff_reflections")
def staff_reflections(
    request: Request, session: SessionDep, registry: RegistryDep, staff: StaffUser
) -> Response:
    """Shared reflections in this staff member's scope, filtered."""
    filters, errors = _filters(request)
    page = review.queue(session, staff=staff, filters=filters, courses=registry.courses)
    choices = review.filter_choices(session, staff=staff, courses=registry.courses)
    return render(
        request,
        "reflections/staff_queue.html",
        {
            "page": page,
            "filters": filters,
            "params": filters.query_params(),
            "choices": choices,
            "errors": errors,
        },
        status_code=400 if errors else 200,
    )


@router.get("/staff/reflections.csv", name="staff_reflections_csv")
def staff_reflections_csv(
    request: Request, session: SessionDep, registry: RegistryDep, staff: StaffUser
) -> Response:
    """CSV of the shared reflections matching the queue's filters."""
    filters, _ = _filters(request)
    body = review.export_csv(session, staff=staff, filters=filters, courses=registry.courses)
    return csv_response(body, filename=f"shared-reflections-{utcnow():%Y%m%d}.csv")


def _reflection_page(
    request: Request,
    session: SessionDep,
    registry: RegistryDep,
    staff: StaffUser,
    reflection_id: RowId,
    *,
    feedback: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    try:
        opened = review.open_reflection(
            session,
            staff=staff,
            reflection_id=reflection_id,
            courses=registry.courses,
            mark_read=request.method == "GET",
        )
    except ReflectionNotFound:
        raise HTTPException(status_code=404) from None
    return render(
        request,
        "reflections/staff_reflection.html",
        {
            "opened": opened,
            "feedback": feedback,
            "error": error,
            "max_feedback": review.FEEDBACK_MAX_CHARS,
        },
        status_code=status_code,
    )


@router.get("/staff/reflections/{reflection_id}", name="staff_reflection")
def staff_reflection(
    request: Request,
    session: SessionDep,
    registry: RegistryDep,
    staff: StaffUser,
    reflection_id: RowId,
) -> Response:
    """One shared reflection beside its prompt, with the feedback form."""
    return _reflection_page(request, session, registry, staff, reflection_id)


@router.post("/staff/reflections/{reflection_id}/feedback", name="staff_feedback")
def staff_feedback(
    request: Request,
    session: SessionDep,
    registry: RegistryDep,
    staff: StaffUser,
    reflection_id: RowId,
    body: Annotated[str, Form()] = "",
) -> Response:
    """Leave feedback the learner will see on the reflection and as a notice."""
    try:
        review.add_feedback(session, staff=staff, reflection_id=reflection_id, body=body)
    except ReflectionNotFound:
        raise HTTPException(status_code=404) from None
    except review.FeedbackRefused as exc:
        return _reflection_page(
            request,
            session,
            registry,
            staff,
            reflection_id,
            feedback=body,
            error=str(exc),
            status_code=400,
        )
    flash(request, "Feedback sent. The learner will see it on their dashboard.", "success")
    return RedirectResponse(request.url_for("staff_reflection", reflection_id=reflection_id), 303)
