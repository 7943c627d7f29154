"""The funnel, trend, item-analysis and wrong-answers tables against ``activity.py``'s learners
(made through the real services), with their small-group rules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import pytest
from sqlmodel import Session

from app.accounts.models import User
from app.content.course import Course
from app.db import utcnow
from app.privacy import Coded
from app.reports import service
from app.reports.catalog.trend import week_start
from app.reports.filters import ReportFilters
from app.reports.tables import Hidden, Table
from tests.factories import make_user
from tests.reports.activity import COURSE, MIRROR, SORT, Activity, make_activity
from tests.reports.wrong_answers import add_wrong_answers

SMALL = Hidden("fewer than 10 learners")
LOW, HIGH = Coded("at_most", 5.0), Coded("at_least", 95.0)
COMPLEMENTARY = Hidden(service.COMPLEMENTARY_TEXT)


@pytest.fixture
def activity(session: Session, courses: Mapping[str, Course]) -> Activity:
    return make_activity(session, courses)


def _staff(session: Session, activity: Activity, org: str) -> User:
    return make_user(session, role="staff", staff_organization_id=activity.orgs[org].id)


def _table(
    session: Session, staff: User, courses: Mapping[str, Course], name: str, min_n: int = 10
) -> Table:
    return service.report_table(
        session,
        staff=staff,
        name=name,
        filters=ReportFilters(course=COURSE),
        courses=courses,
        min_n=min_n,
    )


def _module_rows(t: Table, courses: Mapping[str, Course]) -> dict[str, tuple[object, ...]]:
    title = courses[COURSE].title
    return {row[1]: row[2:] for row in t.rows if row[0] == title}  # type: ignore[misc]


def _exercise_row(t: Table, exercise: str) -> tuple[object, ...]:
    found = [row for row in t.rows if str(row[2]).startswith(exercise + ":")]
    assert len(found) == 1, t.rows
    return found[0][3:]


def test_funnel_counts_openings_and_completions(session, activity, admin, courses) -> None:
    course = courses[COURSE]
    t = _table(session, admin, courses, "funnel")
    assert [c.key for c in t.columns] == [
        "course",
        "module",
        "opened",
        "completed",
        "completed_share",
    ]
    rows = _module_rows(t, courses)
    assert list(rows) == [m.title for m in course.modules]  # one row per module, in order
    m1, m2, m3 = (course.modules[i].title for i in range(3))
    # 15 enrolled; module 1 opened by 12 + 1, completed by Northside 0-3.
    assert rows[m1] == (13, 4, pytest.approx(100 * 4 / 15))
    assert rows[m2] == (6, 0, 0.0)
    assert rows[m3] == (0, 0, 0.0)


def test_funnel_of_one_organization_and_of_a_small_one(session, activity, courses) -> None:
    course = courses[COURSE]
    north = _module_rows(
        _table(session, _staff(session, activity, "Northside"), courses, "funnel"), courses
    )
    # Every Northside learner opened module 1: a group's 100% is shown as "≥ 95%".
    assert north[course.modules[0].title] == (HIGH, 4, pytest.approx(100 * 4 / 12))
    tiny = _module_rows(
        _table(session, _staff(session, activity, "Tiny"), courses, "funnel"), courses
    )
    assert set(tiny.values()) == {(SMALL, SMALL, SMALL)}
    tiny = _module_rows(
        _table(session, _staff(session, activity, "Tiny"), courses, "funnel", min_n=3), courses
    )
    assert tiny[course.modules[0].title] == (1, LOW, LOW)


def test_trend_counts_weeks_from_the_first_enrollment(session, activity, admin, courses) -> None:
    t = _table(session, admin, courses, "trend")
    this_week = week_start(utcnow().date())
    weeks = [(this_week - timedelta(days=7 * k)).isoformat() for k in (3, 2, 1, 0)]
    title = courses[COURSE].title
    assert t.rows == [
        (title, weeks[0], 6, 0),
        (title, weeks[1], 0, 2),
        (title, weeks[2], 0, 0),
        (title, weeks[3], 9, 0),
    ]


def test_trend_of_one_organization_hides_small_weeks(session, activity, courses) -> None:
    staff = _staff(session, activity, "Northside")
    t = _table(session, staff, courses, "trend")
    # Six and six enrollments: small weeks, so the whole enrollment series is hidden (the
    # total is on the same page: hidden weeks that add up to it could be solved). Two
    # completions in one week: small, so the completion series is hidden too, zeros included.
    assert [row[2:] for row in t.rows] == [(SMALL, SMALL)] * 4
    # With a minimum of 2 every non-zero week is shown, so every week is.
    t = _table(session, staff, courses, "trend", min_n=2)
    assert [row[2:] for row in t.rows] == [(6, 0), (0, 2), (0, 0), (6, 0)]
    # A minimum of 3: enrollments (6, 6) are shown; the completions (2) are not, in any week.
    t = _table(session, staff, courses, "trend", min_n=3)
    small3 = Hidden("fewer than 3 learners")
    assert [row[2:] for row in t.rows] == [(6, small3), (0, small3), (0, small3), (6, small3)]


def test_item_analysis(session, activity, admin, courses) -> None:
    t = _table(session, admin, courses, "item-analysis")
    exercises = _table(session, admin, courses, "exercises")
    assert [row[:3] for row in t.rows] == [row[:3] for row in exercises.rows]  # same labels
    # Mirror: 11 Northside + 1 Tiny attempted; right first: Northside 0-3; correct after 1
    # try (4) and 2 tries (4) -> median 1.5; hints: Northside 4 and 5.
    assert _exercise_row(t, MIRROR) == (
        12,
        pytest.approx(100 * 4 / 12),
        1.5,
        pytest.approx(100 * 2 / 12),
    )
    assert _exercise_row(t, SORT) == (4, 100.0, 1.0, None)  # sort-or-widen has no hints
    untouched = [row[3:] for row in t.rows if not str(row[2]).startswith((MIRROR, SORT))]
    assert untouched
    assert all(row == (0, None, None, None) for row in untouched)


def test_item_analysis_of_one_organization(session, activity, courses) -> None:
    t = _table(session, _staff(session, activity, "Northside"), courses, "item-analysis")
    assert _exercise_row(t, MIRROR) == (
        11,
        pytest.approx(100 * 4 / 11),
        1.5,
        pytest.approx(100 * 2 / 11),
    )
    assert _exercise_row(t, SORT) == (SMALL,) * 4  # four learners


def test_wrong_answers_need_enough_learners(session, activity, admin, courses) -> None:
    title = courses[COURSE].title
    t = _table(session, admin, courses, "wrong-answers", min_n=3)
    rows = [(row[0], str(row[1]).split(":")[0], row[2], row[3]) for row in t.rows]
    # "a": Northside 4-7 and Tiny 0 (five learners); "c": Northside 8-10 and Tiny 0 (four,
    # though Northside gave it twice each). Right answers never appear.
    assert rows == [(title, MIRROR, "a", 5), (title, MIRROR, "c", 4)]
    t = _table(session, admin, courses, "wrong-answers", min_n=5)
    assert [row[2:] for row in t.rows] == [("a", 5)]
    assert _table(session, admin, courses, "wrong-answers").rows == []
    north = _table(session, _staff(session, activity, "Northside"), courses, "wrong-answers", 4)
    assert [row[2:] for row in north.rows] == [("a", 4)]


def test_wrong_answers_keep_five_most_common(session, activity, admin, courses) -> None:
    add_wrong_answers(session, activity, answers={"x1": 3, "x2": 4, "x3": 3, "x4": 6, "x5": 3})
    t = _table(session, admin, courses, "wrong-answers", min_n=3)
    assert [(row[2], row[3]) for row in t.rows] == [
        ("x4", 6),
        ("a", 5),
        ("c", 4),
        ("x2", 4),
        ("x1", 3),
    ]
