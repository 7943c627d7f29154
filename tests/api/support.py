"""Helpers for API tests: tokens for a user, and authorised GETs."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import User
from app.api import tokens


def make_token(session: Session, user: User, *scopes: str, expires_days: int | None = None) -> str:
    """A new token of ``user`` with ``scopes`` (default: every scope the role allows)."""
    _, raw = tokens.create_token(
        session,
        owner=user,
        name="test",
        scopes=list(scopes) or tokens.allowed_scopes(user.role),
        expires_days=expires_days,
        created_by=user,
    )
    return raw


def api_get(
    client: TestClient, path: str, token: str | None = None, **params: Any
) -> httpx.Response:
    """GET ``/api/v1{path}`` with the bearer token."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(f"/api/v1{path}", headers=headers, params=params)
