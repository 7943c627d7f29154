"""Sign-up, log-out, log-in, change password, and reset: as a new user goes through them."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from app.accounts.models import OutboxEmail, PasswordResetToken, User
from app.db import utcnow
from tests.helpers import post_form, soup

NEW = {
    "email": "Ana.Lopez@Example.org",
    "password": "a long enough password",
    "display_name": "Ana López",
    "job_role": "instructional_coach",
}


def _login(client, email, password):
    return post_form(client, "/login", {"email": email, "password": password})


def test_signup_logout_login_change_password(client, session):
    response = post_form(client, "/signup", NEW)
    assert response.status_code == 303
    assert client.get("/account").status_code == 200

    assert post_form(client, "/logout").status_code == 303
    assert client.get("/account").status_code == 303  # sent to log in

    assert _login(client, "ana.lopez@example.org", NEW["password"]).status_code == 303
    page = client.get("/account")
    assert "Ana López" in page.text

    changed = post_form(
        client,
        "/account/password",
        {
            "current_password": NEW["password"],
            "new_password": "another good one",
            "confirm": "another good one",
        },
    )
    assert changed.status_code == 303
    post_form(client, "/logout")
    assert _login(client, NEW["email"], NEW["password"]).status_code == 400
    assert _login(client, NEW["email"], "another good one").status_code == 303

    user = session.exec(select(User).where(User.email == "ana.lopez@example.org")).one()
    assert user.job_role == "instructional_coach"
    assert user.organization_id is None  # nobody joins an organization by signing up


def test_signup_rejection_keeps_what_was_typed(client):
    response = post_form(client, "/signup", {**NEW, "email": "not-an-email", "password": "short"})
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one("#error-summary")
    assert page.select_one("#display_name")["value"] == "Ana López"
    assert page.select_one("#organization") is None
    assert page.select_one("#email")["value"] == "not-an-email"
    assert page.select_one("#job_role option[selected]")["value"] == "instructional_coach"


def test_duplicate_email_is_refused_clearly(client, session):
    post_form(client, "/signup", NEW)
    post_form(client, "/logout")
    again = post_form(client, "/signup", {**NEW, "email": "ANA.LOPEZ@example.org"})
    assert again.status_code == 400
    assert "already exists" in again.text


def _reset_link(session) -> str:
    mail = session.exec(select(OutboxEmail).order_by(OutboxEmail.id.desc())).first()
    match = re.search(r"https?://[^/\s]+(/password/reset/\S+)", mail.body)
    assert match
    return match.group(1)


def test_reset_token_works_once(client, session):
    from tests.factories import make_user as factory

    user = factory(session, email="reset@example.org")
    sent = post_form(client, "/password/forgot", {"email": "reset@example.org"})
    assert sent.status_code == 200
    link = _reset_link(session)
    assert client.get(link).status_code == 200
    done = post_form(client, link, {"password": "brand new secret", "confirm": "brand new secret"})
    assert done.status_code == 303
    assert _login(client, user.email, "brand new secret").status_code == 303
    again = post_form(client, link, {"password": "third secret!!", "confirm": "third secret!!"})
    assert again.status_code == 400
    assert "no longer works" in again.text


def test_reset_token_expires(client, session):
    from tests.factories import make_user as factory

    factory(session, email="late@example.org")
    post_form(client, "/password/forgot", {"email": "late@example.org"})
    link = _reset_link(session)
    token = session.exec(select(PasswordResetToken)).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    session.add(token)
    session.commit()
    assert client.get(link).status_code == 400


def test_reset_token_rejected_after_password_change(client, session):
    from tests.factories import DEFAULT_PASSWORD
    from tests.factories import make_user as factory
    from tests.helpers import login

    user = factory(session, email="changer@example.org")
    post_form(client, "/password/forgot", {"email": user.email})
    link = _reset_link(session)
    login(client, user)
    post_form(
        client,
        "/account/password",
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password": "changed it now",
            "confirm": "changed it now",
        },
    )
    assert client.get(link).status_code == 400


def test_reset_for_unknown_email_looks_the_same(client, session):
    from tests.factories import make_user as factory

    factory(session, email="known@example.org")
    known = post_form(client, "/password/forgot", {"email": "known@example.org"})
    unknown = post_form(client, "/password/forgot", {"email": "nobody@example.org"})

    def strip(r):
        text = re.sub(r"(value|X-CSRF-Token\": )\"[^\"]+\"", "", r.text)
        return text.replace("known@", "").replace("nobody@", "")

    assert known.status_code == unknown.status_code == 200
    assert strip(known) == strip(unknown)


def test_reset_link_is_not_kept_in_the_outbox_once_smtp_sent_it(
    client, session, settings, monkeypatch
):
    from app.accounts import mail
    from tests.factories import make_user as factory

    sent: list[str] = []
    monkeypatch.setattr(
        mail, "_send_smtp", lambda url, sender, to, subject, body, headers: sent.append(body)
    )
    settings.smtp_url = "smtp://mail.invalid:25"
    factory(session, email="smtp@example.org")
    post_form(client, "/password/forgot", {"email": "smtp@example.org"})
    token = re.search(r"/password/reset/(\S+)", sent[0]).group(1)
    stored = session.exec(select(OutboxEmail)).one()
    assert token not in stored.body
    assert stored.sent_at is not None
    assert client.get(f"/password/reset/{token}").status_code == 200  # the emailed link works
