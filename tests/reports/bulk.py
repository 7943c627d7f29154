"""Many enrollments at once, by Core bulk inserts (the services would take minutes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from sqlmodel import Session

from app.accounts.models import Organization, User
from app.certificates.models import Certificate
from app.content.sync import course_record_id
from app.learning.models import Enrollment
from tests.factories import make_cohort


def bulk_enrollments(session: Session, *, course_slug: str, n: int, batch: int = 5000) -> None:
    """``n`` learners of one organization, each enrolled in the course; every 7th completed
    with a certificate; names with commas, quotes and a formula start to exercise the CSV."""
    course_id = course_record_id(session, course_slug=course_slug)
    org = Organization(name="Bulk District", name_key="bulk district")
    session.add(org)
    session.commit()
    make_cohort(session, code="bulk", course_id=course_id, organization_id=org.id)
    start = datetime(2026, 1, 5, 9, tzinfo=UTC)
    for first in range(0, n, batch):
        ids = range(first, min(n, first + batch))
        session.execute(
            insert(User),
            [
                {
                    "id": 1_000_000 + i,
                    "email": f"bulk{i}@example.org",
                    "display_name": f'=Learner "{i:07d}", bulk'
                    if i % 11 == 0
                    else f"Learner {i:07d}",
                    "password_hash": "!",
                    "role": "learner",
                    "job_role": "teacher",
                    "organization_id": org.id,
                    "created_at": start,
                    "password_changed_at": start,
                }
                for i in ids
            ],
        )
        session.execute(
            insert(Enrollment),
            [
                {
                    "id": 1_000_000 + i,
                    "user_id": 1_000_000 + i,
                    "course_id": course_id,
                    "cohort": "bulk" if i % 3 else None,
                    "active": True,
                    "enrolled_at": start + timedelta(minutes=i),
                    "percent": 100 if i % 7 == 0 else i % 100,
                    "completed_at": start + timedelta(days=3, minutes=i) if i % 7 == 0 else None,
                    "updated_at": start,
                }
                for i in ids
            ],
        )
        done = [i for i in ids if i % 7 == 0]
        if done:
            session.execute(
                insert(Certificate),
                [
                    {
                        "code": f"BULK-{i:07d}",
                        "enrollment_id": 1_000_000 + i,
                        "user_id": 1_000_000 + i,
                        "course_id": course_id,
                        "name": f"Learner {i:07d}",
                        "course_title": "Course",
                        "hours": 6,
                        "completed_at": start,
                        "issued_at": start,
                    }
                    for i in done
                ],
            )
        session.commit()
