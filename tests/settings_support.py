"""Settings for tests: built explicitly and handed to ``create_app`` (or to a service).

In-process code never reads the environment for them: the app gets ``settings`` from the
``settings`` fixture, and a folder that needs other values overrides the
``settings_overrides`` fixture, never ``settings`` itself. The CLI and subprocesses (serve,
the CLI run as a program) are entry points that read ``GROUNDWORK_*``:
``TEST_ENVIRONMENT`` holds the suite's values for them, and ``export_to_environment`` passes
a test's settings to a CLI command invoked in-process.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from app.config import OWASP_ARGON2_MEMORY_KIB, OWASP_ARGON2_ROUNDS, Settings, get_settings

# Cheap argon2id for the suite (production keeps OWASP's minimum and refuses less): at the
# real cost, hashing alone took minutes of the run.
TEST_ARGON2 = {"argon2_memory_kib": 64, "argon2_rounds": 1}
_SUITE_VALUES: dict[str, Any] = {
    "secret_key": "test-secret-key-not-for-production",
    "environment": "development",
    # Tests deliver webhooks themselves (deliver_due), not from a background thread.
    "webhook_delivery": "worker",
    # Tests read the rows they just wrote; tests/api/test_paging_settle.py covers the delay.
    "api_settle_seconds": 0,
    # No version-check thread in each of the suite's many apps; tests/perf/
    # test_two_instances.py turns it on for its servers.
    "content_check_seconds": 0,
    **TEST_ARGON2,
}
# The suite's key, for code that takes one directly (signing, secret_box).
TEST_SECRET_KEY = SecretStr(_SUITE_VALUES["secret_key"])
# The same values for processes that read the environment (serve, the CLI).
TEST_ENVIRONMENT = {f"GROUNDWORK_{name.upper()}": str(v) for name, v in _SUITE_VALUES.items()}


def make_settings(**overrides: Any) -> Settings:
    """The suite's settings with ``overrides`` on top (any Settings field)."""
    return Settings(**{**_SUITE_VALUES, **overrides})


# A key that passes production's length and entropy check (tests only, never deployed).
PRODUCTION_TEST_KEY = "dNCfVWltU-4TBNftYsChhkaYVOTEyIs2kATeA7ATe_YTEpm7LzNt4wKAx5IulAbq"


def make_production_settings(**overrides: Any) -> Settings:
    """Settings that pass production's checks: a strong key and OWASP's argon2 cost."""
    production = {
        "environment": "production",
        "secret_key": PRODUCTION_TEST_KEY,
        "argon2_memory_kib": OWASP_ARGON2_MEMORY_KIB,
        "argon2_rounds": OWASP_ARGON2_ROUNDS,
    }
    return make_settings(**{**production, **overrides})


def export_to_environment(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, *, database_url: str
) -> None:
    """Make a CLI command run in this process read ``settings`` (and ``database_url``) the
    way it reads them in production: from GROUNDWORK_* variables, once, at its start."""
    values = settings.model_dump() | {"database_url": database_url}
    for name, value in values.items():
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        monkeypatch.setenv(f"GROUNDWORK_{name.upper()}", str(value))
    get_settings.cache_clear()
