"""Personal access tokens: create, list, revoke, and authenticate an API request.

A token never grants more than its owner's role allows *now*: the scopes a request may use
are the token's scopes that the owner's current role still permits, and the organization
scope is read from the owner's account on every request. Failed and excessive use is
counted in the database (as failed logins are), so every worker throttles alike.
Functions that write commit at their end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, literal, or_, update
from sqlmodel import Session, col, func, select

from app import tokens
from app.accounts import throttle
from app.accounts.credential_hooks import register_credentials_listener
from app.accounts.models import LoginFailure, Role, User
from app.accounts.permissions import Permission, can, role_can
from app.api.models import ApiToken
from app.config import Settings
from app.db import utcnow

TOKEN_PREFIX = "gw_"  # noqa: S105  (the format marker, not a secret)
NAME_MAX = 100
MAX_EXPIRY_DAYS = 3650
# scope -> (what it reads, the permission its holder needs; None: any account)
SCOPES: dict[str, tuple[str, Permission | None]] = {
    "read:me": ("your own enrollments and progress", None),
    "read:enrollments": (
        "enrollments of the learners in your organization scope",
        Permission.view_reports,
    ),
    "read:reports": ("staff reports for your organization scope", Permission.view_reports),
    "read:discussions": (
        "discussion threads and posts in your organization scope",
        Permission.facilitate,
    ),
    "admin:webhooks": ("webhook endpoints and deliveries", Permission.admin),
}


def role_may_hold(role: Role, scope: str) -> bool:
    """Whether an account of ``role`` may hold ``scope`` (through the permission policy)."""
    needed = SCOPES[scope][1]
    return needed is None or role_can(role, needed)


class TokenError(Exception):
    """A token that cannot be made or changed: ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class ApiAuthError(Exception):
    """An API request that is not let in: 401 (no valid token) or 429 (throttled)."""

    def __init__(self, status: int, detail: str, retry_after: int | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.retry_after = retry_after


@dataclass(frozen=True)
class ApiPrincipal:
    """Who an API request acts for, and the scopes it may use right now."""

    user: User
    token_id: int
    scopes: frozenset[str]


def allowed_scopes(role: Role) -> list[str]:
    """The scopes an account with ``role`` may hold, in display order."""
    return [name for name in SCOPES if role_may_hold(role, name)]


def create_token(
    session: Session,
    *,
    owner: User,
    name: str,
    scopes: list[str],
    expires_days: int | None,
    created_by: User,
) -> tuple[ApiToken, str]:
    """Make a token for ``owner``: (row, the token itself, shown once and never again)."""
    errors: dict[str, str] = {}
    clean_name = " ".join(name.split())
    if not clean_name:
        errors["name"] = "Give the token a name that says where it is used."
    elif len(clean_name) > NAME_MAX:
        errors["name"] = f"Use at most {NAME_MAX} characters for the name."
    wanted = sorted(set(scopes))
    unknown = [s for s in wanted if s not in SCOPES]
    if not wanted:
        errors["scopes"] = "Choose at least one scope."
    elif unknown:
        errors["scopes"] = f"Unknown scope {unknown[0]!r}; choose from {', '.join(SCOPES)}."
    else:
        beyond = [s for s in wanted if not role_may_hold(owner.role, s)]
        if beyond:
            errors["scopes"] = (
                f"A {owner.role} account cannot hold {', '.join(beyond)}; "
                f"it may hold {', '.join(allowed_scopes(owner.role))}."
            )
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        errors["expires_days"] = f"The expiry is a number of days from 1 to {MAX_EXPIRY_DAYS}."
    if created_by.id != owner.id and not can(created_by, Permission.admin):
        errors["owner"] = "Only admins make tokens for other accounts."
    if errors:
        raise TokenError(errors)
    assert owner.id is not None
    raw, raw_hash = tokens.new_token(prefix=TOKEN_PREFIX)
    token = ApiToken(
        user_id=owner.id,
        name=clean_name,
        token_hash=raw_hash,
        prefix=raw[:10],
        scopes=" ".join(wanted),
        created_by_id=created_by.id,
        expires_at=utcnow() + timedelta(days=expires_days) if expires_days else None,
    )
    session.add(token)
    session.commit()
    return token, raw


def tokens_of(session: Session, *, user_id: int) -> list[ApiToken]:
    """An account's tokens, newest first (revoked ones included, marked)."""
    return list(
        session.exec(
            select(ApiToken)
            .where(ApiToken.user_id == user_id)
            .order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc())
        )
    )


