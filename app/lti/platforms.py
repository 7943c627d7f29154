"""Registered LMS platforms: adding, listing and removing them, and their cached key sets.

A platform's addresses must be https; plain http is allowed on a loopback host only with
GROUNDWORK_LTI_ALLOW_LOOPBACK_HTTP (development and tests). The platform's JWKS is kept on
its row: a token signed with a ``kid`` the cache does not hold refetches the set once, so a
platform that rotates its keys keeps launching, and a forged ``kid`` costs one fetch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from app.accounts.models import Organization
from app.db import id_of, utcnow
from app.lti.models import (
    LtiContext,
    LtiDeepLink,
    LtiDeployment,
    LtiLaunchTicket,
    LtiLogin,
    LtiNonce,
    LtiPlatform,
    LtiPlatformUser,
    LtiResourceLink,
    LtiScore,
)
from app.security.outbound_urls import UnsafeUrl, address_problem, check_url, loopback_policy

FETCH_TIMEOUT = httpx.Timeout(10.0)
MAX_JWKS_BYTES = 200_000
KEY_SET_LIFETIME = timedelta(hours=24)  # then the platform's keys are fetched again


class PlatformError(Exception):
    """The registration form was refused; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class KeySetUnavailable(Exception):
    """The platform's JWKS could not be fetched or read."""


@dataclass
class PlatformForm:
    """What the registration form (or the CLI) sends, kept as typed when refused."""

    issuer: str = ""
    client_id: str = ""
    deployment_id: str = ""
    auth_url: str = ""
    token_url: str = ""
    jwks_url: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def url_problem(url: str, *, allow_loopback_http: bool) -> str | None:
    """Why ``url`` cannot be a platform address, or None (``address_problem``, with
    GROUNDWORK_LTI_ALLOW_LOOPBACK_HTTP for plain http on this computer)."""
    return address_problem(
        url,
        noun="the platform",
        example="https://canvas.instructure.com",
        setting="GROUNDWORK_LTI_ALLOW_LOOPBACK_HTTP",
        allow_loopback_http=allow_loopback_http,
    )


def fetch_problem(url: str, *, allow_loopback_http: bool) -> str | None:
    """Why the server cannot call ``url`` (the key set, the token and service endpoints),
    or None: ``url_problem``, then the outbound-URL rule (public addresses and standard
    ports, unless the loopback setting is on)."""
    problem = url_problem(url, allow_loopback_http=allow_loopback_http)
    if problem:
        return problem
    try:
        check_url(url, policy=loopback_policy(allow_loopback_http))
    except UnsafeUrl as exc:
        return str(exc)
    return None


def _clean(value: str) -> str:
    return value.strip()


def check_form(form: PlatformForm, *, allow_loopback_http: bool) -> dict[str, str]:
    """Per-field messages for a registration form; empty when it can be saved."""
    errors: dict[str, str] = {}
    for name, label, limit in (
        ("issuer", "the issuer", 500),
        ("client_id", "the client id", 255),
        ("deployment_id", "the deployment id", 255),
        ("auth_url", "the authorization (login) address", 2000),
        ("token_url", "the token address", 2000),
        ("jwks_url", "the key set (JWKS) address", 2000),
    ):
        value = _clean(getattr(form, name))
        if "\x00" in value:
            errors[name] = "Remove the NUL character."
        elif not value:
            errors[name] = f"Enter {label} from the platform's LTI settings."
        elif len(value) > limit:
            errors[name] = f"Use at most {limit} characters."
        elif name in ("issuer", "auth_url", "token_url", "jwks_url"):
            problem = url_problem(value, allow_loopback_http=allow_loopback_http)
            if problem:
                errors[name] = problem
    return errors


def add_platform(
    session: Session, *, organization: Organization, form: PlatformForm, allow_loopback_http: bool
) -> LtiPlatform:
    """Register a platform (or add a deployment to one already registered). Commits.

    Raises PlatformError with per-field messages.
    """
    errors = check_form(form, allow_loopback_http=allow_loopback_http)
    if errors:
        raise PlatformError(errors)
    issuer, client_id = _clean(form.issuer), _clean(form.client_id)
    platform = platform_for(session, issuer=issuer, client_id=client_id)
    if platform is not None and platform.organization_id != id_of(organization):
        raise PlatformError(
            {"client_id": "This issuer and client id are registered to another organization."}
        )
    if platform is None:
        platform = LtiPlatform(
            organization_id=id_of(organization),
            issuer=issuer,
            client_id=client_id,
            auth_login_url="",
            token_url="",
            jwks_url="",
        )
    platform.auth_login_url = _clean(form.auth_url)
    platform.token_url = _clean(form.token_url)
    if platform.jwks_url != _clean(form.jwks_url):
        platform.jwks_url = _clean(form.jwks_url)
        platform.jwks_cache = None
        platform.jwks_fetched_at = None
    session.add(platform)
    session.flush()
    deployment_id = _clean(form.deployment_id)
    if deployment(session, platform=platform, deployment_id=deployment_id) is None:
        session.add(LtiDeployment(platform_id=id_of(platform), deployment_id=deployment_id))
    try:
        session.commit()
    except IntegrityError:  # the same registration saved twice at once
        session.rollback()
        raise PlatformError(
            {"issuer": "This platform was just registered. Reload the page."}
        ) from None
    return platform


