"""Settings read from the environment (prefix GROUNDWORK_)."""

from __future__ import annotations

import math
import os
import zlib
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app import tokens

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = ROOT / "var"
# OWASP's argon2id minimum: the default, and the floor in production.
OWASP_ARGON2_MEMORY_KIB = 19456
OWASP_ARGON2_ROUNDS = 2


class Settings(BaseSettings):
    """Every setting is documented in README.md; tests/test_docs.py checks that."""

    model_config = SettingsConfigDict(env_prefix="GROUNDWORK_", extra="ignore")

    database_url: str = f"sqlite:///{VAR_DIR / 'groundwork.db'}"
    # Empty in development: the key kept in var/secret_key (made on first use). Production
    # refuses an empty or weak key at validation, so neither Settings() nor create_app()
    # can start without one.
    secret_key: SecretStr = SecretStr("")
    base_url: str = "http://127.0.0.1:8000"
    smtp_url: str = ""
    mail_from: str = "Groundwork <no-reply@groundwork.invalid>"
    environment: Literal["development", "production"] = "development"
    content_dir: Path = ROOT / "course_content"
    # Seconds between each process's check of the course versions synced to the database
    # (one small SELECT): content that another instance or `groundwork content sync` synced
    # is served this long after at most. 0 turns the check off (one instance only).
    content_check_seconds: float = Field(default=5.0, ge=0, le=3600)
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
    # LTI platforms (login, token and JWKS addresses) must be https; tests and development
    # may use a plain-http platform on a loopback address with this. Production refuses it.
    lti_allow_loopback_http: bool = False
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

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @model_validator(mode="after")
    def _safe_to_run(self) -> Self:
        """Production refuses unsafe values; development fills in its own key."""
        if self.is_production:
            _check_production(self)
        elif not self.secret_key.get_secret_value():
            self.secret_key = SecretStr(development_key(VAR_DIR / "secret_key"))
        return self


class SettingsError(RuntimeError):
    """Raised when the settings cannot run safely (not a ValueError: pydantic lets it out)."""


# A production key must be long and look random: at least this many characters, and at
# least this many bits by a cautious estimate (``secret_strength_bits``). A 64-character
# key of 48 random bytes in URL-safe base64 scores about 350; a phrase repeated to length,
# or one character, scores far below.
SECRET_MIN_CHARS = 32
SECRET_MIN_BITS = 128
SECRET_ADVICE = "Make one with: openssl rand -base64 48"  # noqa: S105 (advice, not a secret)
_ZLIB_OVERHEAD_BYTES = 8


def secret_strength_bits(secret: str) -> float:
    """A cautious estimate of a secret's entropy in bits: the smaller of its Shannon
    estimate (length times bits per character, which misses repetition) and the size it
    compresses to (which catches it)."""
    if not secret:
        return 0.0
    counts = Counter(secret)
    per_char = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    compressed = len(zlib.compress(secret.encode(), 9)) - _ZLIB_OVERHEAD_BYTES
    return min(per_char * len(secret), 8.0 * max(compressed, 0))


def _check_secret(secret: str) -> None:
    if not secret:
        raise SettingsError(f"GROUNDWORK_SECRET_KEY must be set in production. {SECRET_ADVICE}")
    if len(secret) < SECRET_MIN_CHARS or secret_strength_bits(secret) < SECRET_MIN_BITS:
        raise SettingsError(
            f"GROUNDWORK_SECRET_KEY is too weak for production: use at least "
            f"{SECRET_MIN_CHARS} random characters ({SECRET_MIN_BITS} bits). {SECRET_ADVICE}"
        )


def _check_production(settings: Settings) -> None:
    _check_secret(settings.secret_key.get_secret_value())
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
    if settings.lti_allow_loopback_http:
        raise SettingsError(
            "GROUNDWORK_LTI_ALLOW_LOOPBACK_HTTP is for tests and development: LTI platforms "
            "must use https in production."
        )
    if settings.xapi_allow_loopback_http:
        raise SettingsError(
            "GROUNDWORK_XAPI_ALLOW_LOOPBACK_HTTP is for tests and development: a Learning "
            "Record Store must use https in production."
        )


def development_key(key_file: Path) -> str:
    """The development secret key kept in ``key_file``, made on first use.

    The file is created with mode 0600 from the start (never world-readable for a moment),
    under a temporary name, and linked into place only if no other process got there first.
    """
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = key_file.with_name(f".{key_file.name}.{os.getpid()}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(tokens.random_token(48))
            os.link(temporary, key_file)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            temporary.unlink(missing_ok=True)
    return key_file.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings; tests clear this cache to change them."""
    return Settings()
