"""The one definition of progress (docs/progress.md), used by every page, report and export.

A module is complete when each of its required activities is done (reflection submitted;
exercise correct or its attempts used up), or, when it has no required activity, when the
learner marks it done. A course is complete when every module is complete and, where
``course.yaml`` asks for it, the feedback survey is submitted. Completions are sticky: a
module or activity added later never takes a completion away.

Which activities a learner has done comes from the activity kinds registered with content
(``app.content.blocks.done_activity_ids``); learning imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, Literal

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from app.content import blocks
from app.content.course import Course, Module
from app.content.kinds import Enrolled, register_content_listener, register_progress_keeper
from app.content.models import CourseRecord
from app.db import id_of, utcnow
from app.events import service as events
from app.learning.models import Enrollment, ModuleProgress

ModuleState = Literal["not_started", "in_progress", "complete"]
STATE_LABELS: dict[str, str] = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "complete": "Complete",
}


@dataclass(frozen=True)
class ModuleStatus:
    """Where one learner stands in one module."""

    module_id: str
    state: ModuleState
    required_total: int
    required_done: int
    needs_mark: bool  # no required activity: the learner marks it done
    marked_done: bool
    viewed: bool
    locked_by: str | None = None  # id of the earlier module to finish first (sequential)

    @property
    def label(self) -> str:
        """ "Not started", "In progress" or "Complete"."""
        return STATE_LABELS[self.state]

    @property
    def locked(self) -> bool:
        """True when sequencing keeps the learner out of this module for now."""
        return self.locked_by is not None


@dataclass(frozen=True)
class CourseProgress:
    """Where one learner stands in one course, module by module."""

    modules: dict[str, ModuleStatus]  # in course order
    completed_modules: int
    total_modules: int
    survey_required: bool
    survey_submitted: bool
    percent: int
    complete: bool

    def status(self, module_id: str) -> ModuleStatus | None:
        """The status of one module (None for an unknown id)."""
        return self.modules.get(module_id)

    @property
    def awaiting_survey(self) -> bool:
        """Every module is complete and only the required feedback survey is left."""
        return (
            self.completed_modules == self.total_modules
            and self.survey_required
            and not self.survey_submitted
        )


def done_activity_ids(session: Session, *, enrollment: Enrollment, course: Course) -> set[str]:
    """Stable ids of every activity this enrollment has done, across activity kinds."""
    if enrollment.id is None:
        return set()
    return blocks.done_activity_ids(
        session, user_id=enrollment.user_id, enrollment_id=enrollment.id, course=course
    )


@dataclass(frozen=True)
class Standing:
    """A learner's enrollment in a course with its progress rows and survey flag."""

    enrollment: Enrollment
    rows: dict[str, ModuleProgress]
    surveyed: bool


# Whether the feedback survey is in is the surveys package's to say (it sits above
# learning): it registers a SQL condition correlated to ``Enrollment``.
_survey_condition: list[Callable[[], Any]] = []


def register_survey_condition(condition: Callable[[], Any]) -> None:
    """Install ``condition()``: true for an enrollment whose survey is submitted."""
    _survey_condition[:] = [condition]
    _standing_statements.cache_clear()


def survey_condition_registered() -> bool:
    """True once the surveys package has installed its condition (checked at start-up)."""
    return bool(_survey_condition)


def _submitted_survey() -> Any:
    if not _survey_condition:
        raise RuntimeError("no survey condition is registered (import app.activities)")
    return _survey_condition[0]()


@cache
def _standing_statements() -> tuple[Any, Any]:
    """(by course and user, by enrollment id); built once: composing costs more than running."""
    base = select(Enrollment, ModuleProgress, _submitted_survey()).outerjoin(
        ModuleProgress, col(ModuleProgress.enrollment_id) == col(Enrollment.id)
    )
    by_course = base.join(CourseRecord, col(CourseRecord.id) == col(Enrollment.course_id)).where(
        CourseRecord.slug == bindparam("course_slug"),
        Enrollment.user_id == bindparam("user_id"),
        col(Enrollment.active).is_(True),
    )
    by_id = base.where(col(Enrollment.id) == bindparam("enrollment_id"))
    return by_course, by_id


def load_standing(session: Session, *, user_id: int, course_slug: str) -> Standing | None:
    """The active enrollment, its module rows and whether the survey is in: one query."""
    found = session.exec(
        _standing_statements()[0], params={"course_slug": course_slug, "user_id": user_id}
    ).all()
    if not found:
        return None
    rows = {row.module_id: row for _, row, _ in found if row is not None}
    return Standing(enrollment=found[0][0], rows=rows, surveyed=bool(found[0][2]))


