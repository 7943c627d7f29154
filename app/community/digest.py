"""Community emails, sent by ``groundwork worker`` (issue 22): immediate reply emails and the
daily or weekly digest.

- **Immediate replies** (``community_replies``, off by default): each reply notice not yet
  emailed goes in its own email on the worker's next round. A notice is claimed with a
  conditional UPDATE (``emailed_at IS NULL``) in the transaction that queues the email, so
  two workers never send it twice.
- **Digest** (``community_digest``, on by default; ``CommunityDigest.period`` is ``weekly``
  unless the member chose ``daily``): in the first round of a period (a UTC day, or a week
  from Monday), the member's unread notices from before the period began, not yet emailed,
  go in one email. The period is claimed with a conditional UPDATE of
  ``last_period_start`` (``IS NULL OR < :start``), so a person gets at most one digest per
  period however many workers run.
- Never to an unverified address, never about a thread the member can no longer read, nor
  a post deleted or hidden since. Every email carries the one-click unsubscribe of its kind
  (``app.notifications``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts import mail
from app.accounts.models import OutboxEmail, User
from app.community import notify
from app.community.models import CommunityDigest, CommunityNotification
from app.config import Settings
from app.db import day_start, id_of, write_session
from app.notifications import service as notifications

log = logging.getLogger("groundwork.community")
INTERVAL_SECONDS = 300.0
DAILY = "daily"
WEEKLY = "weekly"
PERIODS = {DAILY: "Once a day", WEEKLY: "Once a week (Monday)"}
DIGEST_LIMIT = 50  # notices listed in one email; the rest are one click away


def period_start(period: str, today: date) -> date:
    """The first day of the period holding ``today``: itself, or that week's Monday."""
    return today if period == DAILY else today - timedelta(days=today.weekday())


def digest_choice(session: Session, *, user_id: int) -> CommunityDigest | None:
    return session.exec(select(CommunityDigest).where(CommunityDigest.user_id == user_id)).first()


def period_of(session: Session, *, user_id: int) -> str:
    """The member's digest period: ``weekly`` unless they chose ``daily``."""
    row = digest_choice(session, user_id=user_id)
    return DAILY if row is not None and row.period == DAILY else WEEKLY


def set_period(session: Session, *, user_id: int, period: str) -> None:
    """Save the member's digest period (not committed); ValueError for an unknown one."""
    if period not in PERIODS:
        raise ValueError(period)
    row = digest_choice(session, user_id=user_id) or CommunityDigest(user_id=user_id)
    row.period = period
    session.add(row)


def _url(settings: Settings, path: str) -> str:
    return f"{settings.base_url.rstrip('/')}{path}"


def _footer(settings: Settings, *, user_id: int, kind: notifications.EmailKind) -> tuple[str, str]:
    url = notifications.unsubscribe_url(
        base_url=settings.base_url, secret=settings.secret_key, user_id=user_id, kind=kind.key
    )
    text = (
        f"\nTo stop {kind.label.lower()}, open {url}\n"
        f"To choose which emails you get: {_url(settings, '/account/notifications')}\n"
    )
    return text, url


def _queue(
    session: Session,
    *,
    settings: Settings,
    user: User,
    kind: notifications.EmailKind,
    subject: str,
    text: str,
) -> OutboxEmail:
    footer, url = _footer(settings, user_id=id_of(user), kind=kind)
    return mail.queue_email(
        session,
        to=user.email,
        subject=subject,
        body=f"Hello {user.display_name},\n\n{text}{footer}",
        headers=notifications.unsubscribe_headers(url),
    )


def _deliver(session: Session, settings: Settings, message: OutboxEmail) -> None:
    if not settings.smtp_url:
        return
    try:
        mail.deliver(session, settings=settings, message=message)
    except mail.MailError as exc:
        log.warning("Community email kept in the outbox for `groundwork mail retry`: %s", exc)


def _verified(session: Session, user_ids: set[int]) -> dict[int, User]:
    if not user_ids:
        return {}
    statement = select(User).where(
        col(User.id).in_(user_ids), col(User.email_verified_at).is_not(None)
    )
    return {id_of(u): u for u in session.exec(statement)}


def _claim_notices(session: Session, ids: list[int], now: datetime) -> bool:
    """Mark the notices emailed; False when another worker already had any of them."""
    result = session.execute(
        update(CommunityNotification)
        .where(
            col(CommunityNotification.id).in_(ids), col(CommunityNotification.emailed_at).is_(None)
        )
        .values(emailed_at=now)
    )
    return int(result.rowcount or 0) == len(ids)  # type: ignore[attr-defined]


# -------------------------------------------------------------------- immediate replies


