"""Sending deliveries: Standard Webhooks signatures, retries with exponential backoff.

The body carries ids and figures only (never text a learner wrote). ``webhook-id`` is the
event's id, the same on every retry and replay, so a receiver can drop duplicates. The HTTP
request is made outside any database transaction; a delivery is claimed first (its next
attempt moved past the attempt's wall-clock deadline) so two workers never send it at once,
and the result is recorded only while the claim still holds. A receiver cannot hold a
worker: each attempt has a total deadline and at most a few KB of the answer are read.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import httpx
from sqlalchemy import Engine, update
from sqlmodel import Session, SQLModel, col, select
from standardwebhooks.webhooks import Webhook

from app.config import Settings
from app.content.models import CourseRecord
from app.db import open_session, utcnow
from app.events.models import DomainEvent
from app.retry import backoff
from app.security.outbound_urls import OutboundPolicy, Target, UnsafeUrl, check_url
from app.security.secret_box import SecretUnreadable
from app.webhooks import service
from app.webhooks.deadline import deadline_transport
from app.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

log = logging.getLogger("groundwork.webhooks")
UNREADABLE_SECRET = (
    "The signing secret cannot be read: GROUNDWORK_SECRET_KEY changed since this endpoint "  # noqa: S105
    "was registered. Register the endpoint again."
)
USER_AGENT = "Groundwork-Webhooks/1"
MAX_RESPONSE_READ = 4096  # bytes of a response body read at most; the rest is dropped


def payload(event: DomainEvent, course_slug: str | None) -> dict[str, Any]:
    """The JSON body of an event: type, time, and ids and figures."""
    assert event.id is not None
    return {
        "type": event.kind,
        "timestamp": event.created_at.isoformat(),
        "data": {
            "event_id": event.id,
            "enrollment_id": event.enrollment_id,
            "user_id": event.user_id,
            "organization_id": event.organization_id,
            "course": course_slug,
            **event.data,
        },
    }


def message_id(event_id: int) -> str:
    return f"msg_{event_id}"


def signed_headers(secret: str, msg_id: str, body: str, now: datetime) -> dict[str, str]:
    """The three Standard Webhooks headers for ``body``."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, now, body),
    }


@dataclass(frozen=True)
class Outcome:
    status: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _send(
    endpoint: WebhookEndpoint, body: str, headers: dict[str, str], settings: Settings
) -> Outcome:
    return send(
        endpoint.url,
        body,
        headers,
        policy=service.url_policy(settings),
        timeout=settings.webhook_timeout_seconds,
    )


def send(
    url: str, body: str, headers: dict[str, str], *, policy: OutboundPolicy, timeout: float
) -> Outcome:
    """POST ``body`` (JSON) to ``url`` after the SSRF check, to the very address checked,
    within the attempt's deadline; any failure is an Outcome, never an exception. The
    outbox's other senders (xAPI statements) use this too; ``headers`` may replace the
    user agent."""
    try:
        target = check_url(url, policy=policy)
    except UnsafeUrl as exc:
        return Outcome(None, str(exc)[:500])
    try:
        return _post(target, body, headers, timeout)
    except Exception as exc:
        log.exception("Delivery to %s raised", target.host)
        return Outcome(None, f"{type(exc).__name__}: {exc}"[:500])


def _post(target: Target, body: str, headers: dict[str, str], timeout: float) -> Outcome:
    # Connect to the address just checked; the host name still goes in Host and TLS SNI.
    address = f"[{target.address}]" if ":" in target.address else target.address
    parts = urlsplit(target.url)
    pinned = urlunsplit(
        (target.scheme, f"{address}:{target.port}", parts.path or "/", parts.query, "")
    )
    request_headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        **headers,
        "host": target.host if target.port in (80, 443) else f"{target.host}:{target.port}",
    }
    transport = deadline_transport(attempt_deadline(timeout))
    with (
        httpx.Client(transport=transport, timeout=timeout, follow_redirects=False) as c,
        c.stream(
            "POST",
            pinned,
            content=body.encode(),
            headers=request_headers,
            extensions={"sni_hostname": target.host},
        ) as response,
    ):
        # Only the status matters: read a little of the body (however much is sent) and go.
        read = 0
        for chunk in response.iter_raw(MAX_RESPONSE_READ):
            read += len(chunk)
            if read >= MAX_RESPONSE_READ:
                break
    error = None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
    return Outcome(response.status_code, error)


def attempt_deadline(timeout: float) -> float:
    """Seconds one attempt may take in all: connect, send and the answer's start each get
    the timeout, and the whole attempt no more than this."""
    return timeout * 3


