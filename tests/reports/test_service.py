"""Report figures against the hand-computed fixture in ``support.py``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pytest
from sqlmodel import Session

from app.accounts.models import User
from app.content.course import Course
from app.privacy import Coded
from app.reports import service
from app.reports.filters import ReportFilters, parse_filters
from app.reports.tables import Hidden, Table
from tests.reports.support import TITLE, Seed

SMALL = Hidden("fewer than 10 learners")
COMPLEMENTARY = Hidden(service.COMPLEMENTARY_TEXT)
# Shares of a group near 0% or 100% are shown as ranges (top and bottom coding).
LOW, HIGH = Coded("at_most", 5.0), Coded("at_least", 95.0)


def table(
    session: Session,
    staff: User,
    courses: Mapping[str, Course],
    name: str,
    min_n: int = 10,
    **filters: object,
) -> Table:
    return service.report_table(
        session,
        staff=staff,
        name=name,
        filters=ReportFilters(**filters),  # type: ignore[arg-type]
        courses=courses,
        min_n=min_n,
    )


def row_for(t: Table, *labels: str) -> tuple[object, ...]:
    width = len(labels)
    found = [row for row in t.rows if row[:width] == labels]
    assert len(found) == 1, (labels, t.rows)
    return found[0][width:]


def test_median_of_a_histogram() -> None:
    assert service.median({}) is None
    assert service.median({40: 1}) == 40
    assert service.median({0: 1, 10: 1, 20: 1}) == 10
    assert service.median({0: 2, 60: 1, 100: 1}) == 30  # 0 0 60 100
    assert service.median({50: 1, 60: 1}) == 55


def test_overview_for_all_organizations(session, data: Seed, admin, courses) -> None:
    t = table(session, admin, courses, "overview")
    # 25 enrolled (the unenrolled Riverside learner is left out); active: 5 + 1; completed:
    # three Riverside, one Lakeview; percents sorted: eleven 0s, 10, 20, ... -> median 20;
    # certificates: two (Lakeview's is revoked).
    assert row_for(t, TITLE) == (25, 6, 4, 16.0, 20.0, 2)
    other = [r for r in t.rows if r[0] != TITLE]
    assert other
    assert all(r[1] == 0 and r[4] is None for r in other)


def test_overview_for_one_organization_staff(session, data, river_staff, courses) -> None:
    t = table(session, river_staff, courses, "overview")
    # 0 10 20 30 40 50 60 70 80 100 100 100 -> median (50 + 60) / 2.
    assert row_for(t, TITLE) == (12, 5, 3, 25.0, 55.0, 2)


def test_small_organization_staff_see_the_overview_hidden(session, data, lake_staff, courses):
    t = table(session, lake_staff, courses, "overview")
    assert row_for(t, TITLE) == (SMALL,) * 6
    # A lower minimum (a setting) shows it: 3 enrolled, 1 active, 1 completed, no certificate.
    t = table(session, lake_staff, courses, "overview", min_n=3)
    assert row_for(t, TITLE) == (3, 1, 1, pytest.approx(100 / 3), 40.0, LOW)


def test_breakdown_by_organization_suppresses_and_complements(session, data, admin, courses):
    t = table(session, admin, courses, "by-organization")
    assert row_for(t, TITLE, "Lakeview") == (SMALL,) * 6
    # Hillcrest (10) is the next smallest: hidden so Lakeview's 3 cannot be subtracted out.
    assert row_for(t, TITLE, "Hillcrest") == (COMPLEMENTARY,) * 6
    assert row_for(t, TITLE, "Riverside") == (12, 5, 3, 25.0, 55.0, 2)
    assert t.has_hidden


def test_breakdown_by_job_role_for_one_organization(session, data, river_staff, courses):
    t = table(session, river_staff, courses, "by-job-role")
    assert row_for(t, TITLE, "Teacher") == (SMALL,) * 6  # 8
    assert row_for(t, TITLE, "Principal or assistant principal") == (SMALL,) * 6  # 4
    t = table(session, river_staff, courses, "by-job-role", min_n=4)
    assert row_for(t, TITLE, "Teacher") == (8, 5, LOW, LOW, 35.0, LOW)
    assert row_for(t, TITLE, "Principal or assistant principal") == (4, LOW, 3, 75.0, 100.0, 2)


def test_breakdown_by_cohort(session, data, admin, courses) -> None:
    t = table(session, admin, courses, "by-cohort")
    assert row_for(t, TITLE, "spring") == (SMALL,) * 6
    assert row_for(t, TITLE, "No cohort") == (COMPLEMENTARY,) * 6
    t = table(session, admin, courses, "by-cohort", min_n=6)
    # spring = Riverside 0-5: percents 0..50, active 0-4, none completed.
    assert row_for(t, TITLE, "spring") == (6, 5, LOW, LOW, 25.0, LOW)


def test_group_filters_make_the_whole_report_a_group(session, data, admin, courses) -> None:
    org = data.orgs["Lakeview"].id
    assert (
        row_for(table(session, admin, courses, "overview", organization_id=org), TITLE)
        == (SMALL,) * 6
    )
    assert (
        row_for(table(session, admin, courses, "overview", job_role="principal"), TITLE)
        == (SMALL,) * 6
    )
    t = table(session, admin, courses, "overview", organization_id=data.orgs["Riverside"].id)
    assert row_for(t, TITLE) == (12, 5, 3, 25.0, 55.0, 2)


def test_dates_select_learners_by_enrollment_day(session, data, admin, courses) -> None:
    t = table(session, admin, courses, "overview", enrolled_to=date(2025, 12, 31))
    # Hillcrest only; a date window is a group: no one active or done reads "≤ 5%".
    assert row_for(t, TITLE) == (10, LOW, LOW, LOW, 0.0, LOW)
    t = table(
        session,
        admin,
        courses,
        "overview",
        enrolled_from=date(2026, 2, 10),
        enrolled_to=date(2026, 2, 10),
    )
    assert row_for(t, TITLE)[0] == 15  # the end day is included
    t = table(session, admin, courses, "overview", enrolled_from=date(2026, 2, 11))
    assert row_for(t, TITLE)[0] == 0


def test_exercise_report(session, data, admin, river_staff, lake_staff, courses) -> None:
    t = table(session, river_staff, courses, "exercises", course="data-for-liberation")
    (figures,) = [r[3:] for r in t.rows if str(r[2]).startswith("absence-iep-rate: ")]
    # 10 attempted; 4 right first time; 8 right in the end; 4*1 + 4*2 + 2*3 = 18 attempts.
    assert figures == (10, 40.0, 80.0, 1.8)
    t = table(session, admin, courses, "exercises", course="data-for-liberation")
    (figures,) = [r[3:] for r in t.rows if str(r[2]).startswith("absence-iep-rate: ")]
    assert figures == (11, pytest.approx(500 / 11), pytest.approx(900 / 11), pytest.approx(19 / 11))
    untried = [r for r in t.rows if not str(r[2]).startswith("absence-iep-rate")]
    assert untried
    assert all(r[3:] == (0, None, None, None) for r in untried)
    t = table(session, lake_staff, courses, "exercises", course="data-for-liberation")
    (figures,) = [r[3:] for r in t.rows if str(r[2]).startswith("absence-iep-rate: ")]
    assert figures == (SMALL,) * 4


def test_exercise_rows_are_each_exercise_once_by_its_prompt(session, data, admin, courses):
    t = table(session, admin, courses, "exercises")
    assert [c.key for c in t.columns] == [
        "course",
        "module",
        "exercise",
        "attempted",
        "first_correct",
        "eventually_correct",
        "mean_attempts",
    ]
    course = courses["data-for-liberation"]
    expected = [(m.title, b.id) for m in course.modules for b in m.blocks if b.kind == "exercise"]
    got = [(r[1], str(r[2]).split(":")[0]) for r in t.rows if r[0] == TITLE]
    assert got == expected


def test_feedback_report(session, data, admin, river_staff, courses) -> None:
    t = table(session, river_staff, courses, "feedback", course="data-for-liberation")
    engaging = row_for(t, TITLE, "The course was engaging.")
    # 10 submitted (the unsubmitted one is not counted): 5 5 5 4 4 3 3 2 1 5.
    assert engaging == (10, 60.0, 1, 1, 2, 2, 4)
    share = row_for(t, TITLE, "I will share what I learned with my team or colleagues.")
    assert share == (10, HIGH, LOW, LOW, LOW, HIGH, LOW)
    t = table(session, admin, courses, "feedback", course="data-for-liberation")
    engaging = row_for(t, TITLE, "The course was engaging.")
    assert engaging == (12, 50.0, 3, 1, 2, 2, 4)
    t = table(
        session, admin, courses, "feedback", course="data-for-liberation", job_role="principal"
    )
    # Riverside learners 8 and 9 are principals: a group of two, so hidden.
    assert row_for(t, TITLE, "I plan to use what I learned right away.") == (SMALL,) * 7


def test_feedback_comments_are_scoped(session, data, admin, river_staff, courses) -> None:
    t = table(session, river_staff, courses, "feedback-comments")
    comments = [r[4] for r in t.rows]
    assert "Riverside comment: loved the data explorer" in comments
    assert "Lakeview private opinion" not in comments
    assert "unsent" not in comments  # saved but never submitted
    assert {r[1] for r in t.rows} <= {u.display_name for u in data.learners["Riverside"]}
    t = table(session, admin, courses, "feedback-comments")
    assert "Lakeview private opinion" in [r[4] for r in t.rows]


def test_enrollment_rows(session, data, admin, river_staff, lake_staff, courses) -> None:
    t = table(session, river_staff, courses, "enrollments")
    assert len(t.rows) == 12
    names = {r[0] for r in t.rows}
    assert names == {u.display_name for u in data.learners["Riverside"]}
    assert "River Leaver" not in names
    assert len({r[9] for r in t.rows if r[9]}) == 2
    t = table(session, lake_staff, courses, "enrollments")
    assert {r[0] for r in t.rows} == {u.display_name for u in data.learners["Lakeview"]}
    assert all(r[9] == "" for r in t.rows)  # the revoked certificate is not listed
    assert len(table(session, admin, courses, "enrollments").rows) == 25


def test_parse_filters_ignores_what_is_not_offered(session, data, river_staff, courses) -> None:
    choices = service.filter_choices(session, staff=river_staff, courses=courses)
    assert choices.organizations == [(data.orgs["Riverside"].id, "Riverside")]
    assert choices.scoped_to == "Riverside"
    assert choices.cohorts == [("spring", "spring")]  # (code, the cohort record's name)
    filters, errors = parse_filters(
        {
            "course": "no-such-course",
            "organization": str(data.orgs["Lakeview"].id),
            "job_role": "wizard",
            "cohort": "bad cohort!",
            "enrolled_from": "2026-13-01",
            "enrolled_to": "yesterday",
        },
        choices,
    )
    assert filters == ReportFilters()
    assert set(errors) == {
        "course",
        "organization",
        "job_role",
        "cohort",
        "enrolled_from",
        "enrolled_to",
    }
    filters, errors = parse_filters(
        {"enrolled_from": "2026-03-02", "enrolled_to": "2026-03-01"}, choices
    )
    assert filters == ReportFilters()
    assert "enrolled_to" in errors
    filters, errors = parse_filters(
        {"course": "data-for-liberation", "job_role": "teacher", "cohort": "spring"}, choices
    )
    assert errors == {}
    assert filters.query_params() == {
        "course": "data-for-liberation",
        "job_role": "teacher",
        "cohort": "spring",
    }
