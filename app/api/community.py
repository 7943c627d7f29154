"""Discussions for staff tokens (scope read:discussions): threads and their posts, limited to
the token owner's reach (``app.community.scopes``); another scope's thread is a 404."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.community import moderation
from app.community.models import CommunityPost, CommunityThread
from app.community.scopes import scope_label, staff_reach, within_reach
from app.db import id_of

MAX_PAGE = 200


class ThreadOut(BaseModel):
    id: int
    course: str
    module_id: str
    prompt_id: str | None
    scope_kind: str = Field(description="cohort, organization or course")
    scope: str = Field(description="The cohort's or organization's name, or Course community")
    organization_id: int | None
    title: str
    author_id: int
    author: str
    anonymous: bool = Field(description="Anonymous to peers (staff still see who)")
    pinned: bool
    locked: bool
    hidden: bool
    replies: int = Field(description="Replies not deleted (hidden ones included)")
    created_at: datetime
    last_posted_at: datetime


class ThreadPage(BaseModel):
    data: list[ThreadOut]
    next_after: int | None = Field(
        description="Pass as `after` for the next page; null on the last page."
    )


class PostOut(BaseModel):
    id: int
    author_id: int
    author: str
    anonymous: bool
    opening: bool
    body: str | None = Field(description="Markdown as written; null when deleted")
    deleted: bool
    hidden: bool
    hidden_reason: str | None
    endorsed: bool
    created_at: datetime
    edited_at: datetime | None


class ThreadDetail(ThreadOut):
    posts: list[PostOut]


class NotFound(Exception):
    """No such thread, course or module in the token owner's reach."""


def _thread_out(session: Session, thread: CommunityThread, author: str, replies: int) -> ThreadOut:
    return ThreadOut(
        id=id_of(thread),
        course=thread.course_slug,
        module_id=thread.module_id,
        prompt_id=thread.prompt_id,
        scope_kind=thread.scope_kind,
        scope=scope_label(session, thread=thread),
        organization_id=thread.organization_id,
        title=thread.title,
        author_id=thread.author_id,
        author=author,
        anonymous=thread.anonymous,
        pinned=thread.pinned,
        locked=thread.locked,
        hidden=thread.hidden_at is not None,
        replies=replies,
        created_at=thread.created_at,
        last_posted_at=thread.last_posted_at,
    )


def list_threads(
    session: Session,
    *,
    staff: User,
    course: str | None,
    module: str | None,
    after: int | None,
    limit: int,
) -> ThreadPage:
    """Threads in the staff member's reach, oldest first, ``limit`` at a time after ``after``."""
    reach = staff_reach(staff)
    reply = aliased(CommunityPost)
    replies = (
        select(func.count(col(reply.id)))
        .where(
            reply.thread_id == CommunityThread.id,
            col(reply.is_opening).is_(False),
            col(reply.deleted_at).is_(None),
        )
        .correlate(CommunityThread)
        .scalar_subquery()
    )
    statement = (
        select(CommunityThread, User.display_name, replies)
        .join(User, col(User.id) == col(CommunityThread.author_id))
        .where(within_reach(reach), col(CommunityThread.deleted_at).is_(None))
        .order_by(col(CommunityThread.id))
        .limit(limit + 1)
    )
    if course is not None:
        statement = statement.where(CommunityThread.course_slug == course)
    if module is not None:
        statement = statement.where(CommunityThread.module_id == module)
    if after is not None:
        statement = statement.where(col(CommunityThread.id) > after)
    rows = session.exec(statement).all()
    data = [_thread_out(session, t, name, int(n or 0)) for t, name, n in rows[:limit]]
    return ThreadPage(data=data, next_after=data[-1].id if len(rows) > limit and data else None)


def thread_detail(session: Session, *, staff: User, thread_id: int) -> ThreadDetail:
    """One thread in reach with every post (hidden ones too; deleted ones without text)."""
    try:
        thread = moderation.staff_thread(session, staff=staff, thread_id=thread_id)
    except moderation.NotFound as exc:
        raise NotFound from exc
    rows = session.exec(
        select(CommunityPost, User.display_name)
        .join(User, col(User.id) == col(CommunityPost.author_id))
        .where(CommunityPost.thread_id == thread_id)
        .order_by(col(CommunityPost.created_at), col(CommunityPost.id))
    ).all()
    posts = [
        PostOut(
            id=id_of(post),
            author_id=post.author_id,
            author=name,
            anonymous=post.anonymous,
            opening=post.is_opening,
            body=None if post.deleted_at is not None else post.body,
            deleted=post.deleted_at is not None,
            hidden=post.hidden_at is not None,
            hidden_reason=post.hidden_reason,
            endorsed=post.endorsed_at is not None,
            created_at=post.created_at,
            edited_at=post.edited_at,
        )
        for post, name in rows
    ]
    opening = next((p for p in posts if p.opening), None)
    if opening is None:
        raise NotFound
    replies = sum(1 for p in posts if not p.opening and not p.deleted)
    base = _thread_out(session, thread, opening.author, replies)
    return ThreadDetail(**base.model_dump(), posts=posts)
