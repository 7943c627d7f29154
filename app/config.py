"""Settings read from the environment (prefix GROUNDWORK_)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var"
# OWASP's argon2id minimum: the default, and the floor in production.
OWASP_ARGON2_MEMORY_KIB = 19456
OWASP_ARGON2_ROUNDS = 2


class Settings(BaseSettings):
    """Every setting is documented in README.md; tests/test_docs.py checks that."""

    model_config = SettingsConfigDict(env_prefix="GROUNDWORK_", extra="ignore")

    database_url: str = f"sqlite:///{VAR_DIR / 'groundwork.db'}"
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"
    smtp_url: str = ""
    mail_from: str = "Groundwork <no-reply@groundwork.invalid>"
    environment: Literal["development", "production"] = "development"
    content_dir: Path = ROOT / "course_content"
    session_days: int = 14
    reset_token_minutes: int = 60
    login_max_failures: int = 5
    login_window_minutes: int = 15
    max_body_bytes: int = 1_048_576
    min_group_size: int = 10
    api_requests_per_minute: int = 120
    # /enrollments lists only rows changed at least this long ago, so a write transaction
    # that commits late cannot land behind a cursor already handed out.
    api_settle_seconds: float = Field(default=5.0, ge=0, le=3600)
    webhook_allow_private_urls: bool = False
    # District sign-in providers must be https; tests and development may use a plain-http
    # provider on a loopback address with this. Production refuses it.
    oidc_allow_loopback_http: bool = False
    # Learning Record Stores must be https; tests and development may send statements to a
    # plain-http LRS on a loopback address with this. Production refuses it.
    xapi_allow_loopback_http: bool = False
    webhook_delivery: Literal["auto", "worker", "background"] = "auto"
    webhook_max_attempts: int = 6
    webhook_retry_base_seconds: float = 30.0
    webhook_timeout_seconds: float = 10.0
    # Days before an assignment's due date that its reminder email goes (0: on the day).
    reminder_days_before: int = Field(default=2, ge=0, le=60)
    # argon2id cost; production refuses less than the default. The test suite lowers them so
    # that hashing does not dominate its run time.
    argon2_memory_kib: int = Field(default=OWASP_ARGON2_MEMORY_KIB, ge=8)
    argon2_rounds: int = Field(default=OWASP_ARGON2_ROUNDS, ge=1)

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")


class SettingsError(RuntimeError):
    """Raised when the settings cannot run safely."""


def _check_production(settings: Settings) -> None:
    if settings.environment != "production":
        return
    if settings.argon2_memory_kib < OWASP_ARGON2_MEMORY_KIB:
        raise SettingsError(
            "GROUNDWORK_ARGON2_MEMORY_KIB may not go below "
            f"{OWASP_ARGON2_MEMORY_KIB} in production."
        )
    if settings.argon2_rounds < OWASP_ARGON2_ROUNDS:
        raise SettingsError(
            f"GROUNDWORK_ARGON2_ROUNDS may not go below {OWASP_ARGON2_ROUNDS} in production."
        )
    if settings.oidc_allow_loopback_http:
        raise SettingsError(
            "GROUNDWORK_OIDC_ALLOW_LOOPBACK_HTTP is for tests and development: district "
            "sign-in providers must use https in production."
        )
    if settings.xapi_allow_loopback_http:
        raise SettingsError(
            "GROUNDWORK_XAPI_ALLOW_LOOPBACK_HTTP is for tests and development: a Learning "
            "Record Store must use https in production."
        )


def _resolve_secret(settings: Settings) -> Settings:
    _check_production(settings)
    if settings.secret_key:
        return settings
    if settings.environment == "production":
        raise SettingsError("GROUNDWORK_SECRET_KEY must be set in production.")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return settings.model_copy(update={"secret_key": key_file.read_text().strip()})


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests clear this cache to change them."""
    return _resolve_secret(Settings())
