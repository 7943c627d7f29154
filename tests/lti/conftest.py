"""LTI tests launch from an independent platform (lti1p3platform) on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Organization
from app.lti import platforms
from app.lti.models import LtiPlatform
from app.orgs import service as orgs
from tests.lti.platform import (
    CLIENT_ID,
    DEPLOYMENT_ID,
    LaunchSpec,
    Platform,
    form_of,
    path_of,
    running_platform,
)

ORG_DOMAIN = "riverside.example.org"
COURSE = "data-for-liberation"
MODULE = "look-beneath-the-average"


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    return {"lti_allow_loopback_http": True}


@pytest.fixture
def district(session: Session) -> Organization:
    return orgs.create_organization(session, name="Riverside Unified", domain_names=[ORG_DOMAIN])


@pytest.fixture
def platform(client: TestClient, settings, session: Session, district) -> Iterator[Platform]:  # type: ignore[no-untyped-def]
    """The platform, given the tool's JWKS inline, and registered with Groundwork."""
    with running_platform() as running:
        running.connect(settings.base_url, client.get("/lti/jwks.json").json())
        register(session, running, district)
        yield running


def register(session: Session, platform: Platform, org: Organization) -> LtiPlatform:
    form = platforms.PlatformForm(
        issuer=platform.url,
        client_id=CLIENT_ID,
        deployment_id=DEPLOYMENT_ID,
        auth_url=platform.auth_url,
        token_url=platform.token_url,
        jwks_url=platform.jwks_url,
    )
    return platforms.add_platform(session, organization=org, form=form, allow_loopback_http=True)


def id_token_post(client: TestClient, platform: Platform, spec: LaunchSpec) -> dict[str, str]:
    """Login initiation at the tool, authorization at the platform: the form the platform
    auto-posts to the tool's launch URL (id_token and state)."""
    hint = platform.add_launch(spec)
    initiation = platform.login_initiation_url(hint)
    answer = client.get(path_of(initiation), follow_redirects=False)
    assert answer.status_code == 303, answer.text[:500]
    authorization = answer.headers["location"]
    assert authorization.startswith(platform.auth_url)
    page = httpx.get(authorization)
    assert page.status_code == 200, page.text[:500]
    action, fields = form_of(page.text)
    assert urlsplit(action).path == "/lti/launch"
    return fields


def launch(client: TestClient, platform: Platform, spec: LaunchSpec) -> httpx.Response:
    """A whole launch; the tool's answer to the id_token post (not followed)."""
    fields = id_token_post(client, platform, spec)
    return client.post("/lti/launch", data=fields, follow_redirects=False)


def course_spec(**overrides: object) -> LaunchSpec:
    fields: dict[str, object] = {"custom": {"course": COURSE, "module": MODULE}}
    fields.update(overrides)
    return LaunchSpec(**fields)  # type: ignore[arg-type]
