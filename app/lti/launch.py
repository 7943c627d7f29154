"""OIDC login initiation and the launch's id_token checks (LTI 1.3 core, section 5).

The state and the nonce live on the server (``LtiLogin``), never in a third-party cookie:
the state names its login row (single use, ten minutes) and the id_token must carry that
row's nonce. Every accepted nonce is also recorded per platform (``LtiNonce``), so the same
token posted twice fails even if it arrives with another state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jws import extract_compact
from sqlalchemy import Engine, delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app import tokens
from app.db import id_of, open_session, utcnow
from app.lti import platforms
from app.lti.models import LtiDeepLink, LtiLaunchTicket, LtiLogin, LtiNonce, LtiPlatform

LOGIN_LIFETIME = timedelta(minutes=10)
LEEWAY_SECONDS = 60
PRUNE_INTERVAL_SECONDS = 600.0  # the worker removes expired logins and nonces this often
ALGORITHMS = ["RS256", "RS384", "RS512"]
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"


class LaunchRefused(Exception):
    """A login or launch failed a check: ``reason`` for the log, ``message`` for people."""

    def __init__(self, reason: str, message: str, status: int = 400):
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.status = status


START_AGAIN = (
    "This launch from your learning platform could not be completed. Go back to your "
    "course in the platform and open the Groundwork link again."
)
NOT_REGISTERED = (
    "This learning platform is not registered with Groundwork. Ask your district's "
    "Groundwork administrator to register it (see the LTI set-up guide)."
)


def _hash(value: str) -> str:
    return tokens.digest(value)


@dataclass(frozen=True)
class LoginRedirect:
    """Where to send the browser (the platform's authorization endpoint), and the state."""

    url: str
    state: str
    nonce: str
    platform: LtiPlatform


def start_login(
    session: Session, *, params: dict[str, str], launch_url: str, allow_loopback_http: bool
) -> LoginRedirect:
    """Third-party login initiation: record a state and nonce, build the authorization
    request (``response_mode=form_post``, ``prompt=none``). Commits."""
    issuer = params.get("iss", "")
    login_hint = params.get("login_hint", "")
    if not issuer or not login_hint:
        raise LaunchRefused("login initiation without iss or login_hint", START_AGAIN)
    platform = platforms.platform_for(session, issuer=issuer, client_id=params.get("client_id"))
    if platform is None:
        raise LaunchRefused(f"unknown issuer {issuer[:100]!r}", NOT_REGISTERED, 404)
    deployment_id = params.get("lti_deployment_id")
    if deployment_id and not platforms.deployment(
        session, platform=platform, deployment_id=deployment_id
    ):
        raise LaunchRefused("login for an unknown deployment", NOT_REGISTERED, 404)
    if platforms.url_problem(platform.auth_login_url, allow_loopback_http=allow_loopback_http):
        raise LaunchRefused("authorization URL not https", NOT_REGISTERED, 502)
    state, nonce = tokens.random_token(32), tokens.random_token(32)
    now = utcnow()
    session.add(
        LtiLogin(
            state_hash=_hash(state),
            nonce=nonce,
            platform_id=id_of(platform),
            target_link_uri=params.get("target_link_uri", "")[:2000],
            created_at=now,
            expires_at=now + LOGIN_LIFETIME,
        )
    )
    session.commit()
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": launch_url,
        "login_hint": login_hint,
        "state": state,
        "nonce": nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in platform.auth_login_url else "?"
    return LoginRedirect(
        platform.auth_login_url + separator + urlencode(query), state, nonce, platform
    )


@dataclass(frozen=True)
class Launch:
    """A launch whose every check passed."""

    platform: LtiPlatform
    claims: dict[str, Any]

    @property
    def message_type(self) -> str:
        return str(self.claims[CLAIM + "message_type"])

    @property
    def deployment_id(self) -> str:
        return str(self.claims[CLAIM + "deployment_id"])

    @property
    def subject(self) -> str:
        return str(self.claims["sub"])

    def claim(self, name: str) -> dict[str, Any]:
        """An LTI claim object (``context``, ``resource_link``, ``custom``…), or {}."""
        found = self.claims.get(CLAIM + name)
        return found if isinstance(found, dict) else {}

    @property
    def roles(self) -> list[str]:
        found = self.claims.get(CLAIM + "roles")
        return [r for r in found if isinstance(r, str)] if isinstance(found, list) else []

    @property
    def is_instructor(self) -> bool:
        return any(
            r.endswith(("#Instructor", "#Administrator", "#ContentDeveloper", "#TeachingAssistant"))
            for r in self.roles
        )


def _claim_login(session: Session, state: str) -> LtiLogin:
    if not state or len(state) > 200:
        raise LaunchRefused("launch without state", START_AGAIN)
    login = session.exec(select(LtiLogin).where(LtiLogin.state_hash == _hash(state))).first()
    if login is None:
        raise LaunchRefused("unknown state", START_AGAIN)
    if login.used_at is not None:
        raise LaunchRefused("state used already (replay)", START_AGAIN)
    if login.expires_at < utcnow():
        raise LaunchRefused("state expired", START_AGAIN)
    login.used_at = utcnow()
    session.add(login)
    return login


def _decode(
    session: Session, *, platform: LtiPlatform, id_token: str, allow_loopback_http: bool
) -> dict[str, Any]:
    try:
        header = extract_compact(id_token.encode("ascii")).headers()
    except (JoseError, ValueError, UnicodeError):
        raise LaunchRefused("id_token is not a JWS", START_AGAIN) from None
    kid = header.get("kid")
    kid = kid if isinstance(kid, str) else None
    try:
        keys = platforms.key_set_for(
            session, platform=platform, kid=kid, allow_loopback_http=allow_loopback_http
        )
    except platforms.KeySetUnavailable as exc:
        raise LaunchRefused(
            f"platform key set: {exc}",
            "Groundwork could not reach your learning platform to check this launch. "
            "Please try again in a minute.",
            502,
        ) from None
    try:
        token = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
    except InvalidKeyIdError:
        raise LaunchRefused(f"no platform key with kid {str(kid)[:60]!r}", START_AGAIN) from None
    except (JoseError, ValueError) as exc:
        raise LaunchRefused(f"signature or format: {type(exc).__name__}", START_AGAIN) from None
    return dict(token.claims)


def _check_claims(platform: LtiPlatform, claims: dict[str, Any], nonce: str) -> None:
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": platform.issuer},
        aud={"essential": True, "value": platform.client_id},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise LaunchRefused(f"claim check: {exc}", START_AGAIN) from None
    if claims.get("nonce") != nonce:  # exactly the string sent: a list holding it is not it
        raise LaunchRefused("claim check: nonce is not the one sent", START_AGAIN)
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    azp = claims.get("azp")
    if (len(audiences) > 1 or azp is not None) and azp != platform.client_id:
        raise LaunchRefused("azp is not our client id", START_AGAIN)
    if claims.get(CLAIM + "version") != "1.3.0":
        raise LaunchRefused("LTI version is not 1.3.0", START_AGAIN)
    if claims.get(CLAIM + "message_type") not in (RESOURCE_LINK, DEEP_LINKING):
        raise LaunchRefused(
            f"message type {str(claims.get(CLAIM + 'message_type'))[:60]!r}",
            "Groundwork does not handle this kind of launch.",
        )
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise LaunchRefused(
            "anonymous launch (no sub)",
            "Groundwork needs to know who you are: ask your platform administrator to share "
            "the user's identity with this tool.",
        )


def verify_launch(
    session: Session, *, id_token: str, state: str, allow_loopback_http: bool
) -> Launch:
    """Check a launch: state (single use), signature against the platform's JWKS, issuer,
    audience, ``azp``, expiry, nonce (single use), deployment, message type and version.
    Raises LaunchRefused; the caller commits (the state and nonce are spent either way)."""
    login = _claim_login(session, state)
    platform = session.get(LtiPlatform, login.platform_id)
    if platform is None or not id_token or len(id_token) > 20_000:
        raise LaunchRefused("no platform or no id_token", START_AGAIN)
    session.commit()  # the state is spent before anything slow happens
    claims = _decode(
        session, platform=platform, id_token=id_token, allow_loopback_http=allow_loopback_http
    )
    _check_claims(platform, claims, login.nonce)
    deployment_id = claims.get(CLAIM + "deployment_id")
    if not isinstance(deployment_id, str) or not platforms.deployment(
        session, platform=platform, deployment_id=deployment_id
    ):
        raise LaunchRefused(
            f"unknown deployment {str(deployment_id)[:60]!r}",
            "This deployment of Groundwork in your learning platform is not registered. "
            "Ask your district's Groundwork administrator to add its deployment id.",
            403,
        )
    expires = utcnow() + timedelta(seconds=LEEWAY_SECONDS) + LOGIN_LIFETIME
    try:
        with session.begin_nested():
            session.add(
                LtiNonce(platform_id=id_of(platform), nonce=login.nonce[:255], expires_at=expires)
            )
    except IntegrityError:
        raise LaunchRefused("nonce used already (replay)", START_AGAIN) from None
    return Launch(platform, claims)


def forget_expired(session: Session) -> int:
    """Delete what has expired: login states, accepted nonces, launch tickets and
    deep-linking requests, spent or not (past its expiry none can be used, and a replayed
    launch then fails on its unknown state). Safe at any time; how many rows went. Commits."""
    now = utcnow()
    count = 0
    for table in (LtiLogin, LtiNonce, LtiLaunchTicket, LtiDeepLink):
        result = session.execute(delete(table).where(col(table.expires_at) < now))
        count += int(result.rowcount)  # type: ignore[attr-defined]
    session.commit()
    return count


def prune_expired(engine: Engine) -> int:
    """``forget_expired`` in its own session: the worker's periodic job."""
    with open_session(write=True, engine=engine) as session:
        return forget_expired(session)
