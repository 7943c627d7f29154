"""Assignment use cases: assign a course or modules to a cohort, change or remove a due
date, and say where each learner stands.

A learner is in a cohort when their active enrollment in the cohort's course holds the
cohort's code. A relative due date counts from when the learner joined: the later of their
enrollment and their joining the organization. Work is done when learning's stored
completions say so (``progress.module_completions``; the whole course: the enrollment's
``completed_at``). Functions that write commit at their end.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sqlmodel import Session, col, select

from app.accounts.models import User
from app.accounts.permissions import Permission, can
from app.assignments.dates import due_words, long_date
from app.assignments.models import Assignment, DueKind
from app.content.course import Course
from app.content.models import CourseRecord, ModuleRecord
from app.db import id_of, utcnow
from app.learning import progress
from app.learning import service as learning
from app.learning.models import Enrollment
from app.orgs import service as orgs
from app.orgs.models import Cohort

MAX_DUE_DAYS = 730
Standing = Literal["on_time", "late", "overdue", "open"]
STANDING_LABELS: dict[str, str] = {
    "on_time": "Done on time",
    "late": "Done late",
    "overdue": "Overdue",
    "open": "Open, not overdue",
}


class AssignmentError(Exception):
    """Input that cannot be accepted: ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class DueForm:
    """What staff typed for a due date (kept as typed, to show again with errors)."""

    due_kind: str = DueKind.fixed.value
    due_on: str = ""
    due_days: str = ""


@dataclass(frozen=True)
class ModuleChoice:
    """A module staff can assign: its stable id and title."""

    id: str
    title: str


@dataclass(frozen=True)
class AssignmentView:
    """One assignment as the staff page lists it."""

    assignment: Assignment
    what: str  # "The whole course" or the module titles
    when: str  # "Friday 12 December" or "14 days after joining"


@dataclass(frozen=True)
class LearnerDue:
    """Where one learner stands on one assignment."""

    assignment: Assignment
    user_id: int
    due_on: date
    done_at: datetime | None
    standing: Standing


@dataclass(frozen=True)
class DueItem:
    """An assignment as its learner sees it on the dashboard and the course page."""

    course_id: int
    what: str
    due_on: date
    words: str  # "due Friday 12 December, in 4 days", "overdue by 2 days"; done: the date
    done: bool
    overdue: bool


def may_manage_cohort(user: User, cohort: Cohort) -> bool:
    """Admins, and staff who manage the cohort's organization (a cohort of no organization:
    staff whose scope is every organization)."""
    if cohort.organization_id is None:
        return can(user, Permission.admin) or (
            can(user, Permission.manage_org) and user.staff_organization_id is None
        )
    return orgs.can_manage(user, organization_id=cohort.organization_id)


def cohort_for(session: Session, *, user: User, cohort_id: int) -> Cohort | None:
    """The cohort when this user may manage it; None (answer 404) otherwise."""
    cohort = session.get(Cohort, cohort_id)
    return cohort if cohort is not None and may_manage_cohort(user, cohort) else None


def course_modules(session: Session, *, course_id: int) -> list[ModuleChoice]:
    """The course's current modules, in course order."""
    rows = session.exec(
        select(ModuleRecord.stable_id, ModuleRecord.title)
        .where(ModuleRecord.course_id == course_id, col(ModuleRecord.retired_at).is_(None))
        .order_by(col(ModuleRecord.position))
    )
    return [ModuleChoice(id=stable_id, title=title) for stable_id, title in rows]


def course_title(session: Session, *, course_id: int) -> str:
    """The course's title, as synced from its files."""
    record = session.get(CourseRecord, course_id)
    return record.title if record is not None else "(a removed course)"


def _what(assignment: Assignment, titles: dict[str, str]) -> str:
    """ "The whole course", or the modules' titles: “A”, “B” and “C”."""
    names = [f"“{titles.get(m, m)}”" for m in assignment.modules]
    if not names:
        return "The whole course"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _when(assignment: Assignment) -> str:
    if assignment.due_kind == DueKind.relative and assignment.due_days is not None:
        days = assignment.due_days
        return f"{days} day{'' if days == 1 else 's'} after joining"
    assert assignment.due_on is not None
    return f"{assignment.due_on:%A} {assignment.due_on.day} {assignment.due_on:%B %Y}"


def _titles(session: Session, course_ids: Sequence[int]) -> dict[str, str]:
    if not course_ids:
        return {}
    rows = session.exec(
        select(ModuleRecord.stable_id, ModuleRecord.title).where(
            col(ModuleRecord.course_id).in_(list(course_ids))
        )
    )
    return dict(rows.all())


