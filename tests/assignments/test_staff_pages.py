"""Staff assign work to a cohort: the whole course or modules, a fixed or a relative due
date; change it; remove it. Errors keep what was typed. Other organizations' cohorts are
404 for scoped staff; learners get 403; forms need the CSRF token."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.assignments.models import Assignment
from tests.assignments.support import assign, make_cohort, make_org
from tests.factories import make_user
from tests.helpers import login, post_form, soup


def _url(cohort) -> str:  # type: ignore[no-untyped-def]
    return f"/staff/cohorts/{cohort.id}/assignments"


def _assignments(session) -> list[Assignment]:  # type: ignore[no-untyped-def]
    session.commit()  # see what the app wrote
    session.expire_all()
    return list(session.exec(select(Assignment).order_by(Assignment.id)))


def test_staff_assign_modules_with_a_fixed_date_and_the_course_relative(client, session):
    org = make_org(session)
    cohort = make_cohort(session, organization=org, name="Fall readers")
    login(client, make_user(session, role="staff", staff_organization_id=org.id))
    page = soup(client.get(_url(cohort)))
    assert page.h1.get_text() == "Assignments of Fall readers"
    boxes = [i["value"] for i in page.select("input[name=modules]")]
    assert boxes == ["welcome", "practice", "next-steps"]

    response = post_form(
        client,
        _url(cohort),
        {
            "scope": "modules",
            "modules": ["welcome", "practice"],
            "due_kind": "fixed",
            "due_on": "2026-12-18",
        },
    )
    assert response.status_code == 303
    response = post_form(
        client, _url(cohort), {"scope": "course", "due_kind": "relative", "due_days": "30"}
    )
    assert response.status_code == 303
    first, second = _assignments(session)
    assert first.modules == ["welcome", "practice"]
    assert str(first.due_on) == "2026-12-18"
    assert second.modules == []
    assert second.due_days == 30
    assert second.due_on is None
    page = soup(client.get(_url(cohort)))
    rows = [h.get_text(" ", strip=True) for h in page.select(".assignment h3")]
    assert rows == ["“Welcome” and “Practice noticing”", "The whole course"]
    dues = [p.get_text(strip=True) for p in page.select(".assignment-due")]
    assert dues == ["Due: Friday 18 December 2026", "Due: 30 days after joining"]


def test_errors_keep_what_was_typed(client, session):
    org = make_org(session)
    cohort = make_cohort(session, organization=org)
    login(client, make_user(session, role="admin"))
    response = post_form(
        client,
        _url(cohort),
        {"scope": "modules", "due_kind": "relative", "due_days": "soon", "due_on": ""},
    )
    assert response.status_code == 400
    page = soup(response)
    summary = page.select_one(".error-summary").get_text(" ", strip=True)
    assert "Choose at least one module" in summary
    assert "whole number of days" in summary
    assert page.select_one("#due_days")["value"] == "soon"
    assert page.select_one("input[name=scope][value=modules]").has_attr("checked")
    assert page.select_one("input[name=due_kind][value=relative]").has_attr("checked")
    for link in page.select(".error-summary a"):
        assert page.select_one(link["href"]) is not None, link["href"]
    response = post_form(
        client,
        _url(cohort),
        {
            "scope": "modules",
            "modules": ["practice", "no-such-module"],
            "due_kind": "fixed",
            "due_on": "12/18/2026",
        },
    )
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one("#due_on")["value"] == "12/18/2026"
    assert page.select_one("input[value=practice]").has_attr("checked")
    assert not page.select_one("input[value=welcome]").has_attr("checked")
    assert _assignments(session) == []


def test_change_the_due_date_and_remove(client, session):
    org = make_org(session)
    cohort = make_cohort(session, organization=org)
    assignment = assign(session, cohort=cohort, due_days=14)
    login(client, make_user(session, role="staff"))  # all organizations
    base = f"{_url(cohort)}/{assignment.id}"
    bad = post_form(client, f"{base}/due", {"due_kind": "fixed", "due_on": "next week"})
    assert bad.status_code == 400
    page = soup(bad)
    assert page.select_one(f"#a{assignment.id}-due_on")["value"] == "next week"
    link = page.select_one(".error-summary a")["href"]
    assert link == f"#a{assignment.id}-due_on"
    assert page.select_one(link) is not None
    assert page.select_one("details[open]") is not None
    good = post_form(client, f"{base}/due", {"due_kind": "fixed", "due_on": "2027-01-15"})
    assert good.status_code == 303
    [changed] = _assignments(session)
    assert str(changed.due_on) == "2027-01-15"
    assert changed.due_kind == "fixed"
    assert post_form(client, f"{base}/delete").status_code == 303
    assert _assignments(session) == []
    assert post_form(client, f"{base}/delete").status_code == 404


def test_other_organizations_cohorts_are_404_for_scoped_staff(client, session):
    mine, theirs = make_org(session), make_org(session)
    cohort = make_cohort(session, organization=theirs)
    assignment = assign(session, cohort=cohort, due_days=7)
    login(client, make_user(session, role="staff", staff_organization_id=mine.id))
    base = _url(cohort)
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/report").status_code == 404
    assert client.get(f"{base}/report.csv").status_code == 404
    form = {"scope": "course", "due_kind": "relative", "due_days": "3"}
    assert post_form(client, base, form).status_code == 404
    assert post_form(client, f"{base}/{assignment.id}/due", form).status_code == 404
    assert post_form(client, f"{base}/{assignment.id}/delete").status_code == 404
    [kept] = _assignments(session)
    assert kept.due_days == 7


def test_an_assignment_of_another_cohort_is_404(client, session):
    org = make_org(session)
    one, other = make_cohort(session, organization=org), make_cohort(session, organization=org)
    assignment = assign(session, cohort=other, due_days=7)
    login(client, make_user(session, role="admin"))
    url = f"{_url(one)}/{assignment.id}/delete"
    assert post_form(client, url).status_code == 404
    assert len(_assignments(session)) == 1


def test_learners_are_refused_and_forms_need_the_token(client, session):
    org = make_org(session)
    cohort = make_cohort(session, organization=org)
    login(client, make_user(session))
    assert client.get(_url(cohort)).status_code == 403
    client.cookies.clear()
    login(client, make_user(session, role="admin"))
    forged = client.post(
        _url(cohort),
        data={"csrf_token": "forged", "scope": "course", "due_kind": "relative", "due_days": "3"},
    )
    assert forged.status_code == 403
    assert _assignments(session) == []


@pytest.mark.parametrize(
    "form",
    [
        {"scope": "modules", "modules": ["x" * 5000], "due_kind": "fixed", "due_on": "9" * 50},
        {"scope": "\x00", "due_kind": "relative", "due_days": "٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣٣"},
        {"scope": "course", "due_kind": "relative", "due_days": "-1"},
        {"scope": "course", "due_kind": "fixed", "due_on": "0001-01-01"},
        {"scope": "course", "due_kind": "weekly", "due_on": "2026-12-01"},
        {"scope": "course", "due_kind": "relative", "due_days": "731"},
        {"scope": "course", "due_kind": "fixed", "due_on": "2026-12-01T10:00:00"},
    ],
)
def test_hostile_forms_get_a_clear_400(client, session, form):
    org = make_org(session)
    cohort = make_cohort(session, organization=org)
    login(client, make_user(session, role="admin"))
    response = post_form(client, _url(cohort), form)
    assert response.status_code == 400, response.text[:300]
    assert soup(response).select_one(".error-summary") is not None
    assert _assignments(session) == []


def test_a_past_or_loosely_written_due_date_is_refused(client, session):
    """A date that has passed would send every learner an overdue notice within minutes;
    20261212 and 2026-W50-5 are ISO forms nobody means on a form."""
    org = make_org(session)
    cohort = make_cohort(session, organization=org, name="Fall readers")
    login(client, make_user(session, role="staff", staff_organization_id=org.id))
    base = _url(cohort)
    for typed, message in (
        ("2020-01-01", "That date has passed"),
        ("20261212", "Enter the due date as a date"),
        ("2026-W50-5", "Enter the due date as a date"),
    ):
        response = post_form(
            client, base, {"scope": "course", "due_kind": "fixed", "due_on": typed}
        )
        assert response.status_code == 400
        assert message in response.text
        assert soup(response).select_one("#due_on")["value"] == typed
