"""Webhook endpoints, fanning domain events out to deliveries, and the delivery log.

Each use case commits at its end. ``dispatch`` turns undelivered domain events into one
delivery per matching endpoint and marks the events dispatched in the same transaction;
an endpoint receives the events recorded after it was registered.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from pydantic import SecretStr
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, exists, func, select

from app import tokens
from app.accounts.models import Organization, User
from app.config import Settings
from app.db import utcnow
from app.events.models import DomainEvent
from app.events.service import EventKind
from app.security import secret_box
from app.security.outbound_urls import OutboundPolicy, UnsafeUrl, check_url
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

# The events partners can subscribe to (the domain event record may hold more kinds).
EVENT_KINDS = [
    kind.value
    for kind in (
        EventKind.enrollment_created,
        EventKind.module_completed,
        EventKind.course_completed,
        EventKind.certificate_issued,
        EventKind.certificate_revoked,
    )
]


class WebhookError(Exception):
    """An endpoint that cannot be registered: ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


SECRET_PURPOSE = "webhook-signing-secret"  # noqa: S105 (a key-derivation label)


def new_secret() -> str:
    """A Standard Webhooks signing secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(tokens.random_bytes(32)).decode()


def url_policy(settings: Settings) -> OutboundPolicy:
    """Where webhooks may go: public https addresses in production; loopback and plain
    http only with GROUNDWORK_WEBHOOK_ALLOW_PRIVATE_URLS (tests, development)."""
    return OutboundPolicy(
        allow_private=settings.webhook_allow_private_urls,
        require_https=settings.is_production,
    )


def add_endpoint(
    session: Session,
    *,
    url: str,
    events: list[str],
    organization_id: int | None,
    created_by: User | None,
    policy: OutboundPolicy,
    secret_key: SecretStr,
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; commits. Returns it with its signing secret, to show once:
    the row keeps the secret encrypted under ``secret_key``. ``policy`` is
    ``url_policy(settings)``."""
    errors: dict[str, str] = {}
    try:
        check_url(url, policy=policy)
    except UnsafeUrl as exc:
        errors["url"] = str(exc)
    wanted = sorted({e.strip() for e in events if e.strip()})
    unknown = [e for e in wanted if e not in EVENT_KINDS]
    if not wanted:
        errors["events"] = "Choose at least one event."
    elif unknown:
        errors["events"] = f"Unknown event {unknown[0]!r}; choose from {', '.join(EVENT_KINDS)}."
    if organization_id is not None and session.get(Organization, organization_id) is None:
        errors["organization"] = "There is no organization with that id."
    if errors:
        raise WebhookError(errors)
    secret = new_secret()
    endpoint = WebhookEndpoint(
        url=url.strip(),
        secret_encrypted=secret_box.encrypt(secret, secret_key=secret_key, purpose=SECRET_PURPOSE),
        events=" ".join(wanted),
        organization_id=organization_id,
        created_by_id=created_by.id if created_by else None,
    )
    session.add(endpoint)
    session.commit()
    return endpoint, secret


def signing_secret(endpoint: WebhookEndpoint, *, secret_key: SecretStr) -> str:
    """The endpoint's signing secret; raises SecretUnreadable when GROUNDWORK_SECRET_KEY
    changed since it was registered (register the endpoint again)."""
    return secret_box.decrypt(
        endpoint.secret_encrypted, secret_key=secret_key, purpose=SECRET_PURPOSE
    )


def organization_by_name(session: Session, *, name: str) -> Organization | None:
    """The organization called ``name`` (case and spacing ignored)."""
    key = " ".join(name.split()).casefold()
    return session.exec(select(Organization).where(Organization.name_key == key)).first()


def endpoints(session: Session) -> list[tuple[WebhookEndpoint, str | None]]:
    """Every endpoint with its organization's name (None: all organizations), newest first."""
    rows = session.exec(
        select(WebhookEndpoint, Organization.name)
        .outerjoin(Organization, col(Organization.id) == col(WebhookEndpoint.organization_id))
        .order_by(col(WebhookEndpoint.id).desc())
    )
    return list(rows.all())


def delivery_counts(session: Session) -> dict[int, dict[str, int]]:
    """Deliveries per endpoint and status."""
    rows = session.exec(
        select(WebhookDelivery.endpoint_id, WebhookDelivery.status, func.count()).group_by(
            col(WebhookDelivery.endpoint_id), col(WebhookDelivery.status)
        )
    )
    counts: dict[int, dict[str, int]] = {}
    for endpoint_id, status, n in rows.all():
        counts.setdefault(endpoint_id, {})[status] = n
    return counts


