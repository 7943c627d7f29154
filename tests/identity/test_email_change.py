"""Changing the email: the new address is proven first, the old one keeps working until
then and is told afterwards, and nobody takes an address another account holds."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from app.db import utcnow
from app.identity.service import is_verified
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import login, post_form, soup
from tests.identity.support import fresh_user, latest_link, mail_to

CHANGE = "/account/email"


def _main(response) -> str:  # type: ignore[no-untyped-def]
    return soup(response).select_one("main").get_text(" ", strip=True)


def _change(client, new_email: str, password: str = DEFAULT_PASSWORD):  # type: ignore[no-untyped-def]
    return post_form(client, CHANGE, {"new_email": new_email, "password": password})


def test_the_email_changes_only_when_the_new_address_is_proven(client, session):
    old = make_user(session, email="old@example.org", email_verified_at=utcnow())
    login(client, old)
    sent = _change(client, "  New@Example.org ")
    assert sent.status_code == 303
    account = client.get("/account")
    assert "We sent a link to new@example.org" in _main(account)
    assert "Your account keeps old@example.org until you open that link" in _main(account)
    [mail] = mail_to(session, "new@example.org")
    assert mail.subject == "Confirm your new email address for Groundwork"
    assert mail_to(session, "old@example.org") == []

    # Until the link is followed nothing changes: the old address logs in and stays verified.
    user = fresh_user(session, "old@example.org")
    assert is_verified(user)
    post_form(client, "/logout")
    login(client, old)

    link = latest_link(session, "new@example.org")
    assert "new@example.org" in _main(client.get(link))
    done = post_form(client, link)
    assert done.status_code == 303
    assert done.headers["location"].endswith("/account")
    changed = fresh_user(session, "new@example.org")
    assert changed.id == old.id
    assert is_verified(changed)
    assert changed.email_verified_at > user.email_verified_at
    assert "Your email address is now new@example.org" in _main(client.get("/account"))

    [notice] = mail_to(session, "old@example.org")
    assert notice.subject == "The email address of your Groundwork account has changed"
    assert "from old@example.org to new@example.org" in notice.body
    assert "/verify-email/" not in notice.body

    post_form(client, "/logout")
    wrong = post_form(client, "/login", {"email": "old@example.org", "password": DEFAULT_PASSWORD})
    assert wrong.status_code == 400
    right = post_form(client, "/login", {"email": "new@example.org", "password": DEFAULT_PASSWORD})
    assert right.status_code == 303
    assert post_form(client, link).status_code == 400  # used


def test_form_errors_keep_what_was_typed(client, session):
    user = make_user(session, email="typer@example.org")
    make_user(session, email="taken@example.org")
    login(client, user)
    cases = [
        ("not an address", DEFAULT_PASSWORD, "new_email", "Enter an email address"),
        ("typer@example.org", DEFAULT_PASSWORD, "new_email", "already your email address"),
        ("fresh@example.org", "wrong password", "password", "current password is not correct"),
        ("Taken@example.org", DEFAULT_PASSWORD, "new_email", "Another account already uses"),
    ]
    for typed, password, field, message in cases:
        response = _change(client, typed, password)
        assert response.status_code == 400, typed
        page = soup(response)
        assert message in page.select_one(f"#{field}-error").get_text()
        assert page.select_one("#new_email")["value"] == typed
        assert page.select_one("#password").get("value") is None  # never echoed
        assert page.select_one("#error-summary")
    assert mail_to(session, "fresh@example.org") == []
    assert mail_to(session, "taken@example.org") == []


def test_the_address_check_needs_the_password_first(client, session):
    """With a wrong password the page says nothing about whether the address is in use."""
    user = make_user(session, email="asker@example.org")
    make_user(session, email="exists@example.org")
    login(client, user)
    taken = _main(_change(client, "exists@example.org", "wrong password"))
    free = _main(_change(client, "nobody@example.org", "wrong password"))
    assert taken.replace("exists", "X") == free.replace("nobody", "X")


def test_an_address_taken_before_the_link_is_followed_is_refused(client, session):
    """Ana asks for an unused address; Bea signs up with it first. Ana's link cannot take
    it from Bea, and Ana keeps her own address."""
    ana = make_user(session, email="ana@example.org")
    login(client, ana)
    _change(client, "contested@example.org")
    link = latest_link(session, "contested@example.org")
    bea = make_user(session, email="contested@example.org")
    refused = post_form(client, link)
    assert refused.status_code == 400
    assert "Another account already uses this email address" in _main(refused)
    assert "not changed" in _main(refused)
    assert fresh_user(session, "ana@example.org").id == ana.id
    assert fresh_user(session, "contested@example.org").id == bea.id
    assert mail_to(session, "ana@example.org") == []  # no "your address changed" notice


def test_a_newer_change_replaces_the_earlier_link(client, session):
    user = make_user(session, email="first@example.org")
    login(client, user)
    start = utcnow()
    with time_machine.travel(start, tick=False):
        _change(client, "second@example.org")
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        _change(client, "third@example.org")
    earlier = latest_link(session, "second@example.org")
    assert post_form(client, earlier).status_code == 400
    assert "We sent a link to third@example.org" in _main(client.get("/account"))
    assert post_form(client, latest_link(session, "third@example.org")).status_code == 303
    assert fresh_user(session, "third@example.org").id == user.id


def test_change_requests_share_the_resend_throttle(client, session):
    """A typo is fixed at once (another address), the same address waits a minute, and
    changes count towards the five links a day."""
    user = make_user(session, email="quick@example.org")
    login(client, user)
    start = utcnow()
    with time_machine.travel(start, tick=False):
        assert _change(client, "one@example.org").status_code == 303
        assert _change(client, "two@example.org").status_code == 303
        again = _change(client, "two@example.org")
        assert again.status_code == 429
        assert "wait 60 seconds" in soup(again).select_one("#error-summary").get_text()
        assert soup(again).select_one("#new_email")["value"] == "two@example.org"
        for n in (3, 4, 5):
            assert _change(client, f"n{n}@example.org").status_code == 303
        capped = _change(client, "six@example.org")
        assert capped.status_code == 429
        assert "5 links to this account today" in _main(capped)
    assert len(mail_to(session, "two@example.org")) == 1
    assert mail_to(session, "six@example.org") == []


def test_an_unverified_account_can_change_its_address(client, session):
    """A typo at sign-up: the link went nowhere, so the learner fixes the address."""
    user = make_user(session, email="tpyo@example.org")
    login(client, user)
    _change(client, "typo@example.org")
    post_form(client, latest_link(session, "typo@example.org"))
    assert is_verified(fresh_user(session, "typo@example.org"))
    assert len(mail_to(session, "tpyo@example.org")) == 1  # told, all the same
