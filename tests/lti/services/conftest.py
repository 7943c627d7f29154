"""Fixtures of the LTI Advantage services tests: the platform's services on loopback, and
the rows a launch would have left (platform, its deployment, the LMS course)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Organization
from app.lti import service_token
from app.lti.models import (
    LtiContext,
    LtiDeployment,
    LtiPlatform,
)
from app.orgs import service as orgs
from tests.learning.support import COURSES
from tests.lti.platform_fixture import (
    CLIENT_ID,
    CONTEXT_ID,
    ServicePlatform,
    running_service_platform,
)

ORG_DOMAIN = "riverside.example.org"


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    return {
        "content_dir": COURSES,
        "lti_allow_loopback_http": True,
        "webhook_retry_base_seconds": 60.0,
        "webhook_max_attempts": 3,
    }


@pytest.fixture
def district(session: Session) -> Organization:
    return orgs.create_organization(session, name="Riverside Unified", domain_names=[ORG_DOMAIN])


@pytest.fixture
def lms(client: TestClient) -> Iterator[ServicePlatform]:
    """The platform's services, holding the tool's JWKS (as its registration would)."""
    service_token.clear_cache()
    with running_service_platform() as running:
        running.connect(client.get("/lti/jwks.json").json())
        yield running
    service_token.clear_cache()


@pytest.fixture
def registered(session: Session, lms: ServicePlatform, district: Organization) -> LtiPlatform:
    assert district.id is not None
    row = LtiPlatform(
        organization_id=district.id,
        issuer=lms.url,
        client_id=CLIENT_ID,
        auth_login_url=f"{lms.url}/auth",
        token_url=lms.token_url,
        jwks_url=f"{lms.url}/jwks",
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    session.add(LtiDeployment(platform_id=row.id, deployment_id="deployment-1"))
    session.commit()
    return row


@pytest.fixture
def context(session: Session, registered: LtiPlatform, lms: ServicePlatform) -> LtiContext:
    assert registered.id is not None
    row = LtiContext(
        platform_id=registered.id,
        context_id=CONTEXT_ID,
        title="PD: Data Literacy, Spring",
        memberships_url=lms.memberships_url(),
    )
    session.add(row)
    session.commit()
    return row
