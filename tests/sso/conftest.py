"""District sign-in against a real OpenID Connect provider (oidc-provider-mock) on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import oidc_provider_mock
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session
from werkzeug.serving import BaseWSGIServer, make_server

from app.accounts.models import Organization
from app.db import id_of
from app.orgs import service as orgs
from app.sso import providers
from app.sso.models import SsoProvider
from tests.helpers import post_form
from tests.settings_support import make_settings

ORG_DOMAIN = "riverside.example.org"
CLIENT_ID = "groundwork-test-client"
CLIENT_SECRET = "s3cret-from-the-provider"


@dataclass
class Provider:
    """The provider running in a thread; ``url`` is its issuer."""

    server: BaseWSGIServer
    thread: threading.Thread
    url: str

    def set_user(self, sub: str, **claims: Any) -> None:
        """Give the provider's user ``sub`` these claims (its PUT /users/{sub})."""
        response = httpx.put(f"{self.url}/users/{sub}", json=claims)
        assert response.status_code == 204, response.text

    def authorize(self, authorization_url: str, sub: str) -> str:
        """Sign in at the provider as ``sub``; returns the callback path and query."""
        response = httpx.post(authorization_url, data={"sub": sub})
        assert response.status_code == 302, response.text[:500]
        location = urlsplit(response.headers["location"])
        return f"{location.path}?{location.query}"

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()


@pytest.fixture
def oidc_provider() -> Iterator[Provider]:
    server = make_server("127.0.0.1", 0, oidc_provider_mock.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    provider = Provider(server, thread, f"http://127.0.0.1:{server.server_port}")
    yield provider
    if thread.is_alive():
        provider.stop()


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    return {"oidc_allow_loopback_http": True}


@pytest.fixture
def district(session: Session) -> Organization:
    return orgs.create_organization(session, name="Riverside Unified", domain_names=[])


def configure(
    session: Session,
    provider: Provider,
    org: Organization,
    *,
    kind: str = "generic",
    domains: str = ORG_DOMAIN,
    tenant_ids: str = "",
) -> SsoProvider:
    """Set up ``org``'s district sign-in with the provider on loopback."""
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
    response = post_form(client, "/sso/start", {"sso_email": email})
    assert response.status_code == 303, response.text[:800]
    return response.headers["location"]


def sign_in(client: TestClient, provider: Provider, sub: str, **claims: Any) -> httpx.Response:
    """The whole trip: claims at the provider, start, authorize, back to our callback."""
    provider.set_user(sub, **claims)
    callback = provider.authorize(start(client, str(claims["email"])), sub)
    return client.get(callback)


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
