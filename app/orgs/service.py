"""Organization use cases: create, verified domains, memberships with a proof, requests.

Every membership has a proof (``Proof``): an invitation, a verified email domain, district
sign-in, staff approval, or an administrator. ``join`` is the one place that writes one.
Functions that write commit at their end, unless their docstring says the caller commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.accounts.models import Organization, User
from app.accounts.permissions import Permission, can
from app.db import id_of, utcnow
from app.identity.service import is_verified
from app.learning.models import Enrollment
from app.orgs.models import Cohort, MembershipRequest, OrganizationDomain, Proof, RequestKind

DOMAIN_RE = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


NUL_MESSAGE = "Remove the invisible control character (NUL) from this field."


class OrgError(Exception):
    """Input that cannot be accepted: ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Membership:
    """A user's organization as their account page shows it."""

    organization: Organization | None
    proof: Proof | None
    pending: MembershipRequest | None
    pending_organization: Organization | None


def name_key(name: str) -> str:
    """Case and spacing folded: "Riverside USD" and "riverside  usd" are one name."""
    return " ".join(name.split()).casefold()[:200]


def clean_domain(domain: str) -> str | None:
    """``domain`` lower-cased without a leading ``@``, or None when it is not a domain."""
    clean = domain.strip().lower().removeprefix("@")[:300]
    return clean if DOMAIN_RE.match(clean) else None


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].lower()


def organizations(session: Session) -> list[Organization]:
    """Every organization, by name."""
    return list(session.exec(select(Organization).order_by(col(Organization.name_key))))


def organization(session: Session, *, organization_id: int) -> Organization | None:
    return session.get(Organization, organization_id)


def organization_named(session: Session, *, name: str) -> Organization | None:
    """The organization with this name (case and spacing ignored)."""
    return session.exec(select(Organization).where(Organization.name_key == name_key(name))).first()


def domains(session: Session, *, organization_id: int) -> list[OrganizationDomain]:
    statement = (
        select(OrganizationDomain)
        .where(OrganizationDomain.organization_id == organization_id)
        .order_by(col(OrganizationDomain.domain))
    )
    return list(session.exec(statement))


def can_manage(user: User, *, organization_id: int) -> bool:
    """Admins, and staff whose scope is all organizations or this one, manage it."""
    if can(user, Permission.admin):
        return True
    return can(user, Permission.manage_org) and user.staff_organization_id in (
        None,
        organization_id,
    )


def managed_organization(
    session: Session, *, user: User, organization_id: int
) -> Organization | None:
    """The organization if ``user`` manages it; None otherwise (pages answer 404)."""
    org = session.get(Organization, organization_id)
    return org if org is not None and can_manage(user, organization_id=organization_id) else None


def managed_organizations(session: Session, *, user: User) -> list[Organization]:
    """The organizations this staff member or admin may manage."""
    return [o for o in organizations(session) if can_manage(user, organization_id=id_of(o))]


def create_organization(
    session: Session, *, name: str, domain_names: list[str] | tuple[str, ...] = ()
) -> Organization:
    """A new organization with these email domains; raises OrgError."""
    clean = " ".join(name.split())
    errors: dict[str, str] = {}
    if "\x00" in name:
        errors["name"] = NUL_MESSAGE
    elif not clean:
        errors["name"] = "Enter the organization's name."
    elif len(clean) > 200:
        errors["name"] = "Use at most 200 characters for the name."
    elif organization_named(session, name=clean) is not None:
        errors["name"] = f"An organization called {clean!r} already exists."
    wanted = [d for d in domain_names if d.strip()]
    cleaned = [clean_domain(d) for d in wanted]
    bad = [d for d, c in zip(wanted, cleaned, strict=True) if c is None]
    if bad:
        errors["domains"] = f"Not an email domain: {', '.join(bad)}. Write it like district.org."
    else:
        taken = [d for d in cleaned if d and _domain_row(session, d) is not None]
        if taken:
            errors["domains"] = f"Already attached to another organization: {', '.join(taken)}."
    if errors:
        raise OrgError(errors)
    org = Organization(name=clean, name_key=name_key(clean))
    session.add(org)
    try:
        session.flush()
        for domain in dict.fromkeys(d for d in cleaned if d):
            session.add(OrganizationDomain(organization_id=id_of(org), domain=domain))
        session.commit()
    except IntegrityError:
        session.rollback()
        raise OrgError(
            {"name": "That name or a domain was taken a moment ago. Try again."}
        ) from None
    return org


def _domain_row(session: Session, domain: str) -> OrganizationDomain | None:
    return session.exec(
        select(OrganizationDomain).where(OrganizationDomain.domain == domain)
    ).first()


def add_domain(session: Session, *, organization_id: int, domain: str) -> OrganizationDomain:
    """Attach an email domain; raises OrgError."""
    clean = clean_domain(domain)
    if clean is None:
        raise OrgError({"domain": "Not an email domain. Write it like district.org."})
    if _domain_row(session, clean) is not None:
        raise OrgError({"domain": f"{clean} is already attached to an organization."}) from None
    row = OrganizationDomain(organization_id=organization_id, domain=clean)
    session.add(row)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise OrgError({"domain": f"{clean} is already attached to an organization."}) from None
    return row


