"""The admins' list of district inquiries: newest first, escaped, marked answered by a CSRF
POST, and closed to everyone else."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine
from sqlmodel import select

from app.inquiries.models import DistrictInquiry, InquiryStatus
from tests.factories import make_user
from tests.helpers import csrf, login, post_form, soup
from tests.inquiries.support import send, stored

ADMIN_URL = "/admin/inquiries"


def test_an_empty_list_says_so(client, session):
    login(client, make_user(session, role="admin"))
    response = client.get(ADMIN_URL)
    assert response.status_code == 200
    page = soup(response)
    assert page.select("article.inquiry") == []
    assert "No inquiries yet" in page.select_one("main").get_text()


def test_inquiries_are_listed_newest_first_with_their_details(client, session):
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    for n, district in enumerate(["First District", "Second District", "Third District"]):
        with time_machine.travel(start + timedelta(days=n), tick=False):
            assert send(client, district=district, email=f"p{n}@example.org").status_code == 303
    login(client, make_user(session, role="admin"))
    page = soup(client.get(ADMIN_URL))
    titles = [h.get_text() for h in page.select("article.inquiry h2")]
    assert titles == ["Third District", "Second District", "First District"]
    first = page.select_one("article.inquiry")
    text = first.get_text(" ", strip=True)
    assert "Rosa Alvarez, Director of assessment" in text
    assert "10,000–50,000 students" in text
    assert "3 Dec 2026, 09:00" in text
    assert first.select_one("a[href='mailto:p2@example.org']")
    assert "3 not answered yet, of 3 in all" in page.select_one("main").get_text(" ", strip=True)


def test_learner_text_is_escaped_on_the_admin_page(client, session):
    attack = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    assert (
        send(client, message=attack, district="<b>Bold</b> District", name="<i>N</i>").status_code
        == 303
    )
    login(client, make_user(session, role="admin"))
    response = client.get(ADMIN_URL)
    page = soup(response)
    assert page.select("main script, main img, main b, main i") == []
    card = page.select_one("article.inquiry")
    assert card.select_one(".learner-text").get_text() == attack
    assert card.select_one("h2").get_text() == "<b>Bold</b> District"
    assert "&lt;script&gt;" in response.text


def test_an_admin_marks_an_inquiry_answered_once(client, session):
    send(client)
    [inquiry] = stored(session)
    admin = make_user(session, role="admin", display_name="Dana Admin")
    login(client, admin)
    response = post_form(client, f"{ADMIN_URL}/{inquiry.id}/answered")
    assert response.status_code == 303
    assert response.headers["location"] == f"{ADMIN_URL}#inquiry-{inquiry.id}"
    [answered] = stored(session)
    assert answered.status == InquiryStatus.answered
    assert answered.answered_by_id == admin.id
    assert answered.answered_at is not None
    page = soup(client.get(ADMIN_URL))
    card = page.select_one(f"#inquiry-{inquiry.id}")
    assert "Answered by Dana Admin" in card.get_text()
    assert card.select_one("form") is None
    assert "is marked answered" in page.select_one(".flashes").get_text()
    # A second click (another tab) changes nothing.
    other = make_user(session, role="admin")
    login(client, other)
    assert post_form(client, f"{ADMIN_URL}/{inquiry.id}/answered").status_code == 303
    [again] = stored(session)
    assert (again.answered_by_id, again.answered_at) == (admin.id, answered.answered_at)


def test_marking_answered_needs_a_csrf_token_and_a_real_inquiry(client, session):
    send(client)
    [inquiry] = stored(session)
    login(client, make_user(session, role="admin"))
    csrf(client)
    refused = client.post(f"{ADMIN_URL}/{inquiry.id}/answered", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    assert stored(session)[0].status == InquiryStatus.new
    assert post_form(client, f"{ADMIN_URL}/999999/answered").status_code == 404


def test_only_admins_see_or_answer_inquiries(client, session):
    send(client)
    [inquiry] = stored(session)
    anonymous = client.get(ADMIN_URL)
    assert anonymous.status_code == 303
    assert "/login" in anonymous.headers["location"]
    for role in ("learner", "author", "staff"):
        login(client, make_user(session, role=role))
        assert client.get(ADMIN_URL).status_code == 403, role
        assert post_form(client, f"{ADMIN_URL}/{inquiry.id}/answered").status_code == 403, role
        assert "Lakeview" not in client.get(ADMIN_URL).text
    session.commit()
    status = session.exec(select(DistrictInquiry.status)).one()
    assert status == InquiryStatus.new
