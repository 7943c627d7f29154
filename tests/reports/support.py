"""A hand-built set of enrollments whose report figures are worked out in the tests by hand.

Course: the bundled ``data-for-liberation`` (its rows are synced when the app starts).

| organization | learners     | job roles                | percents                              |
|--------------|--------------|--------------------------|---------------------------------------|
| Riverside    | 12 (+1 left) | 8 teachers, 4 principals | 0 10 20 30 40 50 60 70 80 100 100 100 |
| Hillcrest    | 10           | teachers                 | all 0, enrolled in January 2025       |
| Lakeview     | 3            | teachers                 | 100 20 40                             |

The one who left (unenrolled, 90%) is in Riverside.
Riverside: the three at 100% completed, two with a certificate; learners 0-4 active in the
last 30 days; learners 0-5 in cohort ``spring``. Lakeview: the one at 100% completed, its
certificate revoked; learner 0 active. Exercise ``absence-iep-rate``: Riverside learners 0-3
right first time, 4-7 wrong then right, 8-9 wrong three times, 10-11 never tried; Lakeview
learner 0 right first time. Survey: ten Riverside learners submitted (was_engaging: 5 5 5 4 4 3 3
2 1 5; other items 4), one more saved without submitting (all 1s); two Lakeview learners
submitted (all 1s).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from app.accounts.models import Organization, User
from app.certificates.models import Certificate
from app.content.sync import activity_record_id, course_record_id
from app.db import utcnow
from app.exercises.models import ExerciseAttempt
from app.learning.models import Enrollment
from app.reflections.models import LearnerReflection, ReflectionRevision
from app.surveys.models import SurveyAnswer, SurveyResponse
from tests.factories import make_cohort, make_user

COURSE = "data-for-liberation"
TITLE = "Data for Liberation: Moving Beyond the Numbers"
EXERCISE = "absence-iep-rate"
ITEMS = ("was_engaging", "thought_provoking", "affect_work", "share", "use_now")
PRIVATE_TEXT = "PRIVATE-REFLECTION-never-in-a-report"
_codes = itertools.count(1)


@dataclass
class Seed:
    """The organizations and learners made by ``seed``."""

    orgs: dict[str, Organization]
    learners: dict[str, list[User]] = field(default_factory=dict)
    enrollments: dict[str, list[Enrollment]] = field(default_factory=dict)


def _org(session: Session, name: str) -> Organization:
    org = Organization(name=name, name_key=name.lower())
    session.add(org)
    session.commit()
    return org


def _enroll(
    session: Session,
    *,
    user: User,
    course_id: int,
    percent: int,
    enrolled_at: datetime,
    active_days_ago: int,
    cohort: str | None = None,
    active: bool = True,
) -> Enrollment:
    now = utcnow()
    enrollment = Enrollment(
        user_id=user.id or 0,
        course_id=course_id,
        cohort=cohort,
        active=active,
        enrolled_at=enrolled_at,
        percent=percent,
        completed_at=now - timedelta(days=2) if percent == 100 else None,
        last_activity_at=now - timedelta(days=active_days_ago),
    )
    session.add(enrollment)
    session.commit()
    return enrollment


def _certificate(session: Session, enrollment: Enrollment, *, revoked: bool = False) -> None:
    now = utcnow()
    session.add(
        Certificate(
            code=f"TEST-{next(_codes):04d}-CODE",
            enrollment_id=enrollment.id or 0,
            user_id=enrollment.user_id,
            course_id=enrollment.course_id,
            name="Name",
            course_title=TITLE,
            hours=6,
            completed_at=now,
            revoked_at=now if revoked else None,
            revoked_reason="test" if revoked else None,
        )
    )
    session.commit()


def _attempts(session: Session, enrollment: Enrollment, activity: int, results: list[bool]) -> None:
    for number, correct in enumerate(results, start=1):
        session.add(
            ExerciseAttempt(
                enrollment_id=enrollment.id or 0,
                activity_id=activity,
                content_hash="h",
                raw_answer="42",
                correct=correct,
                score=1.0 if correct else 0.0,
                number=number,
                final=correct or number == 3,
                submission_key=f"k{number}",
            )
        )
    session.commit()


def _survey(
    session: Session,
    enrollment: Enrollment,
    values: dict[str, int],
    *,
    submitted: bool = True,
    comment: str | None = None,
) -> None:
    response = SurveyResponse(
        enrollment_id=enrollment.id or 0,
        course_id=enrollment.course_id,
        comment=comment,
        submitted_at=utcnow() if submitted else None,
    )
    session.add(response)
    session.flush()
    for item, value in values.items():
        session.add(SurveyAnswer(response_id=response.id or 0, item_id=item, value=value))
    session.commit()


def _private_reflection(session: Session, user: User, course_id: int) -> None:
    activity = activity_record_id(session, course_slug=COURSE, activity_id="norms-reflection")
    ref = LearnerReflection(
        user_id=user.id or 0,
        course_id=course_id,
        activity_id=activity,
        activity_stable_id="norms-reflection",
        module_stable_id="why-data-for-liberation",
        module_title="Why",
        prompt_html="<p>Prompt</p>",
        shared=False,
        revision_count=1,
        first_submitted_at=utcnow(),
        last_submitted_at=utcnow(),
    )
    session.add(ref)
    session.flush()
    session.add(ReflectionRevision(reflection_id=ref.id or 0, number=1, text=PRIVATE_TEXT))
    session.commit()


def seed(session: Session) -> Seed:
    """Make the organizations, learners, enrollments and work described above."""
    course_id = course_record_id(session, course_slug=COURSE)
    exercise = activity_record_id(session, course_slug=COURSE, activity_id=EXERCISE)
    data = Seed(orgs={n: _org(session, n) for n in ("Riverside", "Hillcrest", "Lakeview")})
    recent = datetime(2026, 2, 10, 12, tzinfo=UTC)

    riverside = data.orgs["Riverside"]
    make_cohort(session, code="spring", course_id=course_id, organization_id=riverside.id)
    percents = [0, 10, 20, 30, 40, 50, 60, 70, 80, 100, 100, 100]
    users, rows = [], []
    for i, percent in enumerate(percents):
        user = make_user(
            session,
            display_name=f"River Learner {i:02d}",
            organization_id=riverside.id,
            job_role="teacher" if i < 8 else "principal",
        )
        users.append(user)
        rows.append(
            _enroll(
                session,
                user=user,
                course_id=course_id,
                percent=percent,
                enrolled_at=recent,
                active_days_ago=1 if i < 5 else 40,
                cohort="spring" if i < 6 else None,
            )
        )
    gone = make_user(session, display_name="River Leaver", organization_id=riverside.id)
    _enroll(
        session,
        user=gone,
        course_id=course_id,
        percent=90,
        enrolled_at=recent,
        active_days_ago=1,
        active=False,
    )
    _certificate(session, rows[9])
    _certificate(session, rows[10])
    for i, row in enumerate(rows):
        if i < 4:
            _attempts(session, row, exercise, [True])
        elif i < 8:
            _attempts(session, row, exercise, [False, True])
        elif i < 10:
            _attempts(session, row, exercise, [False, False, False])
    engaging = [5, 5, 5, 4, 4, 3, 3, 2, 1, 5]
    for i, value in enumerate(engaging):
        others = dict.fromkeys(ITEMS[1:], 4)
        comment = '=HYPERLINK("http://evil.example")' if i == 0 else None
        if i == 1:
            comment = "Riverside comment: loved the data explorer"
        _survey(session, rows[i], {"was_engaging": value, **others}, comment=comment)
    _survey(session, rows[10], dict.fromkeys(ITEMS, 1), submitted=False, comment="unsent")
    _private_reflection(session, users[0], course_id)
    data.learners["Riverside"], data.enrollments["Riverside"] = users, rows

    users, rows = [], []
    for i in range(10):
        user = make_user(
            session, display_name=f"Hill Learner {i:02d}", organization_id=data.orgs["Hillcrest"].id
        )
        users.append(user)
        rows.append(
            _enroll(
                session,
                user=user,
                course_id=course_id,
                percent=0,
                enrolled_at=datetime(2025, 1, 15, 9, tzinfo=UTC),
                active_days_ago=90,
            )
        )
    data.learners["Hillcrest"], data.enrollments["Hillcrest"] = users, rows

    users, rows = [], []
    for i, percent in enumerate([100, 20, 40]):
        user = make_user(
            session, display_name=f"Lake Learner {i:02d}", organization_id=data.orgs["Lakeview"].id
        )
        users.append(user)
        rows.append(
            _enroll(
                session,
                user=user,
                course_id=course_id,
                percent=percent,
                enrolled_at=recent,
                active_days_ago=1 if i == 0 else 45,
            )
        )
    _certificate(session, rows[0], revoked=True)
    _attempts(session, rows[0], exercise, [True])
    _survey(session, rows[0], dict.fromkeys(ITEMS, 1), comment="Lakeview private opinion")
    _survey(session, rows[1], dict.fromkeys(ITEMS, 1))
    data.learners["Lakeview"], data.enrollments["Lakeview"] = users, rows
    return data


def add_recent_organization(session: Session, name: str, learners: int) -> Organization:
    """Another organization whose learners enrolled with Riverside's, so that Riverside's
    date-narrowed view is not the only cover for Lakeview's small group (docs/reports.md,
    "Differencing")."""
    course_id = course_record_id(session, course_slug=COURSE)
    org = _org(session, name)
    for i in range(learners):
        user = make_user(session, display_name=f"{name} Learner {i:02d}", organization_id=org.id)
        _enroll(
            session,
            user=user,
            course_id=course_id,
            percent=0,
            enrolled_at=datetime(2026, 2, 10, 12, tzinfo=UTC),
            active_days_ago=30,
        )
    return org
