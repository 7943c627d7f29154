"""Invitation links: made by staff (or the CLI), refused once expired, used up or revoked.

Using a link is one conditional UPDATE (``uses = uses + 1`` only while the link still
works), so two people racing for the last use cannot both get in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from app import tokens
from app.accounts.models import Organization, User
from app.content.access import can_see
from app.content.models import CourseRecord
from app.content.registry import Registry
from app.db import id_of, utcnow
from app.learning import service as learning
from app.learning.models import Enrollment
from app.orgs import service as orgs
from app.orgs.models import Cohort, Invite, Proof

MAX_EXPIRY_DAYS = 365
CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what tokens.random_token makes
MAX_USES = 10_000


class InviteState(StrEnum):
    usable = "usable"
    expired = "expired"
    used_up = "used_up"
    revoked = "revoked"
    course_closed = "course_closed"

    @property
    def label(self) -> str:
        return {
            InviteState.usable: "Active",
            InviteState.expired: "Expired",
            InviteState.used_up: "Used up",
            InviteState.revoked: "Revoked",
            InviteState.course_closed: "Course not open",
        }[self]


REFUSALS = {
    InviteState.expired: "This invitation link has expired.",
    InviteState.used_up: "This invitation link has been used as many times as it allows.",
    InviteState.revoked: "This invitation link was withdrawn by the organization.",
    InviteState.course_closed: "The course this cohort takes is not open for enrollment now.",
}


class InviteUnusable(Exception):
    """The link cannot be used; ``state`` says why."""

    def __init__(self, state: InviteState):
        super().__init__(REFUSALS[state])
        self.state = state
        self.message = REFUSALS[state]


@dataclass(frozen=True)
class InviteView:
    """An invitation with what a page needs to show it."""

    invite: Invite
    organization: Organization
    cohort: Cohort | None
    state: InviteState


def state_of(invite: Invite, *, now: datetime | None = None) -> InviteState:
    """Whether the link works now, and if not, why (revoked beats expired beats used up)."""
    now = now or utcnow()
    if invite.revoked_at is not None:
        return InviteState.revoked
    if invite.expires_at is not None and invite.expires_at <= now:
        return InviteState.expired
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        return InviteState.used_up
    return InviteState.usable


def create_invite(
    session: Session,
    *,
    organization_id: int,
    cohort_id: int | None = None,
    max_uses: int | None = None,
    expires_days: int | None = None,
    created_by: User | None = None,
) -> Invite:
    """A new link; raises OrgError for a cohort of another organization or bad limits."""
    errors: dict[str, str] = {}
    if max_uses is not None and not 1 <= max_uses <= MAX_USES:
        errors["max_uses"] = f"Allow between 1 and {MAX_USES:,} uses, or leave it empty."
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        errors["expires_days"] = f"Choose between 1 and {MAX_EXPIRY_DAYS} days, or leave it empty."
    if cohort_id is not None:
        cohort = session.get(Cohort, cohort_id)
        if cohort is None or cohort.organization_id != organization_id:
            errors["cohort_id"] = "Choose one of this organization's cohorts."
    if errors:
        raise orgs.OrgError(errors)
    invite = Invite(
        code=tokens.random_token(18),
        organization_id=organization_id,
        cohort_id=cohort_id,
        max_uses=max_uses,
        expires_at=utcnow() + timedelta(days=expires_days) if expires_days else None,
        created_by_id=created_by.id if created_by else None,
    )
    session.add(invite)
    session.commit()
    return invite


def view(session: Session, *, code: str) -> InviteView | None:
    """The invitation with this code, whatever its state; None when no such link exists."""
    if not CODE_RE.fullmatch(code):
        return None
    invite = session.exec(select(Invite).where(Invite.code == code)).first()
    if invite is None:
        return None
    return _view(session, invite)


def _view(session: Session, invite: Invite) -> InviteView:
    org = session.get(Organization, invite.organization_id)
    assert org is not None  # a foreign key
    cohort = session.get(Cohort, invite.cohort_id) if invite.cohort_id else None
    return InviteView(invite=invite, organization=org, cohort=cohort, state=state_of(invite))


def invites_of(session: Session, *, organization_id: int) -> list[InviteView]:
    """The organization's links, newest first (cohort join links included)."""
    statement = (
        select(Invite)
        .where(Invite.organization_id == organization_id)
        .order_by(col(Invite.created_at).desc(), col(Invite.id).desc())
    )
    return [_view(session, i) for i in session.exec(statement)]


