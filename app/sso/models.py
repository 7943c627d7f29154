"""Tables of district sign-in: each organization's identity provider, and sign-in attempts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import utc_column, utcnow


class ProviderKind(StrEnum):
    google = "google"  # Google Workspace: the ``hd`` claim must be an allowed domain
    entra = "entra"  # Microsoft Entra ID: the ``tid`` claim must be an allowed tenant
    generic = "generic"  # any other OpenID Connect provider: the email's domain alone

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    ProviderKind.google: "Google Workspace",
    ProviderKind.entra: "Microsoft Entra ID",
    ProviderKind.generic: "Another OpenID Connect provider",
}


class SsoProvider(SQLModel, table=True):
    """An organization's OpenID Connect provider. The client secret is stored encrypted
    (app/security/secret_box.py) and never shown again."""

    __tablename__ = "sso_provider"

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", unique=True)
    kind: str = Field(max_length=20)  # a ProviderKind value
    issuer: str = Field(max_length=500)
    client_id: str = Field(max_length=255)
    client_secret_encrypted: str = Field(max_length=2000)
    # Space-separated, lower-case: the email domains (and Google ``hd`` values) allowed.
    domains: str = Field(max_length=2000)
    # Space-separated Entra tenant ids allowed (``tid``); empty for other kinds.
    tenant_ids: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())

    @property
    def domain_list(self) -> list[str]:
        return self.domains.split()

    @property
    def tenant_list(self) -> list[str]:
        return self.tenant_ids.split()


class SsoLoginAttempt(SQLModel, table=True):
    """One trip to the provider and back: single use, valid for ten minutes.

    Only the state's SHA-256 is stored (the state travels in URLs); ``browser_hash`` ties
    the attempt to the browser that started it, so nobody can hand their own callback link
    to someone else and sign them in as themselves.
    """

    __tablename__ = "sso_login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    state_hash: str = Field(max_length=64, unique=True)
    nonce: str = Field(max_length=128)
    code_verifier: str = Field(max_length=128)
    browser_hash: str = Field(max_length=64)
    provider_id: int = Field(foreign_key="sso_provider.id", index=True)
    next_path: str = Field(default="/", max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(index=True))
    used_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class SsoIdentity(SQLModel, table=True):
    """Which account a provider's person (its ``sub``) signs in to: matched on ``sub``, so an
    email claim a provider lets people edit cannot reach someone else's account."""

    __tablename__ = "sso_identity"
    __table_args__ = (UniqueConstraint("provider_id", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="sso_provider.id", index=True)
    subject: str = Field(max_length=255)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column())
