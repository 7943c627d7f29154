"""Searching a course's discussions: titles and bodies, only in the searcher's view (issue 22).

Threads are filtered by ``scopes.visibility`` (another scope's thread is never found);
deleted posts are never found; hidden posts and threads are found only by staff within
reach (peers do not see them anywhere). Every word typed must appear in the post or in
its thread's title (case-insensitive, as plain substrings: ``%`` and ``_`` are literal).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.community.models import CommunityPost, CommunityThread
from app.community.scopes import Viewer, visibility, within_reach

QUERY_MAX = 200
MAX_WORDS = 8
MAX_THREADS = 50
ANONYMOUS_LABEL = "Anonymous educator"


@dataclass(frozen=True)
class SearchHit:
    thread: CommunityThread
    post: CommunityPost  # the best matching post: the opening one if it matches
    author: str
    snippet: str
    when: datetime


def words_of(query: str) -> list[str]:
    """The words to look for: at most ``MAX_WORDS``, from at most ``QUERY_MAX`` characters."""
    text = "".join(ch for ch in query[:QUERY_MAX] if ch.isprintable())
    words: list[str] = []
    for word in text.split():
        if word.casefold() not in (w.casefold() for w in words):
            words.append(word)
    return words[:MAX_WORDS]


def _snippet(body: str, words: list[str], width: int = 220) -> str:
    text = " ".join(body.split())
    lowered = text.casefold()
    hits = [lowered.find(w.casefold()) for w in words]
    start = min((h for h in hits if h >= 0), default=0)
    start = max(0, start - width // 4)
    piece = text[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def _author(viewer: Viewer, post: CommunityPost, name: str) -> str:
    if not post.anonymous:
        return name
    if post.author_id == viewer.user_id:
        return f"{name} (you, anonymous to peers)"
    return f"{name} (anonymous to peers)" if viewer.is_staff else ANONYMOUS_LABEL


def search(session: Session, *, viewer: Viewer, query: str) -> list[SearchHit]:
    """Threads of the course the viewer may read whose title or posts hold every word,
    newest activity first (at most ``MAX_THREADS``)."""
    words = words_of(query)
    if not words:
        return []
    staff_ok = within_reach(viewer.reach)
    title = func.lower(col(CommunityThread.title))
    body = func.lower(col(CommunityPost.body))
    matches = [
        or_(
            title.contains(w.lower(), autoescape=True),
            body.contains(w.lower(), autoescape=True),
        )
        for w in words
    ]
    statement = (
        select(CommunityPost, CommunityThread, User.display_name)
        .join(CommunityThread, col(CommunityThread.id) == col(CommunityPost.thread_id))
        .join(User, col(User.id) == col(CommunityPost.author_id))
        .where(
            visibility(viewer),
            col(CommunityPost.deleted_at).is_(None),
            or_(col(CommunityPost.hidden_at).is_(None), staff_ok),
            or_(col(CommunityThread.hidden_at).is_(None), staff_ok),
            *matches,
        )
        .order_by(
            col(CommunityThread.last_posted_at).desc(),
            col(CommunityThread.id).desc(),
            col(CommunityPost.is_opening).desc(),
            col(CommunityPost.created_at),
        )
        .limit(MAX_THREADS * 20)
    )
    hits: dict[int, SearchHit] = {}
    for post, thread, name in session.exec(statement):
        if thread.id in hits or thread.id is None:
            continue
        hits[thread.id] = SearchHit(
            thread=thread,
            post=post,
            author=_author(viewer, post, name),
            snippet=_snippet(post.body, words),
            when=post.created_at,
        )
        if len(hits) == MAX_THREADS:
            break
    return list(hits.values())
