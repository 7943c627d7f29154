"""Names and Role Provisioning Services 2.0: a context's roster into its cohort.

``sync`` reads every page of the context's memberships (``Link: <…>; rel="next"``), records
each member as ``LtiRosterMember``, and for active members:

- finds their account: the one they launched with (``iss`` + ``sub``), else the account of
  the email the platform shares when that email is verified, else a new account with no
  password (they sign in by launching, or choose one with "Forgot your password?");
- makes them members of the platform's organization with the proof ``lti`` (a member of
  another organization is not moved, and staff or admin accounts are never linked);
- enrolls learners in the cohort's course, in the cohort;
- records instructors as the cohort's staff contacts (a cohort's facilitator must be
  Groundwork staff, which an LMS role does not make anyone).

Members the platform lists as Inactive or Deleted are recorded as such and not enrolled;
their earlier enrollments stay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from app.accounts.models import User
from app.config import Settings
from app.content.models import CourseRecord
from app.content.registry import Registry
from app.db import utcnow
from app.learning import service as learning
from app.lti import identities
from app.lti.models import LtiContext, LtiPlatform, LtiResourceLink
from app.lti.roster_models import LtiRosterMember
from app.lti.service_token import SCOPE_MEMBERSHIPS, ServiceError, platform_request, with_query
from app.orgs import cohorts
from app.orgs import service as orgs
from app.orgs.models import Cohort, Proof

MEMBERSHIPS_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 500
PAGE_LIMIT = 100  # members asked for per page (platforms may send fewer)
INSTRUCTOR_ROLES = {
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
    "Instructor",
}
LEARNER_ROLES = {"http://purl.imsglobal.org/vocab/lis/v2/membership#Learner", "Learner"}


class SyncError(Exception):
    """The roster could not be read (a message for staff)."""


@dataclass
class SyncReport:
    members: int = 0
    learners_enrolled: int = 0
    instructors: int = 0
    accounts_made: int = 0
    skipped: list[str] = field(default_factory=list)  # "Name: why"


def fetch_members(
    session: Session, settings: Settings, platform: LtiPlatform, url: str
) -> list[dict[str, Any]]:
    """Every member listed at ``url``, following ``rel="next"`` links to the last page."""
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    next_url: str | None = url
    while next_url and next_url not in seen:
        if len(seen) >= MAX_PAGES:
            raise SyncError(f"The roster has more than {MAX_PAGES} pages; stopped there.")
        seen.add(next_url)
        try:
            answer = platform_request(
                session,
                settings,
                platform,
                method="GET",
                url=next_url,
                scopes=[SCOPE_MEMBERSHIPS],
                accept=MEMBERSHIPS_TYPE,
            )
        except ServiceError as exc:
            raise SyncError(str(exc)) from exc
        if answer.status_code != 200:
            raise SyncError(f"The platform refused the roster (HTTP {answer.status_code}).")
        try:
            body = answer.json()
            members = body["members"]
        except (ValueError, KeyError, TypeError) as exc:
            raise SyncError("The platform's roster was not a membership container.") from exc
        if not isinstance(members, list):
            raise SyncError("The platform's roster was not a membership container.")
        found.extend(m for m in members if isinstance(m, dict) and m.get("user_id"))
        link = answer.links.get("next")
        next_url = link.get("url") if link else None
    return found


def _text(value: Any, limit: int) -> str:
    return " ".join(str(value or "").replace("\x00", "").split())[:limit]


_WHY_NOT = {
    "role": "An administrator, author or staff account has this email; never linked by a roster.",
    "staff": "A staff account has this email; it is never linked by a roster.",
    "member": "Member of another organization; not linked or moved.",
    "unproven": "An account with this email is not verified for this district; not linked.",
}


def _account(
    session: Session, settings: Settings, platform: LtiPlatform, member: dict[str, Any]
) -> tuple[User | None, str, bool]:
    """(account, why none, made now) for a roster member (``identities.account_for``)."""
    subject = _text(member["user_id"], 255)
    email = _text(member.get("email"), 320)
    if identities.linked(session, platform, subject) is None and "@" not in email:
        return None, "No email shared by the platform; the account is made at first launch.", False
    try:
        user, made = identities.account_for(
            session,
            settings=settings,
            platform=platform,
            subject=subject,
            claimed_email=email,
            name=_text(member.get("name"), 200) or email.partition("@")[0],
            roster=True,
        )
    except identities.NotLinked as exc:
        return None, _WHY_NOT.get(exc.reason, _WHY_NOT["role"]), False
    return user, "", made


def _cohort(session: Session, context: LtiContext, registry: Registry) -> Cohort:
    """The context's cohort, made for its linked course when the context has none yet."""
    if context.cohort_code:
        found = session.exec(select(Cohort).where(Cohort.code == context.cohort_code)).first()
        if found is not None:
            return found
    slug = session.exec(
        select(LtiResourceLink.course_slug)
        .where(LtiResourceLink.context_id == context.id)
        .order_by(col(LtiResourceLink.id))
    ).first()
    platform = session.get(LtiPlatform, context.platform_id)
    assert platform is not None
    if slug is None or registry.get(slug) is None:
        raise SyncError("No Groundwork course is linked in this LMS course yet.")
    cohort = cohorts.create_cohort(
        session,
        organization_id=platform.organization_id,
        form=cohorts.CohortForm(name=context.title or context.context_id, course_slug=slug),
        course_slugs=[slug],
    )
    context.cohort_code = cohort.code
    session.add(context)
    session.commit()
    return cohort


