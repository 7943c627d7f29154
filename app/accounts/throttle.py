"""Failed logins and invalid API tokens, counted per key in ``login_failure``.

Rows matter only inside the window (GROUNDWORK_LOGIN_WINDOW_MINUTES): every recorded
failure also deletes the rows that have left it, so the table holds one window's worth of
failures at most, however long the site runs (no separate clean-up job to forget).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, col, delete

from app.accounts.models import LoginFailure
from app.config import Settings


def record_failure(session: Session, *, key: str, now: datetime, settings: Settings) -> None:
    """Count one failure for ``key`` and prune every key's expired failures (not committed)."""
    window = timedelta(minutes=settings.login_window_minutes)
    session.exec(delete(LoginFailure).where(col(LoginFailure.created_at) < now - window))
    session.add(LoginFailure(key=key, created_at=now))
