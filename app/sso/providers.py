"""Configuring an organization's identity provider: save (secret encrypted), find, test.

Functions that write commit at their end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.accounts.models import Organization
from app.config import Settings
from app.db import utcnow
from app.orgs import service as orgs
from app.security import secret_box
from app.sso import oidc
from app.sso.models import ProviderKind, SsoProvider

SECRET_PURPOSE = "sso client secret"  # noqa: S105 - an HKDF label, not a secret
TENANT_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class ProviderError(Exception):
    """Settings that cannot be accepted: ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass
class ProviderForm:
    """What the settings form (or the CLI) sends. An empty secret keeps the stored one."""

    kind: str = ProviderKind.generic.value
    issuer: str = ""
    client_id: str = ""
    client_secret: str = ""
    domains: str = ""
    tenant_ids: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, provider: SsoProvider | None) -> ProviderForm:
        """The form filled from a saved provider (never with its secret)."""
        if provider is None:
            return cls()
        return cls(
            kind=provider.kind,
            issuer=provider.issuer,
            client_id=provider.client_id,
            domains="\n".join(provider.domain_list),
            tenant_ids="\n".join(provider.tenant_list),
        )


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,;]+", text) if w]


def provider_for(session: Session, *, organization_id: int) -> SsoProvider | None:
    return session.exec(
        select(SsoProvider).where(SsoProvider.organization_id == organization_id)
    ).first()


def districts(session: Session) -> list[tuple[int, str]]:
    """(organization id, name) of every organization with district sign-in, by name."""
    rows = session.exec(
        select(Organization.id, Organization.name)
        .join(SsoProvider, col(SsoProvider.organization_id) == col(Organization.id))
        .order_by(col(Organization.name_key))
    )
    return [(int(oid), name) for oid, name in rows if oid is not None]


def provider_for_email(session: Session, *, email: str) -> SsoProvider | None:
    """The provider that allows this address's domain, if any."""
    domain = orgs.email_domain(email)
    if not domain:
        return None
    # A domain is allowed by at most one provider (save_provider checks); few providers
    # exist, so the space-separated lists are matched here rather than in SQL.
    candidates = session.exec(
        select(SsoProvider).where(col(SsoProvider.domains).contains(domain))
    ).all()
    return next((p for p in candidates if domain in p.domain_list), None)


def _validate(
    session: Session,
    *,
    organization_id: int,
    form: ProviderForm,
    existing: SsoProvider | None,
    allow_loopback_http: bool,
) -> tuple[list[str], list[str]]:
    errors: dict[str, str] = {}
    if form.kind not in {k.value for k in ProviderKind}:
        errors["kind"] = "Choose the kind of provider."
    issuer = form.issuer.strip()
    problem = oidc.url_problem(issuer, allow_loopback_http=allow_loopback_http)
    if not issuer:
        errors["issuer"] = "Enter the provider's issuer address."
    elif len(issuer) > 500:
        errors["issuer"] = "Use at most 500 characters for the issuer address."
    elif problem:
        errors["issuer"] = problem
    if not form.client_id.strip():
        errors["client_id"] = "Enter the client id the provider gave you."
    elif len(form.client_id.strip()) > 255:
        errors["client_id"] = "Use at most 255 characters for the client id."
    if not form.client_secret and existing is None:
        errors["client_secret"] = "Enter the client secret the provider gave you."  # noqa: S105
    elif len(form.client_secret) > 1000:
        errors["client_secret"] = "Use at most 1,000 characters for the secret."  # noqa: S105
    wanted = _words(form.domains)
    domains = [orgs.clean_domain(d) for d in wanted]
    bad = [d for d, c in zip(wanted, domains, strict=True) if c is None]
    clean = list(dict.fromkeys(d for d in domains if d))
    if bad:
        errors["domains"] = f"Not an email domain: {', '.join(bad)}. Write it like district.org."
    elif not clean:
        errors["domains"] = "Enter at least one email domain whose people may sign in."
    else:
        # Only the organization's own domains, which an administrator attached: staff of one
        # district can never point sign-in at another district's (or a public) domain.
        attached = {d.domain for d in orgs.domains(session, organization_id=organization_id)}
        foreign = [d for d in clean if d not in attached]
        if foreign:
            errors["domains"] = (
                f"Not one of this organization's verified domains: {', '.join(foreign)}. "
                "An administrator attaches domains on the Organizations page first."
            )
    tenants = list(dict.fromkeys(t.lower() for t in _words(form.tenant_ids)))
    if form.kind == ProviderKind.entra.value:
        wrong = [t for t in tenants if not TENANT_RE.match(t)]
        if wrong:
            errors["tenant_ids"] = (
                f"Not a tenant id: {', '.join(wrong)}. It looks like "
                "0a1b2c3d-1111-2222-3333-444455556666 (Entra admin center, Overview)."
            )
        elif not tenants:
            errors["tenant_ids"] = "Enter your Microsoft Entra tenant id."
    else:
        tenants = []
    if len(" ".join(clean)) > 2000 or len(" ".join(tenants)) > 2000:
        errors["domains"] = "That is too many domains or tenants for one provider."
    if errors:
        raise ProviderError(errors)
    return clean, tenants


def save_provider(
    session: Session, *, settings: Settings, organization_id: int, form: ProviderForm
) -> SsoProvider:
    """Create or replace the organization's provider; raises ProviderError."""
    existing = provider_for(session, organization_id=organization_id)
    domains, tenants = _validate(
        session,
        organization_id=organization_id,
        form=form,
        existing=existing,
        allow_loopback_http=settings.oidc_allow_loopback_http,
    )
    provider = existing or SsoProvider(
        organization_id=organization_id,
        kind=form.kind,
        issuer="",
        client_id="",
        client_secret_encrypted="",
        domains="",
    )
    provider.kind = form.kind
    provider.issuer = form.issuer.strip()
    provider.client_id = form.client_id.strip()
    provider.domains = " ".join(domains)
    provider.tenant_ids = " ".join(tenants)
    provider.updated_at = utcnow()
    if form.client_secret:
        provider.client_secret_encrypted = secret_box.encrypt(
            form.client_secret, secret_key=settings.secret_key, purpose=SECRET_PURPOSE
        )
    session.add(provider)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ProviderError({"form": "Someone saved these settings a moment ago."}) from None
    return provider


def client_secret(provider: SsoProvider, *, settings: Settings) -> str:
    """The decrypted client secret; raises secret_box.SecretUnreadable."""
    return secret_box.decrypt(
        provider.client_secret_encrypted, secret_key=settings.secret_key, purpose=SECRET_PURPOSE
    )


def check_connection(provider: SsoProvider, *, settings: Settings) -> oidc.Discovery:
    """Fetch the provider's discovery document; raises oidc.ProviderUnreachable."""
    return oidc.discover(provider.issuer, allow_loopback_http=settings.oidc_allow_loopback_http)


def redirect_uri(settings: Settings) -> str:
    """The address to register at the provider (from GROUNDWORK_BASE_URL)."""
    return settings.base_url.rstrip("/") + "/sso/callback"


def login_url(settings: Settings, *, organization_id: int) -> str:
    """A link that starts this organization's district sign-in at once."""
    return settings.base_url.rstrip("/") + f"/sso/start?organization={organization_id}"


def organization_of(session: Session, provider: SsoProvider) -> Organization:
    org = session.get(Organization, provider.organization_id)
    assert org is not None  # a foreign key
    return org
