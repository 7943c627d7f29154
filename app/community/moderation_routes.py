"""Moderation pages: the queue of flagged and hidden posts, a thread as moderators see it
(with its log), each staff decision, and the learners' flag form (issue 22).

Staff routes need the staff or admin role (403 otherwise) and reach threads only through
``moderation.staff_thread``: another organization's thread or post answers 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.accounts.models import User
from app.community import flags, moderation
from app.community.scopes import scope_label, viewer_for
from app.content.runtime import RegistryDep
from app.db import RowId, SessionDep, id_of
from app.deps import CurrentUser, StaffUser, VisibleCourse
from app.templating import flash, render

router = APIRouter()
FormStr = Annotated[str, Form()]


def _thread_path(request: Request, thread_id: int) -> str:
    return request.url_for("community_moderate_thread", thread_id=thread_id).path


def _learner_thread_path(request: Request, slug: str, thread_id: int) -> str:
    """The learners' page of a thread (``community_thread`` in app/community/routes.py)."""
    return request.url_for("community_thread", slug=slug, thread_id=thread_id).path


def _back(request: Request, back: str, thread_id: int, post_id: int | None = None) -> str:
    """Where a decision returns: the queue, or the thread (never a URL from the form)."""
    if back == "queue":
        return request.url_for("community_queue").path
    anchor = f"#post-{post_id}" if post_id is not None else ""
    return _thread_path(request, thread_id) + anchor


@router.get("/staff/community/queue", name="community_queue")
def queue_page(request: Request, session: SessionDep, staff: StaffUser) -> Response:
    """Flagged and hidden posts in the staff member's scopes, with one-click decisions."""
    items = flags.queue(session, staff=staff)
    return render(request, "community/staff/queue.html", {"items": items, "errors": {}})


