"""Security defaults: a production key that is long and random, checked by settings
validation itself (so neither Settings() nor create_app() skips it); the development key
file created 0600 from the start; no site-wide OpenAPI in production."""

from __future__ import annotations

import os
import stat
import threading

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from app.config import Settings, SettingsError, development_key, secret_strength_bits
from app.main import create_app
from tests.settings_support import PRODUCTION_TEST_KEY, make_production_settings


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("", "must be set"),
        ("a-long-random-production-key", "too weak"),  # 28 characters
        ("changeme" * 8, "too weak"),  # long, but a phrase repeated: compresses to 11 bytes
        ("a" * 200, "too weak"),
        ("0123456789" * 4, "too weak"),
    ],
)
def test_production_refuses_a_missing_or_weak_key(key: str, why: str) -> None:
    with pytest.raises(SettingsError, match=f"GROUNDWORK_SECRET_KEY.*{why}"):
        make_production_settings(secret_key=key)


def test_the_check_is_part_of_validation_so_settings_cannot_skip_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GROUNDWORK_ENVIRONMENT", "production")
    monkeypatch.setenv("GROUNDWORK_SECRET_KEY", "short")
    with pytest.raises(SettingsError, match="too weak"):
        Settings()
    with pytest.raises(SettingsError, match="too weak"):
        Settings(environment="production", secret_key="short")
    with pytest.raises(SettingsError, match="too weak"):
        create_app(None)  # no settings given: read from the environment, and refused


def test_a_random_key_passes_and_is_never_shown() -> None:
    settings = make_production_settings()
    assert secret_strength_bits(PRODUCTION_TEST_KEY) > 300
    assert isinstance(settings.secret_key, SecretStr)
    assert PRODUCTION_TEST_KEY not in repr(settings)
    assert PRODUCTION_TEST_KEY not in str(settings)


def test_the_development_key_file_is_0600_from_the_start(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Created with its mode by os.open, never written world-readable and chmod-ed after."""
    modes: list[int] = []
    real_open = os.open

    def recording_open(path, flags, mode=0o777, *args, **kwargs):  # type: ignore[no-untyped-def]
        if flags & os.O_CREAT:
            modes.append(mode)
        return real_open(path, flags, mode, *args, **kwargs)

    monkeypatch.setattr(os, "open", recording_open)
    os.umask(old := os.umask(0))  # a permissive umask must not widen the file
    try:
        key = development_key(tmp_path / "var" / "secret_key")
    finally:
        os.umask(old)
    path = tmp_path / "var" / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert modes == [0o600]
    assert len(key) >= 60
    assert development_key(path) == key
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary left


def test_processes_starting_together_agree_on_one_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "secret_key"
    found: list[str] = []
    threads = [
        threading.Thread(target=lambda: found.append(development_key(path))) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(found)) == 1


def test_production_serves_only_the_api_schema(engine) -> None:  # type: ignore[no-untyped-def]
    app = create_app(make_production_settings(), engine)
    with TestClient(app) as client:
        assert client.get("/openapi.json").status_code == 404
        assert client.get("/docs").status_code == 404
        assert client.get("/redoc").status_code == 404
        api = client.get("/api/v1/openapi.json")
        assert api.status_code == 200
        assert api.json()["info"]["title"] == "Groundwork API"
