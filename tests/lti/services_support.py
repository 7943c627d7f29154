"""Fixtures of the LTI Advantage services tests: the platform's services on loopback, and
the rows a launch would have left (platform, context, links, the learner's ``sub``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Organization, User
from app.lti import service_token
from app.lti.models import (
    LtiContext,
    LtiDeployment,
    LtiPlatform,
    LtiPlatformUser,
    LtiResourceLink,
    ScoreMode,
)
from app.orgs import service as orgs
from tests.factories import make_user
from tests.learning.support import COURSES, JOURNEY
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


def add_link(
    session: Session,
    context: LtiContext,
    lms: ServicePlatform,
    *,
    resource_link_id: str,
    module_slug: str | None = None,
    lineitem_url: str | None = None,
    score_mode: ScoreMode = ScoreMode.progress,
    grades: bool = True,
) -> LtiResourceLink:
    """A placement of the journey course (or one module) in the LMS course."""
    row = LtiResourceLink(
        platform_id=context.platform_id,
        deployment_id="deployment-1",
        resource_link_id=resource_link_id,
        context_id=context.id,
        title=f"Groundwork: {module_slug or JOURNEY}",
        course_slug=JOURNEY,
        module_slug=module_slug,
        lineitem_url=lineitem_url,
        lineitems_url=lms.lineitems_url() if grades else None,
        score_mode=score_mode.value,
    )
    session.add(row)
    session.commit()
    return row


def platform_learner(session: Session, platform: LtiPlatform, sub: str, **fields: object) -> User:
    """A learner who launched from ``platform`` as ``sub``."""
    user = make_user(session, **fields)
    assert platform.id is not None and user.id is not None
    session.add(LtiPlatformUser(platform_id=platform.id, subject=sub, user_id=user.id))
    session.commit()
    return user
