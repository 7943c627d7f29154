"""Fixtures: the hand-built enrollments of ``support.seed`` and staff accounts to read them."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import User
from app.content.course import Course
from tests.factories import make_user
from tests.reports.support import Seed, seed


@pytest.fixture
def data(client: TestClient, session: Session) -> Seed:
    """The seeded enrollments (the client has started the app, so courses are synced)."""
    return seed(session)


@pytest.fixture
def courses(client: TestClient) -> Mapping[str, Course]:
    """The bundled courses, as the running app loaded them."""
    return client.app.state.registry.courses  # type: ignore[attr-defined,no-any-return]


@pytest.fixture
def admin(session: Session) -> User:
    return make_user(session, role="admin", display_name="Ada Admin")


@pytest.fixture
def all_staff(session: Session) -> User:
    return make_user(session, role="staff", display_name="Sam Staff")


@pytest.fixture
def river_staff(session: Session, data: Seed) -> User:
    return make_user(
        session,
        role="staff",
        display_name="Rita Riverside",
        staff_organization_id=data.orgs["Riverside"].id,
    )


@pytest.fixture
def lake_staff(session: Session, data: Seed) -> User:
    return make_user(
        session,
        role="staff",
        display_name="Lee Lakeview",
        staff_organization_id=data.orgs["Lakeview"].id,
    )
