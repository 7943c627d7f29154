"""Enrollment use cases: find, enroll, unenroll, and the module visits that drive resume."""

from __future__ import annotations

from sqlmodel import Session, select

from app.accounts.models import User
from app.content.models import CourseRecord
from app.learning.models import Enrollment


def find_enrollment(session: Session, *, user: User, course_slug: str) -> Enrollment | None:
    """The user's active enrollment in the course with this slug, or None."""
    statement = (
        select(Enrollment)
        .join(CourseRecord, CourseRecord.id == Enrollment.course_id)  # type: ignore[arg-type]
        .where(
            CourseRecord.slug == course_slug,
            Enrollment.user_id == user.id,
            Enrollment.active == True,  # noqa: E712
        )
    )
    return session.exec(statement).first()
