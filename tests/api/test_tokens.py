"""Personal access tokens: hashed, scoped to the owner's role now, expiring, revocable,
throttled in the database; made on the command line too."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from app.accounts.models import LoginFailure, Organization, Role, User
from app.api import tokens
from app.api.models import ApiToken
from app.cli import app as cli_app
from app.db import open_session, utcnow
from app.tokens import digest
from tests.api.support import api_get, make_token
from tests.factories import make_user


def test_only_the_hash_is_stored_and_the_token_works(client, session) -> None:
    user = make_user(session)
    raw = make_token(session, user, "read:me")
    row = session.exec(select(ApiToken)).one()
    assert raw.startswith("gw_")
    assert raw not in {row.token_hash, row.prefix}
    assert row.token_hash == digest(raw)
    assert api_get(client, "/me/enrollments", raw).status_code == 200
    session.rollback()  # end the test's read transaction: see what the app wrote
    session.refresh(row)
    assert row.last_used_at is not None


@pytest.mark.parametrize(
    ("role", "scope"),
    [("learner", "read:enrollments"), ("learner", "read:reports"), ("staff", "admin:webhooks")],
)
def test_a_token_never_holds_more_than_the_role(session, role: str, scope: str) -> None:
    user = make_user(session, role=role)
    with pytest.raises(tokens.TokenError) as caught:
        make_token(session, user, scope)
    assert scope in caught.value.errors["scopes"]


def test_bad_names_scopes_and_expiry_are_refused(session) -> None:
    admin = make_user(session, role="admin")
    other = make_user(session)
    cases = [
        ({"name": " ", "scopes": ["read:me"], "expires_days": None}, "name"),
        ({"name": "x", "scopes": [], "expires_days": None}, "scopes"),
        ({"name": "x", "scopes": ["write:everything"], "expires_days": None}, "scopes"),
        ({"name": "x", "scopes": ["read:me"], "expires_days": 0}, "expires_days"),
    ]
    for kwargs, field in cases:
        with pytest.raises(tokens.TokenError) as caught:
            tokens.create_token(session, owner=admin, created_by=admin, **kwargs)  # type: ignore[arg-type]
        assert field in caught.value.errors
    with pytest.raises(tokens.TokenError) as caught:
        tokens.create_token(
            session, owner=admin, name="x", scopes=["read:me"], expires_days=None, created_by=other
        )
    assert "owner" in caught.value.errors
    assert session.exec(select(ApiToken)).all() == []


def test_demoting_the_owner_shrinks_the_token(client, session) -> None:
    staff = make_user(session, role="staff")
    raw = make_token(session, staff, "read:enrollments", "read:me")
    assert api_get(client, "/enrollments", raw).status_code == 200
    staff.role = Role.learner
    session.add(staff)
    session.commit()
    response = api_get(client, "/enrollments", raw)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert "read:enrollments" in response.json()["detail"]
    assert api_get(client, "/me/enrollments", raw).status_code == 200


def test_revoked_and_expired_tokens_are_refused(client, session) -> None:
    user = make_user(session)
    revoked = make_token(session, user, "read:me")
    expired = make_token(session, user, "read:me", expires_days=1)
    rows = {r.prefix: r for r in session.exec(select(ApiToken))}
    assert tokens.revoke_token(session, token_id=rows[revoked[:10]].id, actor=user) is not None
    row = rows[expired[:10]]
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.add(row)
    session.commit()
    for raw in (revoked, expired, "gw_made-up", "not even a token"):
        response = api_get(client, "/me/enrollments", raw)
        assert response.status_code == 401, raw
        assert response.headers["www-authenticate"] == "Bearer"


def test_another_user_cannot_revoke_my_token(session) -> None:
    me, other = make_user(session), make_user(session)
    make_token(session, me, "read:me")
    token = session.exec(select(ApiToken)).one()
    assert tokens.revoke_token(session, token_id=token.id, actor=other) is None
    session.rollback()
    session.refresh(token)
    assert token.revoked_at is None


def test_failed_tokens_are_throttled_in_the_database(client, session, settings) -> None:
    user = make_user(session)
    good = make_token(session, user, "read:me")
    for _ in range(settings.login_max_failures):
        assert api_get(client, "/me/enrollments", "gw_wrong").status_code == 401
    response = api_get(client, "/me/enrollments", "gw_wrong-again")
    assert response.status_code == 429
    assert 1 <= int(response.headers["retry-after"]) <= settings.login_window_minutes * 60
    assert response.json()["status"] == 429
    # a valid token from the same address is not locked out by someone else's guessing
    assert api_get(client, "/me/enrollments", good).status_code == 200
    keys = session.exec(select(LoginFailure.key)).all()
    assert keys
    assert all(k == "api-ip:testclient" for k in keys)


@pytest.mark.parametrize("settings_overrides", [{"api_requests_per_minute": 3}])
def test_excessive_use_of_one_token_is_throttled(client, session) -> None:
    user = make_user(session)
    raw = make_token(session, user, "read:me")
    assert [api_get(client, "/me/enrollments", raw).status_code for _ in range(3)] == [200] * 3
    response = api_get(client, "/me/enrollments", raw)
    assert response.status_code == 429
    assert 1 <= int(response.headers["retry-after"]) <= 60
    other = make_token(session, user, "read:me")  # the limit is per token
    assert api_get(client, "/me/enrollments", other).status_code == 200


def test_cli_prints_the_token_once_and_it_reads_its_organization_only(
    client, session, cli_environment
) -> None:
    riverside = Organization(name="Riverside", name_key="riverside")
    hillcrest = Organization(name="Hillcrest", name_key="hillcrest")
    session.add_all([riverside, hillcrest])
    session.commit()
    staff = make_user(session, role="staff", staff_organization_id=riverside.id)
    result = CliRunner().invoke(
        cli_app, ["tokens", "create", "--email", staff.email, "--scope", "read:enrollments"]
    )
    assert result.exit_code == 0, result.output
    raw = result.output.strip().splitlines()[-1]
    assert raw.startswith("gw_")
    assert session.exec(select(ApiToken.token_hash)).one() == digest(raw)
    assert api_get(client, "/enrollments", raw).status_code == 200
    assert api_get(client, "/enrollments", raw, organization=hillcrest.id).status_code == 404
    refused = CliRunner().invoke(
        cli_app, ["tokens", "create", "--email", staff.email, "--scope", "admin:webhooks"]
    )
    assert refused.exit_code == 1
    assert "cannot hold admin:webhooks" in refused.output
    unknown = CliRunner().invoke(
        cli_app, ["tokens", "create", "--email", "nobody@example.org", "--scope", "read:me"]
    )
    assert unknown.exit_code == 1
    assert session.exec(select(User).where(User.email == "nobody@example.org")).first() is None


def test_the_per_token_limit_holds_under_concurrent_requests(engine, settings):
    """Each request increments the window atomically: 20 at once against a limit of 5 let
    exactly 5 in (on PostgreSQL a read-modify-write let them all through)."""
    limited = settings.model_copy(update={"api_requests_per_minute": 5})
    with open_session(engine=engine) as session:
        raw = make_token(session, make_user(session), "read:me")
    barrier = threading.Barrier(20)
    outcomes: list[int] = []

    def attempt() -> None:
        barrier.wait()
        try:
            with open_session(write=True, engine=engine) as session:
                tokens.authenticate(session, raw=raw, client_ip="192.0.2.9", settings=limited)
            outcomes.append(200)
        except tokens.ApiAuthError as exc:
            outcomes.append(exc.status)

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [200] * 5 + [429] * 15
    with open_session(engine=engine) as session:
        row = session.exec(select(ApiToken)).one()
        assert row.window_count == 5
        assert row.last_used_at is not None