def send_immediate(session: Session, *, settings: Settings, now: datetime) -> int:
    """Email each reply notice not yet emailed to members who asked for immediate replies."""
    pending = list(
        session.exec(
            select(CommunityNotification).where(
                col(CommunityNotification.kind).in_(notify.REPLY_KINDS),
                col(CommunityNotification.emailed_at).is_(None),
                col(CommunityNotification.read_at).is_(None),
                col(CommunityNotification.created_at) <= now,
            )
        )
    )
    recipients = {n.recipient_id for n in pending}
    takers = notifications.wants(
        session, user_ids=recipients, kind=notifications.COMMUNITY_REPLIES.key
    )
    users = _verified(session, takers)
    sent = 0
    for notice in pending:
        user = users.get(notice.recipient_id)
        if user is None:
            continue
        found = notify.views(session, user=user, notices=[notice])
        if not found or found[0].post_gone:
            continue
        view = found[0]
        if not _claim_notices(session, [id_of(notice)], now):
            session.rollback()
            continue
        message = _queue(
            session,
            settings=settings,
            user=user,
            kind=notifications.COMMUNITY_REPLIES,
            subject=f"{view.sentence}: {view.thread.title}",
            text=(
                f"{view.sentence}, “{view.thread.title}”.\n\n"
                f"Read it: {_url(settings, notify.thread_path(view))}\n"
            ),
        )
        session.commit()
        _deliver(session, settings, message)
        sent += 1
    session.commit()
    return sent


# ------------------------------------------------------------------------------ digest


@dataclass(frozen=True)
class _Due:
    user: User
    start: date
    notices: list[CommunityNotification]


def _digest_due(session: Session, *, now: datetime) -> list[_Due]:
    """Members whose digest period has not been claimed yet and who have notices for it."""
    today = now.date()
    unread = list(
        session.exec(
            select(CommunityNotification)
            .where(
                col(CommunityNotification.emailed_at).is_(None),
                col(CommunityNotification.read_at).is_(None),
                col(CommunityNotification.created_at) < day_start(today),
            )
            .order_by(col(CommunityNotification.created_at).desc())
        )
    )
    recipients = {n.recipient_id for n in unread}
    takers = notifications.wants(
        session, user_ids=recipients, kind=notifications.COMMUNITY_DIGEST.key
    )
    users = _verified(session, takers)
    rows = {
        r.user_id: r
        for r in session.exec(
            select(CommunityDigest).where(col(CommunityDigest.user_id).in_(list(users)))
        )
    }
    due = []
    for user_id, user in users.items():
        row = rows.get(user_id)
        period = DAILY if row is not None and row.period == DAILY else WEEKLY
        start = period_start(period, today)
        if row is not None and row.last_period_start is not None and row.last_period_start >= start:
            continue
        mine = [n for n in unread if n.recipient_id == user_id and n.created_at < day_start(start)]
        if mine:
            due.append(_Due(user=user, start=start, notices=mine))
    return due


def _ensure_row(session: Session, user_id: int) -> None:
    if digest_choice(session, user_id=user_id) is not None:
        return
    session.add(CommunityDigest(user_id=user_id))
    try:
        session.commit()
    except IntegrityError:  # another worker made it first
        session.rollback()


def _claim_period(session: Session, *, user_id: int, start: date, now: datetime) -> bool:
    result = session.execute(
        update(CommunityDigest)
        .where(
            col(CommunityDigest.user_id) == user_id,
            or_(
                col(CommunityDigest.last_period_start).is_(None),
                col(CommunityDigest.last_period_start) < start,
            ),
        )
        .values(last_period_start=start, last_sent_at=now)
    )
    return int(result.rowcount or 0) == 1  # type: ignore[attr-defined]


def _digest_text(settings: Settings, views: list[notify.NoticeView]) -> str:
    lines = ["Here is what happened in your discussions that you have not read yet:\n"]
    for view in views[:DIGEST_LIMIT]:
        link = _url(settings, notify.thread_path(view))
        lines.append(f"- {view.sentence}, “{view.thread.title}”\n  {link}")
    if len(views) > DIGEST_LIMIT:
        lines.append(f"\n… and {len(views) - DIGEST_LIMIT} more.")
    lines.append(f"\nAll your notifications: {_url(settings, '/community/notifications')}")
    lines.append(
        f"Choose daily or weekly: {_url(settings, '/community/notifications#email-choice')}\n"
    )
    return "\n".join(lines)


def send_digests(session: Session, *, settings: Settings, now: datetime) -> int:
    """Send each member's digest for the current period, once; returns how many went.

    Everything is read first and that transaction ended, so no write lock is held while
    another worker reads; then each digest is claimed, queued and committed on its own."""
    ready = []
    for due in _digest_due(session, now=now):
        views = [
            v for v in notify.views(session, user=due.user, notices=due.notices) if not v.post_gone
        ]
        if views:
            period = period_of(session, user_id=id_of(due.user))
            ready.append((due, views, period))
    session.commit()  # end the reading transaction before the claims
    sent = 0
    for due, views, period in ready:
        user_id = id_of(due.user)
        _ensure_row(session, user_id)
        if not _claim_period(session, user_id=user_id, start=due.start, now=now):
            session.rollback()
            continue
        _claim_notices(session, [id_of(v.notice) for v in views], now)
        count = len(views)
        message = _queue(
            session,
            settings=settings,
            user=due.user,
            kind=notifications.COMMUNITY_DIGEST,
            subject=(
                f"Your {'daily' if period == DAILY else 'weekly'} discussion digest: "
                f"{count} new notification{'' if count == 1 else 's'}"
            ),
            text=_digest_text(settings, views),
        )
        session.commit()
        _deliver(session, settings, message)
        sent += 1
    return sent


def run_once(engine: Engine, settings: Settings, now: datetime) -> int:
    """One round of community emails (the worker): immediate replies, then digests."""
    with write_session(engine) as session:
        sent = send_immediate(session, settings=settings, now=now)
        return sent + send_digests(session, settings=settings, now=now)
