"""Helpers for driving the app through the test client."""

from __future__ import annotations

from typing import Any

import httpx
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from app.accounts.models import User
from app.security.csrf import CSRF_COOKIE, token_for
from tests.factories import DEFAULT_PASSWORD


def csrf(client: TestClient) -> str:
    """The CSRF token that goes with this client's cookie (fetching a page first if needed)."""
    if CSRF_COOKIE not in client.cookies:
        client.get("/login")
    return token_for(client.cookies[CSRF_COOKIE], secret=client.app.state.settings.secret_key)


def post_form(
    client: TestClient, url: str, data: dict[str, Any] | None = None, **kw: Any
) -> httpx.Response:
    """POST a form with a valid CSRF token."""
    return client.post(url, data={"csrf_token": csrf(client), **(data or {})}, **kw)


def login(client: TestClient, user: User, password: str = DEFAULT_PASSWORD) -> httpx.Response:
    """Log ``user`` in on ``client``; asserts it worked."""
    response = post_form(client, "/login", {"email": user.email, "password": password})
    assert response.status_code == 303, response.text
    return response


def soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")
