"""Sign-up sends a link; the link verifies once, for 48 hours, and only its own account."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from app.db import utcnow
from app.identity.service import is_verified
from tests.factories import make_user
from tests.helpers import login, post_form, soup
from tests.identity.support import fresh_user, latest_link, mail_to, sign_up


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return soup(response).select_one("main").get_text(" ", strip=True)


def test_sign_up_sends_a_link_that_verifies_once(client, session):
    sign_up(client, "Ana.Lopez@Example.org")
    [mail] = mail_to(session, "ana.lopez@example.org")
    assert mail.subject == "Confirm your email address for Groundwork"
    assert "48 hours" in mail.body
    assert not is_verified(fresh_user(session, "ana.lopez@example.org"))
    account = client.get("/account")
    assert "Not verified yet" in _text(account)
    assert soup(account).select_one("form[action$='/account/verify-email/resend'] button")

    link = latest_link(session, "ana.lopez@example.org")
    page = client.get(link)  # what a mail scanner does: it changes nothing
    assert page.status_code == 200
    assert "ana.lopez@example.org" in _text(page)
    assert soup(page).select_one(f"form[method=post][action$='{link}'] button")
    assert not is_verified(fresh_user(session, "ana.lopez@example.org"))

    done = post_form(client, link)
    assert done.status_code == 303
    assert done.headers["location"].endswith("/account")
    user = fresh_user(session, "ana.lopez@example.org")
    assert is_verified(user)
    account = client.get("/account")
    assert "is verified" in _text(account)  # the flash message
    assert "Email verified." in _text(account)
    assert not soup(account).select_one("form[action$='/account/verify-email/resend']")

    again = post_form(client, link)
    assert again.status_code == 400
    assert "already been used" in _text(again)
    assert client.get(link).status_code == 400
    assert fresh_user(session, "ana.lopez@example.org").email_verified_at == user.email_verified_at


def test_the_link_works_without_logging_in(client, session):
    sign_up(client, "away@example.org")
    link = latest_link(session, "away@example.org")
    post_form(client, "/logout")
    done = post_form(client, link)
    assert done.status_code == 303
    assert done.headers["location"].endswith("/login")
    assert is_verified(fresh_user(session, "away@example.org"))


def test_a_link_expires_after_48_hours(client, session):
    sent = utcnow()
    with time_machine.travel(sent, tick=False):
        sign_up(client, "late@example.org")
    link = latest_link(session, "late@example.org")
    with time_machine.travel(sent + timedelta(hours=47, minutes=59), tick=False):
        assert client.get(link).status_code == 200
    with time_machine.travel(sent + timedelta(hours=48), tick=False):
        page = client.get(link)
        assert page.status_code == 400
        assert "expired" in _text(page)
        assert "48 hours" in _text(page)
        refused = post_form(client, link)
        assert refused.status_code == 400
        assert "expired" in _text(refused)
    assert not is_verified(fresh_user(session, "late@example.org"))


def test_an_unknown_or_cut_link_is_refused_clearly(client, session):
    sign_up(client, "cut@example.org")
    link = latest_link(session, "cut@example.org")
    for bad in (link[:-3], "/verify-email/not-a-token"):
        page = client.get(bad)
        assert page.status_code == 400
        assert "copied the whole link" in _text(page)
        assert post_form(client, bad).status_code == 400
    assert not is_verified(fresh_user(session, "cut@example.org"))


def test_a_link_verifies_only_the_account_it_was_sent_for(client, session):
    """Bea, logged in, follows Ana's link: Ana's address is proven (the link reached her
    mailbox), Bea's is not, and Bea is not sent to an account page that is not about it."""
    sign_up(client, "ana@example.org")
    anas_link = latest_link(session, "ana@example.org")
    post_form(client, "/logout")
    bea = make_user(session, email="bea@example.org")
    login(client, bea)
    page = client.get(anas_link)
    assert "ana@example.org" in _text(page)
    assert "bea@example.org" not in _text(page)
    done = post_form(client, anas_link)
    assert done.status_code == 303
    assert done.headers["location"].endswith("/login")
    assert is_verified(fresh_user(session, "ana@example.org"))
    assert not is_verified(fresh_user(session, "bea@example.org"))


def test_is_verified_reads_the_one_column(session):
    user = make_user(session)
    assert is_verified(user) is False
    user.email_verified_at = utcnow()
    assert is_verified(user) is True
