"""Sending email: through SMTP when configured, and always recorded in the outbox table.

A message that SMTP could not take (server down, refused login, TLS failure) stays in the
outbox unsent, whole, and ``deliver_pending`` (``groundwork mail retry``, run from a timer)
sends it later; the person who asked for it sees the same page either way.
"""

from __future__ import annotations

import json
import logging
import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from urllib.parse import unquote, urlparse

from sqlmodel import Session, col, select

from app.accounts.models import OutboxEmail
from app.config import Settings
from app.db import utcnow

log = logging.getLogger("groundwork.mail")

SMTP_TIMEOUT_SECONDS = 10
# Headers up to RFC 5322's line limit stay on one line: the default (78) would fold a long
# List-Unsubscribe URL, which has no spaces, into encoded words that mail programs ignore.
_POLICY = default_policy.clone(max_line_length=998)
NOT_STORED = "[sent by email, not stored]"
# Password-reset and email-verification links are credentials: once delivered they are not
# kept in the outbox.
_SECRET_LINK = re.compile(r"(/password/reset/|/verify-email/)[A-Za-z0-9_-]+")


class MailError(RuntimeError):
    """SMTP did not take the message; the reason is safe to log (no body, no password)."""


@dataclass(frozen=True)
class DeliveryReport:
    """What one pass over the outbox did."""

    sent: int
    still_pending: int
    error: str | None  # the last SMTP failure, if any


def send_email(
    session: Session,
    *,
    settings: Settings,
    to: str,
    subject: str,
    body: str,
    secret: str = "",
    headers: Mapping[str, str] | None = None,
) -> OutboxEmail:
    """Record the message in the outbox and send it when SMTP is configured (not committed).

    ``secret`` (e.g. a reset token) is blanked in the stored copy once SMTP has delivered
    the message; without SMTP, or while SMTP fails, the outbox is the only copy, so it stays.
    ``headers`` (e.g. ``List-Unsubscribe``) are stored with it, so a retry sends them too.
    """
    message = queue_email(session, to=to, subject=subject, body=body, headers=headers)
    if settings.smtp_url:
        try:
            _send_smtp(
                settings.smtp_url, settings.mail_from, to, subject, body, stored_headers(message)
            )
        except MailError as exc:
            log.warning(
                "Email to %s not sent, kept in the outbox for `groundwork mail retry`: %s (%s)",
                to,
                subject,
                exc,
            )
        else:
            message.sent_at = utcnow()
            if secret:
                message.body = body.replace(secret, NOT_STORED)
    elif settings.environment == "development":
        log.info("Email (no SMTP configured) to %s: %s\n%s", to, subject, body)
    else:  # the body may hold a reset link, a credential: keep it out of production logs
        log.warning(
            "Email to %s not sent (no SMTP configured), kept in the outbox: %s", to, subject
        )
    return message


def queue_email(
    session: Session,
    *,
    to: str,
    subject: str,
    body: str,
    headers: Mapping[str, str] | None = None,
) -> OutboxEmail:
    """Record a message in the outbox, unsent (not committed). Background jobs queue their
    emails in the transaction that records why they sent them, commit, then ``deliver``:
    no transaction (nor SQLite's write lock) waits while SMTP talks."""
    extra = dict(headers or {})
    message = OutboxEmail(
        to_address=to, subject=subject, body=body, headers=json.dumps(extra) if extra else ""
    )
    session.add(message)
    return message


def deliver(session: Session, *, settings: Settings, message: OutboxEmail) -> None:
    """Send one queued message through SMTP and mark it sent (commits); MailError when SMTP
    did not take it (it stays in the outbox for ``groundwork mail retry``)."""
    _send_smtp(
        settings.smtp_url,
        settings.mail_from,
        message.to_address,
        message.subject,
        message.body,
        stored_headers(message),
    )
    message.sent_at = utcnow()
    message.body = _SECRET_LINK.sub(rf"\g<1>{NOT_STORED}", message.body)
    session.add(message)
    session.commit()


def deliver_pending(session: Session, *, settings: Settings, limit: int = 200) -> DeliveryReport:
    """Send the outbox's unsent messages, oldest first; stop at the first SMTP failure."""
    if not settings.smtp_url:
        raise MailError("GROUNDWORK_SMTP_URL is not set: there is no server to send through.")
    pending = session.exec(
        select(OutboxEmail)
        .where(col(OutboxEmail.sent_at).is_(None))
        .order_by(col(OutboxEmail.id))
        .limit(limit)
    ).all()
    session.commit()  # no transaction stays open while SMTP talks; each send commits alone
    sent, error = 0, None
    for message in pending:
        try:
            # Each commits on its own: a later failure never un-marks a sent message.
            deliver(session, settings=settings, message=message)
        except MailError as exc:
            error = str(exc)
            break
        sent += 1
    return DeliveryReport(sent=sent, still_pending=len(pending) - sent, error=error)


def stored_headers(message: OutboxEmail) -> dict[str, str]:
    """The extra headers kept with an outbox message."""
    return (
        {str(k): str(v) for k, v in json.loads(message.headers).items()} if message.headers else {}
    )


def _send_smtp(
    url: str, sender: str, to: str, subject: str, body: str, headers: Mapping[str, str]
) -> None:
    """Hand one message to the SMTP server at ``url``; MailError when it cannot."""
    parsed = urlparse(url)  # smtp://user:pass@host:port, smtp+starttls://… or smtps://…
    email = EmailMessage(policy=_POLICY)
    email["From"], email["To"], email["Subject"] = sender, to, subject
    for name, value in headers.items():
        email[name] = value
    email.set_content(body)
    host = parsed.hostname or "localhost"
    try:
        # Certificates are verified against the system's trust store (SSL_CERT_FILE too).
        if parsed.scheme == "smtps":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                host,
                parsed.port or 465,
                timeout=SMTP_TIMEOUT_SECONDS,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(host, parsed.port or 25, timeout=SMTP_TIMEOUT_SECONDS)
        with smtp:
            if parsed.scheme == "smtp+starttls":
                smtp.starttls(context=ssl.create_default_context())
            if parsed.username:
                smtp.login(unquote(parsed.username), unquote(parsed.password or ""))
            smtp.send_message(email)
    except (OSError, smtplib.SMTPException) as exc:  # ssl.SSLError is an OSError
        raise MailError(f"{type(exc).__name__}: {exc}".splitlines()[0][:300]) from exc
