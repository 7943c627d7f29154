"""Cohorts that staff create: one organization, one course, a start date, a facilitator.

A learner is in a cohort when their enrollment in its course holds its ``code``; only a
cohort's join link (an ``Invite`` with ``cohort_id``) puts it there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app import tokens
from app.accounts.models import User
from app.accounts.permissions import Permission, can, roles_with
from app.content.models import CourseRecord
from app.db import id_of
from app.learning.models import Enrollment
from app.orgs import service as orgs
from app.orgs.models import Cohort, Invite

_SLUG_RUN = re.compile(r"[^a-z0-9]+")


@dataclass
class CohortForm:
    """What the new-cohort form sends (kept as typed when it is refused)."""

    name: str = ""
    course_slug: str = ""
    starts_on: str = ""
    facilitator_id: str = ""
    errors: dict[str, str] | None = None


@dataclass(frozen=True)
class CohortRow:
    cohort: Cohort
    course_slug: str
    facilitator: User | None
    members: int
    join_link: Invite | None


def _code_for(name: str) -> str:
    """A readable, unique-enough code: the name's slug and a random tail."""
    slug = _SLUG_RUN.sub("-", name.casefold()).strip("-")[:40] or "cohort"
    return f"{slug}-{tokens.random_code('0123456789abcdef', 6)}"


def facilitators(session: Session, *, organization_id: int) -> list[User]:
    """Staff who can facilitate this organization's cohorts."""
    statement = (
        select(User)
        .where(col(User.role).in_(roles_with(Permission.manage_org)))
        .order_by(col(User.display_name))
    )
    return [
        u
        for u in session.exec(statement)
        if can(u, Permission.admin) or u.staff_organization_id in (None, organization_id)
    ]


def create_cohort(
    session: Session,
    *,
    organization_id: int,
    form: CohortForm,
    course_slugs: list[str],
    created_by: User | None = None,
) -> Cohort:
    """A cohort with its own join link; raises OrgError with per-field messages."""
    errors: dict[str, str] = {}
    name = " ".join(form.name.split())
    if "\x00" in form.name:
        errors["name"] = orgs.NUL_MESSAGE
    elif not name:
        errors["name"] = "Give the cohort a name, like “Spring 2027, Lincoln Middle”."
    elif len(name) > 120:
        errors["name"] = "Use at most 120 characters for the name."
    record = None
    if form.course_slug not in course_slugs:
        errors["course_slug"] = "Choose the course this cohort takes."
    else:
        record = session.exec(
            select(CourseRecord).where(CourseRecord.slug == form.course_slug)
        ).first()
        if record is None:
            errors["course_slug"] = "That course is not ready yet. Try again in a minute."
    starts_on = None
    if form.starts_on.strip():
        try:
            starts_on = date.fromisoformat(form.starts_on.strip())
        except ValueError:
            errors["starts_on"] = "Enter the start date as YYYY-MM-DD, or leave it empty."
    facilitator_id = None
    if form.facilitator_id.strip():
        allowed = {id_of(u) for u in facilitators(session, organization_id=organization_id)}
        try:
            facilitator_id = int(form.facilitator_id)
        except ValueError:
            facilitator_id = None
        if facilitator_id not in allowed:
            errors["facilitator_id"] = "Choose a facilitator from the list, or nobody."
    if errors:
        raise orgs.OrgError(errors)
    assert record is not None
    cohort = Cohort(
        organization_id=organization_id,
        course_id=id_of(record),
        name=name,
        code=_code_for(name),
        starts_on=starts_on,
        facilitator_id=facilitator_id,
    )
    session.add(cohort)
    try:
        session.flush()
    except IntegrityError:  # the random tail collided: one more try with a new one
        session.rollback()
        cohort.code = _code_for(name)
        session.add(cohort)
        session.flush()
    session.add(
        Invite(
            code=tokens.random_token(18),
            organization_id=organization_id,
            cohort_id=id_of(cohort),
            created_by_id=created_by.id if created_by else None,
        )
    )
    session.commit()
    return cohort


def cohort_in(session: Session, *, organization_id: int, cohort_id: int) -> Cohort | None:
    """The cohort if it belongs to this organization (else None: answer 404)."""
    cohort = session.get(Cohort, cohort_id)
    return cohort if cohort and cohort.organization_id == organization_id else None


def cohorts_of(session: Session, *, organization_id: int) -> list[CohortRow]:
    """The organization's cohorts, newest first, with member counts and join links."""
    cohorts = list(
        session.exec(
            select(Cohort)
            .where(Cohort.organization_id == organization_id)
            .order_by(col(Cohort.created_at).desc(), col(Cohort.id).desc())
        )
    )
    return _rows(session, cohorts)


def cohort_row(session: Session, *, cohort: Cohort) -> CohortRow:
    """One cohort with its member count and join link."""
    return _rows(session, [cohort])[0]


def _rows(session: Session, cohorts: list[Cohort]) -> list[CohortRow]:
    if not cohorts:
        return []
    codes = [c.code for c in cohorts]
    counts = dict(
        session.exec(
            select(Enrollment.cohort, func.count())
            .where(col(Enrollment.cohort).in_(codes), col(Enrollment.active).is_(True))
            .group_by(col(Enrollment.cohort))
        ).all()
    )
    slugs = dict(
        session.exec(
            select(CourseRecord.id, CourseRecord.slug).where(
                col(CourseRecord.id).in_({c.course_id for c in cohorts})
            )
        ).all()
    )
    links: dict[int, Invite] = {}
    for invite in session.exec(
        select(Invite)
        .where(col(Invite.cohort_id).in_([id_of(c) for c in cohorts]))
        .order_by(col(Invite.id))
    ):
        if invite.cohort_id is not None and invite.revoked_at is None:
            links.setdefault(invite.cohort_id, invite)
    people = {
        id_of(u): u
        for u in session.exec(
            select(User).where(
                col(User.id).in_([c.facilitator_id for c in cohorts if c.facilitator_id])
            )
        )
    }
    return [
        CohortRow(
            cohort=c,
            course_slug=slugs.get(c.course_id, ""),
            facilitator=people.get(c.facilitator_id) if c.facilitator_id else None,
            members=counts.get(c.code, 0),
            join_link=links.get(id_of(c)),
        )
        for c in cohorts
    ]


def cohort_members(session: Session, *, cohort: Cohort) -> list[tuple[User, Enrollment]]:
    """Who is in the cohort (active enrollments), by name."""
    statement = (
        select(User, Enrollment)
        .join(Enrollment, col(Enrollment.user_id) == col(User.id))
        .where(Enrollment.cohort == cohort.code, col(Enrollment.active).is_(True))
        .order_by(col(User.display_name), col(User.id))
    )
    return list(session.exec(statement).all())


def cohort_names(session: Session, *, codes: list[str] | None = None) -> dict[str, str]:
    """Cohort code → name, for report filters and tables."""
    statement = select(Cohort.code, Cohort.name)
    if codes is not None:
        statement = statement.where(col(Cohort.code).in_(codes))
    return dict(session.exec(statement).all())


def learner_cohorts(session: Session, *, user: User) -> list[tuple[Cohort, str]]:
    """The cohorts the user is in, with their course's slug."""
    statement = (
        select(Cohort, CourseRecord.slug)
        .join(Enrollment, col(Enrollment.cohort) == col(Cohort.code))
        .join(CourseRecord, col(CourseRecord.id) == col(Cohort.course_id))
        .where(Enrollment.user_id == id_of(user), col(Enrollment.active).is_(True))
        .order_by(col(Cohort.name))
    )
    return [(c, slug) for c, slug in session.exec(statement).all()]
