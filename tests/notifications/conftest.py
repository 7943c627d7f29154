"""The fixture courses (journey-course), and a real SMTP server on loopback (aiosmtpd, as
in tests/accounts: STARTTLS and a login) that the app's settings point at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import Settings
from tests.accounts.smtp_server import MailServer, free_port, make_certificate, start
from tests.learning.support import serve_fixture_courses  # noqa: F401  (settings_overrides)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("smtp"))


@pytest.fixture
def mail_server(
    certificate: tuple[Path, Path], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MailServer]:
    """A running server that the settings send through; the process trusts its
    certificate (as a real CA would be)."""
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    server = MailServer(port=free_port(), cert=cert)
    controller = start(server, key)
    settings.smtp_url = server.url()
    yield server
    controller.stop()