def cohort_assignments(session: Session, *, cohort_id: int) -> list[AssignmentView]:
    """The cohort's assignments, oldest first, described for the staff page."""
    found = list(
        session.exec(
            select(Assignment).where(Assignment.cohort_id == cohort_id).order_by(col(Assignment.id))
        )
    )
    titles = _titles(session, sorted({a.course_id for a in found}))
    return [AssignmentView(a, _what(a, titles), _when(a)) for a in found]


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _due(form: DueForm) -> tuple[DueKind, date | None, int | None]:
    """The due date staff typed, checked; raises AssignmentError."""
    if form.due_kind == DueKind.fixed:
        text = form.due_on.strip()
        try:
            if not ISO_DAY.fullmatch(text):  # fromisoformat also takes 20261212 and 2026-W50-5
                raise ValueError(text)
            day = date.fromisoformat(text)
        except ValueError:
            raise AssignmentError(
                {"due_on": "Enter the due date as a date, for example 2026-12-12."}
            ) from None
        if not 2000 <= day.year <= 2100:
            raise AssignmentError({"due_on": "Enter a due date between 2000 and 2100."})
        if day < utcnow().date() - timedelta(days=1):
            # A past date would send every learner an overdue notice within minutes.
            raise AssignmentError({"due_on": "That date has passed. Choose today or a later date."})
        return DueKind.fixed, day, None
    if form.due_kind == DueKind.relative:
        text = form.due_days.strip()
        if not text.isdecimal() or not 1 <= int(text) <= MAX_DUE_DAYS:
            raise AssignmentError(
                {"due_days": f"Enter a whole number of days from 1 to {MAX_DUE_DAYS}."}
            )
        return DueKind.relative, None, int(text)
    raise AssignmentError({"due_kind": "Choose a fixed date or a number of days after joining."})


def create_assignment(
    session: Session,
    *,
    cohort: Cohort,
    user: User,
    whole_course: bool,
    module_ids: Sequence[str],
    due: DueForm,
) -> Assignment:
    """Assign the cohort's course, or some of its modules, with a due date; commits.

    Raises AssignmentError (every problem of the form at once)."""
    errors: dict[str, str] = {}
    chosen: list[str] = []
    if not whole_course:
        known = [m.id for m in course_modules(session, course_id=cohort.course_id)]
        wanted = set(module_ids)
        chosen = [m for m in known if m in wanted]
        if not chosen or len(wanted) != len(chosen):
            errors["modules"] = "Choose at least one module of the course, or the whole course."
    try:
        kind, due_on, due_days = _due(due)
    except AssignmentError as exc:
        errors.update(exc.errors)
    if errors:
        raise AssignmentError(errors)
    assignment = Assignment(
        cohort_id=id_of(cohort),
        course_id=cohort.course_id,
        module_ids=json.dumps(chosen),
        due_kind=kind.value,
        due_on=due_on,
        due_days=due_days,
        created_by_id=user.id,
    )
    session.add(assignment)
    session.commit()
    return assignment


def find_assignment(session: Session, *, cohort_id: int, assignment_id: int) -> Assignment | None:
    """The cohort's assignment with this id, if there is one."""
    found = session.get(Assignment, assignment_id)
    return found if found is not None and found.cohort_id == cohort_id else None


def change_due(session: Session, *, assignment: Assignment, due: DueForm) -> None:
    """Give the assignment a new due date; commits. Raises AssignmentError."""
    kind, due_on, due_days = _due(due)
    assignment.due_kind, assignment.due_on, assignment.due_days = kind.value, due_on, due_days
    session.add(assignment)
    session.commit()


def delete_assignment(session: Session, *, assignment: Assignment) -> None:
    """Remove the assignment (its sent-reminder records go with it); commits."""
    session.delete(assignment)
    session.commit()


def due_on_for(assignment: Assignment, *, joined_at: datetime) -> date:
    """The learner's due date: the fixed date, or ``due_days`` after they joined."""
    if assignment.due_kind == DueKind.relative and assignment.due_days is not None:
        return joined_at.date() + timedelta(days=assignment.due_days)
    assert assignment.due_on is not None
    return assignment.due_on


def _joined_at(enrollment: Enrollment, organization_joined_at: datetime | None) -> datetime:
    if organization_joined_at is None:
        return enrollment.enrolled_at
    return max(enrollment.enrolled_at, organization_joined_at)


def _done_at(
    assignment: Assignment,
    enrollment: Enrollment,
    completions: dict[str, datetime],
    course: Course | None,
) -> datetime | None:
    """When the assigned work was done: the course's completion, or the last assigned
    module's (following renames when the course is loaded); None while any is missing."""
    ids = assignment.modules
    if not ids:
        return enrollment.completed_at
    times = []
    for module_id in ids:
        module = learning.module_by_any_id(course, module_id)[0] if course else None
        times.append(
            progress.completed_at(completions, module) if module else completions.get(module_id)
        )
    done = [t for t in times if t is not None]
    return max(done) if len(done) == len(times) else None


