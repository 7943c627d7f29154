"""Learner pages for reflections: save, autosave, submit, restore after login, the journal."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from app.accounts.models import User
from app.accounts.sessions import SESSION_COOKIE
from app.content.access import can_see
from app.content.course import Course, Module
from app.content.runtime import RegistryDep
from app.db import RowId, SessionDep, id_of, run_db, utcnow
from app.deps import CurrentUser, OptionalUser, SettingsDep, VisibleCourse, enroll_first
from app.learning import service as learning
from app.reflections import journal as journals
from app.reflections import parking
from app.reflections import service as reflections
from app.reflections.activity import load_course_states
from app.reflections.spec import Reflection
from app.reflections.text import clean_text
from app.security.cookies import delete_cookie, set_cookie
from app.templating import flash, render

router = APIRouter()
FormStr = Annotated[str, Form()]


def module_url(course_slug: str, module_id: str, activity_id: str | None = None) -> str:
    """The module page (the learning domain's), scrolled to the reflection when given."""
    anchor = f"#reflection-{activity_id}" if activity_id else ""
    return f"/courses/{course_slug}/modules/{module_id}{anchor}"


def _course(registry: RegistryDep, slug: str, user: User | None) -> Course:
    # Not ``VisibleCourse``: a logged-out post to a draft course (an author whose login
    # expired) must still park its text, so only a known user is checked here.
    course = registry.get(slug)
    if course is None or (user is not None and not can_see(course, user)):
        raise HTTPException(status_code=404)
    return course


def _block(course: Course, activity_id: str) -> tuple[Module, Reflection]:
    found = course.block_of(activity_id, Reflection)
    if found is None:
        raise HTTPException(status_code=404)
    return found


def _reflection_page(
    request: Request,
    session: SessionDep,
    user: User,
    course: Course,
    activity_id: str,
    *,
    text: str | None = None,
    shared: bool | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    module, block = _block(course, activity_id)
    enrollment = learning.find_enrollment(session, user=user, course_slug=course.slug)
    if enrollment is None:
        return enroll_first(request, course, to="write and save reflections")
    found = load_course_states(session, user_id=id_of(user), course_slug=course.slug)
    state = found.get(activity_id) or reflections.state_of(None, None, [])
    if text is not None:  # a refused submission: show exactly what was sent
        state = reflections.ReflectionState(
            reflection_id=state.reflection_id,
            text=text,
            draft_saved_at=state.draft_saved_at,
            shared=state.shared if shared is None else shared,
            revision_count=state.revision_count,
            latest=state.latest,
            feedback=state.feedback,
            has_draft=state.has_draft,
            error=error,
        )
    context = {
        "course": course,
        "module": module,
        "block": block,
        "state": state,
        "preview": False,
        "module_url": module_url(course.slug, module.id, activity_id),
    }
    return render(request, "reflections/reflection_page.html", context, status_code=status_code)


@router.get("/courses/{slug}/reflections/{activity_id}", name="reflection_page")
def reflection_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    course: VisibleCourse,
    activity_id: str,
) -> Response:
    """One reflection prompt on its own page, with the writing form."""
    return _reflection_page(request, session, user, course, activity_id)


def _park(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    course: Course,
    activity_id: str,
    text: str,
    shared: bool,
) -> Response:
    key = parking.park_text(
        session,
        session_token=request.cookies.get(SESSION_COOKIE),
        course_slug=course.slug,
        activity_id=activity_id,
        text=text,
        shared=shared,
    )
    flash(
        request,
        "Your login had expired, so nothing was submitted yet. We kept what you wrote: log in "
        "and it will be back in the box, ready to save or submit.",
        "info",
    )
    response = RedirectResponse(
        request.url_for("login_form").include_query_params(
            next=str(request.url_for("reflection_restore").path)
        ),
        303,
    )
    set_cookie(
        response,
        parking.PARK_COOKIE,
        key,
        max_age=parking.PARK_HOURS * 3600,
        secure=settings.secure_cookies,
    )
    return response


@router.post("/courses/{slug}/reflections/{activity_id}", name="reflection_post")
def reflection_post(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    registry: RegistryDep,
    user: OptionalUser,
    slug: str,
    activity_id: str,
    text: FormStr = "",
    shared: FormStr = "",
    action: FormStr = "submit",
) -> Response:
    """Save the draft or submit; an expired login parks the text instead of losing it."""
    course = _course(registry, slug, user)
    module, _ = _block(course, activity_id)
    share = shared == "1"
    if user is None:
        return _park(request, session, settings, course, activity_id, text, share)
    back = module_url(course.slug, module.id, activity_id)
    try:
        if action == "draft":
            reflections.save_draft(
                session, user=user, course=course, activity_id=activity_id, text=text, shared=share
            )
            flash(request, "Draft saved. Only you can see drafts.", "success")
            return RedirectResponse(back, 303)
        result = reflections.submit(
            session, user=user, course=course, activity_id=activity_id, text=text, shared=share
        )
    except reflections.NotEnrolledForReflection:
        return enroll_first(request, course, to="write and save reflections")
    except reflections.ReflectionRefused as exc:
        return _reflection_page(
            request,
            session,
            user,
            course,
            activity_id,
            text=clean_text(text),
            shared=share,
            error=exc.message,
            status_code=400,
        )
    if result.duplicate:
        flash(request, "This reflection was already submitted with the same text.", "info")
    elif result.revision_number > 1:
        flash(request, f"Revision {result.revision_number} submitted.", "success")
    else:
        flash(request, "Reflection submitted.", "success")
    return RedirectResponse(back, 303)


@router.post("/courses/{slug}/reflections/{activity_id}/autosave", name="reflection_autosave")
def reflection_autosave(
    request: Request,
    session: SessionDep,
    registry: RegistryDep,
    user: OptionalUser,
    slug: str,
    activity_id: str,
    text: FormStr = "",
) -> Response:
    """htmx autosave: saves the draft and answers with a short status line."""
    course = _course(registry, slug, user)
    _block(course, activity_id)
    message = "Draft saved automatically at {time} UTC. Only you can see drafts."
    if user is None:
        message = (
            "You are logged out, so this draft is not saved automatically. Press “Save draft”: "
            "we will keep your text while you log in again."
        )
    else:
        try:
            saved = reflections.save_draft(
                session, user=user, course=course, activity_id=activity_id, text=text
            )
            moment = saved.draft_saved_at or utcnow()
            message = message.format(time=moment.strftime("%H:%M:%S"))
        except reflections.NotEnrolledForReflection:
            message = "Enroll in this course to save drafts."
        except reflections.ReflectionRefused as exc:
            message = exc.message
    return render(request, "reflections/_autosave_status.html", {"message": message})


@router.get("/reflections/restore", name="reflection_restore")
def reflection_restore(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    registry: RegistryDep,
    user: CurrentUser,
) -> Response:
    """After logging in again: put the parked text back in its reflection box."""
    key = request.cookies.get(parking.PARK_COOKIE, "")
    try:
        restored = (
            reflections.restore_parked(session, user=user, key=key, courses=registry.courses)
            if key
            else None
        )
    except (reflections.ReflectionNotFound, reflections.NotEnrolledForReflection):
        text = parking.parked_text(session, user=user, key=key) or ""
        return render(request, "reflections/parked.html", {"text": text}, status_code=409)
    if restored is None:
        flash(request, "There was no saved text waiting to be restored.", "info")
        response = RedirectResponse("/me", 303)
    else:
        flash(
            request,
            "Welcome back. Your text is restored as a draft: check it, then submit.",
            "success",
        )
        response = RedirectResponse(
            module_url(restored.course_slug, restored.module_id, restored.activity_id), 303
        )
    delete_cookie(response, parking.PARK_COOKIE, secure=settings.secure_cookies)
    return response


@router.get("/me/journal", name="journal")
async def journal_page(
    request: Request, session: SessionDep, registry: RegistryDep, user: CurrentUser
) -> Response:
    """Every reflection the learner has written, by course and module."""
    courses = await run_db(request, journals.journal, session, user=user, courses=registry.courses)
    return render(request, "reflections/journal.html", {"courses": courses})


@router.get("/me/journal.md", name="journal_markdown")
def journal_markdown(session: SessionDep, registry: RegistryDep, user: CurrentUser) -> Response:
    """The journal as a Markdown download."""
    courses = journals.journal(session, user=user, courses=registry.courses)
    body = journals.journal_markdown(user, courses, now=utcnow())
    return Response(
        body.encode(),
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="reflection-journal.md"'},
    )


@router.get("/me/journal.pdf", name="journal_pdf")
def journal_pdf(session: SessionDep, registry: RegistryDep, user: CurrentUser) -> Response:
    """The journal as a PDF download."""
    courses = journals.journal(session, user=user, courses=registry.courses)
    return Response(
        journals.journal_pdf(user, courses, now=utcnow()),
        media_type="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="reflection-journal.pdf"'},
    )


@router.get("/me/journal/{reflection_id}", name="journal_entry")
def journal_entry(
    request: Request,
    session: SessionDep,
    registry: RegistryDep,
    user: CurrentUser,
    reflection_id: RowId,
) -> Response:
    """One of the learner's reflections: every revision and the facilitators' feedback."""
    try:
        reflection = reflections.own_reflection(session, user=user, reflection_id=reflection_id)
    except reflections.ReflectionNotFound:
        raise HTTPException(status_code=404) from None
    entry = journals.entry(session, reflection=reflection, courses=registry.courses)
    reflections.mark_feedback_seen(session, user=user, reflection_id=reflection_id)
    return render(
        request,
        "reflections/entry.html",
        {"entry": entry, "audience": reflections.SHARE_AUDIENCE},
    )


@router.post("/me/journal/{reflection_id}/sharing", name="journal_sharing")
def journal_sharing(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    reflection_id: RowId,
    shared: FormStr = "",
) -> Response:
    """Share a reflection with facilitators, or make it private again."""
    try:
        reflections.set_sharing(
            session, user=user, reflection_id=reflection_id, shared=shared == "1"
        )
    except reflections.ReflectionNotFound:
        raise HTTPException(status_code=404) from None
    if shared == "1":
        flash(request, "Shared with facilitators.", "success")
    else:
        flash(
            request, "This reflection is private again: facilitators no longer see it.", "success"
        )
    return RedirectResponse(request.url_for("journal_entry", reflection_id=reflection_id), 303)
