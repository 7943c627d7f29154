"""Discussion pages: a module's and a prompt's threads, a thread, new thread, reply, edit,
delete, history, the guidelines, and staff's anonymity setting (issue 22).

Every page needs a login and reads through ``scopes.viewer_for``: a thread of another scope
answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from app.accounts.models import User
from app.community import editing
from app.community import service as community
from app.community.limits import NEW_MEMBER
from app.community.scopes import Viewer, viewer_for
from app.community.text import BODY_MAX, TITLE_MAX
from app.content.course import Course, Module
from app.db import RowId, SessionDep, id_of
from app.deps import CurrentUser, VisibleCourse
from app.learning import service as learning
from app.reflections.spec import Reflection
from app.templating import flash, render

router = APIRouter()
FormStr = Annotated[str, Form()]


def _viewer(session: Session, user: User, course: Course) -> Viewer:
    return viewer_for(session, user=user, course_slug=course.slug)


def _module(course: Course, module_id: str) -> Module:
    module = course.module(module_id)
    if module is None:
        raise HTTPException(status_code=404)
    return module


def _prompt(course: Course, module: Module, prompt_id: str) -> Reflection | None:
    if not prompt_id:
        return None
    found = community.prompt_of(course, prompt_id)
    if found is None or found[0].id != module.id:
        raise HTTPException(status_code=404)
    return found[1]


def _thread_url(request: Request, course: Course, thread_id: int) -> str:
    return request.url_for("community_thread", slug=course.slug, thread_id=thread_id).path


def _form_context(session: Session, viewer: Viewer) -> dict[str, object]:
    return {
        "viewer": viewer,
        "needs_agreement": not viewer.is_staff
        and not community.has_acknowledged(
            session, user=viewer.user, course_slug=viewer.course_slug
        ),
        "anonymous_allowed": community.may_post_anonymously(session, user=viewer.user),
        "title_max": TITLE_MAX,
        "body_max": BODY_MAX,
        "new_member": NEW_MEMBER,
    }


def _status(exc: community.PostRefused) -> int:
    return 429 if exc.limited else 400


@router.get("/courses/{slug}/modules/{module_id}/discussion", name="community_module")
def module_discussion(
    request: Request, session: SessionDep, user: CurrentUser, course: VisibleCourse, module_id: str
) -> Response:
    """The module's threads in the viewer's scope (staff: every scope they cover)."""
    module = _module(course, module_id)
    viewer = _viewer(session, user, course)
    threads = community.module_threads(session, viewer=viewer, module_id=module.id)
    prompts = [b for b in module.blocks if isinstance(b, Reflection)]
    return render(
        request,
        "community/module.html",
        {
            "course": course,
            "module": module,
            "prompt": None,
            "prompts": prompts,
            "threads": threads,
            "viewer": viewer,
        },
    )


@router.get("/courses/{slug}/prompts/{prompt_id}/discussion", name="community_prompt")
def prompt_discussion(
    request: Request, session: SessionDep, user: CurrentUser, course: VisibleCourse, prompt_id: str
) -> Response:
    """The threads about one reflection prompt."""
    found = community.prompt_of(course, prompt_id)
    if found is None:
        raise HTTPException(status_code=404)
    module, prompt = found
    viewer = _viewer(session, user, course)
    threads = community.module_threads(
        session, viewer=viewer, module_id=module.id, prompt_id=prompt.id
    )
    return render(
        request,
        "community/module.html",
        {
            "course": course,
            "module": module,
            "prompt": prompt,
            "prompts": [],
            "threads": threads,
            "viewer": viewer,
        },
    )


def _new_thread_page(
    request: Request,
    session: Session,
    *,
    viewer: Viewer,
    course: Course,
    module: Module,
    prompt: Reflection | None,
    form: community.PostForm,
    status: int = 200,
    copied: bool = False,
) -> Response:
    return render(
        request,
        "community/new_thread.html",
        {
            "course": course,
            "module": module,
            "prompt": prompt,
            "form": form,
            "copied": copied,
            **_form_context(session, viewer),
        },
        status_code=status,
    )


@router.get("/courses/{slug}/modules/{module_id}/discussion/new", name="community_new_thread")
def new_thread_form(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    course: VisibleCourse,
    module_id: str,
    prompt: str = "",
    copy: str = "",
) -> Response:
    """The new-thread form; ``copy=reflection`` starts it from the member's own reflection."""
    module = _module(course, module_id)
    block = _prompt(course, module, prompt)
    viewer = _viewer(session, user, course)
    if not viewer.enrolled:
        flash(request, "Enroll in this course (it is free) to start a thread.", "info")
        return RedirectResponse(request.url_for("course_page", slug=course.slug).path, 303)
    form = community.PostForm()
    copied = False
    if block is not None and copy == "reflection":
        record = learning.course_record(session, course_slug=course.slug)
        if record is not None:
            form.body = community.reflection_text(
                session, user=user, course_id=id_of(record), prompt_id=block.id
            )
            copied = bool(form.body)
    return _new_thread_page(
        request,
        session,
        viewer=viewer,
        course=course,
        module=module,
        prompt=block,
        form=form,
        copied=copied,
    )