def evaluate(
    course: Course,
    *,
    rows: dict[str, ModuleProgress],
    done: set[str] | frozenset[str],
    surveyed: bool,
) -> CourseProgress:
    """Progress from facts already loaded (no query)."""
    return _evaluate(course, rows, set(done), surveyed)[0]


def module_rows(session: Session, *, enrollment: Enrollment) -> list[ModuleProgress]:
    """This enrollment's per-module progress rows."""
    if enrollment.id is None:
        return []
    statement = select(ModuleProgress).where(ModuleProgress.enrollment_id == enrollment.id)
    return list(session.exec(statement))


def module_completions(
    session: Session, *, enrollment_ids: Collection[int]
) -> dict[int, dict[str, datetime]]:
    """When each module was completed, per enrollment: the sticky completions that
    ``_store`` writes, read for many enrollments in one query (assignments, reminders)."""
    found: dict[int, dict[str, datetime]] = {e: {} for e in enrollment_ids}
    if not enrollment_ids:
        return found
    rows = session.exec(
        select(ModuleProgress.enrollment_id, ModuleProgress.module_id, ModuleProgress.completed_at)
        .where(col(ModuleProgress.enrollment_id).in_(list(enrollment_ids)))
        .where(col(ModuleProgress.completed_at).is_not(None))
    )
    for enrollment_id, module_id, completed_at in rows:
        if completed_at is not None:
            found[enrollment_id][module_id] = completed_at
    return found


def completed_at(completions: Mapping[str, datetime], module: Module) -> datetime | None:
    """When ``module`` was completed, from one enrollment's ``module_completions``,
    following renames through ``previous_ids`` as ``row_for`` does."""
    for module_id in (module.id, *module.previous_ids):
        if module_id in completions:
            return completions[module_id]
    return None


def row_for(rows: dict[str, ModuleProgress], module: Module) -> ModuleProgress | None:
    """The progress row of ``module``, following renames through ``previous_ids``."""
    found = rows.get(module.id)
    if found is not None:
        return found
    for old in module.previous_ids:
        if old in rows:
            return rows[old]
    return None


def _evaluate(
    course: Course,
    rows: dict[str, ModuleProgress],
    done: set[str],
    surveyed: bool,
) -> tuple[CourseProgress, list[str]]:
    """Progress from the facts; also the ids of modules that became complete just now."""
    statuses: dict[str, ModuleStatus] = {}
    newly_complete: list[str] = []
    blocking: str | None = None  # first incomplete module, for sequential locking
    completed = 0
    for module in course.modules:
        row = row_for(rows, module)
        required = [a.id for a in module.required_activities]
        required_done = sum(1 for a in required if a in done)
        any_done = any(a.id in done for a in module.activities)
        marked = row is not None and row.marked_done_at is not None
        viewed = row is not None and row.first_viewed_at is not None
        now_complete = required_done == len(required) if required else marked
        complete = (row is not None and row.completed_at is not None) or now_complete
        if complete and (row is None or row.completed_at is None):
            newly_complete.append(module.id)
        if complete:
            state: ModuleState = "complete"
            completed += 1
        elif viewed or any_done:
            state = "in_progress"
        else:
            state = "not_started"
        locked_by = blocking if course.sequencing == "sequential" and not complete else None
        statuses[module.id] = ModuleStatus(
            module_id=module.id,
            state=state,
            required_total=len(required),
            required_done=required_done,
            needs_mark=not required,
            marked_done=marked,
            viewed=viewed,
            locked_by=locked_by,
        )
        if not complete and blocking is None:
            blocking = module.id
    total = len(course.modules)
    survey_required = course.require_survey and course.survey is not None
    steps = total + (1 if survey_required else 0)
    steps_done = completed + (1 if survey_required and surveyed else 0)
    percent = (100 * steps_done) // steps if steps else 0
    progress = CourseProgress(
        modules=statuses,
        completed_modules=completed,
        total_modules=total,
        survey_required=survey_required,
        survey_submitted=surveyed,
        percent=percent,
        complete=completed == total and (surveyed or not survey_required),
    )
    return progress, newly_complete


def course_progress(session: Session, *, enrollment: Enrollment, course: Course) -> CourseProgress:
    """Read-only: where this enrollment stands now (writes nothing). One query for the
    progress rows and survey flag, and one per activity kind."""
    return _evaluate(course, *_facts(session, enrollment=enrollment, course=course))[0]


