"""Learners who use the bundled course through the real services (enroll, open modules,
answer exercises, open hints, submit a reflection), for the funnel, trend and item tables.

Course ``data-for-liberation``; module 1 is ``why-data-for-liberation`` (exercises
``mirror-not-verdict``: choice, answer b, 2 attempts, 1 hint; ``sort-or-widen``: choice,
answer b; reflection ``norms-reflection``), module 2 ``what-gets-in-the-way``.

| organization | learners | what they do                                                        |
|--------------|----------|---------------------------------------------------------------------|
| Northside    | 12       | all open module 1; 0-3 complete it (both right first time + the      |
|              |          | reflection); 4-7 answer mirror "a" then "b", 4 and 5 open its hint;  |
|              |          | 8-10 answer "c" twice; 11 answers nothing; 0-5 open module 2         |
| Tiny         | 3        | 0 opens module 1 and answers mirror "a" then "c"                     |

Dates: Northside 0-5 enrolled 21 days before ``NOW``'s week's Wednesday (three weeks back);
Northside 0-1 completed the course (set on the row) 14 days back; everyone else enrolled now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session

from app.accounts.models import Organization, User
from app.content.course import Course
from app.db import utcnow
from app.exercises import service as exercises
from app.learning import service as learning
from app.learning.models import Enrollment
from app.reflections import service as reflections
from app.reports.catalog.trend import week_start
from tests.factories import make_user

COURSE = "data-for-liberation"
MODULE_1 = "why-data-for-liberation"
MODULE_2 = "what-gets-in-the-way"
MIRROR = "mirror-not-verdict"
SORT = "sort-or-widen"
REFLECTION_TEXT = " ".join(["We kept the norm of describing before interpreting."] * 6)


@dataclass
class Activity:
    orgs: dict[str, Organization]
    learners: dict[str, list[User]] = field(default_factory=dict)
    enrollments: dict[str, list[Enrollment]] = field(default_factory=dict)
    three_weeks_back: datetime = field(default_factory=utcnow)
    two_weeks_back: datetime = field(default_factory=utcnow)


def _org(session: Session, name: str) -> Organization:
    org = Organization(name=name, name_key=name.lower())
    session.add(org)
    session.commit()
    return org


def _answer(session: Session, user: User, e: Enrollment, course: Course, ex: str, a: str) -> None:
    exercises.submit_attempt(
        session,
        user=user,
        enrollment=e,
        course=course,
        activity_id=ex,
        answer=a,
        submission_key=f"{user.id}-{ex}-{a}-{utcnow().timestamp()}",
    )


def _open(session: Session, e: Enrollment, course: Course, module_id: str) -> None:
    module = course.module(module_id)
    assert module is not None
    learning.record_visit(session, enrollment=e, module=module, rows={})


def make_activity(session: Session, courses: Mapping[str, Course]) -> Activity:
    """Build the learners and their work described in the module docstring."""
    course = courses[COURSE]
    data = Activity(orgs={n: _org(session, n) for n in ("Northside", "Tiny")})
    for org_name, size in (("Northside", 12), ("Tiny", 3)):
        users, rows = [], []
        for i in range(size):
            user = make_user(
                session,
                display_name=f"{org_name} Learner {i:02d}",
                organization_id=data.orgs[org_name].id,
            )
            users.append(user)
            rows.append(learning.enroll(session, user=user, course=course))
        data.learners[org_name], data.enrollments[org_name] = users, rows

    users, rows = data.learners["Northside"], data.enrollments["Northside"]
    for i, (user, e) in enumerate(zip(users, rows, strict=True)):
        _open(session, e, course, MODULE_1)
        if i < 4:
            _answer(session, user, e, course, MIRROR, "b")
            _answer(session, user, e, course, SORT, "b")
            reflections.submit(
                session,
                user=user,
                course=course,
                activity_id="norms-reflection",
                text=REFLECTION_TEXT,
                shared=False,
            )
        elif i < 8:
            if i in (4, 5):
                exercises.reveal_hint(
                    session, user=user, enrollment=e, course=course, activity_id=MIRROR
                )
            _answer(session, user, e, course, MIRROR, "a")
            _answer(session, user, e, course, MIRROR, "b")
        elif i < 11:
            _answer(session, user, e, course, MIRROR, "c")
            _answer(session, user, e, course, MIRROR, "c")
        if i < 6:
            _open(session, e, course, MODULE_2)
    tiny_user, tiny = data.learners["Tiny"][0], data.enrollments["Tiny"][0]
    _open(session, tiny, course, MODULE_1)
    _answer(session, tiny_user, tiny, course, MIRROR, "a")
    _answer(session, tiny_user, tiny, course, MIRROR, "c")

    # Past dates: the services stamp "now"; a trend needs earlier weeks.
    monday = week_start(utcnow().date())
    data.three_weeks_back = datetime(
        monday.year, monday.month, monday.day, 10, tzinfo=utcnow().tzinfo
    ) - timedelta(days=19)
    data.two_weeks_back = data.three_weeks_back + timedelta(days=7)
    for i, e in enumerate(rows):
        if i < 6:
            e.enrolled_at = data.three_weeks_back
        if i < 2:
            e.completed_at = data.two_weeks_back
        session.add(e)
    session.commit()
    return data
