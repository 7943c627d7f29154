"""Tokens end with the password: a reset or change revokes them. Every logged-in user may
see and revoke their own tokens (a learner or a demoted account may hold some)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from app.accounts.models import OutboxEmail, Role
from app.api.models import ApiToken
from tests.api.support import api_get, make_token
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import login, post_form, soup


def _fresh(session) -> list[ApiToken]:  # type: ignore[no-untyped-def]
    session.rollback()  # end the test's read transaction: see what the app wrote
    return list(session.exec(select(ApiToken).order_by(ApiToken.id)))


def test_a_password_change_revokes_the_users_tokens(client, session) -> None:
    staff = make_user(session, role="staff")
    other = make_user(session, role="staff")
    mine, theirs = make_token(session, staff, "read:me"), make_token(session, other, "read:me")
    assert api_get(client, "/me/enrollments", mine).status_code == 200
    login(client, staff)
    changed = post_form(
        client,
        "/account/password",
        {
            "current_password": DEFAULT_PASSWORD,
            "new_password": "a new one 2026",
            "confirm": "a new one 2026",
        },
    )
    assert changed.status_code in (200, 303), changed.text[:500]
    assert api_get(client, "/me/enrollments", mine).status_code == 401
    assert api_get(client, "/me/enrollments", theirs).status_code == 200  # only the user's
    rows = {r.user_id: r for r in _fresh(session)}
    assert rows[staff.id].revoked_at is not None
    assert rows[other.id].revoked_at is None
    # a token made after the change works
    assert (
        api_get(client, "/me/enrollments", make_token(session, staff, "read:me")).status_code == 200
    )


def test_a_password_reset_revokes_the_users_tokens(client, session) -> None:
    user = make_user(session, role="staff", email="reset-tokens@example.org")
    raw = make_token(session, user, "read:me")
    assert post_form(client, "/password/forgot", {"email": user.email}).status_code == 200
    mail = session.exec(select(OutboxEmail).order_by(OutboxEmail.id.desc())).first()
    assert mail is not None
    match = re.search(r"https?://[^/\s]+(/password/reset/\S+)", mail.body)
    assert match
    done = post_form(
        client, match.group(1), {"password": "brand new secret", "confirm": "brand new secret"}
    )
    assert done.status_code == 303
    assert api_get(client, "/me/enrollments", raw).status_code == 401
    assert all(r.revoked_at is not None for r in _fresh(session))


def test_a_token_older_than_the_password_is_refused_even_unrevoked(client, session) -> None:
    """Belt and braces: a password changed by a path that did not revoke still ends it."""
    user = make_user(session)
    raw = make_token(session, user, "read:me")
    token = session.exec(select(ApiToken)).one()
    user.password_changed_at = token.created_at + timedelta(seconds=1)
    session.add(user)
    session.commit()
    assert api_get(client, "/me/enrollments", raw).status_code == 401


def test_a_learner_sees_and_revokes_their_own_tokens_but_cannot_make_one(client, session) -> None:
    staff = make_user(session, role="staff")
    raw = make_token(session, staff, "read:me", "read:enrollments")
    staff.role = Role.learner  # demoted: the token shrinks to read:me but still works
    session.add(staff)
    session.commit()
    login(client, staff)
    assert "API tokens" in client.get("/account").text
    page = client.get("/account/tokens")
    assert page.status_code == 200
    assert soup(page).find("input", attrs={"name": "scopes"}) is None  # no form to make one
    assert "Only staff and admins make tokens" in page.text
    assert (
        post_form(client, "/account/tokens", {"name": "x", "scopes": ["read:me"]}).status_code
        == 403
    )
    token = _fresh(session)[0]
    assert api_get(client, "/me/enrollments", raw).status_code == 200
    revoked = post_form(client, f"/account/tokens/{token.id}/revoke")
    assert revoked.status_code == 303
    assert api_get(client, "/me/enrollments", raw).status_code == 401
    # another learner's token is a 404
    session.rollback()
    other = make_user(session)
    make_token(session, other, "read:me")
    theirs = [t for t in _fresh(session) if t.user_id == other.id][0]
    assert post_form(client, f"/account/tokens/{theirs.id}/revoke").status_code == 404
    assert _fresh(session)[-1].revoked_at is None
