"""After a verified launch: the account, its organization and cohort, the enrollment, and
the one-time ticket that finishes the launch (in the iframe, or in a new window).

Who commits: each public function here commits at the end of its use case.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, select

from app import tokens
from app.accounts import service as accounts
from app.accounts.models import User
from app.config import Settings
from app.content.course import Course
from app.content.registry import Registry
from app.db import id_of, utcnow
from app.events import service as events
from app.learning import service as learning
from app.lti import identities
from app.lti.launch import AGS_CLAIM, NRPS_CLAIM, Launch, LaunchRefused
from app.lti.models import (
    LtiContext,
    LtiLaunchTicket,
    LtiPlatform,
    LtiResourceLink,
    ScoreMode,
)
from app.orgs import cohorts
from app.orgs import service as orgs
from app.orgs.models import Cohort, Proof

log = logging.getLogger("groundwork.lti")
TICKET_LIFETIME = timedelta(minutes=5)
NO_COURSE = (
    "This link in your learning platform does not name a Groundwork course. Ask your "
    "instructor to choose the course again (Deep Linking), or to set the custom parameter "
    "course=<course slug>."
)


def _hash(token: str) -> str:
    return tokens.digest(token)


def _text(value: Any, limit: int) -> str:
    return " ".join(value.split())[:limit] if isinstance(value, str) else ""


# --- Context and resource link ------------------------------------------------------------


def _context_for(session: Session, launch: Launch) -> LtiContext | None:
    claim = launch.claim("context")
    context_id = _text(claim.get("id"), 255)
    if not context_id:
        return None
    platform_id = id_of(launch.platform)
    context = session.exec(
        select(LtiContext).where(
            LtiContext.platform_id == platform_id, LtiContext.context_id == context_id
        )
    ).first()
    if context is None:
        context = LtiContext(platform_id=platform_id, context_id=context_id)
    context.title = _text(claim.get("title") or claim.get("label"), 255) or context.title
    nrps = launch.claims.get(NRPS_CLAIM)
    if isinstance(nrps, dict) and isinstance(nrps.get("context_memberships_url"), str):
        context.memberships_url = nrps["context_memberships_url"][:2000]
    session.add(context)
    session.flush()
    return context


def _resource_link_for(
    session: Session, launch: Launch, context: LtiContext | None, registry: Registry
) -> tuple[LtiResourceLink, Course]:
    claim = launch.claim("resource_link")
    link_id = _text(claim.get("id"), 255)
    if not link_id:
        raise LaunchRefused("resource link launch without resource_link.id", NO_COURSE)
    platform_id = id_of(launch.platform)
    link = session.exec(
        select(LtiResourceLink).where(
            LtiResourceLink.platform_id == platform_id,
            LtiResourceLink.resource_link_id == link_id,
        )
    ).first()
    custom = launch.claim("custom")
    course_slug = _text(custom.get("course"), 100) or (link.course_slug if link else "")
    course = registry.get(course_slug)
    if course is None or not course.is_published:
        raise LaunchRefused(f"link names course {course_slug[:100]!r}", NO_COURSE, 404)
    module_slug = _text(custom.get("module"), 100) or None
    if module_slug is None and link is not None and link.course_slug == course_slug:
        module_slug = link.module_slug
    if module_slug is not None and course.module(module_slug) is None:
        module_slug = None  # a module since removed: land on the course page
    if link is None:
        link = LtiResourceLink(platform_id=platform_id, resource_link_id=link_id, course_slug="")
    link.deployment_id = launch.deployment_id[:255]
    link.context_id = context.id if context else link.context_id
    link.title = _text(claim.get("title"), 255) or link.title
    link.course_slug, link.module_slug = course.slug, module_slug
    ags = launch.claims.get(AGS_CLAIM)
    if isinstance(ags, dict):
        if isinstance(ags.get("lineitem"), str):
            link.lineitem_url = ags["lineitem"][:2000]
        if isinstance(ags.get("lineitems"), str):
            link.lineitems_url = ags["lineitems"][:2000]
        scopes = ags.get("scope")
        if isinstance(scopes, list):
            link.ags_scopes = " ".join(s for s in scopes if isinstance(s, str))[:1000]
    mode = _text(custom.get("score_mode"), 20)
    if mode in ScoreMode.__members__:
        link.score_mode = mode
    session.add(link)
    session.flush()
    return link, course


# --- The account ----------------------------------------------------------------------------


REFUSED_ROLE = (
    "This Groundwork account cannot be opened from a learning platform. Log in to "
    "Groundwork with your password instead."
)
REFUSED_MEMBER = (
    "Your Groundwork account belongs to another organization, so this launch cannot open "
    "it. Log in with your password; to move, ask this district's staff for an invitation."
)
EMAIL_TAKEN = (
    "A Groundwork account with your email address already exists and has not confirmed it "
    "belongs to this district. Log in to Groundwork with your password, or ask your "
    "district's Groundwork administrator for help."
)


_REFUSALS = {
    "role": ("{role} account", REFUSED_ROLE),
    "member": ("member of another organization", REFUSED_MEMBER),
    "unproven": ("email of an existing, unproven account", EMAIL_TAKEN),
}


def _account_for(session: Session, *, settings: Settings, launch: Launch) -> tuple[User, bool]:
    """The account for ``iss`` + ``sub`` (``identities.account_for``); (account, created)."""
    raw_email = launch.claims.get("email")
    name = _text(launch.claims.get("name"), 200) or " ".join(
        _text(launch.claims.get(k), 100) for k in ("given_name", "family_name")
    )
    try:
        return identities.account_for(
            session,
            settings=settings,
            platform=launch.platform,
            subject=launch.subject,
            claimed_email=raw_email if isinstance(raw_email, str) else "",
            name=name,
        )
    except identities.NotLinked as exc:
        log_text, page = _REFUSALS.get(exc.reason, _REFUSALS["role"])
        raise LaunchRefused(log_text.format(role=exc.reason), page, 403) from None


def _cohort_code(
    session: Session, *, context: LtiContext | None, platform: LtiPlatform, course: Course
) -> str | None:
    """The code of the cohort named after the LMS context (made on its first launch)."""
    if context is None:
        return None
    if context.cohort_code:
        found = session.exec(select(Cohort).where(Cohort.code == context.cohort_code)).first()
        if found is not None:
            return found.code
    name = context.title[:120] or f"LMS course {context.context_id}"[:120]
    cohort = cohorts.create_cohort(
        session,
        organization_id=platform.organization_id,
        form=cohorts.CohortForm(name=name, course_slug=course.slug),
        course_slugs=[course.slug],
    )
    context.cohort_code = cohort.code
    session.add(context)
    session.flush()
    return cohort.code


@dataclass(frozen=True)
class Landed:
    """A finished resource-link launch: who, where to, and the one-time ticket."""

    user: User
    ticket: str
    target_path: str


def _new_ticket(session: Session, *, platform: LtiPlatform, user: User, target_path: str) -> str:
    token = tokens.random_token(32)
    now = utcnow()
    session.add(
        LtiLaunchTicket(
            token_hash=_hash(token),
            platform_id=id_of(platform),
            user_id=id_of(user),
            target_path=target_path,
            created_at=now,
            expires_at=now + TICKET_LIFETIME,
        )
    )
    return token


def account_for_launch(session: Session, *, settings: Settings, launch: Launch) -> User:
    """The launching person's account, a member of the platform's organization. Flushes."""
    user, created = _account_for(session, settings=settings, launch=launch)
    if user.organization_id != launch.platform.organization_id:
        orgs.join(
            session, user=user, organization_id=launch.platform.organization_id, proof=Proof.lti
        )
    session.flush()
    log.info("LTI launch: user %s (%s)", id_of(user), "new" if created else "existing")
    return user


def land(session: Session, *, settings: Settings, launch: Launch, registry: Registry) -> Landed:
    """A resource-link launch: account, organization, cohort, enrollment; the ticket that
    signs the person in and lands them on the linked module. Commits."""
    context = _context_for(session, launch)
    link, course = _resource_link_for(session, launch, context, registry)
    user = account_for_launch(session, settings=settings, launch=launch)
    code = _cohort_code(session, context=context, platform=launch.platform, course=course)
    try:
        enrollment = learning.enroll(session, user=user, course=course, cohort=code)
    except learning.LearningError as exc:
        raise LaunchRefused(f"enroll: {exc}", str(exc), 409) from None
    # The learning record store hears of every launch (xAPI "launched", docs/xapi.md).
    events.record(
        session,
        kind=events.EventKind.launched,
        enrollment=enrollment,
        data={"module_id": link.module_slug},
    )
    target = f"/courses/{course.slug}"
    if link.module_slug:
        target += f"/modules/{link.module_slug}"
    token = _new_ticket(session, platform=launch.platform, user=user, target_path=target)
    session.commit()
    return Landed(user, token, target)


def ticket(session: Session, *, token: str) -> LtiLaunchTicket | None:
    """The unspent, unexpired ticket for ``token``, or None."""
    if not token or len(token) > 100:
        return None
    found = session.exec(
        select(LtiLaunchTicket).where(LtiLaunchTicket.token_hash == _hash(token))
    ).first()
    if found is None or found.used_at is not None or found.expires_at < utcnow():
        return None
    return found


def redeem_ticket(
    session: Session, *, settings: Settings, found: LtiLaunchTicket
) -> tuple[str, str]:
    """Spend the ticket and log its person in: (login cookie token, target path). Commits."""
    found.used_at = utcnow()
    session.add(found)
    user = session.get(User, found.user_id)
    if user is None:  # pragma: no cover - a foreign key
        raise LaunchRefused("ticket user missing", REFUSED_ROLE, 403)
    token = accounts.start_login(session, settings=settings, user=user)  # commits
    return token, found.target_path


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def frame_origins(platform: LtiPlatform) -> list[str]:
    """The origins allowed to frame launch pages: the platform's issuer and login page."""
    origins: list[str] = []
    for url in (platform.issuer, platform.auth_login_url):
        origin = origin_of(url)
        if origin not in origins:
            origins.append(origin)
    return origins
