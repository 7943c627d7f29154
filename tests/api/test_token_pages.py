"""The token pages: make (shown once), list, revoke; admins for other accounts."""

from __future__ import annotations

from sqlmodel import select

from app.api.models import ApiToken
from tests.api.support import api_get
from tests.factories import make_user
from tests.helpers import login, post_form, soup


def _made_token(response) -> str:  # type: ignore[no-untyped-def]
    code = soup(response).find("code", id="new-token")
    assert code is not None, response.text[:1000]
    return code.get_text()


def test_staff_make_use_and_revoke_a_token(client, session) -> None:
    staff = make_user(session, role="staff")
    login(client, staff)
    assert "API tokens" in client.get("/account").text
    page = client.get("/account/tokens")
    assert page.status_code == 200
    boxes = {i["value"] for i in soup(page).find_all("input", attrs={"name": "scopes"})}
    assert boxes == {"read:me", "read:enrollments", "read:reports", "read:discussions"}
    made = post_form(
        client,
        "/account/tokens",
        {"name": "Warehouse", "scopes": ["read:enrollments"], "expires_days": "30"},
    )
    assert made.status_code == 200
    raw = _made_token(made)
    assert api_get(client, "/enrollments", raw).status_code == 200
    listed = client.get("/account/tokens")
    assert raw not in listed.text
    assert "Warehouse" in listed.text
    row = session.exec(select(ApiToken)).one()
    other = make_user(session, role="staff")
    with client.__class__(client.app, follow_redirects=False) as intruder:
        login(intruder, other)
        assert post_form(intruder, f"/account/tokens/{row.id}/revoke").status_code == 404
    assert api_get(client, "/enrollments", raw).status_code == 200
    revoked = post_form(client, f"/account/tokens/{row.id}/revoke")
    assert revoked.status_code == 303
    assert api_get(client, "/enrollments", raw).status_code == 401


def test_bad_form_keeps_what_was_typed(client, session) -> None:
    staff = make_user(session, role="staff")
    login(client, staff)
    response = post_form(
        client,
        "/account/tokens",
        {"name": "Keep <me>", "scopes": ["admin:webhooks"], "expires_days": "soon"},
    )
    assert response.status_code == 400
    page = soup(response)
    assert page.find("input", id="name")["value"] == "Keep <me>"
    assert page.find(id="scopes-error") is not None
    assert page.find(id="expires_days-error") is not None
    assert session.exec(select(ApiToken)).all() == []


def test_admin_makes_a_token_for_another_account(client, session) -> None:
    admin = make_user(session, role="admin")
    learner = make_user(session)
    login(client, admin)
    page = client.get(f"/admin/users/{learner.id}/tokens")
    assert page.status_code == 200
    boxes = {i["value"] for i in soup(page).find_all("input", attrs={"name": "scopes"})}
    assert boxes == {"read:me"}
    made = post_form(
        client, f"/admin/users/{learner.id}/tokens", {"name": "LMS bridge", "scopes": "read:me"}
    )
    raw = _made_token(made)
    row = session.exec(select(ApiToken)).one()
    assert row.user_id == learner.id
    assert row.created_by_id == admin.id
    assert row.expires_at is None
    assert api_get(client, "/me/enrollments", raw).status_code == 200
    assert client.get("/admin/users/999999/tokens").status_code == 404
