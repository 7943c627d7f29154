"""The JSON API keeps the same walls as the pages: a learner's token reads only their own
enrollments, a one-organization staff token only that organization's learners, and no
learner's text appears in any API answer or webhook body."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.api.support import api_get, make_token
from tests.security.conftest import JOURNEY, SECRET, World, make_world


@pytest.fixture
def secret_world(app, client, session: Session):  # type: ignore[no-untyped-def]
    built = make_world(app, session, text=SECRET)
    yield built
    for c in built.clients.values():
        c.__exit__(None, None, None)


def _all_api_answers(client, token: str) -> list[str]:  # type: ignore[no-untyped-def]
    paths = [
        "/me/enrollments",
        "/enrollments",
        "/courses",
        f"/courses/{JOURNEY}",
        *[f"/reports/{n}" for n in ("overview", "by-organization", "by-cohort", "enrollments")],
        *[f"/reports/{n}" for n in ("exercises", "feedback", "feedback-comments", "by-job-role")],
    ]
    return [api_get(client, p, token).text for p in paths]


def test_learner_b_reads_nothing_of_a(secret_world: World, client, session) -> None:
    w = secret_world
    token = make_token(session, w.learner_b, "read:me")
    mine = api_get(client, "/me/enrollments", token).json()["data"]
    assert mine
    assert all(e["certificate_code"] != w.certificate_code for e in mine)
    for text in _all_api_answers(client, token):
        assert SECRET not in text
        assert "Aardvark" not in text


def test_staff_b_reads_only_organization_b(secret_world: World, client, session) -> None:
    w = secret_world
    token = make_token(session, w.staff_b, "read:enrollments", "read:reports")
    rows = api_get(client, "/enrollments", token).json()["data"]
    assert rows
    assert {r["user_id"] for r in rows} == {w.learner_b.id}
    other = api_get(client, "/enrollments", token, organization=w.learner_a.organization_id)
    assert other.status_code == 404
    report = api_get(client, "/reports/overview", token, organization=w.learner_a.organization_id)
    assert report.status_code == 404
    for text in _all_api_answers(client, token):
        assert SECRET not in text
        assert "Aardvark" not in text
    assert w.learner_a.email not in api_get(client, "/reports/enrollments", token).text


def test_staff_a_sees_a_but_learner_text_only_where_the_csv_shows_it(
    secret_world: World, client, session
) -> None:
    """The same figures as the CSV: A's name is in the enrollment export, private text never."""
    w = secret_world
    token = make_token(session, w.staff_a, "read:enrollments")
    rows = api_get(client, "/enrollments", token).json()["data"]
    assert {r["user_id"] for r in rows} == {w.learner_a.id}
    assert all("reflection" not in key for row in rows for key in row)
