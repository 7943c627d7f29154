"""The OpenID Connect relying party: discovery, the authorization URL with PKCE, the token
exchange, and ID-token verification against the provider's JWKS.

Authlib builds the protocol messages (RFC 6749, RFC 7636 S256), joserfc checks the token's
signature, httpx carries the requests. Nothing here touches the database: ``service.py``
keeps state, nonce and verifier server-side.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri, prepare_token_request
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from app.security.outbound_urls import UnsafeUrl, address_problem, check_url, loopback_policy

log = logging.getLogger("groundwork.sso")

TIMEOUT = httpx.Timeout(10.0)
SCOPE = "openid email profile"
# Signature algorithms we accept from a provider (Google and Entra sign with RS256).
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]
LEEWAY_SECONDS = 120
_MAX_BODY = 1_000_000  # a discovery document or key set larger than this is refused


class ProviderUnreachable(Exception):
    """The provider could not be reached or answered with something unusable."""


class TokenRefused(Exception):
    """The token endpoint refused the code (used already, expired, or not ours)."""


class BadIdToken(Exception):
    """The ID token failed a check; ``str()`` says which, without the token."""


def url_problem(url: str, *, allow_loopback_http: bool) -> str | None:
    """Why ``url`` cannot be a provider address, or None (``address_problem``, with
    GROUNDWORK_OIDC_ALLOW_LOOPBACK_HTTP for plain http on this computer)."""
    return address_problem(
        url,
        noun="the provider",
        example="https://accounts.google.com",
        setting="GROUNDWORK_OIDC_ALLOW_LOOPBACK_HTTP",
        allow_loopback_http=allow_loopback_http,
        allow_query=False,
    )


def _check_address(url: str, *, allow_loopback_http: bool) -> None:
    """The outbound-URL rule (app/security/outbound_urls.py) for an address the server
    fetches: public addresses and standard ports only, unless the loopback setting is on
    (tests). ``url_problem`` has already applied the https rule."""
    try:
        check_url(url, policy=loopback_policy(allow_loopback_http))
    except UnsafeUrl as exc:
        raise ProviderUnreachable(f"address refused: {exc}") from None


@dataclass(frozen=True)
class Discovery:
    """The parts of the provider's discovery document that sign-in uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    token_auth_methods: tuple[str, ...]


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = httpx.get(url, timeout=TIMEOUT, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise ProviderUnreachable(f"{type(exc).__name__} fetching {url}") from None
    if response.status_code != 200 or len(response.content) > _MAX_BODY:
        raise ProviderUnreachable(f"HTTP {response.status_code} from {url}")
    try:
        body = response.json()
    except ValueError:
        raise ProviderUnreachable(f"not JSON from {url}") from None
    if not isinstance(body, dict):
        raise ProviderUnreachable(f"not a JSON object from {url}")
    return body


def discover(issuer: str, *, allow_loopback_http: bool) -> Discovery:
    """Fetch and check ``issuer``'s discovery document; raises ProviderUnreachable."""
    problem = url_problem(issuer, allow_loopback_http=allow_loopback_http)
    if problem:
        raise ProviderUnreachable(f"issuer address refused: {problem}")
    _check_address(issuer, allow_loopback_http=allow_loopback_http)
    doc = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    fields = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
    values = [doc.get(name) for name in fields]
    if not all(isinstance(v, str) and v for v in values):
        raise ProviderUnreachable("the discovery document lacks an endpoint")
    found = Discovery(
        issuer=str(doc["issuer"]),
        authorization_endpoint=str(doc["authorization_endpoint"]),
        token_endpoint=str(doc["token_endpoint"]),
        jwks_uri=str(doc["jwks_uri"]),
        token_auth_methods=tuple(doc.get("token_endpoint_auth_methods_supported") or ()),
    )
    # Entra's multi-tenant documents say "…/{tenantid}/v2.0"; the token names the tenant.
    if found.issuer.rstrip("/") != issuer.rstrip("/") and "{tenantid}" not in found.issuer:
        raise ProviderUnreachable(f"the document names another issuer: {found.issuer}")
    for url in values[1:]:
        if url_problem(str(url), allow_loopback_http=allow_loopback_http):
            raise ProviderUnreachable(f"endpoint refused (not https): {url}")
    for fetched in (found.token_endpoint, found.jwks_uri):  # the browser visits the other
        _check_address(fetched, allow_loopback_http=allow_loopback_http)
    return found


def authorization_url(
    discovery: Discovery,
    *,
    client_id: str,
    redirect_uri: str,
    state: str,
    nonce: str,
    code_verifier: str,
    login_hint: str = "",
) -> str:
    """Where to send the browser: the code flow with PKCE (S256), state and nonce."""
    extra = {"login_hint": login_hint} if login_hint else {}
    return str(
        prepare_grant_uri(
            discovery.authorization_endpoint,
            client_id,
            "code",
            redirect_uri=redirect_uri,
            scope=SCOPE,
            state=state,
            nonce=nonce,
            code_challenge=create_s256_code_challenge(code_verifier),
            code_challenge_method="S256",
            **extra,
        )
    )


def exchange_code(
    discovery: Discovery,
    *,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    code: str,
    code_verifier: str,
) -> str:
    """Trade the code for tokens; returns the ID token. Raises TokenRefused or
    ProviderUnreachable."""
    # client_secret_basic is the default (RFC 6749 2.3.1: each part form-encoded first);
    # client_secret_post only for a provider that does not offer basic.
    post_secret = bool(discovery.token_auth_methods) and (
        "client_secret_basic" not in discovery.token_auth_methods
    )
    body = prepare_token_request(
        "authorization_code",
        redirect_uri=redirect_uri,
        code=code,
        code_verifier=code_verifier,
        **({"client_id": client_id, "client_secret": client_secret} if post_secret else {}),
    )
    auth = None if post_secret else httpx.BasicAuth(quote(client_id, ""), quote(client_secret, ""))
    try:
        response = httpx.post(
            discovery.token_endpoint,
            content=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            auth=auth,
            timeout=TIMEOUT,
            follow_redirects=False,
        )
    except httpx.HTTPError as exc:
        raise ProviderUnreachable(f"{type(exc).__name__} at the token endpoint") from None
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise ProviderUnreachable(f"HTTP {response.status_code} from the token endpoint")
    if response.status_code in (400, 401):
        raise TokenRefused(str(answer.get("error", "refused"))[:100])
    id_token = answer.get("id_token")
    if response.status_code != 200 or not isinstance(id_token, str):
        raise ProviderUnreachable(f"HTTP {response.status_code}, no id_token")
    return id_token


def verify_id_token(
    id_token: str, *, discovery: Discovery, client_id: str, nonce: str
) -> dict[str, Any]:
    """The token's claims once its signature (against the provider's JWKS), issuer,
    audience, authorized party, expiry, issue time and nonce all check out.

    Raises BadIdToken, or ProviderUnreachable when the key set cannot be fetched.
    """
    keys = _get_json(discovery.jwks_uri)
    try:
        key_set = KeySet.import_key_set(keys)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError):
        raise ProviderUnreachable("the provider's key set cannot be read") from None
    try:
        token = jwt.decode(id_token, key_set, algorithms=ALGORITHMS)
    except (JoseError, ValueError) as exc:
        raise BadIdToken(f"signature or format: {type(exc).__name__}") from None
    claims = dict(token.claims)
    expected_issuer = discovery.issuer
    if "{tenantid}" in expected_issuer:
        expected_issuer = expected_issuer.replace("{tenantid}", str(claims.get("tid", "")))
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": expected_issuer},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        iat={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise BadIdToken(f"claim check: {exc}") from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    # OpenID Connect Core 3.1.3.7: with several audiences, azp must be us (when present).
    if len(audiences) > 1 and claims.get("azp", client_id) != client_id:
        raise BadIdToken("azp names another client")
    return claims