def remove_domain(session: Session, *, organization_id: int, domain_id: int) -> bool:
    """Detach a domain (members who joined by it stay). False: no such domain here."""
    row = session.get(OrganizationDomain, domain_id)
    if row is None or row.organization_id != organization_id:
        return False
    session.delete(row)
    session.commit()
    return True


def organization_for_domain(session: Session, *, email: str) -> Organization | None:
    """The organization that attached this address's domain, if any."""
    row = _domain_row(session, email_domain(email))
    return session.get(Organization, row.organization_id) if row else None


def join(session: Session, *, user: User, organization_id: int, proof: Proof) -> None:
    """Make ``user`` a member of the organization, recording how; the caller commits.

    A pending request is settled by it. The report summaries recount the learner's
    figures in the same transaction (app/reports/summary_tracking.py).
    """
    if user.organization_id not in (None, organization_id):
        _leave_cohorts(session, user=user, organization_id=user.organization_id)
    user.organization_id = organization_id
    user.organization_proof = proof.value
    user.organization_joined_at = utcnow()
    session.add(user)
    pending = pending_request(session, user_id=id_of(user))
    if pending is not None:
        session.delete(pending)


def leave(session: Session, *, user: User) -> None:
    """End the user's membership and its cohorts (their own work stays theirs); the
    caller commits."""
    if user.organization_id is not None:
        _leave_cohorts(session, user=user, organization_id=user.organization_id)
    user.organization_id = None
    user.organization_proof = None
    user.organization_joined_at = None
    session.add(user)


def _leave_cohorts(session: Session, *, user: User, organization_id: int) -> None:
    """Take the user's enrollments out of the organization's cohorts (through the ORM, so
    the report summaries recount them)."""
    codes = select(Cohort.code).where(Cohort.organization_id == organization_id)
    statement = select(Enrollment).where(
        Enrollment.user_id == id_of(user), col(Enrollment.cohort).in_(codes)
    )
    for enrollment in session.exec(statement):
        enrollment.cohort = None
        session.add(enrollment)


def pending_request(session: Session, *, user_id: int) -> MembershipRequest | None:
    return session.exec(
        select(MembershipRequest).where(MembershipRequest.user_id == user_id)
    ).first()


def membership(session: Session, *, user: User) -> Membership:
    """What the account page says about the user's organization."""
    org = session.get(Organization, user.organization_id) if user.organization_id else None
    pending = pending_request(session, user_id=id_of(user))
    return Membership(
        organization=org,
        proof=Proof(user.organization_proof) if org and user.organization_proof else None,
        pending=pending,
        pending_organization=session.get(Organization, pending.organization_id)
        if pending
        else None,
    )


def request_to_join(
    session: Session, *, user: User, organization_id: int, message: str = ""
) -> MembershipRequest:
    """Ask staff to confirm a membership; replaces an earlier request. Raises OrgError."""
    if session.get(Organization, organization_id) is None:
        raise OrgError({"organization": "Choose an organization from the list."})
    if user.organization_id == organization_id:
        raise OrgError({"organization": "You are already a member of this organization."})
    text = message.strip()
    if "\x00" in text:
        raise OrgError({"message": NUL_MESSAGE})
    if len(text) > 1000:
        raise OrgError({"message": "Use at most 1,000 characters for your message."})
    existing = pending_request(session, user_id=id_of(user))
    if existing is not None:
        session.delete(existing)
        session.flush()
    row = MembershipRequest(
        user_id=id_of(user),
        organization_id=organization_id,
        kind=RequestKind.request.value,
        message=text,
    )
    session.add(row)
    session.commit()
    return row


def withdraw_request(session: Session, *, user: User) -> bool:
    """Withdraw the user's own pending request. False: there was none."""
    existing = pending_request(session, user_id=id_of(user))
    if existing is None:
        return False
    session.delete(existing)
    session.commit()
    return True


def join_by_domain(session: Session, *, user: User) -> Organization:
    """Join the organization that attached the user's (verified) email domain; commits.

    Raises OrgError when the address is not verified or no organization claims its domain.
    """
    org = organization_for_domain(session, email=user.email)
    if org is None:
        raise OrgError({"domain": "No organization has attached your email's domain."})
    if not is_verified(user):
        raise OrgError(
            {
                "domain": "Verify your email address first: only a verified address proves "
                "that you work at the organization's domain."
            }
        )
    join(session, user=user, organization_id=id_of(org), proof=Proof.domain)
    session.commit()
    return org


@dataclass(frozen=True)
class OrganizationRow:
    organization: Organization
    domains: list[OrganizationDomain]
    members: int
    waiting: int


def overview(session: Session) -> list[OrganizationRow]:
    """Every organization with its domains, member count and waiting count."""
    members = dict(
        session.exec(
            select(User.organization_id, func.count())
            .where(col(User.organization_id).is_not(None))
            .group_by(col(User.organization_id))
        ).all()
    )
    waiting = dict(
        session.exec(
            select(MembershipRequest.organization_id, func.count()).group_by(
                col(MembershipRequest.organization_id)
            )
        ).all()
    )
    by_org: dict[int, list[OrganizationDomain]] = {}
    for row in session.exec(select(OrganizationDomain).order_by(col(OrganizationDomain.domain))):
        by_org.setdefault(row.organization_id, []).append(row)
    return [
        OrganizationRow(
            organization=o,
            domains=by_org.get(id_of(o), []),
            members=members.get(id_of(o), 0),
            waiting=waiting.get(id_of(o), 0),
        )
        for o in organizations(session)
    ]