@router.post("/courses/{slug}/modules/{module_id}/discussion/new", name="community_create_thread")
def create_thread(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    course: VisibleCourse,
    module_id: str,
    title: FormStr = "",
    body: FormStr = "",
    prompt: FormStr = "",
    anonymous: FormStr = "",
    agree: FormStr = "",
) -> Response:
    """Start a thread; a refused one re-renders with everything typed."""
    module = _module(course, module_id)
    block = _prompt(course, module, prompt)
    viewer = _viewer(session, user, course)
    form = community.PostForm(title=title, body=body, anonymous=bool(anonymous), agree=bool(agree))
    try:
        thread = community.start_thread(
            session, viewer=viewer, module=module, prompt=block, form=form
        )
    except community.PostRefused as exc:
        form.errors = exc.errors
        form.title, form.body = title, body  # exactly what was typed
        return _new_thread_page(
            request,
            session,
            viewer=viewer,
            course=course,
            module=module,
            prompt=block,
            form=form,
            status=_status(exc),
        )
    flash(request, "Your thread is posted.", "success")
    return RedirectResponse(_thread_url(request, course, id_of(thread)), 303)


def _thread_page(
    request: Request,
    session: Session,
    *,
    viewer: Viewer,
    course: Course,
    thread_id: int,
    form: community.PostForm | None = None,
    status: int = 200,
) -> Response:
    try:
        page = community.open_thread(session, viewer=viewer, thread_id=thread_id)
    except community.NotFound as exc:
        raise HTTPException(status_code=404) from exc
    module = course.module(page.thread.module_id)
    prompt = community.prompt_of(course, page.thread.prompt_id) if page.thread.prompt_id else None
    return render(
        request,
        "community/thread.html",
        {
            "course": course,
            "module": module,
            "prompt": prompt[1] if prompt else None,
            "page": page,
            "form": form or community.PostForm(),
            **_form_context(session, viewer),
        },
        status_code=status,
    )


@router.get("/courses/{slug}/discussion/threads/{thread_id}", name="community_thread")
def thread_page(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    course: VisibleCourse,
    thread_id: RowId,
) -> Response:
    """A thread and its replies, with the reply form."""
    viewer = _viewer(session, user, course)
    return _thread_page(request, session, viewer=viewer, course=course, thread_id=thread_id)


@router.post("/courses/{slug}/discussion/threads/{thread_id}/replies", name="community_reply")
def reply(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    course: VisibleCourse,
    thread_id: RowId,
    body: FormStr = "",
    anonymous: FormStr = "",
    agree: FormStr = "",
) -> Response:
    """Reply to a thread; a refused reply re-renders the thread with the text kept."""
    viewer = _viewer(session, user, course)
    form = community.PostForm(body=body, anonymous=bool(anonymous), agree=bool(agree))
    try:
        post = community.reply(session, viewer=viewer, thread_id=thread_id, form=form)
    except community.NotFound as exc:
        raise HTTPException(status_code=404) from exc
    except community.PostRefused as exc:
        session.rollback()
        form.errors, form.body = exc.errors, body
        return _thread_page(
            request,
            session,
            viewer=viewer,
            course=course,
            thread_id=thread_id,
            form=form,
            status=_status(exc),
        )
    flash(request, "Your reply is posted.", "success")
    return RedirectResponse(f"{_thread_url(request, course, thread_id)}#post-{id_of(post)}", 303)


