"""Server-side login sessions: the cookie holds an opaque token, the DB its SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import bindparam
from sqlmodel import Session, col, delete, select

from app.accounts.models import User, UserSession
from app.config import get_settings
from app.db import utcnow, write_session

SESSION_COOKIE = "gw_session"
# Sliding expiry is renewed at most this often, so reading a page rarely writes.
_TOUCH_EVERY = timedelta(hours=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, *, user: User) -> str:
    """A new login for ``user``; returns the cookie token (not committed)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    days = get_settings().session_days
    session.add(
        UserSession(
            token_hash=hash_token(token),
            user_id=user.id or 0,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    return token


# Built once: every request with a login runs it.
_BY_TOKEN = (
    select(UserSession, User)
    .join(User, col(User.id) == col(UserSession.user_id))
    .where(UserSession.token_hash == bindparam("token_hash"))
)


def resolve_session(session: Session, *, token: str) -> tuple[UserSession, User] | None:
    """The live session and user behind a cookie token, renewing its expiry when due."""
    row = session.exec(_BY_TOKEN, params={"token_hash": hash_token(token)}).first()
    if row is None:
        return None
    login, user = row
    now = utcnow()
    if login.expires_at <= now:
        return None
    if now - login.last_seen_at > _TOUCH_EVERY:
        _touch(session, login.id or 0)
    return login, user


def _touch(session: Session, session_id: int) -> None:
    # A separate short write transaction: the request's own may be a read-only snapshot.
    days = get_settings().session_days
    engine = session.get_bind()
    with write_session(engine=engine) as db:  # type: ignore[arg-type]
        login = db.get(UserSession, session_id)
        if login is not None:
            login.last_seen_at = utcnow()
            login.expires_at = login.last_seen_at + timedelta(days=days)
            db.add(login)
            db.commit()


def end_session(session: Session, *, token: str) -> None:
    """Delete the login behind ``token`` (not committed)."""
    session.exec(delete(UserSession).where(col(UserSession.token_hash) == hash_token(token)))


def end_other_sessions(session: Session, *, user_id: int, keep_token: str | None) -> None:
    """Delete every login of ``user_id`` except the one behind ``keep_token`` (not committed)."""
    stmt = delete(UserSession).where(col(UserSession.user_id) == user_id)
    if keep_token:
        stmt = stmt.where(col(UserSession.token_hash) != hash_token(keep_token))
    session.exec(stmt)
