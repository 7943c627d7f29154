"""Learner-side discussion use cases: list, read, start, reply, edit, delete (issue 22).

Every function takes the request's ``Viewer`` (``app.community.scopes``) and reads threads
only through ``scopes.visible``; a thread or post the viewer may not read raises
``NotFound`` (the route's 404). The service commits at the end of each use case that writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.community import events, limits
from app.community.models import (
    CommunityOrgSetting,
    CommunityPost,
    CommunityPostRevision,
    CommunityThread,
    GuidelinesAcknowledgement,
)
from app.community.scopes import (
    Viewer,
    may_reply,
    scope_label,
    visibility,
    visible_thread,
)
from app.community.text import (
    body_error,
    clean_body,
    clean_title,
    render_post,
    title_error,
)
from app.content.course import Course, Module
from app.db import id_of, utcnow
from app.reflections.models import LearnerReflection, ReflectionRevision
from app.reflections.spec import Reflection

ANONYMOUS_LABEL = "Anonymous educator"
DELETED = "[deleted]"


class NotFound(Exception):
    """The thread or post does not exist for this viewer (404)."""


class PostRefused(Exception):
    """A post that cannot be saved: ``errors`` by field (``form`` for the whole form)."""

    def __init__(self, errors: dict[str, str], *, limited: bool = False):
        super().__init__(errors)
        self.errors = errors
        self.limited = limited  # refused by a rate limit (429), not by what was typed


@dataclass
class PostForm:
    """What a member typed, kept whole when a post is refused."""

    title: str = ""
    body: str = ""
    anonymous: bool = False
    agree: bool = False
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ThreadRow:
    thread: CommunityThread
    title: str
    author: str
    replies: int
    scope: str  # the scope's name, shown to staff


@dataclass(frozen=True)
class PostView:
    post: CommunityPost
    author: str
    html: Markup
    deleted: bool
    hidden: bool  # hidden by staff or flags: only its author and staff see it
    mine: bool
    revisions: int
    history_readable: bool  # earlier versions: for the author and staff only


@dataclass(frozen=True)
class ThreadPage:
    thread: CommunityThread
    title: str
    opening: PostView
    replies: list[PostView]
    scope: str
    can_reply: bool
    why_not: str  # why the reply form is absent (locked, not enrolled)


def _author_label(viewer: Viewer, *, name: str, anonymous: bool, author_id: int) -> str:
    """Peers see "Anonymous educator"; staff and the author see who, marked anonymous."""
    if not anonymous:
        return name
    if author_id == viewer.user_id:
        return f"{name} (you, anonymous to peers)"
    if viewer.is_staff:
        return f"{name} (anonymous to peers)"
    return ANONYMOUS_LABEL


def _peer(viewer: Viewer) -> bool:
    return not viewer.is_staff


def module_threads(
    session: Session, *, viewer: Viewer, module_id: str, prompt_id: str | None = None
) -> list[ThreadRow]:
    """The module's (or one prompt's) threads the viewer may read: pinned, then newest."""
    answer = aliased(CommunityPost)
    replies = (
        select(func.count(col(answer.id)))
        .where(
            answer.thread_id == CommunityThread.id,
            col(answer.is_opening).is_(False),
            col(answer.deleted_at).is_(None),
            col(answer.hidden_at).is_(None),
        )
        .correlate(CommunityThread)
        .scalar_subquery()
    )
    statement = (
        select(CommunityThread, User.display_name, CommunityPost.deleted_at, replies)
        .join(User, col(User.id) == col(CommunityThread.author_id))
        .join(
            CommunityPost,
            (col(CommunityPost.thread_id) == col(CommunityThread.id))
            & col(CommunityPost.is_opening).is_(True),
        )
        .where(visibility(viewer), CommunityThread.module_id == module_id)
    )
    if _peer(viewer):  # an opening post hidden by staff or flags hides its thread from peers
        statement = statement.where(
            or_(
                col(CommunityPost.hidden_at).is_(None),
                col(CommunityThread.author_id) == viewer.user_id,
            )
        )
    if prompt_id is not None:
        statement = statement.where(CommunityThread.prompt_id == prompt_id)
    statement = statement.order_by(
        col(CommunityThread.pinned).desc(),
        col(CommunityThread.created_at).desc(),
        col(CommunityThread.id).desc(),
    )
    rows = []
    for thread, name, deleted_at, count in session.exec(statement).all():
        deleted = deleted_at is not None
        rows.append(
            ThreadRow(
                thread=thread,
                title=DELETED if deleted else thread.title,
                author=DELETED
                if deleted
                else _author_label(
                    viewer, name=name, anonymous=thread.anonymous, author_id=thread.author_id
                ),
                replies=int(count or 0),
                scope=scope_label(session, thread=thread) if viewer.is_staff else "",
            )
        )
    return rows


def post_view(viewer: Viewer, post: CommunityPost, name: str, revisions: int) -> PostView:
    deleted = post.deleted_at is not None
    return PostView(
        post=post,
        author=DELETED
        if deleted
        else _author_label(viewer, name=name, anonymous=post.anonymous, author_id=post.author_id),
        html=Markup("<p>%s</p>") % DELETED if deleted else render_post(post.body),
        deleted=deleted,
        hidden=post.hidden_at is not None,
        mine=post.author_id == viewer.user_id,
        revisions=revisions,
        history_readable=post.author_id == viewer.user_id or viewer.is_staff,
    )


def open_thread(session: Session, *, viewer: Viewer, thread_id: int) -> ThreadPage:
    """A thread with its replies, as this viewer may see them."""
    thread = visible_thread(session, viewer=viewer, thread_id=thread_id)
    if thread is None:
        raise NotFound
    revisions = (
        select(func.count(col(CommunityPostRevision.id)))
        .where(CommunityPostRevision.post_id == CommunityPost.id)
        .scalar_subquery()
    )
    rows = session.exec(
        select(CommunityPost, User.display_name, revisions)
        .join(User, col(User.id) == col(CommunityPost.author_id))
        .where(CommunityPost.thread_id == thread_id)
        .order_by(col(CommunityPost.created_at), col(CommunityPost.id))
    ).all()
    views = [post_view(viewer, post, name, int(n or 0)) for post, name, n in rows]
    # Hidden replies: peers do not see them at all; their author and staff see the reason.
    views = [v for v in views if not (v.hidden and not v.mine and _peer(viewer))]
    opening = next(v for v in views if v.post.is_opening) if views else None
    if opening is None:
        raise NotFound
    can_reply = may_reply(viewer, thread)
    why_not = ""
    if thread.locked:
        can_reply, why_not = False, "This thread is locked: it stays readable, with no new replies."
    elif not can_reply:
        why_not = "Enroll in the course to reply."
    return ThreadPage(
        thread=thread,
        title=DELETED if opening.deleted else thread.title,
        opening=opening,
        replies=[v for v in views if not v.post.is_opening],
        scope=scope_label(session, thread=thread),
        can_reply=can_reply,
        why_not=why_not,
    )


def anonymous_allowed_for(session: Session, *, organization_id: int) -> bool:
    """Whether an organization allows "anonymous to peers" (no row: it does)."""
    setting = session.exec(
        select(CommunityOrgSetting).where(CommunityOrgSetting.organization_id == organization_id)
    ).first()
    return setting is None or setting.allow_anonymous


def may_post_anonymously(session: Session, *, user: User) -> bool:
    """Whether the member's organization lets them post anonymously to peers."""
    if user.organization_id is None:
        return True
    return anonymous_allowed_for(session, organization_id=user.organization_id)


