"""Catalog, course pages, enrollment, module pages and "My learning"."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from app.assignments import service as assignments
from app.certificates import service as certificates
from app.content.blocks import render_blocks
from app.content.course import Course
from app.content.runtime import RegistryDep
from app.content.time_estimate import hours_basis
from app.db import SessionDep, id_of, run_db, utcnow
from app.deps import CurrentUser, OptionalUser, SettingsDep, VisibleCourse, enroll_first
from app.learning import service as learning
from app.learning.progress import STATE_LABELS
from app.security.csrf import CSRF_COOKIE
from app.signing import Signer
from app.templating import flash, render

router = APIRouter()
FormStr = Annotated[str, Form()]


def _enroll_message(request: Request, slug: str) -> bytes:
    """Ties a post-login enrollment link to this browser (its CSRF cookie) and course."""
    return f"{slug}:{request.cookies.get(CSRF_COOKIE, '')}".encode()


# The learner pages people load most are ``async def``: they only read, inline on the event
# loop (no threadpool trip); the one write (a module visit) goes to the threadpool.


@router.get("/courses", name="catalog")
async def catalog(request: Request, registry: RegistryDep) -> Response:
    """The public list of published courses."""
    courses = registry.published()
    return render(
        request,
        "learning/catalog.html",
        {"courses": courses, "minutes": {c.slug: c.minutes for c in courses}},
    )


@router.get("/courses/{slug}", name="course_page")
async def course_page(
    request: Request, session: SessionDep, user: OptionalUser, course: VisibleCourse
) -> Response:
    """The public course page: what you will learn and do, the modules, and Enroll."""

    def load() -> tuple[learning.CoursePage, list[assignments.DueItem]]:
        page = learning.course_page(session, user=user, course=course)
        if user is None or page.enrollment is None:
            return page, []
        codes = certificates.valid_codes(session, user=user)
        due = assignments.due_for_learner(
            session,
            user=user,
            enrollments=[page.enrollment],
            courses={page.enrollment.course_id: course},
            today=utcnow().date(),
        )
        return replace(page, certificate_code=codes.get(id_of(page.enrollment))), due

    page, due = await run_db(request, load)
    return render(
        request,
        "learning/course.html",
        {
            "page": page,
            "due": due,
            "course": course,
            "minutes": course.minutes,
            "hours_basis": hours_basis(),
            "labels": STATE_LABELS,
        },
    )


@router.post("/courses/{slug}/enroll", name="enroll")
def enroll(
    request: Request,
    slug: str,
    session: SessionDep,
    settings: SettingsDep,
    user: OptionalUser,
    course: VisibleCourse,
) -> Response:
    """Enroll in one click; visitors sign up or log in first and come back enrolled."""
    if user is None:
        token = Signer(settings.secret_key, "enroll").mac(_enroll_message(request, slug))
        query = {"confirm": token}
        back = request.url_for("enroll_return", slug=slug).path + "?" + urlencode(query)
        flash(request, f"Create a free account (or log in) to enroll in “{course.title}”.", "info")
        return RedirectResponse(request.url_for("signup_form").include_query_params(next=back), 303)
    return _enroll_and_redirect(request, session, course, user)


def _enroll_and_redirect(
    request: Request, session: SessionDep, course: Course, user: CurrentUser
) -> Response:
    was_enrolled = learning.find_enrollment(session, user=user, course_slug=course.slug)
    try:
        learning.enroll(session, user=user, course=course)
    except learning.LearningError as exc:
        flash(request, exc.message, "error")
        return RedirectResponse(request.url_for("course_page", slug=course.slug), 303)
    if was_enrolled is None:
        flash(request, f"You are enrolled in “{course.title}”. Welcome!", "success")
    else:
        flash(request, f"You were already enrolled in “{course.title}”.", "info")
    return RedirectResponse(request.url_for("course_page", slug=course.slug), 303)


@router.get("/courses/{slug}/enroll", name="enroll_return")
def enroll_return(
    request: Request,
    slug: str,
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    course: VisibleCourse,
) -> Response:
    """Where sign-up or login sends a visitor who clicked Enroll: enroll them and go on."""
    sent = request.query_params.get("confirm", "")
    signer = Signer(settings.secret_key, "enroll")
    if sent and signer.verify(_enroll_message(request, slug), sent):
        return _enroll_and_redirect(request, session, course, user)
    # A link from elsewhere: ask, with a real form, rather than enroll on a GET.
    return render(request, "learning/enroll_confirm.html", {"course": course})


@router.post("/courses/{slug}/unenroll", name="unenroll")
def unenroll(
    request: Request, slug: str, session: SessionDep, user: CurrentUser, course: VisibleCourse
) -> Response:
    """Leave the course; answers and progress are kept for re-enrolling."""
    if learning.unenroll(session, user=user, course_slug=slug):
        flash(
            request,
            f"You left “{course.title}”. Your work is kept: enroll again to pick up where you "
            "left off.",
            "info",
        )
    return RedirectResponse(request.url_for("course_page", slug=slug), 303)


@router.get("/courses/{slug}/modules/{module_id}", name="module_page")
async def module_page(
    request: Request,
    slug: str,
    module_id: str,
    session: SessionDep,
    user: CurrentUser,
    course: VisibleCourse,
) -> Response:
    """A module with its activities, the outline, progress, previous and next."""
    module, renamed = learning.module_by_any_id(course, module_id)
    if module is None:
        raise HTTPException(status_code=404)
    if renamed:
        url = request.url_for("module_page", slug=slug, module_id=module.id)
        return RedirectResponse(url, 301)
    try:
        view = await run_db(
            request, learning.open_module, session, user=user, course=course, module=module
        )
    except learning.NotEnrolled as exc:
        flash(request, exc.message, "info")
        return RedirectResponse(request.url_for("course_page", slug=slug), 303)
    except learning.ModuleLocked as exc:
        return render(
            request,
            "learning/locked.html",
            {
                "course": course,
                "module": module,
                "blocked_by": exc.blocked_by,
                "message": exc.message,
                "progress": exc.progress,
                "current": module.id,
                "labels": STATE_LABELS,
            },
            status_code=403,
        )
    if view.visit_due:
        await run_in_threadpool(
            learning.record_visit,
            session,
            enrollment=view.enrollment,
            module=module,
            rows=view.rows,
        )
    return render(
        request,
        "learning/module.html",
        {
            "view": view,
            "course": course,
            "module": module,
            "progress": view.progress,
            "blocks_html": render_blocks(
                request, course=course, module=module, states=view.states, preview=False
            ),
            "previous": view.previous,
            "next": view.next,
            "current": module.id,
            "labels": STATE_LABELS,
            "preview": False,
        },
    )


@router.post("/courses/{slug}/modules/{module_id}/done", name="mark_done")
def mark_done(
    request: Request,
    slug: str,
    module_id: str,
    session: SessionDep,
    user: CurrentUser,
    course: VisibleCourse,
) -> Response:
    """Mark a module without required activities as done, then go on to the next one."""
    module = course.module(module_id)
    if module is None:
        raise HTTPException(status_code=404)
    enrollment = learning.find_enrollment(session, user=user, course_slug=slug)
    if enrollment is None:
        return enroll_first(request, course, to="track your progress")
    try:
        learning.mark_done(session, enrollment=enrollment, course=course, module=module)
    except learning.LearningError as exc:
        flash(request, exc.message, "error")
        return RedirectResponse(request.url_for("module_page", slug=slug, module_id=module.id), 303)
    flash(request, f"“{module.title}” is complete.", "success")
    following = course.next_module(module.id)
    if following is not None:
        url = request.url_for("module_page", slug=slug, module_id=following.id)
    else:
        url = request.url_for("course_page", slug=slug)
    return RedirectResponse(url, 303)


def _with_certificates(
    cards: list[learning.EnrollmentCard], codes: dict[int, str]
) -> list[learning.EnrollmentCard]:
    return [replace(c, certificate_code=codes.get(id_of(c.enrollment))) for c in cards]


@router.get("/me", name="my_learning")
async def my_learning(
    request: Request, session: SessionDep, registry: RegistryDep, user: CurrentUser
) -> Response:
    """The learner's dashboard: courses with progress, Continue, certificates, notices."""

    today = utcnow().date()

    def dashboard() -> dict[str, object]:
        cards = learning.my_learning(session, user=user, courses=registry.courses)
        enrollments = [card.enrollment for card in cards]
        courses = {card.enrollment.course_id: card.course for card in cards}
        return {
            "cards": _with_certificates(cards, certificates.valid_codes(session, user=user)),
            "notices": learning.notices_for(session, user=user),
            "certificates": certificates.of_user(session, user=user),
            "due": _by_course(
                assignments.due_for_learner(
                    session, user=user, enrollments=enrollments, courses=courses, today=today
                )
            ),
        }

    return render(request, "learning/my_learning.html", await run_db(request, dashboard))


def _by_course(items: list[assignments.DueItem]) -> dict[int, list[assignments.DueItem]]:
    found: dict[int, list[assignments.DueItem]] = {}
    for item in items:
        found.setdefault(item.course_id, []).append(item)
    return found