def platform_for(session: Session, *, issuer: str, client_id: str | None) -> LtiPlatform | None:
    """The platform with this issuer (and client id; without one, the issuer's only one)."""
    statement = select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id:
        return session.exec(statement.where(LtiPlatform.client_id == client_id)).first()
    found = session.exec(statement.limit(2)).all()
    return found[0] if len(found) == 1 else None


def deployment(
    session: Session, *, platform: LtiPlatform, deployment_id: str
) -> LtiDeployment | None:
    return session.exec(
        select(LtiDeployment).where(
            LtiDeployment.platform_id == id_of(platform),
            LtiDeployment.deployment_id == deployment_id,
        )
    ).first()


@dataclass(frozen=True)
class PlatformRow:
    platform: LtiPlatform
    organization_name: str
    deployment_ids: list[str]


def platform_rows(session: Session, *, organization_id: int | None) -> list[PlatformRow]:
    """Registered platforms (all, or one organization's) with their deployments."""
    statement = select(LtiPlatform, Organization).join(
        Organization, col(Organization.id) == col(LtiPlatform.organization_id)
    )
    if organization_id is not None:
        statement = statement.where(LtiPlatform.organization_id == organization_id)
    pairs = session.exec(statement.order_by(col(Organization.name), col(LtiPlatform.issuer))).all()
    ids = [id_of(p) for p, _ in pairs]
    by_platform: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        for row in session.exec(
            select(LtiDeployment)
            .where(col(LtiDeployment.platform_id).in_(ids))
            .order_by(col(LtiDeployment.deployment_id))
        ):
            by_platform[row.platform_id].append(row.deployment_id)
    return [PlatformRow(p, o.name, by_platform[id_of(p)]) for p, o in pairs]


def managed_platform(
    session: Session, *, platform_id: int, organization_id: int | None
) -> LtiPlatform | None:
    """The platform, if it is ``organization_id``'s (None: any organization's, for admins)."""
    platform = session.get(LtiPlatform, platform_id)
    if platform is None or organization_id not in (None, platform.organization_id):
        return None
    return platform


def remove_platform(session: Session, *, platform_id: int, organization_id: int | None) -> bool:
    """Remove a platform and everything launched through it (accounts stay). Commits."""
    platform = managed_platform(session, platform_id=platform_id, organization_id=organization_id)
    if platform is None:
        return False
    links = select(LtiResourceLink.id).where(LtiResourceLink.platform_id == platform_id)
    session.exec(delete(LtiScore).where(col(LtiScore.resource_link_id).in_(links)))
    # Children before parents (deep links and resource links point at contexts).
    for table in (
        LtiDeepLink,
        LtiResourceLink,
        LtiContext,
        LtiPlatformUser,
        LtiLaunchTicket,
        LtiLogin,
        LtiNonce,
        LtiDeployment,
    ):
        session.exec(delete(table).where(col(table.platform_id) == platform_id))
    session.delete(platform)
    session.commit()
    return True


# --- The platform's key set ---------------------------------------------------------------


def _fetch_jwks(url: str, *, allow_loopback_http: bool) -> dict[str, Any]:
    problem = fetch_problem(url, allow_loopback_http=allow_loopback_http)
    if problem:
        raise KeySetUnavailable(f"the key set address is refused: {problem}")
    try:
        response = httpx.get(url, timeout=FETCH_TIMEOUT, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise KeySetUnavailable(f"fetch failed: {type(exc).__name__}") from None
    if response.status_code != 200 or len(response.content) > MAX_JWKS_BYTES:
        raise KeySetUnavailable(f"HTTP {response.status_code}")
    try:
        found = response.json()
        KeySet.import_key_set(found)
    except (ValueError, TypeError, KeyError, JoseError):
        raise KeySetUnavailable("the key set cannot be read") from None
    if not isinstance(found, dict):
        raise KeySetUnavailable("the key set is not a JSON object")
    return found


def _kids(key_set: dict[str, Any]) -> set[str]:
    keys = key_set.get("keys")
    if not isinstance(keys, list):
        return set()
    return {str(k.get("kid")) for k in keys if isinstance(k, dict) and k.get("kid")}


def key_set_for(
    session: Session, *, platform: LtiPlatform, kid: str | None, allow_loopback_http: bool
) -> KeySet:
    """The platform's keys, from the cache; fetched when empty, older than a day (a key the
    platform has withdrawn stops being trusted), or when ``kid`` is not in it (once per
    call: a platform that rotated its keys keeps launching). The caller commits."""
    cached: dict[str, Any] | None = json.loads(platform.jwks_cache) if platform.jwks_cache else None
    fetched = platform.jwks_fetched_at
    stale = fetched is None or utcnow() - fetched > KEY_SET_LIFETIME
    if cached is None or stale or (kid is not None and kid not in _kids(cached)):
        cached = _fetch_jwks(platform.jwks_url, allow_loopback_http=allow_loopback_http)
        platform.jwks_cache = json.dumps(cached)
        platform.jwks_fetched_at = utcnow()
        session.add(platform)
    return KeySet.import_key_set(cached)  # type: ignore[arg-type]
