"""A real OpenID Connect provider (oidc-provider-mock) in a thread on a loopback port,
for the district sign-in tests and the browser test."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import oidc_provider_mock
import pytest
from werkzeug.serving import BaseWSGIServer, make_server


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


@contextmanager
def running_provider(**options: Any) -> Iterator[Provider]:
    """A provider on a free loopback port; ``options`` go to ``oidc_provider_mock.app``."""
    server = make_server("127.0.0.1", 0, oidc_provider_mock.app(**options), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    provider = Provider(server, thread, f"http://127.0.0.1:{server.server_port}")
    try:
        yield provider
    finally:
        if thread.is_alive():
            provider.stop()


@pytest.fixture
def oidc_provider() -> Iterator[Provider]:
    with running_provider() as provider:
        yield provider