def _thread_page(
    request: Request,
    session: Session,
    registry: RegistryDep,
    staff: User,
    thread_id: int,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    try:
        view = moderation.thread_view(
            session,
            staff=staff,
            thread_id=thread_id,
            flags=flags.open_flags_by_post(session, thread_id=thread_id),
        )
    except moderation.NotFound as exc:
        raise HTTPException(status_code=404) from exc
    course = registry.get(view.thread.course_slug)
    return render(
        request,
        "community/staff/thread.html",
        {
            "view": view,
            "course": course,
            "module": course.module(view.thread.module_id) if course else None,
            "scope": scope_label(session, thread=view.thread),
            "errors": errors or {},
            "typed": typed or {},
            "reason_max": moderation.REASON_MAX,
            "learner_path": _learner_thread_path(
                request, view.thread.course_slug, id_of(view.thread)
            ),
        },
        status_code=status,
    )


@router.get("/staff/community/threads/{thread_id}", name="community_moderate_thread")
def thread_page(
    request: Request,
    session: SessionDep,
    registry: RegistryDep,
    staff: StaffUser,
    thread_id: RowId,
) -> Response:
    """A thread with every post (hidden ones too), their flags, and the moderation log."""
    return _thread_page(request, session, registry, staff, thread_id)


def _done(request: Request, message: str, url: str) -> RedirectResponse:
    flash(request, message, "success")
    return RedirectResponse(url, 303)


@router.post("/staff/community/threads/{thread_id}/pin", name="community_pin")
def pin(
    request: Request,
    session: SessionDep,
    staff: StaffUser,
    thread_id: RowId,
    pinned: FormStr = "",
) -> Response:
    """Pin the thread on top of its module's list (``pinned=1``) or unpin it."""
    try:
        moderation.set_pinned(session, staff=staff, thread_id=thread_id, pinned=pinned == "1")
    except moderation.NotFound as exc:
        raise HTTPException(status_code=404) from exc
    message = "The thread is pinned." if pinned == "1" else "The thread is unpinned."
    return _done(request, message, _thread_path(request, thread_id))


@router.post("/staff/community/threads/{thread_id}/lock", name="community_lock")
def lock(
    request: Request,
    session: SessionDep,
    staff: StaffUser,
    thread_id: RowId,
    locked: FormStr = "",
) -> Response:
    """Lock the thread (``locked=1``: readable, no new replies) or unlock it."""
    try:
        moderation.set_locked(session, staff=staff, thread_id=thread_id, locked=locked == "1")
    except moderation.NotFound as exc:
        raise HTTPException(status_code=404) from exc
    message = (
        "The thread is locked: no new replies." if locked == "1" else "The thread is unlocked."
    )
    return _done(request, message, _thread_path(request, thread_id))


@router.post("/staff/community/threads/{thread_id}/move", name="community_move")
def move(
    request: Request,
    session: SessionDep,
    registry: RegistryDep,
    staff: StaffUser,
    thread_id: RowId,
    module_id: FormStr = "",
) -> Response:
    """Move the thread to another module of its course."""
    try:
        thread = moderation.staff_thread(session, staff=staff, thread_id=thread_id)
        course = registry.get(thread.course_slug)
        if course is None:
            raise moderation.NotFound
        moderation.move_thread(
            session, staff=staff, thread_id=thread_id, course=course, module_id=module_id
        )
    except moderation.NotFound as exc:
        raise HTTPException(status_code=404) from exc
    except moderation.ModerationRefused as exc:
        return _thread_page(
            request,
            session,
            registry,
            staff,
            thread_id,
            errors={"module_id": exc.message},
            typed={"module_id": module_id},
            status=400,
        )
    module = course.module(module_id)
    return _done(
        request,
        f"The thread is moved to “{module.title if module else module_id}”.",
        _thread_path(request, thread_id),
    )


@router.post("/staff/community/posts/{post_id}/hide", name="community_hide")
def hide(
    request: Request,
    session: SessionDep,
    registry: RegistryDep,
    staff: StaffUser,
    post_id: RowId,
    reason: FormStr = "",
    back: FormStr = "",
) -> Response:
    """Hide a post from peers, with a reason its author sees."""
    try:
        post = moderation.hide_post(session, staff=staff, post_id=post_id, reason=reason)
    except moderation.NotFound as exc:
        raise HTTPException(status_code=404) from exc
    except moderation.ModerationRefused as exc:
        session.rollback()
        thread, _ = moderation.staff_post(session, staff=staff, post_id=post_id)
        return _thread_page(
            request,
            session,
            registry,
            staff,
            id_of(thread),
            errors={f"reason-{post_id}": exc.message},
            typed={f"reason-{post_id}": reason},
            status=400,
        )
    return _done(
        request,
        "The post is hidden from other learners; its author sees your reason.",
        _back(request, back, post.thread_id, post_id),
    )


@router.post("/staff/community/posts/{post_id}/restore", name="community_restore")
def restore(
    request: Request,
    session: SessionDep,
    staff: StaffUser,
    post_id: RowId,
    back: FormStr = "",
) -> Response:
    """Show a hidden post again; its flags are cleared."""
    try:
        post = moderation.restore_post(session, staff=staff, post_id=post_id)
    except moderation.NotFound as exc:
        raise HTTPException(status_code=404) from exc
    except moderation.ModerationRefused as exc:
        session.rollback()
        thread, _ = moderation.staff_post(session, staff=staff, post_id=post_id)
        flash(request, exc.message, "info")
        return RedirectResponse(_back(request, back, id_of(thread), post_id), 303)
    return _done(request, "The post is restored.", _back(request, back, post.thread_id, post_id))


@router.post("/staff/community/posts/{post_id}/keep", name="community_keep")
def keep(
    request: Request,
    session: SessionDep,
    staff: StaffUser,
    post_id: RowId,
    back: FormStr = "",
) -> Response:
    """Keep the post: its flags are cleared (a post hidden by flags shows again)."""
    try:
        post = moderation.keep_post(session, staff=staff, post_id=post_id)
    except moderation.NotFound as exc:
        raise HTTPException(status_code=404) from exc
    return _done(
        request, "The post is kept and its flags cleared.", _back(request, back, post.thread_id)
    )


@router.post("/staff/community/posts/{post_id}/endorse", name="community_endorse")
def endorse(
    request: Request,
    session: SessionDep,
    staff: StaffUser,
    post_id: RowId,
    endorsed: FormStr = "",
) -> Response:
    """Endorse a post as a strong example (``endorsed=1``) or withdraw the endorsement."""
    try:
        post = moderation.set_endorsed(
            session, staff=staff, post_id=post_id, endorsed=endorsed == "1"
        )
    except moderation.NotFound as exc:
        raise HTTPException(status_code=404) from exc
    except moderation.ModerationRefused as exc:
        session.rollback()
        thread, _ = moderation.staff_post(session, staff=staff, post_id=post_id)
        flash(request, exc.message, "info")
        return RedirectResponse(_back(request, "", id_of(thread), post_id), 303)
    message = (
        "The post is endorsed as a strong example."
        if endorsed == "1"
        else "The endorsement is withdrawn."
    )
    return _done(request, message, _back(request, "", post.thread_id, post_id))


def _flag_page(
    request: Request,
    session: Session,
    *,
    user: User,
    course_slug: str,
    course_title: str,
    post_id: int,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    viewer = viewer_for(session, user=user, course_slug=course_slug)
    try:
        thread, post = flags.flaggable_post(session, viewer=viewer, post_id=post_id)
    except flags.NotFound as exc:
        raise HTTPException(status_code=404) from exc
    return render(
        request,
        "community/flag.html",
        {
            "course_slug": course_slug,
            "course_title": course_title,
            "thread": thread,
            "post": post,
            "own": post.author_id == viewer.user_id,
            "already": flags.already_flagged(session, user=user, post_id=post_id),
            "reasons": flags.REASONS,
            "errors": errors or {},
            "typed": typed or {},
            "note_max": flags.NOTE_MAX,
            "thread_path": _learner_thread_path(request, course_slug, id_of(thread)),
        },
        status_code=status,
    )


@router.get("/courses/{slug}/discussion/posts/{post_id}/flag", name="community_flag_form")
def flag_form(
    request: Request, session: SessionDep, user: CurrentUser, course: VisibleCourse, post_id: RowId
) -> Response:
    """Ask a facilitator to review a post: choose a reason, add a note."""
    return _flag_page(
        request,
        session,
        user=user,
        course_slug=course.slug,
        course_title=course.title,
        post_id=post_id,
    )


@router.post("/courses/{slug}/discussion/posts/{post_id}/flag", name="community_flag")
def flag(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    course: VisibleCourse,
    post_id: RowId,
    reason: FormStr = "",
    note: FormStr = "",
) -> Response:
    """Flag a post; the third member's flag hides it until staff review it."""
    viewer = viewer_for(session, user=user, course_slug=course.slug)
    try:
        result = flags.flag_post(session, viewer=viewer, post_id=post_id, reason=reason, note=note)
    except flags.NotFound as exc:
        raise HTTPException(status_code=404) from exc
    except flags.FlagRefused as exc:
        session.rollback()
        return _flag_page(
            request,
            session,
            user=user,
            course_slug=course.slug,
            course_title=course.title,
            post_id=post_id,
            errors=exc.errors,
            typed={"reason": reason, "note": note},
            status=400,
        )
    message = "Thank you: a facilitator will review the post."
    if result.hidden_now:
        message += " Several members flagged it, so it is hidden until then."
    return _done(request, message, _learner_thread_path(request, course.slug, result.thread_id))
