"""Building the people of the community tests: organizations, cohorts, enrollments, threads.

Helpers take the test's session; the fixture courses are those of the learning tests
(``journey-course``: modules welcome, practice (two reflection prompts), next-steps).
"""

from __future__ import annotations

import itertools
from typing import Any

from sqlmodel import Session, select

from app.accounts.models import Organization, User
from app.community.models import CommunityPost, CommunityThread
from app.community.scopes import Scope
from app.content.models import CourseRecord
from app.db import id_of
from app.learning.models import Enrollment
from app.orgs.models import Cohort
from tests.factories import make_user
from tests.learning.support import JOURNEY

_seq = itertools.count(1)


def course_record(session: Session, slug: str = JOURNEY) -> CourseRecord:
    """The course's row: the synced one when the app has started, else a new one."""
    record = session.exec(select(CourseRecord).where(CourseRecord.slug == slug)).first()
    if record is None:
        record = CourseRecord(slug=slug, title=slug, status="published", content_hash="x")
        session.add(record)
        session.commit()
    return record


def make_org(session: Session, name: str = "") -> Organization:
    name = name or f"District {next(_seq)}"
    org = Organization(name=name, name_key=name.lower())
    session.add(org)
    session.commit()
    return org


def make_cohort(
    session: Session, *, organization: Organization | None, slug: str = JOURNEY
) -> Cohort:
    n = next(_seq)
    cohort = Cohort(
        organization_id=organization.id if organization else None,
        course_id=id_of(course_record(session, slug)),
        name=f"Cohort {n}",
        code=f"cohort-{n}",
    )
    session.add(cohort)
    session.commit()
    return cohort


def make_learner(
    session: Session,
    *,
    organization: Organization | None = None,
    cohort: Cohort | None = None,
    enrolled: bool = True,
    slug: str = JOURNEY,
    **overrides: Any,
) -> User:
    """A learner, a member of ``organization``, enrolled (in ``cohort`` if given)."""
    if cohort is not None and organization is None and cohort.organization_id is not None:
        organization = session.get(Organization, cohort.organization_id)
    fields: dict[str, Any] = {"email_verified_at": None}
    fields.update(overrides)
    user = make_user(
        session,
        organization_id=organization.id if organization else None,
        organization_proof="invite" if organization else None,
        **fields,
    )
    if enrolled:
        enrollment = Enrollment(
            user_id=id_of(user),
            course_id=id_of(course_record(session, slug)),
            cohort=cohort.code if cohort else None,
        )
        session.add(enrollment)
        session.commit()
    return user


def make_thread(
    session: Session,
    *,
    author: User,
    scope: Scope,
    module_id: str = "welcome",
    title: str = "A thread",
    body: str = "Opening words.",
    slug: str = JOURNEY,
    prompt_id: str | None = None,
) -> CommunityThread:
    """A thread written straight into the database (the pages are tested elsewhere)."""
    thread = CommunityThread(
        course_slug=slug,
        module_id=module_id,
        prompt_id=prompt_id,
        scope_kind=scope.kind.value,
        scope_key=scope.key,
        organization_id=scope.organization_id,
        title=title,
        author_id=id_of(author),
    )
    session.add(thread)
    session.flush()
    session.add(
        CommunityPost(thread_id=id_of(thread), author_id=id_of(author), is_opening=True, body=body)
    )
    session.commit()
    return thread
