"""Learning use cases: enroll, unenroll, module visits, mark as done, and resume.

Services commit at the end of each use case; ``refresh_progress`` never commits.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import timedelta

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from app.accounts.models import User
from app.content.access import can_see
from app.content.blocks import module_states
from app.content.course import Course, Module
from app.content.models import CourseRecord
from app.db import id_of, utcnow
from app.events import service as events
from app.learning.models import Enrollment, ModuleProgress
from app.learning.progress import (
    CourseProgress,
    course_progress,
    done_activity_ids,
    evaluate,
    load_standing,
    module_rows,
    refresh_progress,
    row_for,
)
from app.reflections import service as reflections

log = logging.getLogger("groundwork.learning")

_COHORT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# A repeat visit to the same module within this time is not written again.
VISIT_WRITE_INTERVAL = timedelta(minutes=5)


class LearningError(Exception):
    """A learner action that cannot be done, with a message to show them."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def clean_cohort(code: str | None) -> str | None:
    """A valid cohort code (letters, digits, ``.``, ``_``, ``-``; up to 64), else None."""
    code = (code or "").strip()
    return code if _COHORT.match(code) else None


def course_record(session: Session, *, course_slug: str) -> CourseRecord | None:
    """The synced database row of a course."""
    return session.exec(select(CourseRecord).where(CourseRecord.slug == course_slug)).first()


def find_enrollment(session: Session, *, user: User, course_slug: str) -> Enrollment | None:
    """The user's active enrollment in the course with this slug, or None."""
    statement = (
        select(Enrollment)
        .join(CourseRecord, col(CourseRecord.id) == Enrollment.course_id)
        .where(
            CourseRecord.slug == course_slug,
            Enrollment.user_id == user.id,
            col(Enrollment.active).is_(True),
        )
    )
    return session.exec(statement).first()


def _any_enrollment(session: Session, *, user_id: int, course_id: int) -> Enrollment | None:
    statement = select(Enrollment).where(
        Enrollment.user_id == user_id, Enrollment.course_id == course_id
    )
    return session.exec(statement).first()


def enroll(
    session: Session, *, user: User, course: Course, cohort: str | None = None
) -> Enrollment:
    """Enroll (idempotent); re-enrolling restores earlier progress. Commits."""
    if not can_see(course, user):
        raise LearningError("This course is not open for enrollment.")
    record = course_record(session, course_slug=course.slug)
    if record is None or record.id is None:
        raise LearningError("This course is not ready yet. Please try again in a minute.")
    assert user.id is not None
    cohort = clean_cohort(cohort)
    enrollment = _any_enrollment(session, user_id=user.id, course_id=record.id)
    if enrollment is None:
        enrollment = Enrollment(user_id=user.id, course_id=record.id, cohort=cohort)
        session.add(enrollment)
        try:
            session.flush()
            events.record(session, kind=events.EventKind.enrollment_created, enrollment=enrollment)
        except IntegrityError:  # a double click won the race: use the row it made
            session.rollback()
            enrollment = _any_enrollment(session, user_id=user.id, course_id=record.id)
            assert enrollment is not None
    if not enrollment.active:
        enrollment.active = True
        enrollment.unenrolled_at = None
    if cohort and enrollment.cohort != cohort:
        enrollment.cohort = cohort
    # Content may have changed while away: percent is measured against the current modules.
    refresh_progress(session, enrollment=enrollment, course=course)
    session.commit()
    return enrollment


def unenroll(session: Session, *, user: User, course_slug: str) -> bool:
    """Leave a course, keeping every answer and progress row. Commits. False: not enrolled."""
    enrollment = find_enrollment(session, user=user, course_slug=course_slug)
    if enrollment is None:
        return False
    enrollment.active = False
    enrollment.unenrolled_at = utcnow()
    session.add(enrollment)
    session.commit()
    return True


def visit_due(*, enrollment: Enrollment, module: Module, rows: dict[str, ModuleProgress]) -> bool:
    """True when opening ``module`` is news worth writing (first visit, another module, or
    a few minutes since the last write), so that reading a page rarely writes."""
    row = row_for(rows, module)
    return not (
        row is not None
        and row.last_viewed_at is not None
        and utcnow() - row.last_viewed_at < VISIT_WRITE_INTERVAL
        and enrollment.last_module_id == module.id
    )


