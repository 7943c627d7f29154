"""Staff moderation of discussions: pin, lock, hide (with a reason the author sees), restore,
endorse a strong example, move a thread to another module, clear flags (issue 22).

Every function takes the acting staff member and reaches threads only through
``scopes.within_reach``: a thread outside their reach raises ``NotFound`` (the route's 404),
exactly as one that does not exist. Each decision writes one ``CommunityModerationAction``
row (who, what, when, reason), calls the notification seam (``events``) and commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.community import events
from app.community.models import (
    CommunityFlag,
    CommunityModerationAction,
    CommunityPost,
    CommunityThread,
)
from app.community.scopes import staff_reach, within_reach
from app.content.course import Course
from app.db import id_of, utcnow

REASON_MAX = 500
# action key -> how the log says it
ACTION_LABELS: dict[str, str] = {
    "pin": "Pinned the thread",
    "unpin": "Unpinned the thread",
    "lock": "Locked the thread",
    "unlock": "Unlocked the thread",
    "hide_thread": "Hid the thread",
    "restore_thread": "Restored the thread",
    "hide_post": "Hid a post",
    "restore_post": "Restored a post",
    "auto_hide": "Hidden automatically after flags from 3 members",
    "endorse": "Endorsed a post as a strong example",
    "unendorse": "Withdrew an endorsement",
    "move": "Moved the thread",
    "keep": "Kept the post and cleared its flags",
}


class NotFound(Exception):
    """No such thread or post within the staff member's reach (404)."""


class ModerationRefused(Exception):
    """A decision that cannot be made as asked; ``message`` says why (400)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LogEntry:
    action: str
    label: str
    actor: str  # "System" for the automatic hide
    reason: str
    detail: str
    created_at: datetime
    post_id: int | None


def clean_reason(reason: str) -> str:
    """A reason on one line, spaces folded."""
    return " ".join(reason.split())


def staff_thread(session: Session, *, staff: User, thread_id: int) -> CommunityThread:
    """A thread (not deleted) within the staff member's reach; NotFound otherwise."""
    reach = staff_reach(staff)
    if reach is None:
        raise NotFound
    thread = session.exec(
        select(CommunityThread).where(
            CommunityThread.id == thread_id,
            col(CommunityThread.deleted_at).is_(None),
            within_reach(reach),
        )
    ).first()
    if thread is None:
        raise NotFound
    return thread


def staff_post(
    session: Session, *, staff: User, post_id: int
) -> tuple[CommunityThread, CommunityPost]:
    """A post and its thread within the staff member's reach; NotFound otherwise."""
    post = session.get(CommunityPost, post_id)
    if post is None:
        raise NotFound
    return staff_thread(session, staff=staff, thread_id=post.thread_id), post


def log(
    session: Session,
    *,
    actor: User | None,
    action: str,
    thread: CommunityThread,
    post: CommunityPost | None = None,
    reason: str = "",
    detail: str = "",
) -> None:
    """Write one moderation log row (``actor`` None: the system)."""
    session.add(
        CommunityModerationAction(
            actor_id=id_of(actor) if actor is not None else None,
            action=action,
            thread_id=id_of(thread),
            post_id=id_of(post) if post is not None else None,
            reason=reason,
            detail=detail,
        )
    )


def _finish(
    session: Session,
    *,
    staff: User,
    action: str,
    thread: CommunityThread,
    post: CommunityPost | None = None,
    reason: str = "",
    detail: str = "",
) -> None:
    log(session, actor=staff, action=action, thread=thread, post=post, reason=reason, detail=detail)
    session.flush()
    if action == "endorse" and post is not None:
        events.on_post_endorsed(session, post, actor=staff)
    else:
        events.on_staff_action(session, thread=thread, post=post, actor=staff, action=action)
    session.commit()


def set_pinned(session: Session, *, staff: User, thread_id: int, pinned: bool) -> CommunityThread:
    """Pin a thread on top of its module's list, or unpin it."""
    thread = staff_thread(session, staff=staff, thread_id=thread_id)
    if thread.pinned == pinned:
        return thread
    thread.pinned = pinned
    session.add(thread)
    _finish(session, staff=staff, action="pin" if pinned else "unpin", thread=thread)
    return thread


