"""The staff report per assignment: on-time, late and overdue counts, the same on the
page and in the CSV, hidden for a cohort below the minimum group size."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
import time_machine

from tests.assignments.support import assign, join_cohort, make_cohort, make_org
from tests.factories import make_user
from tests.helpers import login, post_form, soup
from tests.learning.support import COURSES, JOURNEY


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    return {"content_dir": COURSES, "min_group_size": 3}


def _complete_welcome(client, user, when: datetime) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(when, tick=False):
        client.cookies.clear()
        login(client, user)
        assert post_form(client, f"/courses/{JOURNEY}/modules/welcome/done").status_code == 303


def _page_rows(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text[:300]
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("th, td")]
        for row in soup(response).select("tbody tr")
    ]


def test_counts_on_the_page_and_in_the_csv(client, session):
    org = make_org(session)
    cohort = make_cohort(session, organization=org, name="Winter")
    small = make_cohort(session, organization=org, name="Small")
    joined = datetime(2026, 12, 1, tzinfo=UTC)
    on_time, late, overdue, later = (make_user(session, organization_id=org.id) for _ in "abcd")
    for user in (on_time, late, overdue):
        join_cohort(session, user=user, cohort=cohort, enrolled_at=joined)
    # Joined on the 7th: with 5 days it is due on the 12th, not yet due on the 8th.
    join_cohort(session, user=later, cohort=cohort, enrolled_at=datetime(2026, 12, 7, tzinfo=UTC))
    for user in (make_user(session), make_user(session)):
        join_cohort(session, user=user, cohort=small, enrolled_at=joined)
    assign(session, cohort=cohort, modules=["welcome"], due_days=5)
    assign(session, cohort=cohort, modules=["practice"], due_on=date(2026, 12, 4))
    assign(session, cohort=small, modules=["welcome"], due_on=date(2026, 12, 4))
    _complete_welcome(client, on_time, datetime(2026, 12, 5, 12, tzinfo=UTC))
    _complete_welcome(client, late, datetime(2026, 12, 7, 12, tzinfo=UTC))

    client.cookies.clear()
    login(client, make_user(session, role="staff", staff_organization_id=org.id))
    with time_machine.travel(datetime(2026, 12, 8, 9, tzinfo=UTC), tick=True):
        page = _page_rows(client.get(f"/staff/cohorts/{cohort.id}/assignments/report"))
        download = client.get(f"/staff/cohorts/{cohort.id}/assignments/report.csv")
        hidden = _page_rows(client.get(f"/staff/cohorts/{small.id}/assignments/report"))
    assert page == [
        ["“Welcome”", "5 days after joining", "4", "1", "1", "1", "1"],
        ["“Practice noticing”", "Friday 4 December 2026", "4", "0", "0", "4", "0"],
    ]
    assert download.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Assignment",
        "Due",
        "Learners",
        "Done on time",
        "Done late",
        "Overdue",
        "Open, not overdue",
    ]
    assert rows[1:] == page
    assert hidden == [
        ["“Welcome”", "Friday 4 December 2026", "fewer than 3 learners"],
    ]
