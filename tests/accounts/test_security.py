"""Login safety: identical failures, throttling, sessions, CSRF, redirects, passwords, limits."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from app.accounts.sessions import SESSION_COOKIE
from app.config import OWASP_ARGON2_MEMORY_KIB, OWASP_ARGON2_ROUNDS
from app.db import make_engine
from app.main import create_app
from app.security.redirects import safe_next
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import login, post_form, soup


def _without_csrf(html: str) -> str:
    html = re.sub(r'name="csrf_token" value="[^"]*"', "", html)
    return re.sub(r'"X-CSRF-Token": "[^"]*"', "", html)


def test_wrong_password_and_unknown_email_are_byte_identical(client, session):
    make_user(session, email="real@example.org")
    wrong = post_form(client, "/login", {"email": "real@example.org", "password": "not it at all"})
    client.cookies.clear()
    unknown = post_form(
        client, "/login", {"email": "ghost@example.org", "password": "not it at all"}
    )
    assert wrong.status_code == unknown.status_code == 400
    assert _without_csrf(wrong.text).replace("real@", "X@") == _without_csrf(unknown.text).replace(
        "ghost@", "X@"
    )


def test_failed_logins_are_throttled_across_app_instances(app, engine, session, settings):
    user = make_user(session, email="target@example.org")
    other_engine = make_engine(engine.url.render_as_string(hide_password=False))
    other_app = create_app(settings, other_engine)
    with (
        TestClient(app, follow_redirects=False) as one,
        TestClient(other_app, follow_redirects=False) as two,
    ):
        for i in range(settings.login_max_failures):
            c = one if i % 2 else two
            r = post_form(c, "/login", {"email": user.email, "password": f"wrong {i}"})
            assert r.status_code == 400
        for c in (one, two):
            blocked = post_form(c, "/login", {"email": user.email, "password": DEFAULT_PASSWORD})
            assert blocked.status_code == 429
            assert "Too many failed attempts" in blocked.text
    other_engine.dispose()


def test_cookie_replayed_after_logout_is_rejected(client, session):
    user = make_user(session)
    login(client, user)
    token = client.cookies[SESSION_COOKIE]
    post_form(client, "/logout")
    client.cookies.set(SESSION_COOKIE, token)
    assert client.get("/account").status_code == 303


def test_new_session_token_at_each_login(client, session):
    user = make_user(session)
    login(client, user)
    first = client.cookies[SESSION_COOKIE]
    post_form(client, "/logout")
    login(client, user)
    assert client.cookies[SESSION_COOKIE] != first


def test_changing_password_ends_other_sessions(app, session):
    user = make_user(session)
    with (
        TestClient(app, follow_redirects=False) as laptop,
        TestClient(app, follow_redirects=False) as phone,
    ):
        login(laptop, user)
        login(phone, user)
        r = post_form(
            laptop,
            "/account/password",
            {
                "current_password": DEFAULT_PASSWORD,
                "new_password": "a new password",
                "confirm": "a new password",
            },
        )
        assert r.status_code == 303
        assert laptop.get("/account").status_code == 200
        assert phone.get("/account").status_code == 303


def test_session_cookie_flags(client, session):
    user = make_user(session)
    response = login(client, user)
    cookie = [h for h in response.headers.get_list("set-cookie") if h.startswith(SESSION_COOKIE)][0]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # the test base URL is http


def test_post_without_csrf_gets_friendly_403(client, session):
    user = make_user(session)
    client.get("/login")
    response = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 403
    page = soup(response)
    assert page.select_one("h1").get_text() == "You do not have access to this page"
    assert "form has expired" in page.get_text()
    bad = client.post("/login", data={"csrf_token": "forged", "email": user.email, "password": "x"})
    assert bad.status_code == 403


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "%2F%2Fevil.example",
        "/%2F/evil.example",
        "/%09/evil.example",
        "https://evil.example",
        "/%5Cevil.example",
        "\\\\evil.example",
        " //evil.example",
        "/\t/evil.example",
    ],
)
def test_next_only_goes_to_this_site(client, session, target):
    user = make_user(session)
    response = post_form(
        client, "/login", {"email": user.email, "password": DEFAULT_PASSWORD, "next": target}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/me"
    assert safe_next(target) == "/me"


def test_next_keeps_local_paths(client, session):
    user = make_user(session)
    response = post_form(
        client,
        "/login",
        {"email": user.email, "password": DEFAULT_PASSWORD, "next": "/courses/x?cohort=A1"},
    )
    assert response.headers["location"] == "/courses/x?cohort=A1"


@pytest.mark.parametrize("password", ["🌱" * 100, "p" * 1024, "Ça ira, naïve café 1"])
def test_long_and_unicode_passwords_work(client, password):
    form = {
        "email": "pw@example.org",
        "password": password,
        "display_name": "Pat",
        "organization": "",
        "job_role": "teacher",
    }
    assert post_form(client, "/signup", form).status_code == 303
    post_form(client, "/logout")
    assert (
        post_form(client, "/login", {"email": "pw@example.org", "password": password}).status_code
        == 303
    )
    post_form(client, "/logout")
    assert (
        post_form(
            client, "/login", {"email": "pw@example.org", "password": password[:-1]}
        ).status_code
        == 400
    )


def test_password_over_1024_characters_gets_a_clear_message(client):
    form = {
        "email": "long@example.org",
        "password": "p" * 1025,
        "display_name": "Pat",
        "organization": "",
        "job_role": "teacher",
    }
    response = post_form(client, "/signup", form)
    assert response.status_code == 400
    assert "at most 1,024 characters" in response.text


def test_five_megabyte_body_gets_413_page(client):
    client.get("/login")
    response = client.post(
        "/login",
        content=b"a=" + b"x" * (5 * 1024 * 1024),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert "more than we can accept" in response.text


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok"


def test_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "could not find that page" in response.text


@pytest.mark.parametrize(
    "settings_overrides",
    [{"argon2_memory_kib": OWASP_ARGON2_MEMORY_KIB, "argon2_rounds": OWASP_ARGON2_ROUNDS}],
)
def test_login_rehashes_a_password_stored_with_weaker_parameters(client, session):
    """At production cost (the suite runs cheaper), a weaker stored hash is upgraded."""
    from passlib.hash import argon2
    from sqlmodel import select

    from app.accounts.models import User

    weak = argon2.using(type="ID", memory_cost=8192, rounds=1, parallelism=1).hash(DEFAULT_PASSWORD)
    user = make_user(session, password_hash=weak)
    login(client, user)
    session.expire_all()
    stored = session.exec(select(User).where(User.id == user.id)).one().password_hash
    assert stored != weak
    assert "m=19456,t=2,p=1" in stored


def test_a_post_after_an_hour_idle_renews_the_login_without_waiting(client, session):
    """The sliding expiry is renewed inside a write request's own transaction: a second
    write session used to wait for the request's SQLite lock, then fail with a 500."""
    from datetime import timedelta

    from sqlmodel import select

    from app.accounts.models import UserSession
    from app.db import utcnow

    user = make_user(session)
    login(client, user)
    stale = utcnow() - timedelta(hours=2)
    row = session.exec(select(UserSession)).one()
    row.last_seen_at = stale
    session.add(row)
    session.commit()
    response = post_form(client, "/courses/data-for-liberation/enroll", {})
    assert response.status_code == 303, response.text
    session.expire_all()
    assert session.exec(select(UserSession)).one().last_seen_at > stale
