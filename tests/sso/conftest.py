"""District sign-in against a real OpenID Connect provider (oidc-provider-mock) on loopback."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Organization
from app.db import id_of
from app.orgs import service as orgs
from app.sso import providers
from app.sso.models import SsoProvider
from tests.helpers import post_form, soup
from tests.oidc_provider import Provider
from tests.settings_support import make_settings

ORG_DOMAIN = "riverside.example.org"
CLIENT_ID = "groundwork-test-client"
CLIENT_SECRET = "s3cret-from-the-provider"


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    return {"oidc_allow_loopback_http": True}


@pytest.fixture
def district(session: Session) -> Organization:
    return orgs.create_organization(session, name="Riverside Unified", domain_names=[ORG_DOMAIN])


def configure(
    session: Session,
    provider: Provider,
    org: Organization,
    *,
    kind: str = "generic",
    domains: str = ORG_DOMAIN,
    tenant_ids: str = "",
) -> SsoProvider:
    """Set up ``org``'s district sign-in with the provider on loopback (attaching its
    domains first, as an administrator does)."""
    attached = {d.domain for d in orgs.domains(session, organization_id=id_of(org))}
    for name in domains.split():
        clean = orgs.clean_domain(name)
        if clean and clean not in attached:
            orgs.add_domain(session, organization_id=id_of(org), domain=clean)
    form = providers.ProviderForm(
        kind=kind,
        issuer=provider.url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        domains=domains,
        tenant_ids=tenant_ids,
    )
    return providers.save_provider(
        session,
        settings=make_settings(oidc_allow_loopback_http=True),
        organization_id=id_of(org),
        form=form,
    )


def start(client: TestClient, email: str) -> str:
    """Start district sign-in from the login page's email form; the provider's URL."""
    return provider_url(post_form(client, "/sso/start", {"sso_email": email}))


def provider_url(response: httpx.Response) -> str:
    """The provider's authorization URL that the "continue" page sends the browser to."""
    assert response.status_code == 200, response.text[:800]
    link = soup(response).select_one("a#continue-to-provider")
    assert link is not None
    return str(link["href"])


def sign_in(client: TestClient, provider: Provider, sub: str, **claims: Any) -> httpx.Response:
    """The whole trip: claims at the provider, start, authorize, back to our callback."""
    provider.set_user(sub, **claims)
    callback = provider.authorize(start(client, str(claims["email"])), sub)
    return client.get(callback)


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