def _lease_seconds(timeout: float) -> float:
    """How long a claim holds a delivery: well past the attempt's deadline."""
    return attempt_deadline(timeout) + 60


class Attempted(Protocol):
    """A row of an outbox table: one message to one receiver and its attempts' outcome
    (``WebhookDelivery``, and the xAPI statements above this layer)."""

    status: str
    attempts: int
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    response_status: int | None
    last_error: str | None
    delivered_at: datetime | None


def claim(
    session: Session, table: type[SQLModel], row_id: int, now: datetime, timeout: float
) -> datetime | None:
    """Claim a due row of an outbox ``table``: its next attempt moves to the lease's end,
    which is returned (and identifies this claim); None when another worker has it or it is
    not due."""
    lease = now + timedelta(seconds=_lease_seconds(timeout))
    columns = table.__table__.c  # type: ignore[attr-defined]
    result = session.execute(
        update(table)
        .where(
            columns.id == row_id,
            columns.status == DeliveryStatus.pending.value,
            columns.next_attempt_at <= now,
        )
        .values(next_attempt_at=lease)
    )
    session.commit()
    return lease if result.rowcount else None  # type: ignore[attr-defined]


def claim_holds(row: Attempted, lease: datetime) -> bool:
    """Whether ``row`` is still this worker's (pending, with the lease it set)."""
    return row.status == DeliveryStatus.pending.value and row.next_attempt_at == lease


def apply_outcome(
    row: Attempted, outcome: Outcome, now: datetime, *, max_attempts: int, retry_base: float
) -> None:
    """Record one attempt on ``row``: delivered, failed for good, or due again after the
    backoff."""
    row.attempts += 1
    row.last_attempt_at = now
    row.response_status = outcome.status
    row.last_error = outcome.error
    if outcome.ok:
        row.status = DeliveryStatus.delivered.value
        row.delivered_at = utcnow()
    elif row.attempts >= max_attempts:
        row.status = DeliveryStatus.failed.value
    else:
        row.next_attempt_at = utcnow() + backoff(row.attempts, retry_base)


def deliver_one(engine: Engine, settings: Settings, delivery_id: int) -> Outcome | None:
    """Try one delivery now; None when another worker has it (or it is no longer due)."""
    now = utcnow()
    with open_session(write=True, engine=engine) as session:
        lease = claim(session, WebhookDelivery, delivery_id, now, settings.webhook_timeout_seconds)
        if lease is None:
            return None
        delivery, endpoint, event = session.exec(
            select(WebhookDelivery, WebhookEndpoint, DomainEvent)
            .join(WebhookEndpoint, col(WebhookEndpoint.id) == col(WebhookDelivery.endpoint_id))
            .join(DomainEvent, col(DomainEvent.id) == col(WebhookDelivery.event_id))
            .where(col(WebhookDelivery.id) == delivery_id)
        ).one()
        course = session.get(CourseRecord, event.course_id) if event.course_id else None
        slug = course.slug if course is not None else None
    assert event.id is not None
    body = json.dumps(payload(event, slug), separators=(",", ":"), sort_keys=True)
    try:
        secret = service.signing_secret(endpoint, secret_key=settings.secret_key)
    except SecretUnreadable:
        outcome = Outcome(None, UNREADABLE_SECRET)
    else:
        headers = signed_headers(secret, message_id(event.id), body, now)
        outcome = _send(endpoint, body, headers, settings)
    with open_session(write=True, engine=engine) as session:
        row = session.exec(
            select(WebhookDelivery).where(col(WebhookDelivery.id) == delivery_id).with_for_update()
        ).one()
        if not claim_holds(row, lease):
            # The lease ran out and another worker (or a replay) took it over: its word stands.
            log.warning(
                "Webhook delivery %s: claim lost; this attempt is not recorded", delivery_id
            )
            return None
        apply_outcome(
            row,
            outcome,
            now,
            max_attempts=settings.webhook_max_attempts,
            retry_base=settings.webhook_retry_base_seconds,
        )
        session.add(row)
        session.commit()
    if not outcome.ok:
        log.warning(
            "Webhook delivery %s to endpoint %s failed: %s", delivery_id, endpoint.id, outcome.error
        )
    return outcome


def deliver_due(engine: Engine, settings: Settings, *, max_rounds: int = 20) -> int:
    """Dispatch new events, then send what is due (in order per enrollment); how many sent."""
    sent = 0
    with open_session(write=True, engine=engine) as session:
        service.dispatch(session)
    for _ in range(max_rounds):
        with open_session(engine=engine) as session:
            due = service.due_deliveries(session, now=utcnow())
        if not due:
            break
        for delivery_id in due:
            if deliver_one(engine, settings, delivery_id) is not None:
                sent += 1
    return sent