def set_active(session: Session, *, endpoint_id: int, active: bool) -> WebhookEndpoint | None:
    """Pause or resume an endpoint (its pending deliveries wait meanwhile). Commits."""
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        return None
    endpoint.active = active
    session.add(endpoint)
    session.commit()
    return endpoint


def dispatch(session: Session, *, limit: int = 500) -> int:
    """Make the deliveries of up to ``limit`` undispatched events; how many. Commits."""
    events = list(
        session.exec(
            select(DomainEvent)
            .where(col(DomainEvent.dispatched_at).is_(None))
            .order_by(col(DomainEvent.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if not events:
        return 0
    # Paused endpoints get their deliveries too: they wait (due_deliveries skips them) and go
    # out on resume, so nothing recorded during a pause is lost.
    targets = list(session.exec(select(WebhookEndpoint)))
    now = utcnow()
    made = 0
    for event in events:
        assert event.id is not None
        for endpoint in targets:
            assert endpoint.id is not None
            wanted = event.kind in endpoint.event_list
            in_scope = endpoint.organization_id in (None, event.organization_id)
            if wanted and in_scope and endpoint.created_at <= event.created_at:
                session.add(
                    WebhookDelivery(
                        endpoint_id=endpoint.id,
                        event_id=event.id,
                        enrollment_id=event.enrollment_id,
                        next_attempt_at=now,
                    )
                )
                made += 1
        event.dispatched_at = now
        session.add(event)
    session.commit()
    return made


def due_deliveries(session: Session, *, now: datetime, limit: int = 50) -> list[int]:
    """Ids of pending deliveries to try now, oldest first.

    A delivery waits while an earlier one to the same endpoint about the same enrollment is
    still pending, so one enrollment's events arrive in the order they happened.
    """
    earlier = aliased(WebhookDelivery)
    blocked = exists().where(
        col(earlier.endpoint_id) == col(WebhookDelivery.endpoint_id),
        col(earlier.enrollment_id) == col(WebhookDelivery.enrollment_id),
        col(earlier.status) == DeliveryStatus.pending.value,
        col(earlier.id) < col(WebhookDelivery.id),
    )
    statement = (
        select(WebhookDelivery.id)
        .join(WebhookEndpoint, col(WebhookEndpoint.id) == col(WebhookDelivery.endpoint_id))
        .where(
            col(WebhookDelivery.status) == DeliveryStatus.pending.value,
            col(WebhookDelivery.next_attempt_at) <= now,
            col(WebhookEndpoint.active),
            ~blocked,
        )
        .order_by(col(WebhookDelivery.id))
        .limit(limit)
    )
    return [i for i in session.exec(statement).all() if i is not None]


@dataclass(frozen=True)
class DeliveryRow:
    """One line of the deliveries page."""

    delivery: WebhookDelivery
    endpoint_url: str
    event_kind: str


def deliveries(
    session: Session, *, status: str = "", endpoint_id: int | None = None, limit: int = 100
) -> list[DeliveryRow]:
    """The latest deliveries, newest first, optionally of one status or endpoint."""
    statement = (
        select(WebhookDelivery, WebhookEndpoint.url, DomainEvent.kind)
        .join(WebhookEndpoint, col(WebhookEndpoint.id) == col(WebhookDelivery.endpoint_id))
        .join(DomainEvent, col(DomainEvent.id) == col(WebhookDelivery.event_id))
        .order_by(col(WebhookDelivery.id).desc())
        .limit(limit)
    )
    if status in {s.value for s in DeliveryStatus}:
        statement = statement.where(col(WebhookDelivery.status) == status)
    if endpoint_id is not None:
        statement = statement.where(col(WebhookDelivery.endpoint_id) == endpoint_id)
    return [DeliveryRow(d, url, kind) for d, url, kind in session.exec(statement).all()]


def replay(session: Session, *, delivery_id: int) -> WebhookDelivery | None:
    """Send a delivery's event again, as a new delivery (same webhook-id). Commits."""
    original = session.get(WebhookDelivery, delivery_id)
    if original is None:
        return None
    again = WebhookDelivery(
        endpoint_id=original.endpoint_id,
        event_id=original.event_id,
        enrollment_id=original.enrollment_id,
        replay_of_id=original.replay_of_id or original.id,
    )
    session.add(again)
    session.commit()
    return again