def set_allow_anonymous(
    session: Session, *, organization_id: int, allow: bool, actor: User
) -> None:
    """Staff turn the anonymous option on or off for their organization's members."""
    setting = session.exec(
        select(CommunityOrgSetting).where(CommunityOrgSetting.organization_id == organization_id)
    ).first() or CommunityOrgSetting(organization_id=organization_id)
    setting.allow_anonymous = allow
    setting.updated_by_id = id_of(actor)
    session.add(setting)
    session.commit()


def has_acknowledged(session: Session, *, user: User, course_slug: str) -> bool:
    """Whether the member has read this course's guidelines (asked before a first post)."""
    return (
        session.exec(
            select(GuidelinesAcknowledgement.id).where(
                GuidelinesAcknowledgement.user_id == id_of(user),
                GuidelinesAcknowledgement.course_slug == course_slug,
            )
        ).first()
        is not None
    )


def _check_common(session: Session, *, viewer: Viewer, form: PostForm, now: datetime) -> None:
    """Guidelines, anonymity, body; raises PostRefused with every problem at once."""
    errors: dict[str, str] = {}
    if not viewer.is_staff and not has_acknowledged(
        session, user=viewer.user, course_slug=viewer.course_slug
    ):
        if form.agree:
            session.add(
                GuidelinesAcknowledgement(
                    user_id=viewer.user_id, course_slug=viewer.course_slug, acknowledged_at=now
                )
            )
        else:
            errors["agree"] = (
                "Read the community guidelines and tick the box to say you will follow them."
            )
    if form.anonymous and not may_post_anonymously(session, user=viewer.user):
        errors["anonymous"] = (
            "Your organization has turned off anonymous posting: your name will show. "
            "Untick the box to post under your name."
        )
    form.body = clean_body(form.body)
    problem = body_error(form.body)
    if problem:
        errors["body"] = problem
    if errors:
        raise PostRefused(errors)


