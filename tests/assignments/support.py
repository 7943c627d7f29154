"""Building cohorts, their learners and assignments for the assignment and reminder tests.

The app must have started (the ``client`` fixture) so the fixture courses are synced.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from datetime import date, datetime

from sqlmodel import Session, select

from app.accounts.models import Organization, User
from app.assignments.models import Assignment, DueKind
from app.content.models import CourseRecord
from app.learning.models import Enrollment
from app.orgs.models import Cohort
from tests.learning.support import JOURNEY

_seq = itertools.count(1)


def make_org(session: Session, name: str = "") -> Organization:
    name = name or f"District {next(_seq)}"
    org = Organization(name=name, name_key=name.lower())
    session.add(org)
    session.commit()
    return org


def course_id(session: Session, slug: str = JOURNEY) -> int:
    record = session.exec(select(CourseRecord).where(CourseRecord.slug == slug)).one()
    assert record.id is not None
    return record.id


def make_cohort(
    session: Session, *, organization: Organization, slug: str = JOURNEY, name: str = ""
) -> Cohort:
    n = next(_seq)
    cohort = Cohort(
        organization_id=organization.id,
        course_id=course_id(session, slug),
        name=name or f"Cohort {n}",
        code=f"cohort-{n}",
    )
    session.add(cohort)
    session.commit()
    return cohort


def join_cohort(
    session: Session, *, user: User, cohort: Cohort, enrolled_at: datetime | None = None
) -> Enrollment:
    """Enroll ``user`` in the cohort's course, in the cohort."""
    enrollment = Enrollment(user_id=user.id, course_id=cohort.course_id, cohort=cohort.code)
    if enrolled_at is not None:
        enrollment.enrolled_at = enrolled_at
    session.add(enrollment)
    session.commit()
    return enrollment


def assign(
    session: Session,
    *,
    cohort: Cohort,
    modules: Sequence[str] = (),
    due_on: date | None = None,
    due_days: int | None = None,
) -> Assignment:
    assignment = Assignment(
        cohort_id=cohort.id,
        course_id=cohort.course_id,
        module_ids=json.dumps(list(modules)),
        due_kind=DueKind.relative.value if due_days is not None else DueKind.fixed.value,
        due_on=due_on,
        due_days=due_days,
    )
    session.add(assignment)
    session.commit()
    return assignment
