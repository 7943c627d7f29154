"""Fixtures: the security tests' courses and world, a loopback receiver, fast retries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.security.conftest import security_content
from tests.webhooks.receiver import Receiver


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, object]:
    """Loopback allowed (the receiver is on this machine), retries at once, three tries."""
    return security_content(tmp_path) | {
        "webhook_allow_private_urls": True,
        "webhook_retry_base_seconds": 0,
        "webhook_max_attempts": 3,
        "webhook_timeout_seconds": 5,
    }


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.stop()
