"""Editing and deleting one's own post, and reading a post's history (issue 22).

Edits keep every replaced version as a ``CommunityPostRevision``; deletion is soft
("[deleted]" shows in place). Posts are reached only through threads the viewer may read
(``scopes.visible_thread``): another scope's post is ``NotFound``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.community.models import CommunityPost, CommunityPostRevision, CommunityThread
from app.community.scopes import Viewer, visible_thread
from app.community.service import DELETED, NotFound, PostForm, PostRefused, PostView, post_view
from app.community.text import body_error, clean_body, clean_title, render_post, title_error
from app.db import utcnow


def own_post(
    session: Session, *, viewer: Viewer, post_id: int
) -> tuple[CommunityThread, CommunityPost]:
    """The viewer's own, not deleted post in a thread they may read; NotFound otherwise."""
    post = session.get(CommunityPost, post_id)
    if post is None or post.author_id != viewer.user_id or post.deleted_at is not None:
        raise NotFound
    thread = visible_thread(session, viewer=viewer, thread_id=post.thread_id)
    if thread is None:
        raise NotFound
    return thread, post


def edit_post(session: Session, *, viewer: Viewer, post_id: int, form: PostForm) -> CommunityPost:
    """Replace the text of the viewer's own post, keeping the old version in its history."""
    thread, post = own_post(session, viewer=viewer, post_id=post_id)
    errors: dict[str, str] = {}
    if post.is_opening:
        form.title = clean_title(form.title)
        problem = title_error(form.title)
        if problem:
            errors["title"] = problem
    form.body = clean_body(form.body)
    problem = body_error(form.body)
    if problem:
        errors["body"] = problem
    if errors:
        raise PostRefused(errors)
    if form.body == post.body and (not post.is_opening or form.title == thread.title):
        return post
    number = session.exec(
        select(func.count(col(CommunityPostRevision.id))).where(
            CommunityPostRevision.post_id == post_id
        )
    ).one()
    session.add(
        CommunityPostRevision(
            post_id=post_id,
            number=int(number) + 1,
            title=thread.title if post.is_opening else None,
            body=post.body,
            written_at=post.edited_at or post.created_at,
        )
    )
    post.body = form.body
    post.edited_at = utcnow()
    session.add(post)
    if post.is_opening:
        thread.title = form.title
        session.add(thread)
    session.commit()
    return post


def delete_post(session: Session, *, viewer: Viewer, post_id: int) -> CommunityThread:
    """Soft-delete the viewer's own post: "[deleted]" shows in its place. Deleting the
    opening post takes the thread's title away too, from lists, search, notifications and
    digests alike (the last title stays in the post's history, which staff read)."""
    thread, post = own_post(session, viewer=viewer, post_id=post_id)
    now = utcnow()
    post.deleted_at = now
    session.add(post)
    if post.is_opening and thread.title != DELETED:
        number = len(
            session.exec(
                select(CommunityPostRevision.id).where(CommunityPostRevision.post_id == post_id)
            ).all()
        )
        session.add(
            CommunityPostRevision(
                post_id=post_id,
                number=number + 1,
                title=thread.title,
                body=post.body,
                written_at=post.edited_at or post.created_at,
                replaced_at=now,
            )
        )
        thread.title = DELETED
        session.add(thread)
    session.commit()
    return thread


@dataclass(frozen=True)
class HistoryEntry:
    number: int
    title: str | None
    html: Markup
    written_at: datetime


def post_history(
    session: Session, *, viewer: Viewer, post_id: int
) -> tuple[CommunityThread, PostView, list[HistoryEntry]]:
    """A post's earlier versions, oldest first: for its author and staff only, so an edit
    that takes out an identifying detail really takes it out of what peers can read."""
    post = session.get(CommunityPost, post_id)
    if post is None:
        raise NotFound
    thread = visible_thread(session, viewer=viewer, thread_id=post.thread_id)
    if thread is None or post.deleted_at is not None:
        raise NotFound
    if post.author_id != viewer.user_id and not viewer.is_staff:
        raise NotFound
    author = session.get(User, post.author_id)
    rows = session.exec(
        select(CommunityPostRevision)
        .where(CommunityPostRevision.post_id == post_id)
        .order_by(col(CommunityPostRevision.number))
    ).all()
    view = post_view(viewer, post, author.display_name if author else "", len(rows))
    entries = [HistoryEntry(r.number, r.title, render_post(r.body), r.written_at) for r in rows]
    return thread, view, entries
