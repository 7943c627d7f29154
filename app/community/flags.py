"""Members flag posts; three flags from distinct members hide a post until staff review it;
the moderation queue lists flagged and hidden posts in a staff member's reach (issue 22).

One flag per member and post (a unique constraint, so a repeated flag by one member counts
once even when two requests race). Only open flags (``resolved_at`` None) count towards the
threshold: once staff keep a post, it takes three new members to hide it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.community import moderation
from app.community.models import CommunityFlag, CommunityPost, CommunityThread
from app.community.scopes import Viewer, scope_label, staff_reach, visible_thread, within_reach
from app.db import id_of, utcnow

FLAG_THRESHOLD = 3  # Discourse's default
NOTE_MAX = 1000
AUTO_HIDE_REASON = (
    "Hidden after three members flagged it; a facilitator will review it and restore it "
    "if it follows the community guidelines."
)
REASONS: dict[str, str] = {
    "disrespectful": "Disrespectful, or a personal attack",
    "deficit": "Deficit talk about students, families or communities",
    "private": "Shares private information about a student or colleague",
    "spam": "Spam or advertising",
    "other": "Something else (say what in the note)",
}


class NotFound(Exception):
    """The post does not exist for this viewer (404)."""


class FlagRefused(Exception):
    """A flag that is not taken; ``errors`` by field (``form`` for the whole)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class FlagResult:
    thread_id: int
    hidden_now: bool  # this flag reached the threshold and hid the post


def flaggable_post(
    session: Session, *, viewer: Viewer, post_id: int
) -> tuple[CommunityThread, CommunityPost]:
    """A post the viewer can read (thread in their view, post neither deleted nor hidden
    from them); NotFound otherwise."""
    post = session.get(CommunityPost, post_id)
    if post is None or post.deleted_at is not None:
        raise NotFound
    thread = visible_thread(session, viewer=viewer, thread_id=post.thread_id)
    if thread is None:
        raise NotFound
    hidden = post.hidden_at is not None or thread.hidden_at is not None
    if hidden and not viewer.is_staff:  # peers do not see it; staff review it in the queue
        raise NotFound
    return thread, post


def already_flagged(session: Session, *, user: User, post_id: int) -> bool:
    """Whether the member has flagged this post before."""
    found = session.exec(
        select(CommunityFlag.id).where(
            CommunityFlag.post_id == post_id, CommunityFlag.flagger_id == id_of(user)
        )
    ).first()
    return found is not None


def flag_post(
    session: Session, *, viewer: Viewer, post_id: int, reason: str, note: str
) -> FlagResult:
    """Record the viewer's flag; the third open flag from distinct members hides the post
    (and its thread, for an opening post) until staff review it."""
    thread, post = flaggable_post(session, viewer=viewer, post_id=post_id)
    if post.author_id == viewer.user_id:
        raise FlagRefused({"form": "This is your own post: edit or delete it instead."})
    errors: dict[str, str] = {}
    if reason not in REASONS:
        errors["reason"] = "Choose the reason that fits best."
    note = " ".join(note.split())
    if len(note) > NOTE_MAX:
        errors["note"] = f"Keep the note to {NOTE_MAX:,} characters (this one has {len(note):,})."
    elif reason == "other" and not note:
        errors["note"] = "Say in a few words what is wrong, so a facilitator can judge it."
    if already_flagged(session, user=viewer.user, post_id=post_id):
        errors = {"form": "You have already flagged this post; a facilitator will review it."}
    if errors:
        raise FlagRefused(errors)
    session.add(CommunityFlag(post_id=post_id, flagger_id=viewer.user_id, reason=reason, note=note))
    try:
        session.flush()
    except IntegrityError:  # the same member's flag in a request that raced this one
        session.rollback()
        raise FlagRefused(
            {"form": "You have already flagged this post; a facilitator will review it."}
        ) from None
    hidden_now = _hide_at_threshold(session, thread=thread, post=post)
    session.commit()
    return FlagResult(thread_id=id_of(thread), hidden_now=hidden_now)