def _course_slug(session: Session, cohort: Cohort) -> str:
    record = session.get(CourseRecord, cohort.course_id)
    return record.slug if record else ""


def is_instructor(roles: list[str]) -> bool:
    return any(r in INSTRUCTOR_ROLES for r in roles)


def sync(
    session: Session, *, settings: Settings, context: LtiContext, registry: Registry
) -> SyncReport:
    """Read the context's roster and apply it (see the module's text). Commits."""
    platform = session.get(LtiPlatform, context.platform_id)
    assert platform is not None
    assert context.id is not None
    if not context.memberships_url:
        raise SyncError(
            "The platform has not offered its roster service for this course: "
            "launch the tool from the LMS course once, with Names and Role Provisioning on."
        )
    cohort = _cohort(session, context, registry)
    course = registry.get(_course_slug(session, cohort))
    if course is None:
        raise SyncError("The cohort's course is not available right now. Try again in a minute.")
    first = with_query(context.memberships_url, limit=str(PAGE_LIMIT))
    members = fetch_members(session, settings, platform, first)
    report = SyncReport(members=len(members))
    for member in members:
        subject = _text(member["user_id"], 255)
        roles = [str(r) for r in member.get("roles") or []]
        status = _text(member.get("status") or "Active", 20)
        row = session.exec(
            select(LtiRosterMember).where(
                LtiRosterMember.context_id == context.id, LtiRosterMember.subject == subject
            )
        ).first() or LtiRosterMember(context_id=context.id, subject=subject)
        row.name = _text(member.get("name"), 200)
        row.email = _text(member.get("email"), 320)
        row.instructor = is_instructor(roles)
        row.status = status
        row.synced_at = utcnow()
        row.note = ""
        user = None
        if status == "Active":
            user, why, made = _account(session, settings, platform, member)
            report.accounts_made += int(made)
            row.note = why
        if user is not None:
            row.user_id = user.id
            # identities.account_for never returns a member of another organization.
            if user.organization_id is None:
                orgs.join(
                    session,
                    user=user,
                    organization_id=platform.organization_id,
                    proof=Proof.lti,
                )
            if row.instructor:
                report.instructors += 1
            elif any(r in LEARNER_ROLES for r in roles):
                session.add(row)
                session.commit()
                try:
                    learning.enroll(session, user=user, course=course, cohort=cohort.code)
                    report.learners_enrolled += 1
                except learning.LearningError as exc:
                    session.rollback()
                    row.note = f"Not enrolled: {exc}"
        elif status != "Active":
            row.note = f"{status} in the LMS; not enrolled."
        if row.note:
            report.skipped.append(f"{row.name or subject}: {row.note}")
        session.add(row)
        session.commit()
    return report


@dataclass(frozen=True)
class RosterLine:
    member: LtiRosterMember
    account: User | None


def roster(session: Session, *, context_id: int) -> list[RosterLine]:
    """The roster as last synced: instructors first, then by name."""
    rows = session.exec(
        select(LtiRosterMember, User)
        .join(User, col(User.id) == col(LtiRosterMember.user_id), isouter=True)
        .where(LtiRosterMember.context_id == context_id)
        .order_by(col(LtiRosterMember.instructor).desc(), col(LtiRosterMember.name))
    ).all()
    return [RosterLine(m, u) for m, u in rows]


def contexts_of(session: Session, *, organization_id: int) -> list[tuple[LtiContext, LtiPlatform]]:
    """The LMS courses of an organization's platforms, newest first."""
    return list(
        session.exec(
            select(LtiContext, LtiPlatform)
            .join(LtiPlatform, col(LtiPlatform.id) == col(LtiContext.platform_id))
            .where(LtiPlatform.organization_id == organization_id)
            .order_by(col(LtiContext.created_at).desc(), col(LtiContext.id).desc())
        ).all()
    )


def context_in(session: Session, *, organization_id: int, context_id: int) -> LtiContext | None:
    """The context if its platform belongs to the organization (else None: answer 404)."""
    found = session.exec(
        select(LtiContext)
        .join(LtiPlatform, col(LtiPlatform.id) == col(LtiContext.platform_id))
        .where(LtiContext.id == context_id, LtiPlatform.organization_id == organization_id)
    ).first()
    return found
