"""Helpers for the email verification tests: sign up through the form, read the outbox."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.accounts.models import OutboxEmail, User
from tests.helpers import post_form

PASSWORD = "a long enough password"
LINK = re.compile(r"https?://[^/\s]+(/verify-email/[A-Za-z0-9_-]+)")


def sign_up(client: TestClient, email: str, name: str = "Ana López") -> httpx.Response:
    """Sign up through the form (which logs the new account in); asserts it worked."""
    response = post_form(
        client,
        "/signup",
        {"email": email, "password": PASSWORD, "display_name": name, "job_role": "teacher"},
    )
    assert response.status_code == 303, response.text
    return response


def _read(session: Session, query):  # type: ignore[no-untyped-def]
    """Rows as the app committed them, in a read transaction that ends at once (SQLite would
    refuse a later write from a snapshot older than the app's writes)."""
    session.rollback()
    rows = list(session.exec(query))
    session.expunge_all()  # detached rows keep their values through the rollback
    session.rollback()
    return rows


def mail_to(session: Session, address: str) -> list[OutboxEmail]:
    """Every email in the outbox to ``address``, oldest first."""
    query = select(OutboxEmail).where(OutboxEmail.to_address == address)
    return _read(session, query.order_by(col(OutboxEmail.id)))


def link_in(body: str) -> str:
    """The verification link's path in an email body."""
    found = LINK.search(body)
    assert found, body
    return found.group(1)


def latest_link(session: Session, address: str) -> str:
    """The path of the newest verification link sent to ``address``."""
    return link_in(mail_to(session, address)[-1].body)


def fresh_user(session: Session, email: str) -> User:
    """The account with ``email``, read again from the database."""
    [user] = _read(session, select(User).where(User.email == email))
    return user