def revoke(session: Session, *, organization_id: int, invite_id: int) -> bool:
    """Withdraw a link now. False: no such link in this organization."""
    invite = session.get(Invite, invite_id)
    if invite is None or invite.organization_id != organization_id:
        return False
    if invite.revoked_at is None:
        invite.revoked_at = utcnow()
        session.add(invite)
        session.commit()
    return True


def cohort_course(session: Session, *, cohort: Cohort) -> str | None:
    """The slug of the course a cohort takes."""
    record = session.get(CourseRecord, cohort.course_id)
    return record.slug if record else None


@dataclass(frozen=True)
class Accepted:
    """A used invitation; ``problem`` says why the cohort's course could not be entered."""

    view: InviteView
    problem: str | None = None
    course_slug: str | None = None  # the cohort's course, entered
    already: bool = False  # the user was in already: nothing changed, no use taken

    @property
    def notices(self) -> list[tuple[str, str]]:
        """(category, message) pairs to flash."""
        view = self.view
        where = view.organization.name + (f", cohort “{view.cohort.name}”" if view.cohort else "")
        if self.already:
            return [("info", f"You are already a member of {where}.")]
        found = [("success", f"You joined {where}.")]
        return found + ([("error", self.problem)] if self.problem else [])


def use_link(session: Session, *, user: User, code: str, registry: Registry) -> Accepted | str:
    """``accept``, or the message saying why the link could not be used."""
    try:
        return accept(session, user=user, code=code, registry=registry)
    except InviteUnusable as exc:
        return f"{exc.message} You were not added to an organization."
    except LookupError:
        return "That invitation link does not exist. Check that it was copied whole."


def _already_in(session: Session, *, user: User, found: InviteView) -> bool:
    """The user is a member of the link's organization (and in its cohort, if any)."""
    if user.organization_id != found.invite.organization_id:
        return False
    if found.cohort is None:
        return True
    enrolled = session.exec(
        select(Enrollment).where(
            Enrollment.user_id == id_of(user),
            Enrollment.cohort == found.cohort.code,
            col(Enrollment.active).is_(True),
        )
    ).first()
    return enrolled is not None


def accept(session: Session, *, user: User, code: str, registry: Registry) -> Accepted:
    """Join the link's organization (and enroll in its cohort's course); commits.

    Someone already in takes no use of the link. A cohort link whose course cannot be
    entered is refused before a use is taken. Raises InviteUnusable, or LookupError for a
    code that names no link.
    """
    found = view(session, code=code)
    if found is None:
        raise LookupError(code)
    if found.state is not InviteState.usable:
        raise InviteUnusable(found.state)
    if _already_in(session, user=user, found=found):
        return Accepted(view=found, already=True)
    course = None
    if found.cohort is not None:
        slug = cohort_course(session, cohort=found.cohort)
        course = registry.get(slug) if slug else None
        if course is None or not can_see(course, user):
            raise InviteUnusable(InviteState.course_closed)
    now = utcnow()
    claimed = session.execute(
        update(Invite)
        .where(
            col(Invite.id) == found.invite.id,
            col(Invite.revoked_at).is_(None),
            or_(col(Invite.max_uses).is_(None), col(Invite.uses) < col(Invite.max_uses)),
            or_(col(Invite.expires_at).is_(None), col(Invite.expires_at) > now),
        )
        .values(uses=col(Invite.uses) + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        session.refresh(found.invite)
        raise InviteUnusable(state_of(found.invite, now=now))
    if user.organization_id != found.invite.organization_id:
        orgs.join(session, user=user, organization_id=id_of(found.organization), proof=Proof.invite)
    session.commit()
    session.refresh(found.invite)
    if found.cohort is None or course is None:
        return Accepted(view=found)
    try:
        learning.enroll(session, user=user, course=course, cohort=found.cohort.code)
    except learning.LearningError as exc:
        return Accepted(view=found, problem=exc.message)
    return Accepted(view=found, course_slug=course.slug)
