"""Text posted after the login expired: kept under a random key (a browser cookie) until the
learner logs in again, then restored as their draft (``service.restore_parked``).

Text parked while an expired login's cookie was still sent belongs to that account alone.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, delete, select

from app import tokens
from app.accounts.models import User, UserSession
from app.db import utcnow
from app.reflections.models import ParkedReflection
from app.reflections.text import MAX_DRAFT_CHARS, clean_text

PARK_HOURS = 72
PARK_COOKIE = "gw_parked"


def park_text(
    session: Session,
    *,
    session_token: str | None,
    course_slug: str,
    activity_id: str,
    text: str,
    shared: bool,
) -> str:
    """Keep text posted without a live login; returns the random key for the browser cookie.

    ``session_token`` is the expired login's cookie, if the browser still sent it: the text
    then belongs to that account alone.
    """
    owner = None
    if session_token:
        owner = session.exec(
            select(UserSession.user_id).where(
                UserSession.token_hash == tokens.digest(session_token)
            )
        ).first()
    key, key_hash = tokens.new_token()
    now = utcnow()
    session.exec(delete(ParkedReflection).where(col(ParkedReflection.expires_at) <= now))
    session.add(
        ParkedReflection(
            key_hash=key_hash,
            owner_user_id=owner,
            course_slug=course_slug[:100],
            activity_stable_id=activity_id[:100],
            text=clean_text(text)[:MAX_DRAFT_CHARS],
            shared=shared,
            created_at=now,
            expires_at=now + timedelta(hours=PARK_HOURS),
        )
    )
    session.commit()
    return key


def find_parked(session: Session, *, user: User, key: str) -> ParkedReflection | None:
    """The unexpired parked text behind ``key``, unless another account's login parked it."""
    parked = session.exec(
        select(ParkedReflection).where(ParkedReflection.key_hash == tokens.digest(key))
    ).first()
    if parked is None or parked.expires_at <= utcnow():
        return None
    if parked.owner_user_id is not None and parked.owner_user_id != user.id:
        return None
    return parked


def parked_text(session: Session, *, user: User, key: str) -> str | None:
    """The parked text behind ``key`` when this user may read it (to copy it by hand)."""
    parked = find_parked(session, user=user, key=key)
    return parked.text if parked is not None else None
