"""Sending email: through SMTP when configured, and always recorded in the outbox table."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from urllib.parse import unquote, urlparse

from sqlmodel import Session

from app.accounts.models import OutboxEmail
from app.config import get_settings
from app.db import utcnow

log = logging.getLogger("groundwork.mail")


def send_email(
    session: Session, *, to: str, subject: str, body: str, secret: str = ""
) -> OutboxEmail:
    """Record the message in the outbox and send it when SMTP is configured (not committed).

    ``secret`` (e.g. a reset token) is blanked in the stored copy once SMTP has delivered
    the message; without SMTP the outbox is the only way to the message, so it stays.
    """
    settings = get_settings()
    message = OutboxEmail(to_address=to, subject=subject, body=body)
    if settings.smtp_url:
        _send_smtp(settings.smtp_url, settings.mail_from, to, subject, body)
        message.sent_at = utcnow()
        if secret:
            message.body = body.replace(secret, "[sent by email, not stored]")
    elif settings.environment == "development":
        log.info("Email (no SMTP configured) to %s: %s\n%s", to, subject, body)
    else:  # the body may hold a reset link, a credential: keep it out of production logs
        log.warning(
            "Email to %s not sent (no SMTP configured), kept in the outbox: %s", to, subject
        )
    session.add(message)
    return message


def _send_smtp(url: str, sender: str, to: str, subject: str, body: str) -> None:
    parsed = urlparse(url)  # smtp://user:pass@host:port or smtps://...
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = sender, to, subject
    email.set_content(body)
    port = parsed.port or (465 if parsed.scheme == "smtps" else 25)
    smtp_cls = smtplib.SMTP_SSL if parsed.scheme == "smtps" else smtplib.SMTP
    with smtp_cls(parsed.hostname or "localhost", port, timeout=10) as smtp:
        if parsed.scheme == "smtp+starttls":
            smtp.starttls()
        if parsed.username:
            smtp.login(unquote(parsed.username), unquote(parsed.password or ""))
        smtp.send_message(email)
