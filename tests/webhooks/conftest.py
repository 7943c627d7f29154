"""Fixtures: the security tests' courses and world, a loopback receiver, fast retries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.config import Settings
from tests.security.conftest import settings as security_settings
from tests.webhooks.receiver import Receiver

__all__ = ["security_settings"]


@pytest.fixture
def settings(security_settings: Settings) -> Iterator[Settings]:  # type: ignore[no-redef]
    """Loopback allowed (the receiver is on this machine), retries at once, three tries."""
    security_settings.webhook_allow_private_urls = True
    security_settings.webhook_retry_base_seconds = 0
    security_settings.webhook_max_attempts = 3
    security_settings.webhook_timeout_seconds = 5
    yield security_settings


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.stop()
