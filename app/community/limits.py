"""Posting rate limits, counted from the database (issue 22; Discourse's trust level 0).

A **new member** (an account less than a day old, an email address not yet verified, or no
module completed in any course) may start 3 threads and write 10 replies in a day, with
30 seconds between posts. Everyone else may start 10 threads and write 60 replies an hour,
10 seconds apart. Staff and admins are not limited. The counts are the member's own
``CommunityPost`` rows, deleted ones included (deleting does not buy a new post), so every
worker process sees the same numbers and a restart forgets nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.community.models import CommunityPost
from app.db import id_of
from app.identity.service import is_verified
from app.learning.models import Enrollment, ModuleProgress


@dataclass(frozen=True)
class Limits:
    """How much one member may post."""

    threads: int
    replies: int
    window: timedelta
    window_words: str  # "in a day", "in an hour"
    gap: timedelta


NEW_MEMBER = Limits(3, 10, timedelta(days=1), "in your first day", timedelta(seconds=30))
MEMBER = Limits(10, 60, timedelta(hours=1), "in an hour", timedelta(seconds=10))
NEW_ACCOUNT_AGE = timedelta(days=1)


class RateLimited(Exception):
    """A post refused by a rate limit, with the sentence to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_new_member(session: Session, *, user: User, now: datetime) -> bool:
    """Young account, unverified email, or no completed module: the new-member limits."""
    if now - user.created_at < NEW_ACCOUNT_AGE or not is_verified(user):
        return True
    completed = session.exec(
        select(ModuleProgress.id)
        .join(Enrollment, col(Enrollment.id) == col(ModuleProgress.enrollment_id))
        .where(Enrollment.user_id == id_of(user), col(ModuleProgress.completed_at).is_not(None))
        .limit(1)
    ).first()
    return completed is None


def limits_for(session: Session, *, user: User, now: datetime) -> Limits:
    """The limits that apply to this member now."""
    return NEW_MEMBER if is_new_member(session, user=user, now=now) else MEMBER


def check_rate(session: Session, *, user: User, opening: bool, now: datetime) -> None:
    """Raise RateLimited if this member may not post a thread (``opening``) or reply now."""
    limits = limits_for(session, user=user, now=now)
    since = now - limits.window
    rows = session.exec(
        select(
            func.count(col(CommunityPost.id)).filter(col(CommunityPost.is_opening).is_(True)),
            func.count(col(CommunityPost.id)).filter(col(CommunityPost.is_opening).is_(False)),
            func.max(CommunityPost.created_at),
        ).where(CommunityPost.author_id == id_of(user), col(CommunityPost.created_at) >= since)
    ).one()
    threads, replies, latest = rows
    if opening and threads >= limits.threads:
        raise RateLimited(
            f"You have started {threads} threads {limits.window_words}, the most a member "
            f"{'new to the community ' if limits is NEW_MEMBER else ''}may start. Your text is "
            "kept below: copy it, or post it again later."
        )
    if not opening and replies >= limits.replies:
        raise RateLimited(
            f"You have written {replies} replies {limits.window_words}, the most a member "
            f"{'new to the community ' if limits is NEW_MEMBER else ''}may write. Your text is "
            "kept below: copy it, or post it again later."
        )
    if latest is not None and now - latest < limits.gap:
        wait = int((limits.gap - (now - latest)).total_seconds()) + 1
        raise RateLimited(
            f"You posted a moment ago. Please wait {wait} seconds before posting again; "
            "your text is kept below."
        )
