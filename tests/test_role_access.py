"""Every route that needs a role, tried by each role: the wrong ones get 403 (or 404).

Add a row for each new route that needs a login or a role. Paths must work on an empty
database with the bundled courses loaded (use a bundled course slug where one is needed).
"""

from __future__ import annotations

import pytest

from tests.factories import make_user
from tests.helpers import login, post_form
from tests.role_table import ROUTES

ROLES = ["learner", "author", "staff", "admin"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
def test_anonymous_is_sent_to_log_in(client, method, path, allowed):
    response = client.get(path) if method == "GET" else post_form(client, path, {})
    assert response.status_code == 303
    assert response.headers["location"].startswith("http://testserver/login")


@pytest.mark.parametrize(
    ("method", "path", "allowed"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
@pytest.mark.parametrize("role", ROLES)
def test_each_role(client, session, method, path, allowed, role):
    user = make_user(session, role=role)
    login(client, user)
    response = client.get(path) if method == "GET" else post_form(client, path, {})
    if role in allowed:
        assert response.status_code not in (403, 404), response.text[:500]
    else:
        assert response.status_code in (403, 404)
