"""Deep Linking 2.0: an instructor picks a course or a module, and the platform gets back a
signed ``LtiDeepLinkingResponse`` with one ``ltiResourceLink``.

The request is kept on the server (``LtiDeepLink``) under a one-time token that travels in
the picker's URL and form, so picking works in an iframe that keeps no cookie.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from app import tokens
from app.config import Settings
from app.content.course import Course
from app.db import id_of, utcnow
from app.lti import keys, platforms, tool_config
from app.lti.launch import CLAIM, DL_CLAIM, Launch, LaunchRefused
from app.lti.models import LtiDeepLink, LtiPlatform, ScoreMode
from app.lti.service import account_for_launch

LIFETIME = timedelta(minutes=60)
RESOURCE_LINK_TYPE = "ltiResourceLink"
INSTRUCTORS_ONLY = (
    "Only instructors can choose Groundwork content for a course. Ask your course's "
    "instructor to add the Groundwork link."
)


def _hash(token: str) -> str:
    return tokens.digest(token)


def start(session: Session, *, settings: Settings, launch: Launch) -> str:
    """Keep a deep-linking request for the picker; its one-time token. Commits."""
    if not launch.is_instructor:
        raise LaunchRefused("deep linking by a non-instructor", INSTRUCTORS_ONLY, 403)
    claim = launch.claims.get(DL_CLAIM + "deep_linking_settings")
    if not isinstance(claim, dict) or not isinstance(claim.get("deep_link_return_url"), str):
        raise LaunchRefused("deep linking without a return URL", INSTRUCTORS_ONLY)
    # The return URL becomes the picker form's action: the platform rule (https; loopback
    # http only with the development setting) keeps a signed response off plain http.
    if platforms.url_problem(
        claim["deep_link_return_url"], allow_loopback_http=settings.lti_allow_loopback_http
    ):
        raise LaunchRefused("deep linking return URL is not https", INSTRUCTORS_ONLY)
    accepts = claim.get("accept_types")
    if isinstance(accepts, list) and RESOURCE_LINK_TYPE not in accepts:
        raise LaunchRefused(
            "platform does not accept ltiResourceLink",
            "Your learning platform asked for content Groundwork does not offer here: "
            "Groundwork offers links to its courses and modules.",
        )
    user = account_for_launch(session, settings=settings, launch=launch)
    token = tokens.random_token(32)
    data = claim.get("data")
    now = utcnow()
    session.add(
        LtiDeepLink(
            token_hash=_hash(token),
            platform_id=id_of(launch.platform),
            deployment_id=launch.deployment_id[:255],
            return_url=claim["deep_link_return_url"][:2000],
            data=json.dumps(data) if data is not None else None,
            user_id=id_of(user),
            created_at=now,
            expires_at=now + LIFETIME,
        )
    )
    session.commit()
    return token


def request_for(session: Session, *, token: str) -> LtiDeepLink | None:
    """The unspent, unexpired deep-linking request for ``token``, or None."""
    if not token or len(token) > 100:
        return None
    found = session.exec(select(LtiDeepLink).where(LtiDeepLink.token_hash == _hash(token))).first()
    if found is None or found.used_at is not None or found.expires_at < utcnow():
        return None
    return found


@dataclass
class Pick:
    """What the picker form sends (kept as chosen when refused)."""

    course: str = ""
    module: str = ""
    graded: bool = False
    score_mode: str = ScoreMode.progress.value
    errors: dict[str, str] | None = None


def content_item(course: Course, pick: Pick, *, settings: Settings) -> dict[str, Any]:
    """The ``ltiResourceLink`` for a course or one of its modules."""
    module = course.module(pick.module) if pick.module else None
    custom = {"course": course.slug, "module": module.id if module else ""}
    if not module:
        del custom["module"]
    if pick.graded:
        custom["score_mode"] = pick.score_mode
    title = f"{course.title}: {module.title}" if module else course.title
    item: dict[str, Any] = {
        "type": RESOURCE_LINK_TYPE,
        "title": title[:255],
        "url": tool_config.launch_url(settings),
        "custom": custom,
    }
    if pick.graded:
        item["lineItem"] = {
            "scoreMaximum": 1,
            "label": title[:255],
            "resourceId": f"{course.slug}/{module.id}" if module else course.slug,
        }
    return item


def respond(
    session: Session, *, settings: Settings, request: LtiDeepLink, course: Course, pick: Pick
) -> tuple[str, str]:
    """Spend the request; (return URL, signed LtiDeepLinkingResponse JWT). Commits."""
    platform = session.get(LtiPlatform, request.platform_id)
    if platform is None:  # pragma: no cover - a foreign key
        raise LaunchRefused("platform removed", INSTRUCTORS_ONLY, 404)
    claims: dict[str, Any] = {
        "iss": platform.client_id,
        "aud": platform.issuer,
        "azp": platform.client_id,
        "nonce": tokens.random_token(16),
        CLAIM + "message_type": "LtiDeepLinkingResponse",
        CLAIM + "version": "1.3.0",
        CLAIM + "deployment_id": request.deployment_id,
        DL_CLAIM + "content_items": [content_item(course, pick, settings=settings)],
    }
    if request.data is not None:
        claims[DL_CLAIM + "data"] = json.loads(request.data)
    token = keys.sign_jwt(session, secret_key=settings.secret_key, claims=claims)
    request.used_at = utcnow()
    session.add(request)
    session.commit()
    return request.return_url, token