def _edit_page(
    request: Request,
    session: Session,
    *,
    viewer: Viewer,
    course: Course,
    post_id: int,
    form: community.PostForm | None = None,
    status: int = 200,
) -> Response:
    try:
        thread, post = editing.own_post(session, viewer=viewer, post_id=post_id)
    except community.NotFound as exc:
        raise HTTPException(status_code=404) from exc
    if form is None:
        form = community.PostForm(title=thread.title, body=post.body)
    return render(
        request,
        "community/edit.html",
        {
            "course": course,
            "thread": thread,
            "post": post,
            "form": form,
            "title_max": TITLE_MAX,
            "body_max": BODY_MAX,
        },
        status_code=status,
    )


@router.get("/courses/{slug}/discussion/posts/{post_id}/edit", name="community_edit")
def edit_form(
    request: Request, session: SessionDep, user: CurrentUser, course: VisibleCourse, post_id: RowId
) -> Response:
    """Edit your own post (the earlier text stays in its history)."""
    viewer = _viewer(session, user, course)
    return _edit_page(request, session, viewer=viewer, course=course, post_id=post_id)


@router.post("/courses/{slug}/discussion/posts/{post_id}/edit", name="community_save_edit")
def save_edit(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    course: VisibleCourse,
    post_id: RowId,
    title: FormStr = "",
    body: FormStr = "",
) -> Response:
    """Save an edit of your own post."""
    viewer = _viewer(session, user, course)
    form = community.PostForm(title=title, body=body)
    try:
        post = editing.edit_post(session, viewer=viewer, post_id=post_id, form=form)
    except community.NotFound as exc:
        raise HTTPException(status_code=404) from exc
    except community.PostRefused as exc:
        form.errors, form.title, form.body = exc.errors, title, body
        return _edit_page(
            request, session, viewer=viewer, course=course, post_id=post_id, form=form, status=400
        )
    flash(request, "Your post is updated; the earlier version is in its history.", "success")
    url = _thread_url(request, course, post.thread_id)
    return RedirectResponse(f"{url}#post-{post_id}", 303)


@router.post("/courses/{slug}/discussion/posts/{post_id}/delete", name="community_delete")
def delete(
    request: Request, session: SessionDep, user: CurrentUser, course: VisibleCourse, post_id: RowId
) -> Response:
    """Delete your own post: "[deleted]" shows in its place."""
    viewer = _viewer(session, user, course)
    try:
        thread = editing.delete_post(session, viewer=viewer, post_id=post_id)
    except community.NotFound as exc:
        raise HTTPException(status_code=404) from exc
    flash(request, "Your post is deleted.", "success")
    return RedirectResponse(_thread_url(request, course, id_of(thread)), 303)


@router.get("/courses/{slug}/discussion/posts/{post_id}/history", name="community_history")
def history(
    request: Request, session: SessionDep, user: CurrentUser, course: VisibleCourse, post_id: RowId
) -> Response:
    """A post's earlier versions."""
    viewer = _viewer(session, user, course)
    try:
        thread, post, entries = editing.post_history(session, viewer=viewer, post_id=post_id)
    except community.NotFound as exc:
        raise HTTPException(status_code=404) from exc
    return render(
        request,
        "community/history.html",
        {"course": course, "thread": thread, "post": post, "entries": entries},
    )


@router.get("/courses/{slug}/discussion/guidelines", name="community_guidelines")
def guidelines(request: Request, course: VisibleCourse) -> Response:
    """The course's community guidelines."""
    return render(request, "community/guidelines.html", {"course": course})