def _rate(session: Session, *, viewer: Viewer, opening: bool, now: datetime) -> None:
    if viewer.is_staff:
        return
    try:
        limits.check_rate(session, user=viewer.user, opening=opening, now=now)
    except limits.RateLimited as exc:
        raise PostRefused({"form": exc.message}, limited=True) from exc


def start_thread(
    session: Session,
    *,
    viewer: Viewer,
    module: Module,
    prompt: Reflection | None,
    form: PostForm,
) -> CommunityThread:
    """A new thread in the viewer's own scope; raises PostRefused (the form is kept)."""
    if not viewer.enrolled:
        raise PostRefused({"form": "Enroll in the course to start a thread."})
    now = utcnow()
    form.title = clean_title(form.title)
    problems: dict[str, str] = {}
    problem = title_error(form.title)
    if problem:
        problems["title"] = problem
    try:
        _check_common(session, viewer=viewer, form=form, now=now)
    except PostRefused as exc:
        problems.update(exc.errors)
    if problems:
        session.rollback()
        raise PostRefused(problems)
    _rate(session, viewer=viewer, opening=True, now=now)
    scope = viewer.scope
    thread = CommunityThread(
        course_slug=viewer.course_slug,
        module_id=module.id,
        prompt_id=prompt.id if prompt else None,
        scope_kind=scope.kind.value,
        scope_key=scope.key,
        organization_id=scope.organization_id,
        title=form.title,
        author_id=viewer.user_id,
        anonymous=form.anonymous,
        created_at=now,
        last_posted_at=now,
    )
    session.add(thread)
    session.flush()
    post = CommunityPost(
        thread_id=id_of(thread),
        author_id=viewer.user_id,
        is_opening=True,
        body=form.body,
        anonymous=form.anonymous,
        created_at=now,
    )
    session.add(post)
    session.flush()
    events.on_post_created(session, post)
    session.commit()
    return thread


def reply(session: Session, *, viewer: Viewer, thread_id: int, form: PostForm) -> CommunityPost:
    """A reply to a thread the viewer may write in; raises NotFound or PostRefused."""
    thread = visible_thread(session, viewer=viewer, thread_id=thread_id)
    if thread is None:
        raise NotFound
    if thread.locked:
        raise PostRefused({"form": "This thread is locked: it takes no new replies."})
    if not may_reply(viewer, thread):
        raise PostRefused({"form": "Enroll in the course to reply."})
    now = utcnow()
    try:
        _check_common(session, viewer=viewer, form=form, now=now)
    except PostRefused:
        session.rollback()
        raise
    _rate(session, viewer=viewer, opening=False, now=now)
    post = CommunityPost(
        thread_id=thread_id,
        author_id=viewer.user_id,
        body=form.body,
        anonymous=form.anonymous,
        created_at=now,
    )
    thread.last_posted_at = now
    session.add_all([post, thread])
    session.flush()
    events.on_post_created(session, post)
    session.commit()
    return post


def reflection_text(session: Session, *, user: User, course_id: int, prompt_id: str) -> str:
    """The member's own reflection on a prompt (latest submitted, else the draft): the
    starting text of "Discuss this". It is copied into the form, never linked."""
    reflection = session.exec(
        select(LearnerReflection).where(
            LearnerReflection.user_id == id_of(user),
            LearnerReflection.course_id == course_id,
            LearnerReflection.activity_stable_id == prompt_id,
        )
    ).first()
    if reflection is None:
        return ""
    latest = session.exec(
        select(ReflectionRevision.text)
        .where(ReflectionRevision.reflection_id == id_of(reflection))
        .order_by(col(ReflectionRevision.number).desc())
        .limit(1)
    ).first()
    return latest if latest is not None else reflection.draft_text


def prompt_of(course: Course, prompt_id: str) -> tuple[Module, Reflection] | None:
    """The reflection prompt with this id and its module, or None."""
    return course.block_of(prompt_id, Reflection)
