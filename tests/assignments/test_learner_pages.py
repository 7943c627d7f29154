"""The learner's dashboard and course page say what is due and when, in words, with a
frozen clock; overdue work is marked in text; done work says so."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from tests.assignments.support import assign, join_cohort, make_cohort, make_org
from tests.factories import make_user
from tests.helpers import login, post_form, soup
from tests.learning.support import JOURNEY

NOW = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)  # a Tuesday


def _due_lines(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text[:300]
    return [li.get_text(" ", strip=True) for li in soup(response).select(".due-list li")]


def test_dashboard_and_course_page_say_what_is_due(client, session):
    org = make_org(session)
    cohort = make_cohort(session, organization=org)
    learner = make_user(session, organization_id=org.id)
    join_cohort(session, user=learner, cohort=cohort, enrolled_at=datetime(2026, 12, 1, tzinfo=UTC))
    assign(session, cohort=cohort, modules=["welcome"], due_on=date(2026, 12, 12))
    assign(session, cohort=cohort, due_days=5)  # joined 1 December: due the 6th
    assign(session, cohort=cohort, modules=["practice"], due_on=date(2026, 12, 8))
    with time_machine.travel(NOW, tick=True):
        login(client, learner)
        expected = [
            "Overdue: The whole course, overdue by 2 days",
            "“Practice noticing”, due today",
            "“Welcome”, due Saturday 12 December, in 4 days",
        ]
        assert _due_lines(client.get("/me")) == expected
        assert _due_lines(client.get(f"/courses/{JOURNEY}")) == expected
        overdue = soup(client.get("/me")).select_one(".due-overdue .due-flag")
        assert overdue.name == "strong"
        assert overdue.get_text() == "Overdue:"
        assert post_form(client, f"/courses/{JOURNEY}/modules/welcome/done").status_code == 303
        assert _due_lines(client.get("/me"))[-1] == "Done: “Welcome”, due Saturday 12 December"


def test_relative_dates_count_from_the_later_of_enrolling_and_joining(client, session):
    org = make_org(session)
    cohort = make_cohort(session, organization=org)
    learner = make_user(
        session,
        organization_id=org.id,
        organization_joined_at=datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
    )
    join_cohort(session, user=learner, cohort=cohort, enrolled_at=datetime(2026, 12, 1, tzinfo=UTC))
    assign(session, cohort=cohort, due_days=5)
    with time_machine.travel(NOW, tick=True):
        login(client, learner)
        assert _due_lines(client.get("/me")) == ["The whole course, due today"]


def test_learners_outside_the_cohort_see_nothing_due(client, session):
    org = make_org(session)
    cohort = make_cohort(session, organization=org)
    assign(session, cohort=cohort, due_days=5)
    outsider = make_user(session, organization_id=org.id)
    login(client, outsider)
    post_form(client, f"/courses/{JOURNEY}/enroll")
    assert soup(client.get("/me")).select(".due-list") == []
    assert soup(client.get(f"/courses/{JOURNEY}")).select(".due-list") == []
