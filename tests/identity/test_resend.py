"""Resending a link: at most one a minute and five a day per account, counted in the
database (a second app on the same database sees the same count)."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from fastapi.testclient import TestClient

from app.db import utcnow
from app.main import create_app
from tests.helpers import login, post_form, soup
from tests.identity.support import PASSWORD, fresh_user, latest_link, mail_to, sign_up

RESEND = "/account/verify-email/resend"


def _flash(client) -> str:  # type: ignore[no-untyped-def]
    return soup(client.get("/account")).select_one(".flashes").get_text(" ", strip=True)


def test_resend_once_a_minute_and_five_a_day(client, session):
    start = utcnow()
    with time_machine.travel(start, tick=False):
        sign_up(client, "again@example.org")  # the first link of the day
        refused = post_form(client, RESEND)
        assert refused.status_code == 303
        assert refused.headers["location"].endswith("/account")
        assert "wait 60 seconds" in _flash(client)
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        post_form(client, RESEND)
        assert "wait 1 second before" in _flash(client)
    assert len(mail_to(session, "again@example.org")) == 1
    for n in range(1, 5):
        with time_machine.travel(start + timedelta(minutes=n), tick=False):
            assert post_form(client, RESEND).status_code == 303
            assert "We sent a new link to again@example.org" in _flash(client)
    assert len(mail_to(session, "again@example.org")) == 5
    with time_machine.travel(start + timedelta(hours=3), tick=False):
        post_form(client, RESEND)
        message = _flash(client)
        assert "We have sent 5 links to this account today" in message
        assert (start + timedelta(days=1, minutes=1)).strftime("%H:%M") in message
    with time_machine.travel(start + timedelta(days=1, seconds=-1), tick=False):
        post_form(client, RESEND)
        assert "5 links" in _flash(client)  # the sign-up link still counts
    with time_machine.travel(start + timedelta(days=1, minutes=1), tick=False):
        post_form(client, RESEND)
        assert "We sent a new link" in _flash(client)
    assert len(mail_to(session, "again@example.org")) == 6


def test_every_link_sent_works_until_one_is_used(client, session):
    start = utcnow()
    with time_machine.travel(start, tick=False):
        sign_up(client, "two@example.org")
    first = latest_link(session, "two@example.org")
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        post_form(client, RESEND)
    second = latest_link(session, "two@example.org")
    assert first != second
    assert post_form(client, first).status_code == 303
    assert fresh_user(session, "two@example.org").email_verified_at is not None
    assert client.get(second).status_code == 200  # harmless: the address is already proven
    assert post_form(client, second).status_code == 303


def test_the_throttle_is_shared_by_every_app_on_the_database(client, engine, settings, session):
    sign_up(client, "shared@example.org")
    with TestClient(create_app(settings, engine), follow_redirects=False) as other:
        login(other, fresh_user(session, "shared@example.org"), password=PASSWORD)
        post_form(other, RESEND)
        assert "wait" in soup(other.get("/account")).select_one(".flashes").get_text()
    assert len(mail_to(session, "shared@example.org")) == 1


def test_a_verified_account_is_told_so_and_sent_nothing(client, session):
    sign_up(client, "done@example.org")
    post_form(client, latest_link(session, "done@example.org"))
    client.get("/account")  # shows the flash
    post_form(client, RESEND)
    assert "already verified" in _flash(client)
    assert len(mail_to(session, "done@example.org")) == 1
