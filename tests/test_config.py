"""Settings that guard production: the password-hash cost floor."""

from __future__ import annotations

import pytest

from app.config import Settings, SettingsError, get_settings
from app.security.passwords import hash_password, verify_password
from tests.settings_support import PRODUCTION_TEST_KEY, make_settings


def test_production_refuses_a_password_hash_cost_below_owasp(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GROUNDWORK_ENVIRONMENT", "production")
    monkeypatch.setenv("GROUNDWORK_SECRET_KEY", PRODUCTION_TEST_KEY)
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsError, match="GROUNDWORK_ARGON2_MEMORY_KIB"):
            get_settings()
        monkeypatch.delenv("GROUNDWORK_ARGON2_MEMORY_KIB")
        get_settings.cache_clear()
        with pytest.raises(SettingsError, match="GROUNDWORK_ARGON2_ROUNDS"):
            get_settings()
        monkeypatch.delenv("GROUNDWORK_ARGON2_ROUNDS")
        get_settings.cache_clear()
        assert get_settings().argon2_memory_kib == 19456
        assert get_settings().argon2_rounds == 2
    finally:
        get_settings.cache_clear()


def test_defaults_are_owasp_minimum_and_the_suite_runs_cheaper(settings: Settings) -> None:
    fields = Settings.model_fields
    assert (fields["argon2_memory_kib"].default, fields["argon2_rounds"].default) == (19456, 2)
    cheap = hash_password("a test password", settings=settings)
    assert "$m=64,t=1,p=1$" in cheap
    assert verify_password("a test password", cheap, settings=settings) == (True, None)
    owasp = make_settings(argon2_memory_kib=19456, argon2_rounds=2)
    ok, upgraded = verify_password("a test password", cheap, settings=owasp)
    assert ok
    assert upgraded is not None
    assert "$m=19456,t=2,p=1$" in upgraded
    assert verify_password("a test password", None, settings=owasp) == (False, None)
    assert verify_password("another password", cheap, settings=owasp) == (False, None)
