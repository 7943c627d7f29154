"""Server-side login sessions: the cookie holds an opaque token, the DB its SHA-256."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import Engine, bindparam
from sqlmodel import Session, col, delete, select

from app import tokens
from app.accounts.models import User, UserSession
from app.config import Settings
from app.db import id_of, utcnow, write_session
from app.security.cookies import set_cookie

log = logging.getLogger("groundwork.accounts")

SESSION_COOKIE = "gw_session"
# Sliding expiry is renewed at most this often, so reading a page rarely writes.
_TOUCH_EVERY = timedelta(hours=1)


def start_session(session: Session, *, user: User, days: int) -> str:
    """A new login for ``user`` lasting ``days``; returns the cookie token (not committed)."""
    token, token_hash = tokens.new_token()
    now = utcnow()
    session.add(
        UserSession(
            token_hash=token_hash,
            user_id=id_of(user),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    return token


def set_login_cookie(response: object, token: str, *, settings: Settings) -> None:
    """Put a login's token in the session cookie of ``response``."""
    set_cookie(
        response,
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86400,
        secure=settings.secure_cookies,
    )


# Built once: every request with a login runs it.
_BY_TOKEN = (
    select(UserSession, User)
    .join(User, col(User.id) == col(UserSession.user_id))
    .where(UserSession.token_hash == bindparam("token_hash"))
)


def resolve_session(session: Session, *, token: str, days: int) -> tuple[UserSession, User] | None:
    """The live session and user behind a cookie token, renewing its expiry (to ``days``
    from now) when due."""
    row = session.exec(_BY_TOKEN, params={"token_hash": tokens.digest(token)}).first()
    if row is None:
        return None
    login, user = row
    now = utcnow()
    if login.expires_at <= now:
        return None
    if now - login.last_seen_at > _TOUCH_EVERY:
        _touch(session, id_of(login), days)
    return login, user


def _touch(session: Session, session_id: int, days: int) -> None:
    engine = session.get_bind()
    if engine.get_execution_options().get("sqlite_immediate"):
        # A write request's session already holds SQLite's write lock: a second write
        # session would wait for it until "database is locked". Renew in this one; the
        # request's commit saves it.
        login = session.get(UserSession, session_id)
        if login is not None:
            login.last_seen_at = utcnow()
            login.expires_at = login.last_seen_at + timedelta(days=days)
            session.add(login)
        return
    # A separate short write transaction, off the request's path: a read request's session
    # is a snapshot, and a SQLite read runs on the event loop, which must never wait for the
    # write lock. Renewal is best effort: the next request an hour on tries again.
    _renewals.submit(_renew, engine, session_id, days)  # type: ignore[arg-type]


_renewals = ThreadPoolExecutor(max_workers=1, thread_name_prefix="groundwork-session-renewal")


def _renew(engine: Engine, session_id: int, days: int) -> None:
    try:
        with write_session(engine=engine) as db:
            login = db.get(UserSession, session_id)
            if login is not None:
                login.last_seen_at = utcnow()
                login.expires_at = login.last_seen_at + timedelta(days=days)
                db.add(login)
                db.commit()
    except Exception:
        log.warning("Could not renew login session %s", session_id, exc_info=True)


def end_session(session: Session, *, token: str) -> None:
    """Delete the login behind ``token`` (not committed)."""
    session.exec(delete(UserSession).where(col(UserSession.token_hash) == tokens.digest(token)))


def end_other_sessions(session: Session, *, user_id: int, keep_token: str | None) -> None:
    """Delete every login of ``user_id`` except the one behind ``keep_token`` (not committed)."""
    stmt = delete(UserSession).where(col(UserSession.user_id) == user_id)
    if keep_token:
        stmt = stmt.where(col(UserSession.token_hash) != tokens.digest(keep_token))
    session.exec(stmt)
