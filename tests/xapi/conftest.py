"""Fixtures: the security tests' courses and world, a real Ralph LRS on loopback (one per
test process), fast retries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.security.conftest import security_content
from tests.xapi.ralph_lrs import Ralph


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, object]:
    """Plain http to the loopback LRS allowed, retries at once, three tries."""
    return security_content(tmp_path) | {
        "xapi_allow_loopback_http": True,
        "webhook_retry_base_seconds": 0,
        "webhook_max_attempts": 3,
        "webhook_timeout_seconds": 5,
        "base_url": "http://groundwork.test",
    }


@pytest.fixture(scope="session")
def ralph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ralph]:
    lrs = Ralph(tmp_path_factory.mktemp("ralph")).start()
    yield lrs
    lrs.stop()