def record_visit(
    session: Session,
    *,
    enrollment: Enrollment,
    module: Module,
    rows: dict[str, ModuleProgress],
) -> None:
    """Remember that the learner opened ``module`` (for "Continue where you left off").

    Writes only when ``visit_due``; a failed write (a busy database) never breaks the page.
    """
    now = utcnow()
    if not visit_due(enrollment=enrollment, module=module, rows=rows):
        return
    row = row_for(rows, module)
    if row is None:
        row = ModuleProgress(enrollment_id=id_of(enrollment), module_id=module.id)
    if row.first_viewed_at is None:
        row.first_viewed_at = now
    row.last_viewed_at = now
    enrollment.last_module_id = module.id
    enrollment.last_activity_at = now
    session.add(row)
    session.add(enrollment)
    try:
        session.commit()
    except (OperationalError, IntegrityError):
        session.rollback()
        log.warning("Could not record a visit to %s; the page is served anyway", module.id)


def mark_done(session: Session, *, enrollment: Enrollment, course: Course, module: Module) -> None:
    """Mark a module that has no required activity as done. Commits."""
    if module.required_activities:
        raise LearningError(
            "This module is complete when its required activities are done; "
            "it cannot be marked as done."
        )
    progress = course_progress(session, enrollment=enrollment, course=course)
    status = progress.status(module.id)
    if status is not None and status.locked:
        raise LearningError("This module is locked until you complete the one before it.")
    rows = {r.module_id: r for r in module_rows(session, enrollment=enrollment)}
    row = row_for(rows, module) or ModuleProgress(
        enrollment_id=id_of(enrollment), module_id=module.id
    )
    now = utcnow()
    if row.first_viewed_at is None:
        row.first_viewed_at = now
    if row.marked_done_at is None:
        row.marked_done_at = now
    session.add(row)
    session.flush()
    refresh_progress(session, enrollment=enrollment, course=course, module_id=module.id)
    session.commit()


def resume_module(course: Course, progress: CourseProgress, last_module_id: str | None) -> Module:
    """Where "Continue" goes: the last module opened unless complete, then the next open one."""
    modules = list(course.modules)
    start = 0
    if last_module_id:
        for index, module in enumerate(modules):
            if module.id == last_module_id or last_module_id in module.previous_ids:
                start = index
                break
    ordered = modules[start:] + modules[:start]
    for module in ordered:
        status = progress.status(module.id)
        if status is not None and status.state != "complete" and not status.locked:
            return module
    return modules[start]


@dataclass(frozen=True)
class DashboardNotice:
    """A message for the learner's dashboard, from another domain."""

    message: str
    url: str | None = None


def notices_for(session: Session, *, user: User) -> list[DashboardNotice]:
    """Every notice the activity domains have for this user, for "My learning"."""
    return [
        DashboardNotice(message=item.message, url=item.url)
        for item in reflections.notices_for(session, user=user)
    ]


@dataclass(frozen=True)
class EnrollmentCard:
    """One course on "My learning"."""

    course: Course
    enrollment: Enrollment
    progress: CourseProgress
    resume: Module
    certificate_code: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


def my_learning(
    session: Session, *, user: User, courses: dict[str, Course]
) -> list[EnrollmentCard]:
    """The user's active enrollments with live progress, most recently active first.

    ``certificate_code`` is left empty: certificates sit above learning, the caller adds it."""
    statement = (
        select(Enrollment, CourseRecord.slug)
        .join(CourseRecord, col(CourseRecord.id) == Enrollment.course_id)
        .where(Enrollment.user_id == user.id, col(Enrollment.active).is_(True))
    )
    found = list(session.exec(statement))
    cards: list[EnrollmentCard] = []
    for enrollment, slug in found:
        course = courses.get(slug)
        if course is None:
            continue
        progress = course_progress(session, enrollment=enrollment, course=course)
        cards.append(
            EnrollmentCard(
                course=course,
                enrollment=enrollment,
                progress=progress,
                resume=resume_module(course, progress, enrollment.last_module_id),
            )
        )
    epoch = utcnow() - timedelta(days=365 * 100)
    cards.sort(
        key=lambda c: c.enrollment.last_activity_at or c.enrollment.enrolled_at or epoch,
        reverse=True,
    )
    return cards


