"""Email preferences: the kinds of email Groundwork sends, each user's choices, and the
signed one-click unsubscribe token (RFC 8058) naming a user and a kind.

``EMAIL_KINDS`` is the one list of kinds: the settings page, the unsubscribe page and the
senders all read it, so a new kind (community digests, say) is one entry here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from pydantic import SecretStr
from sqlmodel import Session, select

from app.accounts.models import User
from app.accounts.permissions import Permission, can
from app.db import id_of
from app.notifications.models import NotificationSetting
from app.signing import Signer


@dataclass(frozen=True)
class EmailKind:
    """A kind of email a user can turn off."""

    key: str
    label: str
    description: str
    default: bool = True
    permission: Permission | None = None  # who gets this kind (None: everyone)

    def applies_to(self, user: User) -> bool:
        return self.permission is None or can(user, self.permission)


DUE_REMINDER = EmailKind(
    "due_reminder",
    "Due-date reminders",
    "A reminder a few days before work assigned to your cohort is due.",
)
OVERDUE_NOTICE = EmailKind(
    "overdue_notice",
    "Overdue notices",
    "One email when assigned work is past its due date.",
)
INQUIRY_NOTICE = EmailKind(
    "inquiry_notice",
    "District inquiries",
    "An email when someone asks, on the public form, about bringing Groundwork to a district.",
    permission=Permission.admin,
)
COMMUNITY_REPLIES = EmailKind(
    "community_replies",
    "Discussion replies, as they happen",
    "An email within a few minutes when someone replies to your discussion thread or after "
    "your post.",
    default=False,
)
COMMUNITY_DIGEST = EmailKind(
    "community_digest",
    "Discussion digest",
    "One email a week (or a day, if you choose) listing what happened in your discussions "
    "that you have not read yet.",
)
EMAIL_KINDS: dict[str, EmailKind] = {
    k.key: k
    for k in (
        DUE_REMINDER,
        OVERDUE_NOTICE,
        INQUIRY_NOTICE,
        COMMUNITY_REPLIES,
        COMMUNITY_DIGEST,
    )
}


@dataclass(frozen=True)
class Choice:
    """One kind of email and whether this user gets it."""

    kind: EmailKind
    enabled: bool


def choices(session: Session, *, user: User) -> list[Choice]:
    """Every kind of email this user can get, with their choice (or the kind's default)."""
    stored = {
        row.kind: row.enabled
        for row in session.exec(
            select(NotificationSetting).where(NotificationSetting.user_id == user.id)
        )
    }
    return [
        Choice(kind, stored.get(key, kind.default))
        for key, kind in EMAIL_KINDS.items()
        if kind.applies_to(user)
    ]


def wants(session: Session, *, user_ids: Collection[int], kind: str) -> set[int]:
    """Which of these users get this kind of email."""
    default = EMAIL_KINDS[kind].default
    stored = dict(
        session.exec(
            select(NotificationSetting.user_id, NotificationSetting.enabled).where(
                NotificationSetting.kind == kind,
                NotificationSetting.user_id.in_(list(user_ids)),  # type: ignore[attr-defined]
            )
        ).all()
    )
    return {u for u in user_ids if stored.get(u, default)}


def _set(session: Session, *, user_id: int, kind: str, enabled: bool) -> None:
    row = session.exec(
        select(NotificationSetting).where(
            NotificationSetting.user_id == user_id, NotificationSetting.kind == kind
        )
    ).first()
    if row is None:
        row = NotificationSetting(user_id=user_id, kind=kind, enabled=enabled)
    row.enabled = enabled
    session.add(row)


def save_choices(session: Session, *, user: User, enabled: Collection[str]) -> None:
    """Turn on the kinds in ``enabled`` and off every other kind the user can get; commits."""
    for key, kind in EMAIL_KINDS.items():
        if kind.applies_to(user):
            _set(session, user_id=id_of(user), kind=key, enabled=key in enabled)
    session.commit()


def unsubscribe(session: Session, *, user_id: int, kind: str) -> bool:
    """Turn one kind of email off for the user; commits. False: no such user (any more)."""
    if session.get(User, user_id) is None:
        return False
    _set(session, user_id=user_id, kind=kind, enabled=False)
    session.commit()
    return True


def unsubscribe_token(secret: SecretStr, *, user_id: int, kind: str) -> str:
    """A signed token naming the user and the kind, for one-click unsubscribe links."""
    return Signer(secret, "unsubscribe").sign(f"{user_id}:{kind}".encode())


def unsubscribe_url(*, base_url: str, secret: SecretStr, user_id: int, kind: str) -> str:
    """The one-click unsubscribe address of one user and kind."""
    token = unsubscribe_token(secret, user_id=user_id, kind=kind)
    return f"{base_url.rstrip('/')}/unsubscribe/{token}"


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 8058 headers: mail programs show "Unsubscribe" and POST to ``url`` in one click."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def read_unsubscribe_token(secret: SecretStr, token: str) -> tuple[int, EmailKind] | None:
    """(user id, kind) of a valid token; None when forged, malformed or of another purpose."""
    payload = Signer(secret, "unsubscribe").unsign(token)
    if payload is None:
        return None
    user_text, _, key = payload.decode(errors="replace").partition(":")
    valid_id = user_text.isdecimal() and len(user_text) <= 10
    if not valid_id or key not in EMAIL_KINDS:
        return None
    return int(user_text), EMAIL_KINDS[key]