def _standing(due_on: date, done_at: datetime | None, today: date) -> Standing:
    if done_at is not None:
        return "on_time" if done_at.date() <= due_on else "late"
    return "overdue" if today > due_on else "open"


def _learner_due(
    assignment: Assignment,
    enrollment: Enrollment,
    organization_joined_at: datetime | None,
    completions: dict[str, datetime],
    today: date,
    course: Course | None,
) -> LearnerDue:
    due_on = due_on_for(assignment, joined_at=_joined_at(enrollment, organization_joined_at))
    done_at = _done_at(assignment, enrollment, completions, course)
    return LearnerDue(
        assignment=assignment,
        user_id=enrollment.user_id,
        due_on=due_on,
        done_at=done_at,
        standing=_standing(due_on, done_at, today),
    )


def courses_by_id(session: Session, *, courses: Mapping[str, Course]) -> dict[int, Course]:
    """The loaded courses (by slug, as the registry holds them) by their row ids."""
    rows = session.exec(
        select(CourseRecord.id, CourseRecord.slug).where(col(CourseRecord.slug).in_(list(courses)))
    )
    return {course_id: courses[slug] for course_id, slug in rows if course_id is not None}


def standings(
    session: Session,
    *,
    assignments: Sequence[Assignment],
    today: date,
    courses: Mapping[int, Course],
) -> list[LearnerDue]:
    """Every cohort learner's standing on each assignment (one query for the cohorts, one
    per cohort, one for the completions). ``courses`` (by row id) lets renamed modules'
    completions count."""
    cohorts = {
        c.id: c
        for c in session.exec(
            select(Cohort).where(col(Cohort.id).in_([a.cohort_id for a in assignments]))
        )
    }
    members: dict[int, list[tuple[Enrollment, datetime | None]]] = {}
    for cohort_id, cohort in cohorts.items():
        assert cohort_id is not None
        rows = session.exec(
            select(Enrollment, User.organization_joined_at)
            .join(User, col(User.id) == col(Enrollment.user_id))
            .where(
                Enrollment.course_id == cohort.course_id,
                Enrollment.cohort == cohort.code,
                col(Enrollment.active).is_(True),
            )
            .order_by(col(Enrollment.id))
        )
        members[cohort_id] = list(rows.all())
    completions = progress.module_completions(
        session, enrollment_ids=[id_of(e) for rows in members.values() for e, _ in rows]
    )
    return [
        _learner_due(
            assignment,
            enrollment,
            joined,
            completions[id_of(enrollment)],
            today,
            courses.get(assignment.course_id),
        )
        for assignment in assignments
        for enrollment, joined in members.get(assignment.cohort_id, [])
    ]


def all_assignments(session: Session) -> list[Assignment]:
    """Every assignment, oldest first (the reminder job walks them)."""
    return list(session.exec(select(Assignment).order_by(col(Assignment.id))))


def due_for_learner(
    session: Session,
    *,
    user: User,
    enrollments: Sequence[Enrollment],
    courses: Mapping[int, Course],
    today: date,
) -> list[DueItem]:
    """What the learner's cohorts assigned in these (their active) enrollments, soonest
    due first, in words. No query unless an enrollment is in a cohort. ``courses``: the
    enrollments' courses by row id."""
    in_cohort = {(e.cohort, e.course_id): e for e in enrollments if e.cohort and e.active}
    if not in_cohort:
        return []
    rows = session.exec(
        select(Assignment, Cohort.code)
        .join(Cohort, col(Cohort.id) == col(Assignment.cohort_id))
        .where(col(Cohort.code).in_(sorted({code for code, _ in in_cohort})))
        .order_by(col(Assignment.id))
    ).all()
    mine = [(a, in_cohort[key]) for a, code in rows if (key := (code, a.course_id)) in in_cohort]
    if not mine:
        return []
    completions = progress.module_completions(
        session, enrollment_ids=sorted({id_of(e) for _, e in mine})
    )
    titles = _titles(session, sorted({a.course_id for a, _ in mine if a.modules}))
    items = []
    for assignment, enrollment in mine:
        due = _learner_due(
            assignment,
            enrollment,
            user.organization_joined_at,
            completions[id_of(enrollment)],
            today,
            courses.get(assignment.course_id),
        )
        done = due.done_at is not None
        items.append(
            DueItem(
                course_id=assignment.course_id,
                what=_what(assignment, titles),
                due_on=due.due_on,
                words=f"due {long_date(due.due_on, today=today)}"
                if done
                else due_words(due.due_on, today=today),
                done=done,
                overdue=due.standing == "overdue",
            )
        )
    return sorted(items, key=lambda i: (i.done, i.due_on))