def _hide_at_threshold(session: Session, *, thread: CommunityThread, post: CommunityPost) -> bool:
    open_flags = session.exec(
        select(func.count(func.distinct(col(CommunityFlag.flagger_id)))).where(
            CommunityFlag.post_id == post.id, col(CommunityFlag.resolved_at).is_(None)
        )
    ).one()
    if int(open_flags) < FLAG_THRESHOLD or post.hidden_at is not None:
        return False
    now = utcnow()
    # Conditional, so two flags at once hide (and log) the post once.
    result = session.execute(
        update(CommunityPost)
        .where(col(CommunityPost.id) == post.id, col(CommunityPost.hidden_at).is_(None))
        .values(hidden_at=now, hidden_reason=AUTO_HIDE_REASON, hidden_by_id=None)
    )
    if int(result.rowcount) != 1:  # type: ignore[attr-defined]
        return False
    if post.is_opening and thread.hidden_at is None:
        thread.hidden_at, thread.hidden_reason, thread.hidden_by_id = now, AUTO_HIDE_REASON, None
        session.add(thread)
    moderation.log(
        session,
        actor=None,
        action="auto_hide",
        thread=thread,
        post=post,
        reason=AUTO_HIDE_REASON,
        detail=f"{int(open_flags)} members flagged it",
    )
    session.refresh(post)
    return True


@dataclass(frozen=True)
class QueueItem:
    post: CommunityPost
    thread: CommunityThread
    author: str
    scope: str
    open_flags: int
    reasons: list[str]  # the reasons' labels with notes, one per open flag
    hidden_by_flags: bool


def queue(session: Session, *, staff: User, course_slug: str | None = None) -> list[QueueItem]:
    """Posts in the staff member's reach with open flags or hidden, most flagged first."""
    reach = staff_reach(staff)
    if reach is None:
        return []
    open_count = (
        select(func.count(col(CommunityFlag.id)))
        .where(CommunityFlag.post_id == CommunityPost.id, col(CommunityFlag.resolved_at).is_(None))
        .correlate(CommunityPost)
        .scalar_subquery()
    )
    statement = (
        select(CommunityPost, CommunityThread, User.display_name, open_count)
        .join(CommunityThread, col(CommunityThread.id) == col(CommunityPost.thread_id))
        .join(User, col(User.id) == col(CommunityPost.author_id))
        .where(
            within_reach(reach),
            col(CommunityThread.deleted_at).is_(None),
            col(CommunityPost.deleted_at).is_(None),
            or_(open_count > 0, col(CommunityPost.hidden_at).is_not(None)),
        )
        .order_by(open_count.desc(), col(CommunityPost.created_at).desc())
        .limit(200)
    )
    if course_slug:
        statement = statement.where(CommunityThread.course_slug == course_slug)
    rows = session.exec(statement).all()
    post_ids = [id_of(post) for post, *_ in rows]
    notes: dict[int, list[str]] = {}
    if post_ids:
        for flag in session.exec(
            select(CommunityFlag)
            .where(
                col(CommunityFlag.post_id).in_(post_ids), col(CommunityFlag.resolved_at).is_(None)
            )
            .order_by(col(CommunityFlag.created_at))
        ):
            label = REASONS.get(flag.reason, flag.reason)
            notes.setdefault(flag.post_id, []).append(
                f"{label}: {flag.note}" if flag.note else label
            )
    return [
        QueueItem(
            post=post,
            thread=thread,
            author=name,
            scope=scope_label(session, thread=thread),
            open_flags=int(count or 0),
            reasons=notes.get(id_of(post), []),
            hidden_by_flags=post.hidden_at is not None and post.hidden_by_id is None,
        )
        for post, thread, name, count in rows
    ]


def open_flags_by_post(
    session: Session, *, thread_id: int
) -> dict[int, list[tuple[str, str, datetime]]]:
    """Open flags on a thread's posts: post id -> (reason label, note, when)."""
    found: dict[int, list[tuple[str, str, datetime]]] = {}
    for flag in session.exec(
        select(CommunityFlag)
        .join(CommunityPost, col(CommunityPost.id) == col(CommunityFlag.post_id))
        .where(CommunityPost.thread_id == thread_id, col(CommunityFlag.resolved_at).is_(None))
        .order_by(col(CommunityFlag.created_at))
    ):
        found.setdefault(flag.post_id, []).append(
            (REASONS.get(flag.reason, flag.reason), flag.note, flag.created_at)
        )
    return found
