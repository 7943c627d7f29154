"""Sending statements to the LRS through the outbox machinery webhooks use: the same
claim, deadline-bound POST to the checked address, retries with backoff, and order per
enrollment. A statement is kept until the LRS answers 2xx (any other answer, or none, is a
failed attempt), so an LRS that is down loses nothing. Importing this module registers the
statement round with the worker (``app.webhooks.runtime``)."""

from __future__ import annotations

import base64
import json
import logging

from sqlalchemy import Engine
from sqlmodel import col, select

from app.config import Settings
from app.db import open_session, utcnow
from app.security.secret_box import SecretUnreadable
from app.webhooks import runtime
from app.webhooks.delivery import Outcome, apply_outcome, claim, claim_holds, send
from app.xapi import service
from app.xapi.models import LrsConfig, XapiStatement

log = logging.getLogger("groundwork.xapi")
XAPI_VERSION = "1.0.3"
USER_AGENT = "Groundwork-xAPI/1"


def _headers(lrs: LrsConfig, secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{lrs.key}:{secret}".encode()).decode()
    return {
        "authorization": f"Basic {token}",
        "x-experience-api-version": XAPI_VERSION,
        "user-agent": USER_AGENT,
    }


def send_one(engine: Engine, settings: Settings, statement_pk: int) -> Outcome | None:
    """Try one statement now; None when another worker has it (or it is no longer due)."""
    now = utcnow()
    timeout = settings.webhook_timeout_seconds
    with open_session(write=True, engine=engine) as session:
        lease = claim(session, XapiStatement, statement_pk, now, timeout)
        if lease is None:
            return None
        row, lrs = session.exec(
            select(XapiStatement, LrsConfig)
            .join(LrsConfig, col(LrsConfig.id) == col(XapiStatement.lrs_id))
            .where(col(XapiStatement.id) == statement_pk)
        ).one()
        body = json.dumps(row.statement, separators=(",", ":"), sort_keys=True)
    try:
        secret = service.lrs_secret(lrs, secret_key=settings.secret_key)
    except SecretUnreadable:
        outcome = Outcome(None, "The LRS secret cannot be read (the secret key changed).")
    else:
        outcome = send(
            service.statements_url(lrs.endpoint),
            body,
            _headers(lrs, secret),
            policy=service.url_policy(settings),
            timeout=timeout,
        )
    with open_session(write=True, engine=engine) as session:
        row = session.exec(
            select(XapiStatement).where(col(XapiStatement.id) == statement_pk).with_for_update()
        ).one()
        if not claim_holds(row, lease):
            log.warning("xAPI statement %s: claim lost; this attempt is not recorded", row.id)
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
        log.warning("xAPI statement %s to LRS %s failed: %s", statement_pk, lrs.id, outcome.error)
    return outcome


def deliver_due(engine: Engine, settings: Settings, *, max_rounds: int = 20) -> int:
    """Build statements for new events, then send what is due (in order per enrollment);
    how many were sent."""
    sent = 0
    with open_session(write=True, engine=engine) as session:
        service.dispatch(session, base_url=settings.base_url)
    for _ in range(max_rounds):
        with open_session(engine=engine) as session:
            due = service.due_statements(session, now=utcnow())
        if not due:
            break
        progressed = False
        for statement_pk in due:
            outcome = send_one(engine, settings, statement_pk)
            if outcome is not None:
                sent += 1
                progressed = True
        if not progressed:
            break
    return sent


runtime.register_round("xapi", deliver_due)