def revoke_token(session: Session, *, token_id: int, actor: User) -> ApiToken | None:
    """Revoke a token of ``actor`` (or any token, for an admin); None when there is none."""
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.id and not can(actor, Permission.admin)):
        return None
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        session.commit()
    return token


def revoke_all_tokens(session: Session, user_id: int) -> None:
    """Revoke every unrevoked token of ``user_id`` (not committed): a new password ends them."""
    session.exec(
        update(ApiToken)
        .where(col(ApiToken.user_id) == user_id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


register_credentials_listener("api-tokens", revoke_all_tokens)


def _failure_key(client_ip: str) -> str:
    return f"api-ip:{client_ip}"[:400]


def _throttled_for(session: Session, key: str, now: datetime, settings: Settings) -> int | None:
    """Seconds until ``key`` may try again, or None when it is not throttled."""
    window = timedelta(minutes=settings.login_window_minutes)
    count, oldest = session.exec(
        select(func.count(), func.min(LoginFailure.created_at)).where(
            LoginFailure.key == key, col(LoginFailure.created_at) >= now - window
        )
    ).one()
    if count < settings.login_max_failures or oldest is None:
        return None
    if oldest.tzinfo is None:  # func.min bypasses the column type on SQLite
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return max(1, math.ceil((oldest + window - now).total_seconds()))


def authenticate(session: Session, *, raw: str, client_ip: str, settings: Settings) -> ApiPrincipal:
    """The principal behind ``raw`` (a bearer token), counting its use; raises ApiAuthError.

    A valid token is limited only per token; only invalid attempts are counted and
    throttled per client address, so guessing from an address never locks out the valid
    tokens used from it. Run it in its own short write transaction: it commits the use or
    the failure.
    """
    now = utcnow()
    found = None
    if raw.startswith(TOKEN_PREFIX) and len(raw) < 200:
        found = session.exec(
            select(ApiToken, User)
            .join(User, col(User.id) == col(ApiToken.user_id))
            .where(ApiToken.token_hash == tokens.digest(raw))
        ).first()
    if found is None or not _usable(*found, now):
        key = _failure_key(client_ip)
        wait = _throttled_for(session, key, now, settings)
        if wait is not None:
            raise ApiAuthError(429, "Too many requests with invalid tokens from here.", wait)
        if raw:  # a token was presented and is wrong: count it (a missing one guesses nothing)
            throttle.record_failure(session, key=key, now=now, settings=settings)
            session.commit()
        raise ApiAuthError(401, "The access token is missing, unknown, expired or revoked.")
    token, user = found
    assert token.id is not None
    limit = settings.api_requests_per_minute
    count, started = _count_use(session, token.id, now)
    if count > limit:
        session.rollback()  # a refused request is not a use
        wait = max(1, math.ceil((started + timedelta(minutes=1) - now).total_seconds()))
        raise ApiAuthError(429, f"This token is limited to {limit} requests a minute.", wait)
    session.commit()
    usable = frozenset(s for s in token.scope_list if s in allowed_scopes(user.role))
    return ApiPrincipal(user=user, token_id=token.id, scopes=usable)


def _count_use(session: Session, token_id: int, now: datetime) -> tuple[int, datetime]:
    """Count one request against the token's window in one atomic UPDATE ... RETURNING.

    The database increments (or restarts) the window under the row's lock, so concurrent
    requests on any worker each see a distinct count. Returns (count, window start).
    """
    table = ApiToken.__table__  # type: ignore[attr-defined]
    started_col, count_col = table.c.window_started_at, table.c.window_count
    stamp = literal(now, type_=started_col.type)
    fresh = or_(started_col.is_(None), started_col <= now - timedelta(minutes=1))
    row = session.execute(
        update(table)
        .where(table.c.id == token_id)
        .values(
            window_started_at=case((fresh, stamp), else_=started_col),
            window_count=case((fresh, 1), else_=count_col + 1),
            last_used_at=stamp,
        )
        .returning(count_col, started_col)
    ).one()
    return int(row[0]), row[1]


def _usable(token: ApiToken, user: User, now: datetime) -> bool:
    """Unrevoked, unexpired, and made after the owner's last password change (tokens are
    revoked then too; this holds even where that listener was not registered)."""
    return (
        token.revoked_at is None
        and not _expired(token, now)
        and token.created_at >= user.password_changed_at
    )


def _expired(token: ApiToken, now: datetime) -> bool:
    return token.expires_at is not None and token.expires_at <= now