def set_locked(session: Session, *, staff: User, thread_id: int, locked: bool) -> CommunityThread:
    """Lock a thread (readable, no new replies), or unlock it."""
    thread = staff_thread(session, staff=staff, thread_id=thread_id)
    if thread.locked == locked:
        return thread
    thread.locked = locked
    session.add(thread)
    _finish(session, staff=staff, action="lock" if locked else "unlock", thread=thread)
    return thread


def _checked_reason(reason: str) -> str:
    text = clean_reason(reason)
    if not text:
        raise ModerationRefused(
            "Write a reason: the author sees it next to their hidden post, so say what to change."
        )
    if len(text) > REASON_MAX:
        raise ModerationRefused(
            f"Keep the reason to {REASON_MAX} characters (this one has {len(text):,})."
        )
    return text


def _resolve_flags(session: Session, *, post_id: int, staff: User, resolution: str) -> int:
    """Mark the post's open flags resolved; how many there were."""
    result = session.execute(
        update(CommunityFlag)
        .where(col(CommunityFlag.post_id) == post_id, col(CommunityFlag.resolved_at).is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=id_of(staff), resolution=resolution)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def hide_post(session: Session, *, staff: User, post_id: int, reason: str) -> CommunityPost:
    """Hide a post from peers with a reason its author sees; an opening post hides its
    thread too. Open flags on it are resolved as "hidden"."""
    thread, post = staff_post(session, staff=staff, post_id=post_id)
    text = _checked_reason(reason)
    now = utcnow()
    post.hidden_at, post.hidden_reason, post.hidden_by_id = now, text, id_of(staff)
    session.add(post)
    if post.is_opening:
        thread.hidden_at, thread.hidden_reason, thread.hidden_by_id = now, text, id_of(staff)
        session.add(thread)
    flags = _resolve_flags(session, post_id=post_id, staff=staff, resolution="hidden")
    detail = f"{flags} open flag{'s' if flags != 1 else ''} resolved" if flags else ""
    _finish(
        session,
        staff=staff,
        action="hide_post",
        thread=thread,
        post=post,
        reason=text,
        detail=detail,
    )
    return post


def restore_post(session: Session, *, staff: User, post_id: int) -> CommunityPost:
    """Show a hidden post again (and its thread, for an opening post); flags are cleared."""
    thread, post = staff_post(session, staff=staff, post_id=post_id)
    if post.hidden_at is None and not (post.is_opening and thread.hidden_at is not None):
        raise ModerationRefused("This post is not hidden.")
    post.hidden_at, post.hidden_reason, post.hidden_by_id = None, None, None
    session.add(post)
    if post.is_opening:
        thread.hidden_at, thread.hidden_reason, thread.hidden_by_id = None, None, None
        session.add(thread)
    _resolve_flags(session, post_id=post_id, staff=staff, resolution="restored")
    _finish(session, staff=staff, action="restore_post", thread=thread, post=post)
    return post


def keep_post(session: Session, *, staff: User, post_id: int) -> CommunityPost:
    """Staff reviewed the flags and keep the post: flags cleared, shown if auto-hidden."""
    thread, post = staff_post(session, staff=staff, post_id=post_id)
    cleared = _resolve_flags(session, post_id=post_id, staff=staff, resolution="kept")
    if post.hidden_at is not None and post.hidden_by_id is None:  # hidden by flags, not staff
        post.hidden_at, post.hidden_reason = None, None
        session.add(post)
        if post.is_opening and thread.hidden_by_id is None:
            thread.hidden_at, thread.hidden_reason = None, None
            session.add(thread)
    detail = f"{cleared} flag{'s' if cleared != 1 else ''} cleared"
    _finish(session, staff=staff, action="keep", thread=thread, post=post, detail=detail)
    return post


def set_endorsed(session: Session, *, staff: User, post_id: int, endorsed: bool) -> CommunityPost:
    """Endorse a reply as a strong example, or withdraw the endorsement."""
    thread, post = staff_post(session, staff=staff, post_id=post_id)
    if post.deleted_at is not None:
        raise ModerationRefused("A deleted post cannot be endorsed.")
    if (post.endorsed_at is not None) == endorsed:
        return post
    post.endorsed_at = utcnow() if endorsed else None
    post.endorsed_by_id = id_of(staff) if endorsed else None
    session.add(post)
    _finish(
        session,
        staff=staff,
        action="endorse" if endorsed else "unendorse",
        thread=thread,
        post=post,
    )
    return post


def move_thread(
    session: Session, *, staff: User, thread_id: int, course: Course, module_id: str
) -> CommunityThread:
    """Move a thread to another module of the same course (its scope stays). A thread about
    a reflection prompt leaves the prompt behind: prompts belong to their module."""
    thread = staff_thread(session, staff=staff, thread_id=thread_id)
    if course.slug != thread.course_slug:
        raise NotFound
    target = course.module(module_id)
    if target is None:
        raise ModerationRefused("Choose a module of this course to move the thread to.")
    if target.id == thread.module_id:
        raise ModerationRefused("The thread is already in that module.")
    source = course.module(thread.module_id)
    detail = f"from “{source.title if source else thread.module_id}” to “{target.title}”"
    if thread.prompt_id:
        detail += f" (no longer under prompt {thread.prompt_id})"
    thread.moved_from_module_id = thread.module_id
    thread.module_id = target.id
    thread.prompt_id = None
    session.add(thread)
    _finish(session, staff=staff, action="move", thread=thread, detail=detail)
    return thread


def thread_log(session: Session, *, thread_id: int) -> list[LogEntry]:
    """Every decision on a thread and its posts, newest first."""
    rows = session.exec(
        select(CommunityModerationAction, User.display_name)
        .outerjoin(User, col(User.id) == col(CommunityModerationAction.actor_id))
        .where(CommunityModerationAction.thread_id == thread_id)
        .order_by(
            col(CommunityModerationAction.created_at).desc(),
            col(CommunityModerationAction.id).desc(),
        )
    ).all()
    return [
        LogEntry(
            action=row.action,
            label=ACTION_LABELS.get(row.action, row.action),
            actor=name or "System",
            reason=row.reason,
            detail=row.detail,
            created_at=row.created_at,
            post_id=row.post_id,
        )
        for row, name in rows
    ]


@dataclass(frozen=True)
class StaffPostView:
    post: CommunityPost
    author: str  # the real name; "(anonymous to peers)" when the member chose it
    flags: list[tuple[str, str, datetime]]  # open flags: reason label, note, when


@dataclass(frozen=True)
class StaffThreadView:
    thread: CommunityThread
    opening: StaffPostView
    replies: list[StaffPostView]
    log: list[LogEntry]


def thread_view(
    session: Session,
    *,
    staff: User,
    thread_id: int,
    flags: dict[int, list[tuple[str, str, datetime]]],
) -> StaffThreadView:
    """A thread as a moderator sees it: every post with its author, state and open flags
    (``flags`` by post id), and the log."""
    thread = staff_thread(session, staff=staff, thread_id=thread_id)
    rows = session.exec(
        select(CommunityPost, User.display_name)
        .join(User, col(User.id) == col(CommunityPost.author_id))
        .where(CommunityPost.thread_id == thread_id)
        .order_by(col(CommunityPost.created_at), col(CommunityPost.id))
    ).all()
    views = [
        StaffPostView(
            post=post,
            author=f"{name} (anonymous to peers)" if post.anonymous else name,
            flags=flags.get(id_of(post), []),
        )
        for post, name in rows
    ]
    opening = next((v for v in views if v.post.is_opening), None)
    if opening is None:
        raise NotFound
    return StaffThreadView(
        thread=thread,
        opening=opening,
        replies=[v for v in views if not v.post.is_opening],
        log=thread_log(session, thread_id=thread_id),
    )
