"""Access tokens for LTI Advantage services (AGS, NRPS): the client-credentials JWT grant.

The tool proves itself with a client assertion signed by its active key (``keys.sign_jwt``):
``iss`` and ``sub`` are the client id, ``aud`` the platform's token URL. The platform's
answer is cached per platform and scope set until a minute before it expires, so a round of
scores asks once. Every call to a platform goes through ``platform_request``: the URL is
checked (https, or plain http on loopback with GROUNDWORK_LTI_ALLOW_LOOPBACK_HTTP), a
timeout bounds it, and a refused token (401) is dropped from the cache and asked for once
more.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx
from sqlmodel import Session

from app.config import Settings
from app.lti import keys, platforms
from app.lti.models import LtiPlatform

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SCOPE_LINEITEM = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
SCOPE_SCORE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
SCOPE_MEMBERSHIPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
EXPIRY_MARGIN_SECONDS = 60
TIMEOUT_SECONDS = 10.0
USER_AGENT = "Groundwork-LTI/1"


class ServiceError(Exception):
    """A platform service that could not be reached or refused us (a message for people)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class _Token:
    value: str
    expires_at: float  # time.monotonic()


_cache: dict[tuple[int, str], _Token] = {}
_lock = threading.Lock()


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def with_query(url: str, **params: str) -> str:
    """``url`` with ``params`` added to its query."""
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def check_url(url: str, *, allow_loopback_http: bool) -> None:
    """Raise ServiceError unless the server may call ``url`` (``platforms.fetch_problem``)."""
    problem = platforms.fetch_problem(url, allow_loopback_http=allow_loopback_http)
    if problem:
        raise ServiceError(f"The platform address {url[:200]!r} is refused: {problem}")


def _grant(session: Session, settings: Settings, platform: LtiPlatform, scope: str) -> _Token:
    check_url(platform.token_url, allow_loopback_http=settings.lti_allow_loopback_http)
    assertion = keys.sign_jwt(
        session,
        secret_key=settings.secret_key,
        claims={"iss": platform.client_id, "sub": platform.client_id, "aud": platform.token_url},
    )
    try:
        answer = httpx.post(
            platform.token_url,
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": assertion,
                "scope": scope,
            },
            headers={"accept": "application/json", "user-agent": USER_AGENT},
            timeout=TIMEOUT_SECONDS,
            follow_redirects=False,
        )
    except httpx.HTTPError as exc:
        raise ServiceError(f"The platform's token endpoint did not answer: {exc}") from exc
    if answer.status_code != 200:
        raise ServiceError(
            f"The platform refused an access token (HTTP {answer.status_code}).",
            answer.status_code,
        )
    try:
        body = answer.json()
        value = str(body["access_token"])
        lifetime = float(body.get("expires_in", 3600))
    except (ValueError, KeyError, TypeError) as exc:
        raise ServiceError("The platform's token answer was not an access token.") from exc
    granted = set(str(body.get("scope", scope)).split())
    if not set(scope.split()) <= granted:
        missing = " ".join(sorted(set(scope.split()) - granted))
        raise ServiceError(f"The platform did not grant the scope {missing}.", 403)
    return _Token(value, time.monotonic() + max(lifetime - EXPIRY_MARGIN_SECONDS, 0))


def access_token(
    session: Session, settings: Settings, platform: LtiPlatform, scopes: list[str]
) -> str:
    """A bearer token for ``scopes`` at ``platform``, from the cache while it is valid."""
    assert platform.id is not None
    scope = " ".join(sorted(set(scopes)))
    key = (platform.id, scope)
    with _lock:
        found = _cache.get(key)
    if found is not None and found.expires_at > time.monotonic():
        return found.value
    token = _grant(session, settings, platform, scope)
    with _lock:
        _cache[key] = token
    return token.value


def forget(platform: LtiPlatform, scopes: list[str]) -> None:
    assert platform.id is not None
    with _lock:
        _cache.pop((platform.id, " ".join(sorted(set(scopes)))), None)


def platform_request(
    session: Session,
    settings: Settings,
    platform: LtiPlatform,
    *,
    method: str,
    url: str,
    scopes: list[str],
    accept: str,
    json_body: dict[str, Any] | None = None,
    content_type: str | None = None,
) -> httpx.Response:
    """One service call with a bearer token; a 401 renews the token and tries once more."""
    check_url(url, allow_loopback_http=settings.lti_allow_loopback_http)
    for attempt in (1, 2):
        token = access_token(session, settings, platform, scopes)
        headers = {"authorization": f"Bearer {token}", "accept": accept, "user-agent": USER_AGENT}
        if content_type:
            headers["content-type"] = content_type
        try:
            answer = httpx.request(
                method,
                url,
                json=json_body,
                headers=headers,
                timeout=TIMEOUT_SECONDS,
                follow_redirects=False,
            )
        except httpx.HTTPError as exc:
            raise ServiceError(f"The platform did not answer: {exc}") from exc
        if answer.status_code == 401 and attempt == 1:
            forget(platform, scopes)
            continue
        return answer
    raise AssertionError("unreachable")
