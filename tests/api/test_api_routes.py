"""Every JSON API route, tried with no token, a token without its scope and one with it."""

from __future__ import annotations

import pytest

from app.community.scopes import course_scope
from tests.api.routes_table import API_ROUTES, VALUES
from tests.api.support import make_token
from tests.community.support import make_thread
from tests.factories import make_user
from tests.security.routes import RouteInfo, app_routes

ROWS = sorted(API_ROUTES.items())


def test_the_table_lists_exactly_the_api_routes(app) -> None:  # type: ignore[no-untyped-def]
    routes = {(m, r.path) for r in app_routes(app) for m in r.methods if r.path.startswith("/api")}
    assert routes == set(API_ROUTES)


@pytest.mark.parametrize(("key", "scope"), ROWS, ids=[f"{m} {p}" for (m, p), _ in ROWS])
def test_each_api_route_by_scope(client, session, key, scope) -> None:  # type: ignore[no-untyped-def]
    method, path = key
    values = dict(VALUES)
    if "{thread_id}" in path:  # a thread must exist for the allowed token's 200
        author = make_user(session)
        thread = make_thread(session, author=author, scope=course_scope())
        values["thread_id"] = str(thread.id)
    url = RouteInfo(frozenset({method}), path, "").fill(**values)
    anonymous = client.get(url)
    if scope is None:
        assert anonymous.status_code in (200, 404), anonymous.text
        if anonymous.status_code == 404:
            assert anonymous.headers["content-type"] == "application/problem+json"
        return
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    admin = make_user(session, role="admin")
    others = [
        s
        for s in (
            "read:me",
            "read:enrollments",
            "read:reports",
            "read:discussions",
            "admin:webhooks",
        )
    ]
    without = make_token(session, admin, *[s for s in others if s != scope])
    refused = client.get(url, headers={"Authorization": f"Bearer {without}"})
    assert refused.status_code == 403
    assert scope in refused.json()["detail"]
    allowed = make_token(session, admin, scope)
    response = client.get(url, headers={"Authorization": f"Bearer {allowed}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