class NotEnrolled(LearningError):
    """The learner opened a module of a course they are not enrolled in."""


class ModuleLocked(LearningError):
    """Sequential course: an earlier module must be completed first."""

    def __init__(self, message: str, *, blocked_by: Module, progress: CourseProgress):
        super().__init__(message)
        self.blocked_by = blocked_by
        self.progress = progress


@dataclass(frozen=True)
class ModuleView:
    """Everything the module page shows."""

    course: Course
    module: Module
    enrollment: Enrollment
    progress: CourseProgress
    states: dict[str, object]
    previous: Module | None
    next: Module | None
    rows: dict[str, ModuleProgress]  # the progress rows the page was built from
    visit_due: bool  # the route records the visit (off the event loop: it writes)


def open_module(session: Session, *, user: User, course: Course, module: Module) -> ModuleView:
    """Open a module for an enrolled learner: check sequencing, record the visit, gather state.

    Reads in three queries (enrollment with progress rows and survey flag; one per activity
    kind) and writes nothing; ``visit_due`` says whether the caller should record the visit."""
    assert user.id is not None
    standing = load_standing(session, user_id=user.id, course_slug=course.slug)
    if standing is None:
        raise NotEnrolled("Enroll in this course (it is free) to open its modules.")
    enrollment = standing.enrollment
    assert enrollment.id is not None
    found = module_states(
        session, user=user, enrollment_id=enrollment.id, course=course, module=module
    )
    progress = evaluate(course, rows=standing.rows, done=found.done, surveyed=standing.surveyed)
    status = progress.status(module.id)
    if status is not None and status.locked_by is not None:
        blocked_by = course.module(status.locked_by)
        assert blocked_by is not None
        raise ModuleLocked(
            f"This course goes in order: complete “{blocked_by.title}” "
            f"(module {blocked_by.position}) to unlock “{module.title}”.",
            blocked_by=blocked_by,
            progress=progress,
        )
    if status is not None and status.state == "not_started":
        modules = dict(progress.modules)
        modules[module.id] = replace(status, state="in_progress", viewed=True)
        progress = replace(progress, modules=modules)
    return ModuleView(
        course=course,
        module=module,
        enrollment=enrollment,
        progress=progress,
        states=found.states,
        previous=course.previous_module(module.id),
        next=course.next_module(module.id),
        rows=standing.rows,
        visit_due=visit_due(enrollment=enrollment, module=module, rows=standing.rows),
    )


def module_by_any_id(course: Course, module_id: str) -> tuple[Module | None, bool]:
    """The module with this id, or the one renamed from it (``True`` then: redirect)."""
    found = course.module(module_id)
    if found is not None:
        return found, False
    for module in course.modules:
        if module_id in module.previous_ids:
            return module, True
    return None, False


@dataclass(frozen=True)
class CoursePage:
    """The public course page, with the visitor's enrollment and progress when they have one."""

    course: Course
    enrollment: Enrollment | None
    progress: CourseProgress | None
    resume: Module | None
    certificate_code: str | None


def course_page(session: Session, *, user: User | None, course: Course) -> CoursePage:
    """What the course page shows to this visitor (``certificate_code`` is the caller's to
    add: certificates sit above learning)."""
    standing = (
        load_standing(session, user_id=user.id, course_slug=course.slug)
        if user is not None and user.id is not None
        else None
    )
    if standing is None:
        return CoursePage(course, None, None, None, None)
    enrollment = standing.enrollment
    done = done_activity_ids(session, enrollment=enrollment, course=course)
    progress = evaluate(course, rows=standing.rows, done=done, surveyed=standing.surveyed)
    return CoursePage(
        course=course,
        enrollment=enrollment,
        progress=progress,
        resume=resume_module(course, progress, enrollment.last_module_id),
        certificate_code=None,
    )
