"""Regression tests for input that once answered 500: ids past the database's integer range,
Unicode digits, an unreadable staff scope, a non-ASCII enroll confirmation (these tests run
again with ``--postgres``)."""

from __future__ import annotations

import pytest

from app.accounts.models import User
from app.db import MAX_ROW_ID
from tests.helpers import post_form, soup
from tests.security.conftest import World

HUGE_IDS = [str(MAX_ROW_ID + 1), "9223372036854775808", "99999999999999999999999", "-1", "0"]


@pytest.mark.parametrize("raw", HUGE_IDS)
def test_ids_past_the_integer_range_are_not_found(world: World, raw: str) -> None:
    """/me/journal, staff reflections and admin user ids: 404 for any id that cannot exist."""
    learner = world.client_for("learner_a")
    assert learner.get(f"/me/journal/{raw}").status_code == 404
    assert post_form(learner, f"/me/journal/{raw}/sharing", {"shared": "1"}).status_code == 404
    staff = world.client_for("staff_a")
    assert staff.get(f"/staff/reflections/{raw}").status_code == 404
    feedback = post_form(staff, f"/staff/reflections/{raw}/feedback", {"body": "Good"})
    assert feedback.status_code == 404
    admin = world.client_for("admin")
    response = post_form(admin, f"/admin/users/{raw}", {"role": "learner"})
    assert response.status_code == 404
    assert soup(response).select_one("h1").get_text() == "We could not find that page"
    assert learner.get("/me/journal/not-a-number").status_code == 404


def test_unicode_digits_in_page_and_filter_numbers_are_ignored(world: World) -> None:
    """ "²" is a digit to str.isdigit() but not to int(): the page answers, no 500."""
    staff = world.client_for("staff_a")
    assert staff.get("/staff/reflections?page=%C2%B2").status_code == 200
    assert staff.get("/staff/reflections?organization=%C2%B2").status_code == 400
    assert world.client_for("admin").get("/admin/users?page=%C2%B2%C2%B2").status_code == 200


@pytest.mark.parametrize("raw", ["abc", "\u00b2", "99999999999999999999", "-3"])
def test_an_unreadable_staff_scope_is_refused_not_widened(world: World, session, raw) -> None:
    """A scope that is not an organization id must not fall back to "all organizations"."""
    admin = world.client_for("admin")
    target = world.staff_a.id
    response = post_form(
        admin, f"/admin/users/{target}", {"role": "staff", "staff_organization": raw}
    )
    assert response.status_code == 303
    session.expire_all()
    staff = session.get(User, target)
    assert staff is not None
    assert staff.staff_organization_id == world.learner_a.organization_id
    page = soup(admin.get(response.headers["location"]))
    assert "That organization does not exist." in page.select_one(".flashes").get_text()


def test_non_ascii_enroll_confirmation_is_a_question_not_a_crash(world: World) -> None:
    """A tampered ?confirm= (non-ASCII) on the post-login enroll link asks instead."""
    response = world.client_for("learner_b").get("/courses/data-course/enroll?confirm=%C3%A9")
    assert response.status_code in (200, 303)


@pytest.mark.parametrize(
    "path",
    [
        "a%00.png",
        "..%2Fcourse.yaml",
        "..%2F..%2Fcourse.yaml",
        "%2E%2E/%2E%2E/modules/01-welcome.md",
        ".hidden.png",
        "%5C..%5Ccourse.yaml",
        "x/../../course.yaml",
        "%C0%AE%C0%AE/course.yaml",
    ],
)
def test_course_assets_refuse_traversal_and_nul(client, path: str) -> None:  # type: ignore[no-untyped-def]
    """Nothing outside a course's assets/ folder, and no crash on a NUL in the name."""
    response = client.get(f"/courses/journey-course/assets/{path}")
    assert response.status_code == 404
