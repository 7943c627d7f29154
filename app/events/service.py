"""Recording domain events. ``record`` never commits: the caller's transaction holds the
change and its event together, so a rolled-back change leaves no event behind."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from sqlmodel import Session, select

from app.accounts.models import User
from app.events.models import DomainEvent

__all__ = ["EnrollmentLike", "EnrollmentRef", "EventKind", "record"]


class EventKind(StrEnum):
    enrollment_created = "enrollment.created"
    module_completed = "module.completed"
    course_completed = "course.completed"
    certificate_issued = "certificate.issued"
    certificate_revoked = "certificate.revoked"
    # Learning records (xAPI reads these; webhooks do not offer them).
    launched = "enrollment.launched"  # opened from an LMS (LTI launch); data: module_id
    progress_changed = "progress.changed"  # data: percent
    exercise_answered = "exercise.answered"  # data: module_id, activity_id, correct, ...
    reflection_shared = "reflection.shared"  # data: module_id, activity_id (never the text)


class EnrollmentLike(Protocol):
    """What an event needs of an enrollment (learning's table, without importing it)."""

    @property
    def id(self) -> int | None: ...
    @property
    def user_id(self) -> int: ...
    @property
    def course_id(self) -> int: ...


@dataclass(frozen=True)
class EnrollmentRef:
    """The ids of an enrollment, for callers holding them without the row (a certificate)."""

    id: int | None
    user_id: int
    course_id: int


def record(
    session: Session,
    *,
    kind: EventKind,
    enrollment: EnrollmentLike,
    data: dict[str, Any] | None = None,
) -> DomainEvent:
    """Add one event about ``enrollment`` to the session (flushed; the caller commits)."""
    if enrollment.id is None:
        session.flush()  # the enrollment was just added: give it its id
    organization_id = session.exec(
        select(User.organization_id).where(User.id == enrollment.user_id)
    ).first()
    event = DomainEvent(
        kind=kind.value,
        user_id=enrollment.user_id,
        organization_id=organization_id,
        course_id=enrollment.course_id,
        enrollment_id=enrollment.id,
        data=dict(data or {}),
    )
    session.add(event)
    session.flush()
    return event