def _facts(
    session: Session, *, enrollment: Enrollment, course: Course
) -> tuple[dict[str, ModuleProgress], set[str], bool]:
    """(progress rows by module id, activity ids done, survey submitted) of an enrollment."""
    found = session.exec(_standing_statements()[1], params={"enrollment_id": enrollment.id}).all()
    rows = {row.module_id: row for _, row, _ in found if row is not None}
    surveyed = bool(found[0][2]) if found else False
    return rows, done_activity_ids(session, enrollment=enrollment, course=course), surveyed


def refresh_progress(
    session: Session,
    *,
    enrollment: Enrollment,
    course: Course,
    module_id: str | None = None,
) -> None:
    """Recompute and store the denormalised progress; the caller commits.

    Call it in the same transaction as the event that changed progress (an attempt, a
    submission, a mark as done, a survey). ``module_id``, when given, becomes the module the
    learner resumes at.
    """
    _store(session, enrollment=enrollment, course=course)
    enrollment.last_activity_at = utcnow()
    if module_id is not None:
        enrollment.last_module_id = module_id
    session.add(enrollment)


def _store(session: Session, *, enrollment: Enrollment, course: Course) -> bool:
    """Write percent, sticky module completions and completed_at; True when anything changed."""
    now = utcnow()
    rows, done, surveyed = _facts(session, enrollment=enrollment, course=course)
    progress, newly_complete = _evaluate(course, rows, done, surveyed)
    for mid in newly_complete:
        module = course.module(mid)
        row = row_for(rows, module) if module is not None else None
        if row is None:
            row = ModuleProgress(enrollment_id=id_of(enrollment), module_id=mid)
        row.completed_at = now
        session.add(row)
        events.record(
            session,
            kind=events.EventKind.module_completed,
            enrollment=enrollment,
            data={"module_id": mid, "percent": progress.percent},
        )
    changed = bool(newly_complete) or enrollment.percent != progress.percent
    if enrollment.percent != progress.percent:
        events.record(
            session,
            kind=events.EventKind.progress_changed,
            enrollment=enrollment,
            data={"percent": progress.percent},
        )
    enrollment.percent = progress.percent
    if progress.complete and enrollment.completed_at is None:
        enrollment.completed_at = now
        changed = True
        events.record(
            session,
            kind=events.EventKind.course_completed,
            enrollment=enrollment,
            data={"percent": progress.percent},
        )
    session.add(enrollment)
    return changed


def recompute_course(session: Session, *, course: Course, course_id: int) -> int:
    """After a content change: re-measure every enrollment against the current modules.

    Leaves ``last_activity_at`` alone (the learners did nothing). The caller commits.
    Returns how many enrollments changed.
    """
    enrollments = session.exec(select(Enrollment).where(Enrollment.course_id == course_id))
    return sum(1 for e in list(enrollments) if _store(session, enrollment=e, course=course))


class _ProgressListener:
    """Content calls this after a course changed, and activity kinds when a learner did
    something (neither imports learning: they call the hooks in ``app.content.kinds``)."""

    def enrollment_of(
        self, session: Session, *, user_id: int, course_slug: str
    ) -> Enrollment | None:
        return session.exec(
            select(Enrollment)
            .join(CourseRecord, col(CourseRecord.id) == col(Enrollment.course_id))
            .where(
                CourseRecord.slug == course_slug,
                Enrollment.user_id == user_id,
                col(Enrollment.active).is_(True),
            )
        ).first()

    def module_locked(
        self, session: Session, *, enrollment: Enrolled, course: Course, module_id: str
    ) -> bool:
        status = course_progress(session, enrollment=_own(enrollment), course=course).status(
            module_id
        )
        return status is not None and status.locked

    def activity_changed(
        self, session: Session, *, enrollment: Enrolled, course: Course, module_id: str
    ) -> None:
        refresh_progress(session, enrollment=_own(enrollment), course=course, module_id=module_id)

    def course_changed(self, session: Session, *, course: Course, course_id: int) -> int:
        return recompute_course(session, course=course, course_id=course_id)

    def module_data_count(self, session: Session, *, course_id: int, module_id: str) -> int:
        return int(
            session.execute(
                select(func.count())
                .select_from(ModuleProgress)
                .join(Enrollment, col(Enrollment.id) == ModuleProgress.enrollment_id)
                .where(Enrollment.course_id == course_id, ModuleProgress.module_id == module_id)
            ).scalar_one()
        )


def _own(enrollment: Enrolled) -> Enrollment:
    if not isinstance(enrollment, Enrollment):
        raise TypeError("activities hand back the Enrollment that learning gave them")
    return enrollment


_listener = _ProgressListener()
register_content_listener("learning", _listener)
register_progress_keeper(_listener)
