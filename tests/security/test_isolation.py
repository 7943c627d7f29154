"""Other users' data answers 404 (or is simply absent): reflections, journal entries and
downloads, exercise attempts, certificates, the survey, enrollments, htmx fragments and CSV
exports; staff see only their own organization and only what learners shared."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.accounts.models import User
from app.reflections.models import LearnerReflection
from tests.helpers import post_form
from tests.security.conftest import DATA, JOURNEY, SECRET, World, make_world

STAFF_CSVS = [
    "/staff/reflections.csv",
    "/staff/reports/overview.csv",
    "/staff/reports/by-organization.csv",
    "/staff/reports/by-cohort.csv",
    "/staff/reports/feedback-comments.csv",
    "/staff/reports/enrollments.csv",
]


@pytest.fixture
def secret_world(app, client, session: Session):  # type: ignore[no-untyped-def]
    """The world, with learner A's distinctive text in every field."""
    built = make_world(app, session, text=SECRET)
    yield built
    for c in built.clients.values():
        c.__exit__(None, None, None)


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode("utf-8", "replace")


def test_another_learner_gets_404_for_a_learners_things(secret_world: World) -> None:
    """Learner B asks for A's journal entry, sharing switch and certificate PDF by id/code."""
    w = secret_world
    b = w.client_for("learner_b")
    for rid in (w.reflection_id, w.private_reflection_id):
        assert b.get(f"/me/journal/{rid}").status_code == 404
        assert post_form(b, f"/me/journal/{rid}/sharing", {"shared": ""}).status_code == 404
    assert b.get(f"/certificates/{w.certificate_code}/pdf").status_code == 404
    # The owner and an admin can have the PDF; the public page shows the name only.
    assert w.client_for("learner_a").get(f"/certificates/{w.certificate_code}/pdf").is_success
    assert w.client_for("admin").get(f"/certificates/{w.certificate_code}/pdf").is_success
    # A's sharing choice did not change.
    a = w.client_for("learner_a")
    assert "Shared with facilitators" in a.get(f"/me/journal/{w.reflection_id}").text


def test_nothing_of_a_shows_on_b_pages_downloads_or_fragments(secret_world: World) -> None:
    """B's own pages, downloads and htmx fragments never carry A's text."""
    b = secret_world.client_for("learner_b")
    hx = {"HX-Request": "true"}
    responses = [
        b.get("/me"),
        b.get("/me/journal"),
        b.get("/me/journal.md"),
        b.get(f"/courses/{JOURNEY}/modules/practice"),
        b.get(f"/courses/{JOURNEY}/reflections/what-i-notice"),
        b.get(f"/courses/{JOURNEY}/survey"),
        # Discussions: a private reflection never reaches them unless its writer posts it.
        b.get(f"/courses/{JOURNEY}/modules/practice/discussion"),
        b.get(f"/courses/{JOURNEY}/prompts/what-i-notice/discussion"),
        b.get(
            f"/courses/{JOURNEY}/modules/practice/discussion/new?prompt=what-i-notice&copy=reflection"
        ),
        b.get(f"/courses/{JOURNEY}/certificate"),
        b.get(f"/courses/{DATA}/modules/gaps"),
        b.get(f"/courses/{DATA}/explore/absence-explorer", headers=hx),
        b.get(f"/courses/{DATA}/explore/absence-explorer/view.csv"),
        post_form(b, f"/courses/{DATA}/exercises/el-gap/hint", headers=hx),
        post_form(b, f"/courses/{DATA}/exercises/el-gap/attempts", {"answer": "x"}, headers=hx),
        post_form(
            b, f"/courses/{JOURNEY}/reflections/what-i-notice/autosave", {"text": "B"}, headers=hx
        ),
    ]
    for response in responses:
        assert response.status_code < 500, response.url
        assert SECRET not in _text(response), response.url
        assert "Aardvark" not in _text(response), response.url


def test_autosave_by_b_leaves_a_reflection_alone(secret_world: World, session: Session) -> None:
    """Writing to the same prompt writes B's own row only."""
    b = secret_world.client_for("learner_b")
    post_form(b, f"/courses/{JOURNEY}/reflections/what-i-notice/autosave", {"text": "B draft"})
    session.expire_all()
    mine = session.get(LearnerReflection, secret_world.reflection_id)
    assert mine is not None
    assert mine.user_id == secret_world.learner_a.id


def test_staff_of_another_organization_see_nothing_of_a(secret_world: World) -> None:
    """Staff scoped to B's organization: 404 for A's reflection, nothing of A in lists or CSV,
    even when they ask for A's organization in the filters."""
    w = secret_world
    other = w.client_for("staff_b")
    assert other.get(f"/staff/reflections/{w.reflection_id}").status_code == 404
    feedback = post_form(other, f"/staff/reflections/{w.reflection_id}/feedback", {"body": "Hi"})
    assert feedback.status_code == 404
    org = w.learner_a.organization_id
    for base in ["/staff/reflections", "/staff/reports", "/staff/reports/feedback", *STAFF_CSVS]:
        for query in ("", f"?organization={org}", f"?course={JOURNEY}&organization={org}"):
            response = other.get(base + query)
            assert response.status_code in (200, 400), base + query
            assert SECRET not in _text(response), base + query


def test_staff_never_see_a_private_reflection(secret_world: World) -> None:
    """The private one is 404 for A's own staff and for admins; the shared one is readable."""
    w = secret_world
    for who in ("staff_a", "admin"):
        staff = w.client_for(who)
        assert staff.get(f"/staff/reflections/{w.private_reflection_id}").status_code == 404
        assert staff.get(f"/staff/reflections/{w.reflection_id}").status_code == 200
    listed = w.client_for("staff_a").get("/staff/reflections.csv")
    # The shared reflection's text once; the private one (same text) not at all.
    assert _text(listed).count(f"{SECRET} and some more words") == 1


def test_learners_cannot_reach_staff_data(secret_world: World) -> None:
    """Learner B gets 403 on staff pages and CSVs, and never A's text."""
    b = secret_world.client_for("learner_b")
    for url in ["/staff", f"/staff/reflections/{secret_world.reflection_id}", *STAFF_CSVS]:
        response = b.get(url)
        assert response.status_code == 403, url
        assert SECRET not in _text(response)


def test_unenroll_touches_only_the_callers_enrollment(secret_world: World, session) -> None:
    """B leaving the course leaves A enrolled."""
    b = secret_world.client_for("learner_b")
    assert post_form(b, f"/courses/{JOURNEY}/unenroll").status_code == 303
    a = secret_world.client_for("learner_a")
    assert "Leave" in a.get(f"/courses/{JOURNEY}").text
    user = session.exec(select(User).where(User.id == secret_world.learner_a.id)).one()
    assert user.email == "a@example.org"
